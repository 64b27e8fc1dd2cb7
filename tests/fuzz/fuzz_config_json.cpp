// Engine configuration JSON (Config::from_json). A config that parses must serialise and parse
// back to the same JSON.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.hpp"
#include "kyc/config.hpp"
#include "kyc/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kyc::Config config;
  try {
    config = kyc::Config::from_json(kyc_fuzz::as_text(data, size));
  } catch (const kyc::Error&) {
    return 0;
  }
  const std::string once = config.to_json();
  const std::string twice = kyc::Config::from_json(once).to_json();
  if (once != twice) __builtin_trap();
  return 0;
}
