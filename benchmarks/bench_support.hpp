// Benchmark support: where ../shared is (KYC_SHARED, else the checkout's sibling folder) and
// reading a file's bytes. Benchmarks report a missing file with SkipWithError.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace kyc_bench {

inline std::string shared_dir() {
  const char* env = std::getenv("KYC_SHARED");
  return (env != nullptr && *env != '\0') ? env : KYC_DEFAULT_SHARED_DIR;
}

/// The file's bytes; empty when it cannot be read.
inline std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace kyc_bench
