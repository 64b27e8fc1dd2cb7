// Test support: tests/support/registry_server.py (KYC_REGISTRY_SERVER), a third-party registry
// answering per route (verified, not_verified, flaky, always503, slow, ...), on loopback.
#pragma once

#include "support/python_server.hpp"

namespace kyc_test {

class RegistryServer : public PythonServer {
 public:
  RegistryServer() : PythonServer({KYC_REGISTRY_SERVER}, "registry server") {}
};

}  // namespace kyc_test
