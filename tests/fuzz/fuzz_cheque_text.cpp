// Cheque text: parse_micr_line (first byte picks the symbol convention), the amount parsers, and
// assess_cheque over the parsed fields. Input: CONVENTION-BYTE MICR '\n' LEGAL '\n' COURTESY '\n'
// DATE. The parsers are documented never to throw; assess_cheque throws only kyc::Error for a
// malformed as_of, which is fixed here, so nothing may escape and the report must be JSON.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_common.hpp"
#include "kyc/amount_words.hpp"
#include "kyc/cheque.hpp"

namespace {

std::string_view next_part(std::string_view& rest) {
  const std::size_t end = rest.find('\n');
  const std::string_view part = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  return part;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  kyc::MicrParseOptions options;
  options.symbols = static_cast<kyc::MicrSymbols>(data[0] % 3);
  std::string_view rest = kyc_fuzz::as_text(data + 1, size - 1);
  const std::string_view micr = next_part(rest);
  const std::string_view legal = next_part(rest);
  const std::string_view courtesy = next_part(rest);
  const std::string_view date = next_part(rest);

  kyc::ChequeReadResult result;
  result.micr.fields = kyc::parse_micr_line(micr, options);
  result.micr.found = !micr.empty();
  result.legal_cents = kyc::parse_amount_words(legal);
  result.courtesy_cents = kyc::parse_courtesy_amount(courtesy);
  // Amounts are capped below $1e9: anything else is a parser bug.
  for (const auto& cents : {result.legal_cents, result.courtesy_cents}) {
    if (cents && (*cents < 0 || *cents >= 100'000'000'000)) __builtin_trap();
  }
  result.date_iso = std::string(date);
  result.printed_serial.text = std::string(courtesy);
  result.printed_serial.found = !courtesy.empty();
  kyc::InMemoryPresentmentStore store;
  kyc::ChequeOptions cheque_options;
  cheque_options.as_of = "2026-11-21";
  cheque_options.presentment_store = &store;
  kyc::assess_cheque(result, cheque_options);
  if (result.to_json().empty() || result.micr.fields.to_json().empty()) __builtin_trap();
  return 0;
}
