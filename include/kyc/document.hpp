// kyc — document fields shared by every document reader and by the consistency check.
//
// Each reader (MRZ, AAMVA barcode, printed-zone OCR, Textract AnalyzeID, the applicant's form,
// a third-party registry) produces the same DocumentFields, so the consistency check compares
// like with like without knowing where a value came from. Plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kyc/export.hpp"

namespace kyc {

/// Where a set of fields was read from. Stable names (see field_source_name).
enum class FieldSource : std::uint8_t { mrz, barcode, viz, applicant, external };
KYC_API const char* field_source_name(FieldSource source) noexcept;

/// A postal address. Empty members are unknown.
struct Address {
  std::string street;  ///< house number, street, unit ("123 MAIN ST APT 4")
  std::string city;
  std::string region;       ///< state / province / county code or name
  std::string postal_code;  ///< as printed ("22201-1234")
  std::string country;      ///< ICAO 9303 alpha-3 where known ("USA"), else as printed

  bool empty() const {
    return street.empty() && city.empty() && region.empty() && postal_code.empty() &&
           country.empty();
  }
};

/// The normalised content of an identity document or an applicant's form. Every member is a
/// string; empty means "not present in this source". Dates are ISO 8601 "YYYY-MM-DD" (readers
/// convert and infer the century); names are upper- or mixed-case as read, never transliterated
/// here (the consistency check does that).
struct DocumentFields {
  std::string document_type;    ///< MRZ/ICAO code ("P", "I", "ID", "V") or "DL" / "ID" (AAMVA)
  std::string issuing_country;  ///< ICAO alpha-3 ("UTO", "D", "USA")
  std::string issuing_region;   ///< sub-national issuer (AAMVA jurisdiction "VA")
  std::string document_number;
  std::string surname;
  std::string given_names;  ///< all given names, space-separated
  std::string nationality;  ///< ICAO alpha-3
  std::string date_of_birth;
  std::string sex;  ///< "M", "F" or "X" (unspecified)
  std::string date_of_issue;
  std::string date_of_expiry;
  std::string personal_number;  ///< optional data / national id number
  Address address;
};

/// One source's reading of a document (or the applicant's form), as the consistency check
/// consumes it. Readers produce richer results (MrzResult, AamvaResult, ...) and convert to this.
struct DocumentRead {
  FieldSource source = FieldSource::mrz;
  DocumentFields fields;
  /// Names of the members of `fields` ("document_number", "date_of_birth", ...) whose value is
  /// protected by a check digit that verified, so OCR-confusable characters may be tolerated
  /// against other sources only for these.
  std::vector<std::string> verified_fields;
  /// Names of fields the source is known to have truncated (MRZ names, AAMVA truncation flags):
  /// a comparison accepts a prefix for these.
  std::vector<std::string> truncated_fields;
};

}  // namespace kyc
