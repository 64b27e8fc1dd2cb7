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

/// English legal amount in words -> cents. "Two hundred dollars and 00/100", "One thousand two hundred
/// thirty-four and 56/100 dollars", "Fifty Dollars Only", "twelve hundred", "and no/100", "xx/100",
/// hyphens, "&", OCR noise like trailing "***" or dashes/lines ("——"), case-insensitive. nullopt when not an amount.
KYC_API std::optional<std::int64_t> parse_amount_words(std::string_view words);
/// Courtesy (digit) amount -> cents: "200.00", "$1,234.56", "1234", "**1,234.56**", "1 234,56"? (decide and document); nullopt when not an amount.
KYC_API std::optional<std::int64_t> parse_courtesy_amount(std::string_view digits);

}  // namespace kyc
