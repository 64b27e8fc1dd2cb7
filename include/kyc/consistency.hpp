// kyc — document consistency: does what the applicant typed agree with what the document says
// (MRZ, barcode, printed zone, a registry), do the document's own sources agree with each other,
// and is the document valid (not expired, dates in order, holder old enough)?
//
// Every field comparison is three-state (match / mismatch / not_available) with a score in 0..1
// and a stable reason code (docs/consistency.md); the overall verdict names the rule that decided
// it. Comparison is tolerant where documents legitimately differ from typed input: case,
// diacritics (ICAO 9303 transliteration, either convention), separators, name order, extra given
// names, initials, MRZ truncation, any common date format, OCR-confusable characters in check-
// digit-verified numbers, and address abbreviations. Pure function; thread-safe. The result holds
// no personal values, only states, scores and codes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kyc/applicant.hpp"
#include "kyc/document.hpp"
#include "kyc/export.hpp"

namespace kyc {

/// Outcome of one field comparison. Stable names: "match", "mismatch", "not_available".
enum class MatchState : std::uint8_t { match, mismatch, not_available };
KYC_API const char* match_state_name(MatchState state) noexcept;

/// Outcome of one validity rule. Stable names: "pass", "fail", "not_available".
enum class ValidityState : std::uint8_t { pass, fail, not_available };
KYC_API const char* validity_state_name(ValidityState state) noexcept;

/// Stable names: "consistent", "inconsistent", "unable_to_assess".
enum class ConsistencyVerdict : std::uint8_t { consistent, inconsistent, unable_to_assess };
KYC_API const char* consistency_verdict_name(ConsistencyVerdict verdict) noexcept;

struct ConsistencyOptions {
  /// The date validity is judged on, ISO "YYYY-MM-DD". Empty: today (UTC). Also decides the
  /// century of two-digit years.
  std::string as_of;
  /// Minimum age of the holder at as_of; 0 disables the check.
  int minimum_age = 18;
  /// A name comparison matches when its score is at least this (exact 1.0, other transliteration
  /// 0.98, order swapped 0.95, MRZ truncation 0.9, given-name subset 0.85, initials 0.8, typo:
  /// 0.95 x edit similarity).
  double name_threshold = 0.8;
  /// An address comparison matches when its score is at least this.
  double address_threshold = 0.8;
  /// Fields that must be compared (applicant vs document) for a verdict other than
  /// unable_to_assess.
  std::vector<std::string> required_fields = {"name", "date_of_birth"};
  /// When false, an address mismatch is reported but does not make the verdict inconsistent
  /// (people move; licences keep the old address).
  bool address_decides = true;
};

/// One field compared between two sources.
struct FieldComparison {
  std::string field;  ///< "name", "date_of_birth", "document_number", "date_of_expiry",
                      ///< "date_of_issue", "sex", "nationality", "issuing_country", "address"
  FieldSource left = FieldSource::applicant;
  FieldSource right = FieldSource::mrz;
  MatchState state = MatchState::not_available;
  double score = 0;    ///< 0..1 (0 when not_available)
  std::string reason;  ///< stable code, e.g. "exact", "given_names_subset", "date_differs"
};

/// Summary of one field: the applicant's value against every document source that has it.
struct FieldConsistency {
  std::string field;
  MatchState state = MatchState::not_available;  ///< mismatch if any source disagrees
  double score = 0;                              ///< lowest score of the comparisons made
  std::string reason;                            ///< reason of the deciding comparison
  std::vector<FieldSource> sources;              ///< document sources compared with
};

/// One document validity rule.
struct ValidityCheck {
  std::string check;  ///< "not_expired", "issue_before_expiry", "birth_before_issue",
                      ///< "minimum_age"
  ValidityState state = ValidityState::not_available;
  std::string reason;  ///< stable code, e.g. "expired", "date_missing", "under_minimum_age"
  std::vector<FieldSource> sources;  ///< where the dates used came from
};

struct KYC_API ConsistencyResult {
  ConsistencyVerdict verdict = ConsistencyVerdict::unable_to_assess;
  std::string rule;        ///< the rule that decided the verdict (see docs/consistency.md)
  std::string rule_field;  ///< the field or check the rule fired on ("" for none)
  std::string as_of;       ///< the date used, ISO
  std::vector<FieldSource> sources;      ///< the document sources given (applicant excluded)
  std::vector<FieldConsistency> fields;  ///< applicant vs documents, per field
  std::vector<FieldComparison> applicant_comparisons;  ///< each applicant-vs-source comparison
  std::vector<FieldComparison> cross_source;           ///< document source vs document source
  std::vector<ValidityCheck> validity;

  bool is_consistent() const { return verdict == ConsistencyVerdict::consistent; }
  /// {"schema": "kyc.consistency", "schema_version": 1, ...}; indent < 0: compact.
  std::string to_json(int indent = -1) const;
};

/// Compares the applicant's fields with every document read, the document reads with each
/// other, and checks the document's validity. `documents` may contain any sources except
/// FieldSource::applicant (those are ignored). Throws kyc::Error(invalid_argument) only for
/// invalid options (as_of not an ISO date, thresholds outside 0..1).
KYC_API ConsistencyResult check_consistency(const DocumentRead& applicant,
                                            const std::vector<DocumentRead>& documents,
                                            const ConsistencyOptions& options = {});
KYC_API ConsistencyResult check_consistency(const ApplicantRecord& applicant,
                                            const std::vector<DocumentRead>& documents,
                                            const ConsistencyOptions& options = {});

}  // namespace kyc
