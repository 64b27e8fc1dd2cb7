// AAMVA DL/ID payload parser (parse_aamva): a bad payload is a result, never an exception.
#include <cstddef>
#include <cstdint>
#include <string>

#include "kyc/aamva.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const kyc::AamvaResult result = kyc::parse_aamva(data, size);
  const std::string json = result.to_json();
  if (json.empty()) __builtin_trap();
  return 0;
}
