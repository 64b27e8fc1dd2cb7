// Test support: a clean AWS environment for one test. Every variable the credential chain reads
// is cleared (and restored afterwards); HOME points at an empty temporary directory so that a
// developer's ~/.aws never leaks into a test.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>

namespace kyc_test {

class AwsEnv {
 public:
  AwsEnv() {
    char pattern[] = "/tmp/kyc_aws_test_XXXXXX";
    const char* dir = ::mkdtemp(pattern);
    home_ = dir != nullptr ? dir : "/tmp";
    for (const char* name : kNames) {
      const char* value = std::getenv(name);
      if (value != nullptr) saved_[name] = value;
      ::unsetenv(name);
    }
    set("HOME", home_);
    set("AWS_EC2_METADATA_DISABLED", "true");  // tests opt in to IMDS explicitly
  }
  ~AwsEnv() {
    for (const char* name : kNames) {
      const auto it = saved_.find(name);
      if (it != saved_.end()) {
        ::setenv(name, it->second.c_str(), 1);
      } else {
        ::unsetenv(name);
      }
    }
    std::error_code ec;
    std::filesystem::remove_all(home_, ec);
  }
  AwsEnv(const AwsEnv&) = delete;
  AwsEnv& operator=(const AwsEnv&) = delete;

  void set(const char* name, const std::string& value) { ::setenv(name, value.c_str(), 1); }
  void unset(const char* name) { ::unsetenv(name); }
  const std::string& home() const { return home_; }
  /// Writes `text` to home()/relative and returns the path.
  std::string write(const std::string& relative, const std::string& text) const {
    const std::filesystem::path path = std::filesystem::path(home_) / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }

 private:
  static constexpr const char* kNames[] = {"HOME",
                                           "AWS_ACCESS_KEY_ID",
                                           "AWS_SECRET_ACCESS_KEY",
                                           "AWS_SESSION_TOKEN",
                                           "AWS_PROFILE",
                                           "AWS_SHARED_CREDENTIALS_FILE",
                                           "AWS_CONFIG_FILE",
                                           "AWS_REGION",
                                           "AWS_DEFAULT_REGION",
                                           "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                           "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                           "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                                           "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                                           "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                           "AWS_EC2_METADATA_DISABLED"};
  std::string home_;
  std::map<std::string, std::string> saved_;
};

}  // namespace kyc_test
