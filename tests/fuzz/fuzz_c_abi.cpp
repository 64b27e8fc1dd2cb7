// The C ABI entry points that take buffers: no exception may cross the boundary, a failure is a
// kyc_status with a code in range and a message, and out-parameters are untouched on failure.
// The first byte picks kyc_parse_aamva, kyc_parse_mrz, kyc_check_consistency or
// kyc_engine_create; the rest is the buffer (NUL-terminated copies for the string entry points).
#include <cstddef>
#include <cstdint>
#include <string>

#include "kyc/config.hpp"
#include "kyc/error.hpp"
#include "kyc/kyc.h"

namespace {

// A sentinel that must survive a failed call untouched.
kyc_report* const kUntouchedReport = reinterpret_cast<kyc_report*>(std::uintptr_t{0x5eed});

void check(kyc_status* status, kyc_report* report) {
  if (status == nullptr) {
    if (report == nullptr || report == kUntouchedReport) __builtin_trap();
    const char* json = kyc_report_json(report);
    if (json == nullptr || json[0] != '{') __builtin_trap();
    kyc_report_destroy(report);
    return;
  }
  const kyc_code code = kyc_status_code(status);
  if (code <= KYC_OK || code > KYC_INTERNAL || code == KYC_INTERNAL) __builtin_trap();
  if (kyc_status_message(status)[0] == '\0') __builtin_trap();
  if (report != kUntouchedReport) __builtin_trap();
  kyc_status_destroy(status);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  ++data;
  --size;
  // The string entry points read up to the first NUL, as a C caller's string would end there.
  const std::string text(reinterpret_cast<const char*>(data), size);
  kyc_report* report = kUntouchedReport;
  switch (selector % 4) {
    case 0:
      check(kyc_parse_aamva(data, size, &report), report);
      break;
    case 1:
      check(kyc_parse_mrz(text.c_str(), &report), report);
      break;
    case 2:
      check(kyc_check_consistency(text.c_str(), &report), report);
      break;
    default: {
      // Creating an engine loads the face models (~1 s): only configurations that the C++
      // parser rejects are sent through kyc_engine_create, which must then fail cleanly with
      // KYC_INVALID_CONFIG and leave the out-parameter alone. Accepted ones are covered by
      // fuzz_config_json.
      if (text.c_str()[0] == '\0') return 0;  // NULL / "" mean defaults: an engine is built
      try {
        (void)kyc::Config::from_json(text.c_str());
        return 0;
      } catch (const kyc::Error&) {
      }
      kyc_engine* const untouched = reinterpret_cast<kyc_engine*>(std::uintptr_t{0x5eed});
      kyc_engine* engine = untouched;
      kyc_status* status = kyc_engine_create(text.c_str(), &engine);
      if (status == nullptr || engine != untouched) __builtin_trap();
      if (kyc_status_code(status) != KYC_INVALID_CONFIG) __builtin_trap();
      kyc_status_destroy(status);
      break;
    }
  }
  return 0;
}
