// MRZ text parser (parse_mrz): documented never to throw for bad text; its JSON report must be
// producible for any input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.hpp"
#include "kyc/mrz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const kyc::MrzResult result = kyc::parse_mrz(kyc_fuzz::as_text(data, size));
  const std::string json = result.to_json();
  const kyc::DocumentRead read = result.to_document_read();
  (void)read;
  if (json.empty()) __builtin_trap();
  return 0;
}
