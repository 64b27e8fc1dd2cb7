// Test support: locating ../shared. A missing file fails the test when CI=true and skips it
// (with the reason) otherwise; nothing is skipped silently.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace kyc_test {

inline std::string shared_dir() {
  const char* env = std::getenv("KYC_SHARED");
  return (env != nullptr && *env != '\0') ? env : KYC_DEFAULT_SHARED_DIR;
}

inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

inline bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

inline std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace kyc_test

/// Resolves a path under ../shared/data/faces; fails (CI) or skips the test when it is missing.
#define KYC_FACE(var, relative)                                                 \
  const std::string var = kyc_test::shared_dir() + "/data/faces/" + (relative); \
  if (!kyc_test::exists(var)) {                                                 \
    if (kyc_test::in_ci()) FAIL() << "test data missing in CI: " << var;        \
    GTEST_SKIP() << "test data missing: " << var << " (set KYC_SHARED)";        \
  }

/// Resolves any path under ../shared (e.g. "data/docs/mrz_text_vectors.json"); fails (CI) or
/// skips the test when it is missing.
#define KYC_SHARED_FILE(var, relative)                                   \
  const std::string var = kyc_test::shared_dir() + "/" + (relative);     \
  if (!kyc_test::exists(var)) {                                          \
    if (kyc_test::in_ci()) FAIL() << "test data missing in CI: " << var; \
    GTEST_SKIP() << "test data missing: " << var << " (set KYC_SHARED)"; \
  }
