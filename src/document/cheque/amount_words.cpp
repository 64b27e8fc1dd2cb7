// Cheque amounts in words and digits -> cents.
#include "kyc/amount_words.hpp"

namespace kyc {

std::optional<std::int64_t> parse_amount_words(std::string_view /*words*/) {
  return std::nullopt;
}

std::optional<std::int64_t> parse_courtesy_amount(std::string_view /*digits*/) {
  return std::nullopt;
}

}  // namespace kyc
