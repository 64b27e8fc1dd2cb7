#include "kyc/consistency.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <optional>

#include "document/consistency/compare.hpp"
#include "kyc/error.hpp"

namespace kyc {

const char* match_state_name(MatchState state) noexcept {
  switch (state) {
    case MatchState::match:
      return "match";
    case MatchState::mismatch:
      return "mismatch";
    case MatchState::not_available:
      return "not_available";
  }
  return "unknown";
}

const char* validity_state_name(ValidityState state) noexcept {
  switch (state) {
    case ValidityState::pass:
      return "pass";
    case ValidityState::fail:
      return "fail";
    case ValidityState::not_available:
      return "not_available";
  }
  return "unknown";
}

const char* consistency_verdict_name(ConsistencyVerdict verdict) noexcept {
  switch (verdict) {
    case ConsistencyVerdict::consistent:
      return "consistent";
    case ConsistencyVerdict::inconsistent:
      return "inconsistent";
    case ConsistencyVerdict::unable_to_assess:
      return "unable_to_assess";
  }
  return "unknown";
}

namespace {

using consistency::Outcome;
using text::CivilDate;
using text::DateRole;

bool lists(const std::vector<std::string>& names, const std::string& field) {
  return std::find(names.begin(), names.end(), field) != names.end();
}

bool name_truncated(const DocumentRead& read) {
  return lists(read.truncated_fields, "surname") || lists(read.truncated_fields, "given_names") ||
         lists(read.truncated_fields, "name");
}

// The fields compared between two sources, in report order.
const std::vector<std::string>& compared_fields() {
  static const std::vector<std::string> fields = {
      "name", "date_of_birth", "document_number", "date_of_expiry", "date_of_issue",
      "sex",  "nationality",   "issuing_country", "address"};
  return fields;
}

// Compares one field between two reads. Reads lacking the field on either side give
// not_available (callers decide whether to record it).
Outcome compare_field(const std::string& field, const DocumentRead& a, const DocumentRead& b,
                      const ConsistencyOptions& options, const CivilDate& as_of) {
  const DocumentFields& fa = a.fields;
  const DocumentFields& fb = b.fields;
  if (field == "name") {
    return consistency::compare_names({fa.surname, fa.given_names, name_truncated(a)},
                                      {fb.surname, fb.given_names, name_truncated(b)},
                                      options.name_threshold);
  }
  if (field == "date_of_birth") {
    return consistency::compare_dates(fa.date_of_birth, fb.date_of_birth, DateRole::birth, as_of);
  }
  if (field == "date_of_expiry") {
    return consistency::compare_dates(fa.date_of_expiry, fb.date_of_expiry, DateRole::expiry,
                                      as_of);
  }
  if (field == "date_of_issue") {
    return consistency::compare_dates(fa.date_of_issue, fb.date_of_issue, DateRole::issue, as_of);
  }
  if (field == "document_number") {
    const bool verified = lists(a.verified_fields, field) || lists(b.verified_fields, field);
    const bool truncated = lists(a.truncated_fields, field) || lists(b.truncated_fields, field);
    return consistency::compare_document_numbers(fa.document_number, fb.document_number, verified,
                                                 truncated);
  }
  if (field == "sex") return consistency::compare_sex(fa.sex, fb.sex);
  if (field == "nationality") return consistency::compare_countries(fa.nationality, fb.nationality);
  if (field == "issuing_country") {
    return consistency::compare_countries(fa.issuing_country, fb.issuing_country);
  }
  if (field == "address") {
    return consistency::compare_addresses(fa.address, fb.address, options.address_threshold);
  }
  return {};
}

bool is_missing_reason(const std::string& reason) {
  return reason == "missing_left" || reason == "missing_right";
}

// The preferred reading of a date for validity rules: check-digit-verified MRZ first, then
// barcode, printed zone, MRZ, registry.
struct ChosenDate {
  std::optional<CivilDate> date;
  FieldSource source = FieldSource::mrz;
};

int source_rank(const DocumentRead& read, const std::string& field) {
  switch (read.source) {
    case FieldSource::mrz:
      return lists(read.verified_fields, field) ? 0 : 3;
    case FieldSource::barcode:
      return 1;
    case FieldSource::viz:
      return 2;
    case FieldSource::external:
      return 4;
    case FieldSource::applicant:
      return 5;
  }
  return 6;
}

ChosenDate choose_date(const std::vector<const DocumentRead*>& reads, const std::string& field,
                       const std::function<const std::string&(const DocumentFields&)>& get,
                       DateRole role, const CivilDate& as_of) {
  ChosenDate best;
  int best_rank = 1000;
  for (const DocumentRead* read : reads) {
    const std::string& value = get(read->fields);
    if (value.empty()) continue;
    const text::ParsedDate parsed = text::parse_date(value, role, as_of);
    if (parsed.candidates.size() != 1) continue;  // ambiguous or unreadable: not evidence
    const int rank = source_rank(*read, field);
    if (rank < best_rank) {
      best_rank = rank;
      best.date = parsed.candidates.front().date;
      best.source = read->source;
    }
  }
  return best;
}

std::vector<ValidityCheck> validity_checks(const std::vector<const DocumentRead*>& reads,
                                           const ConsistencyOptions& options,
                                           const CivilDate& as_of) {
  const ChosenDate birth = choose_date(
      reads, "date_of_birth",
      [](const DocumentFields& f) -> const std::string& { return f.date_of_birth; },
      DateRole::birth, as_of);
  const ChosenDate issue = choose_date(
      reads, "date_of_issue",
      [](const DocumentFields& f) -> const std::string& { return f.date_of_issue; },
      DateRole::issue, as_of);
  const ChosenDate expiry = choose_date(
      reads, "date_of_expiry",
      [](const DocumentFields& f) -> const std::string& { return f.date_of_expiry; },
      DateRole::expiry, as_of);

  std::vector<ValidityCheck> checks;
  const auto missing = [](const char* name) {
    return ValidityCheck{name, ValidityState::not_available, "date_missing", {}};
  };

  if (expiry.date) {
    const bool valid = !(*expiry.date < as_of);  // valid through the expiry day
    checks.push_back({"not_expired",
                      valid ? ValidityState::pass : ValidityState::fail,
                      valid ? "valid_on_as_of_date" : "expired",
                      {expiry.source}});
  } else {
    checks.push_back(missing("not_expired"));
  }

  if (issue.date && expiry.date) {
    const bool ok = *issue.date < *expiry.date;
    checks.push_back({"issue_before_expiry",
                      ok ? ValidityState::pass : ValidityState::fail,
                      ok ? "in_order" : "issue_not_before_expiry",
                      {issue.source, expiry.source}});
  } else {
    checks.push_back(missing("issue_before_expiry"));
  }

  if (birth.date && issue.date) {
    const bool ok = *birth.date < *issue.date;
    checks.push_back({"birth_before_issue",
                      ok ? ValidityState::pass : ValidityState::fail,
                      ok ? "in_order" : "birth_not_before_issue",
                      {birth.source, issue.source}});
  } else {
    checks.push_back(missing("birth_before_issue"));
  }

  if (options.minimum_age <= 0) {
    checks.push_back({"minimum_age", ValidityState::not_available, "disabled", {}});
  } else if (birth.date) {
    if (as_of < *birth.date) {
      checks.push_back(
          {"minimum_age", ValidityState::fail, "birth_after_as_of_date", {birth.source}});
    } else {
      const bool ok = text::age_in_years(*birth.date, as_of) >= options.minimum_age;
      checks.push_back({"minimum_age",
                        ok ? ValidityState::pass : ValidityState::fail,
                        ok ? "old_enough" : "under_minimum_age",
                        {birth.source}});
    }
  } else {
    checks.push_back(missing("minimum_age"));
  }
  return checks;
}

bool field_present(const std::string& field, const DocumentFields& f) {
  if (field == "name") return !f.surname.empty() || !f.given_names.empty();
  if (field == "date_of_birth") return !f.date_of_birth.empty();
  if (field == "document_number") return !f.document_number.empty();
  if (field == "date_of_expiry") return !f.date_of_expiry.empty();
  if (field == "date_of_issue") return !f.date_of_issue.empty();
  if (field == "sex") return !f.sex.empty();
  if (field == "nationality") return !f.nationality.empty();
  if (field == "issuing_country") return !f.issuing_country.empty();
  if (field == "address") return !f.address.empty();
  return false;
}

}  // namespace

ConsistencyResult check_consistency(const DocumentRead& applicant,
                                    const std::vector<DocumentRead>& documents,
                                    const ConsistencyOptions& options) {
  if (!(options.name_threshold >= 0 && options.name_threshold <= 1) ||
      !(options.address_threshold >= 0 && options.address_threshold <= 1)) {
    throw Error(ErrorCode::invalid_argument,
                "consistency options: name_threshold and address_threshold must be in 0..1");
  }
  CivilDate as_of = text::today_utc();
  if (!options.as_of.empty()) {
    const auto parsed = text::parse_iso_date(options.as_of);
    if (!parsed) {
      throw Error(ErrorCode::invalid_argument,
                  "consistency options: as_of must be an ISO date YYYY-MM-DD");
    }
    as_of = *parsed;
  }
  for (const std::string& f : options.required_fields) {
    if (!lists(compared_fields(), f)) {
      throw Error(ErrorCode::invalid_argument,
                  "consistency options: unknown required field \"" + f + "\"");
    }
  }

  ConsistencyResult result;
  result.as_of = as_of.iso();
  std::vector<const DocumentRead*> reads;
  for (const DocumentRead& d : documents) {
    if (d.source == FieldSource::applicant) continue;
    reads.push_back(&d);
    result.sources.push_back(d.source);
  }

  // Applicant against each document source.
  for (const std::string& field : compared_fields()) {
    if (!field_present(field, applicant.fields)) continue;
    for (const DocumentRead* read : reads) {
      if (!field_present(field, read->fields)) continue;
      const Outcome o = compare_field(field, applicant, *read, options, as_of);
      if (is_missing_reason(o.reason)) continue;
      result.applicant_comparisons.push_back(
          {field, FieldSource::applicant, read->source, o.state, o.score,
           o.reason == "unparseable_left"    ? "unparseable_applicant"
           : o.reason == "unparseable_right" ? "unparseable_document"
                                             : o.reason});
    }
  }
  for (const std::string& field : compared_fields()) {
    bool any_document = false;
    for (const DocumentRead* read : reads) any_document |= field_present(field, read->fields);
    FieldConsistency summary;
    summary.field = field;
    const FieldComparison* decisive = nullptr;
    const auto rank = [](MatchState s) {
      return s == MatchState::mismatch ? 2 : s == MatchState::match ? 1 : 0;
    };
    for (const FieldComparison& c : result.applicant_comparisons) {
      if (c.field != field) continue;
      if (std::find(summary.sources.begin(), summary.sources.end(), c.right) ==
          summary.sources.end()) {
        summary.sources.push_back(c.right);
      }
      if (decisive == nullptr || rank(c.state) > rank(decisive->state) ||
          (rank(c.state) == rank(decisive->state) && c.score < decisive->score)) {
        decisive = &c;
      }
    }
    if (decisive != nullptr) {
      summary.state = decisive->state;
      summary.score = decisive->score;
      summary.reason = decisive->reason;
    } else {
      const bool applicant_has = field_present(field, applicant.fields);
      if (!applicant_has && !any_document) continue;  // nobody has it: nothing to report
      summary.reason = !applicant_has ? "missing_in_applicant" : "missing_in_documents";
    }
    result.fields.push_back(std::move(summary));
  }

  // Document sources against each other (MRZ vs printed zone, barcode vs front, ...).
  for (std::size_t i = 0; i < reads.size(); ++i) {
    for (std::size_t j = i + 1; j < reads.size(); ++j) {
      for (const std::string& field : compared_fields()) {
        if (!field_present(field, reads[i]->fields) || !field_present(field, reads[j]->fields)) {
          continue;
        }
        const Outcome o = compare_field(field, *reads[i], *reads[j], options, as_of);
        if (is_missing_reason(o.reason)) continue;
        result.cross_source.push_back(
            {field, reads[i]->source, reads[j]->source, o.state, o.score, o.reason});
      }
    }
  }

  result.validity = validity_checks(reads, options, as_of);

  // Verdict: the first rule that fires, in this order.
  const auto decide = [&](ConsistencyVerdict v, const char* rule, const std::string& field) {
    result.verdict = v;
    result.rule = rule;
    result.rule_field = field;
  };
  if (reads.empty()) {
    decide(ConsistencyVerdict::unable_to_assess, "no_document_source", "");
    return result;
  }
  for (const FieldConsistency& f : result.fields) {
    if (f.state == MatchState::mismatch && (f.field != "address" || options.address_decides)) {
      decide(ConsistencyVerdict::inconsistent, "applicant_mismatch", f.field);
      return result;
    }
  }
  for (const FieldComparison& c : result.cross_source) {
    if (c.state == MatchState::mismatch && (c.field != "address" || options.address_decides)) {
      decide(ConsistencyVerdict::inconsistent, "cross_source_mismatch", c.field);
      return result;
    }
  }
  for (const ValidityCheck& v : result.validity) {
    if (v.state == ValidityState::fail) {
      decide(ConsistencyVerdict::inconsistent, "validity_failed", v.check);
      return result;
    }
  }
  for (const std::string& required : options.required_fields) {
    const auto it = std::find_if(result.fields.begin(), result.fields.end(),
                                 [&](const FieldConsistency& f) { return f.field == required; });
    if (it == result.fields.end() || it->state != MatchState::match) {
      decide(ConsistencyVerdict::unable_to_assess, "required_field_not_compared", required);
      return result;
    }
  }
  decide(ConsistencyVerdict::consistent, "all_checks_passed", "");
  return result;
}

ConsistencyResult check_consistency(const ApplicantRecord& applicant,
                                    const std::vector<DocumentRead>& documents,
                                    const ConsistencyOptions& options) {
  return check_consistency(applicant.to_document_read(), documents, options);
}

}  // namespace kyc
