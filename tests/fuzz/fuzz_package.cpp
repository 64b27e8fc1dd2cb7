// KYC package (ZIP) reader: read_package either returns a package within the limits or throws
// PackageError (a kyc::Error).
#include <cstddef>
#include <cstdint>
#include <string>

#include "kyc/error.hpp"
#include "kyc/package.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kyc::PackageLimits limits;
  // Keep executions fast: PDF417 scanning is the slow step and is not what is fuzzed here.
  limits.max_barcode_scan_pixels = 250'000;
  limits.max_total_bytes = 16u * 1024u * 1024u;
  limits.max_entry_bytes = 8u * 1024u * 1024u;
  try {
    const kyc::Package package = kyc::read_package(data, size, limits);
    std::size_t total = 0;
    for (const auto& entry : package.entries) total += entry.bytes.size();
    if (package.entries.size() > limits.max_entries || total > limits.max_total_bytes) {
      __builtin_trap();
    }
    const std::string json = package.to_json();
    (void)json;
  } catch (const kyc::Error&) {
  }
  return 0;
}
