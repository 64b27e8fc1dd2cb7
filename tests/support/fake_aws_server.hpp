// Test support: tests/support/fake_aws.py (KYC_FAKE_AWS), a fake AWS endpoint that checks SigV4
// signatures and validates requests/answers against the botocore models under ../shared.
#pragma once

#include <string>

#include "support/python_server.hpp"

namespace kyc_test {

class FakeAwsServer : public PythonServer {
 public:
  explicit FakeAwsServer(const std::string& model_dir)
      : PythonServer({KYC_FAKE_AWS, model_dir}, "fake AWS server") {}
};

}  // namespace kyc_test
