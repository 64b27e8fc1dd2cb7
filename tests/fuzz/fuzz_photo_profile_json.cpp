// Photo profile JSON (PhotoProfile::from_json). A profile that parses must round-trip.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.hpp"
#include "kyc/error.hpp"
#include "kyc/photo.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kyc::PhotoProfile profile;
  try {
    profile = kyc::PhotoProfile::from_json(std::string(kyc_fuzz::as_text(data, size)));
  } catch (const kyc::Error&) {
    return 0;
  }
  const std::string once = profile.to_json();
  const std::string twice = kyc::PhotoProfile::from_json(once).to_json();
  if (once != twice) __builtin_trap();
  return 0;
}
