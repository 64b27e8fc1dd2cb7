// Internals of the AAMVA reader shared by its translation units and its unit tests.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "kyc/aamva.hpp"
#include "kyc/export.hpp"

namespace kyc::detail {

/// Bound on the elements kept per subfile (the 2020 standard defines fewer than 60).
constexpr std::size_t kMaxElementsPerSubfile = 256;

// The helpers below are exported (KYC_API) only so that kyc_aamva_tests can test them.
KYC_API std::string trim(std::string_view s);
/// Adds a warning code once (bounded list).
void add_warning(AamvaResult& r, const std::string& code);

/// Date order of an AAMVA date element.
enum class DateOrder { mmddccyy, ccyymmdd };
/// Converts an 8-digit AAMVA date to ISO "YYYY-MM-DD". Tries `preferred` first, then the other
/// order; `used_fallback` tells whether the other order was needed. Empty when neither order
/// gives a real calendar date (years 1850..2199). Characters after the 8 digits are ignored.
KYC_API std::string parse_date(std::string_view value, DateOrder preferred,
                               bool* used_fallback = nullptr);
/// "M" (1, M), "F" (2, F), "X" (9, X, U); empty otherwise.
KYC_API std::string decode_sex(std::string_view value);
/// Height: "068 in", " 65 IN", "175 cm", "5-09", "5'09\"", v01 "509" (feet + inches).
/// Sets exactly one of inches / cm (> 0) and returns true when understood.
KYC_API bool parse_height(std::string_view value, int* inches, int* cm);
/// US ZIP "223261234" -> "22326-1234", "223260000" -> "22326", Canadian "E5K1Y3" -> "E5K 1Y3".
KYC_API std::string normalise_postal_code(std::string_view value);

/// Fills fields and typed members from the parsed DL/ID elements.
void fill_fields_from_elements(AamvaResult& r);
/// Parses magnetic-stripe tracks ('%' track 1, ';' track 2, '#'/'%' track 3).
AamvaResult parse_magstripe(const std::string& s, AamvaResult r);

}  // namespace kyc::detail
