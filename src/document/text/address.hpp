// Address normalisation for comparison: upper-case ASCII tokens, USPS-style abbreviations
// (Street→ST, Avenue→AVE, Apartment/Unit/#→UNIT, North→N, ...), US state names → codes, and
// ZIP+4 split so "22201-1234" and "22201" agree.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kyc/document.hpp"

namespace kyc::text {

struct NormalizedAddress {
  std::vector<std::string> street;  ///< tokens with canonical abbreviations
  std::vector<std::string> city;
  std::string region;       ///< two-letter US state code when recognised, else upper-case text
  std::string postal_code;  ///< US: the 5-digit ZIP; elsewhere the code without spaces
  std::string zip4;         ///< the ZIP+4 extension, when given
  std::string country;      ///< "USA" for the usual spellings, else upper-case text

  /// Every token of every component, in order (street, city, region, postal code, country):
  /// used when one source has the whole address in one line.
  std::vector<std::string> all_tokens() const;
  bool empty() const {
    return street.empty() && city.empty() && region.empty() && postal_code.empty() &&
           country.empty();
  }
};

/// Tokens of free address text with canonical abbreviations (used for street and city lines).
std::vector<std::string> address_tokens(std::string_view text);

NormalizedAddress normalize_address(const Address& address);

/// The canonical two-letter code of a US state or territory name or code, or "" if unknown.
std::string us_state_code(std::string_view name_or_code);

}  // namespace kyc::text
