// Field comparators of the consistency check: each compares one field between two sources and
// returns a state, a score and a stable reason code (docs/consistency.md).
#pragma once

#include <string>

#include "document/text/dates.hpp"
#include "kyc/consistency.hpp"

namespace kyc::consistency {

struct Outcome {
  MatchState state = MatchState::not_available;
  double score = 0;
  std::string reason;
};

struct NameInput {
  const std::string& surname;
  const std::string& given_names;
  bool truncated = false;  ///< the source truncated the name (MRZ): a prefix is accepted
};

Outcome compare_names(const NameInput& a, const NameInput& b, double threshold);

/// Dates in any common format; `role` decides the century of two-digit years.
Outcome compare_dates(const std::string& a, const std::string& b, text::DateRole role,
                      const text::CivilDate& as_of);

/// `confusable_ok`: a source verified the number with a check digit, so O/0, I/1, B/8, S/5, Z/2
/// differences are OCR errors on the other side. `truncated`: a prefix is accepted.
Outcome compare_document_numbers(const std::string& a, const std::string& b, bool confusable_ok,
                                 bool truncated);

Outcome compare_addresses(const Address& a, const Address& b, double threshold);

Outcome compare_sex(const std::string& a, const std::string& b);

/// ICAO alpha-3 codes and the usual spellings ("D" = "DEU", "US" = "USA").
Outcome compare_countries(const std::string& a, const std::string& b);

}  // namespace kyc::consistency
