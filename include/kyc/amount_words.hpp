// kyc — cheque amounts: the legal amount written in English words and the courtesy amount in
// digits, both converted to integer cents so that the two can be compared exactly.
//
// Thread-safety: both functions are pure and re-entrant.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "kyc/export.hpp"

namespace kyc {

/// English legal amount in words -> cents: "Two hundred dollars and 00/100", "One thousand two
/// hundred thirty-four and 56/100 dollars", "Fifty Dollars Only", "twelve hundred", "and no/100",
/// "xx/100", hyphens, "&", OCR noise (trailing "***", dashes, rules); case-insensitive.
/// nullopt when the text is not an amount, ends in "and" without cents, or is $1e9 or more.
KYC_API std::optional<std::int64_t> parse_amount_words(std::string_view words);

/// Courtesy (digit) amount -> cents: "200.00", "$1,234.56", "1234", "**1,234.56**". The last '.'
/// or ',' followed by one or two digits is the decimal point; any other separator ('.', ',', ' ')
/// must group thousands in threes, so "1 234,56", "1.234,56" and "1,234.56" are all 123456 and
/// "1,234" is 123400. nullopt when not an amount or $1e9 or more.
KYC_API std::optional<std::int64_t> parse_courtesy_amount(std::string_view digits);

}  // namespace kyc
