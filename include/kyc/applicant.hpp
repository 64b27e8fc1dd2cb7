// kyc — the applicant's form: what the person typed (name, address, date of birth, licence
// number, ...), loaded from CSV (RFC 4180) or JSON into DocumentFields so the consistency check
// compares it like any other source.
//
// Column names are matched loosely (case, spaces, punctuation and common synonyms: first_name /
// given_name / forename, last_name / surname / family_name, dob / date_of_birth / birth_date,
// licence / license_number / document_number / passport_number, zip / postcode, ...; see
// docs/consistency.md). Malformed input (unterminated quote, ragged row, invalid UTF-8, a field
// count / row count / size above the limits) throws kyc::Error whose message names the line and
// column; limits are checked before anything is allocated for the offending part. Pure functions;
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kyc/document.hpp"
#include "kyc/export.hpp"

namespace kyc {

/// Bounds on applicant input. Exceeding one throws kyc::Error(limit_exceeded) naming the line and
/// column where the limit was crossed.
struct ApplicantLimits {
  std::size_t max_bytes = 1 << 20;          ///< whole input
  std::size_t max_fields_per_row = 256;     ///< columns
  std::size_t max_rows = 100000;            ///< data rows (manifests); a form has exactly one
  std::size_t max_field_bytes = 64 * 1024;  ///< one value
  std::size_t max_json_depth = 16;
};

/// One applicant as typed. Dates are converted to ISO "YYYY-MM-DD" when the text is an
/// unambiguous date; an ambiguous numeric date ("03/04/1980") or unparseable text is kept as
/// typed so the consistency check can resolve it against the document and report that it did.
struct KYC_API ApplicantRecord {
  DocumentFields fields;
  std::string email;
  std::string phone;
  /// The "name" column as typed, when the form gave one full name instead of surname and given
  /// names; `fields` then holds a split ("LAST, FIRST" or last word = surname) that the
  /// consistency check does not trust for order.
  std::string full_name;
  /// Columns kyc does not interpret, in file order (header as written, value).
  std::vector<std::pair<std::string, std::string>> extra;
  /// 1-based line where this record starts in its file (CSV), or 0 (JSON).
  std::size_t line = 0;

  /// This record as a consistency-check source (FieldSource::applicant, nothing verified).
  DocumentRead to_document_read() const;
};

/// Loads a one-applicant form: a header row and exactly one data row. Accepts a UTF-8 BOM, CRLF
/// or LF line ends, quoted fields with commas, doubled quotes and line breaks; blank lines are
/// ignored.
KYC_API ApplicantRecord load_applicant_csv(std::string_view text,
                                           const ApplicantLimits& limits = {});
KYC_API ApplicantRecord load_applicant_csv(const std::vector<std::uint8_t>& bytes,
                                           const ApplicantLimits& limits = {});

/// Loads a manifest: a header row and one applicant per data row (at least one).
KYC_API std::vector<ApplicantRecord> load_applicants_csv(std::string_view text,
                                                         const ApplicantLimits& limits = {});

/// Loads one applicant from a JSON object with the same (loosely matched) keys as the CSV
/// header, or {"applicant": {...}}; "address" may be a string or an object with street, city,
/// state, zip, country. Values must be strings or numbers.
KYC_API ApplicantRecord load_applicant_json(std::string_view text,
                                            const ApplicantLimits& limits = {});

}  // namespace kyc
