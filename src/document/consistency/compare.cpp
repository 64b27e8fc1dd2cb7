#include "document/consistency/compare.hpp"

#include <algorithm>
#include <unordered_map>

#include "document/text/address.hpp"
#include "document/text/names.hpp"

namespace kyc::consistency {
namespace {

using text::NameTokens;

Outcome match(double score, std::string reason) {
  return {MatchState::match, score, std::move(reason)};
}
Outcome mismatch(double score, std::string reason) {
  return {MatchState::mismatch, score, std::move(reason)};
}
Outcome not_available(std::string reason) {
  return {MatchState::not_available, 0, std::move(reason)};
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// --- names -------------------------------------------------------------------------------------

struct PartScore {
  double score = 0;
  std::string reason;
};

// `small` appears in `big` in order (each token equal, or an initial of it when allowed).
bool ordered_subset(const NameTokens& small, const NameTokens& big, bool allow_initials,
                    bool& used_initial) {
  std::size_t j = 0;
  for (const std::string& token : small) {
    bool found = false;
    while (j < big.size() && !found) {
      if (big[j] == token) {
        found = true;
      } else if (allow_initials && token.size() == 1 && big[j].front() == token.front()) {
        found = true;
        used_initial = true;
      }
      ++j;
    }
    if (!found) return false;
  }
  return true;
}

// One name part (surname or given names) in one spelling per side.
PartScore compare_part(const NameTokens& a, const NameTokens& b, bool a_truncated, bool b_truncated,
                       bool given) {
  const std::string ja = text::joined(a), jb = text::joined(b);
  if (ja == jb) return {1.0, "exact"};
  if ((b_truncated && !jb.empty() && starts_with(ja, jb)) ||
      (a_truncated && !ja.empty() && starts_with(jb, ja))) {
    return {0.9, "truncated_prefix"};
  }
  if (given) {
    bool used_initial = false;
    const NameTokens& small = a.size() <= b.size() ? a : b;
    const NameTokens& big = a.size() <= b.size() ? b : a;
    if (ordered_subset(small, big, false, used_initial)) return {0.85, "given_names_subset"};
    if (ordered_subset(small, big, true, used_initial) && used_initial) return {0.8, "initials"};
  }
  return {0.95 * text::edit_similarity(ja, jb), "fuzzy"};
}

struct NameScore {
  double score = 0;
  std::string reason;
};

// The weaker part decides; a missing given name on either side leaves the surname alone.
NameScore combine(const PartScore& surname, const PartScore* given) {
  if (given == nullptr) return {surname.score, surname.reason};
  if (given->score < surname.score) return {given->score, given->reason};
  return {surname.score, surname.reason};
}

bool has_non_ascii(const std::string& s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

NameScore best_for_spelling(const NameTokens& as, const NameTokens& ag, const NameTokens& bs,
                            const NameTokens& bg, bool a_trunc, bool b_trunc) {
  const bool both_given = !ag.empty() && !bg.empty();
  NameScore best;
  // Straight: surname with surname, given with given.
  if (!as.empty() && !bs.empty()) {
    const PartScore s = compare_part(as, bs, a_trunc, b_trunc, false);
    PartScore g;
    if (both_given) g = compare_part(ag, bg, a_trunc, b_trunc, true);
    best = combine(s, both_given ? &g : nullptr);
    if (!both_given && (ag.empty() != bg.empty()) && best.reason == "exact") {
      best = {best.score, "surname_only"};
    }
  }
  // Swapped: surname and given names exchanged (a form filled in the wrong boxes).
  if (!as.empty() && !bg.empty() && !ag.empty() && !bs.empty()) {
    const PartScore s = compare_part(as, bg, a_trunc, b_trunc, false);
    const PartScore g = compare_part(ag, bs, a_trunc, b_trunc, false);
    const NameScore swapped = combine(s, &g);
    if (swapped.score * 0.95 > best.score) best = {swapped.score * 0.95, "order_swapped"};
  }
  // Same tokens in another order or split ("ERIKSSON ANNA MARIA" typed as one name).
  NameTokens all_a(as), all_b(bs);
  all_a.insert(all_a.end(), ag.begin(), ag.end());
  all_b.insert(all_b.end(), bg.begin(), bg.end());
  std::sort(all_a.begin(), all_a.end());
  std::sort(all_b.begin(), all_b.end());
  if (!all_a.empty() && all_a == all_b && best.score < 0.95) best = {0.95, "order_differs"};
  return best;
}

// --- document numbers --------------------------------------------------------------------------

std::string compact_upper(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c >= 'a' && c <= 'z')
      out.push_back(static_cast<char>(c - 'a' + 'A'));
    else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
      out.push_back(c);
  }
  return out;
}

// OCR-B / printed-zone confusions: each pair maps to its digit.
char confusable_class(char c) {
  switch (c) {
    case 'O':
      return '0';
    case 'I':
      return '1';
    case 'B':
      return '8';
    case 'S':
      return '5';
    case 'Z':
      return '2';
    default:
      return c;
  }
}

std::string confusable_form(const std::string& s) {
  std::string out(s);
  for (char& c : out) c = confusable_class(c);
  return out;
}

// --- countries ---------------------------------------------------------------------------------

std::string canonical_country(const std::string& s) {
  std::string up = compact_upper(s);
  static const std::unordered_map<std::string, std::string> aliases = {
      {"D", "DEU"},
      {"DE", "DEU"},
      {"US", "USA"},
      {"UNITEDSTATES", "USA"},
      {"UNITEDSTATESOFAMERICA", "USA"},
      {"GB", "GBR"},
      {"UK", "GBR"},
      {"FR", "FRA"},
      {"CA", "CAN"},
      {"CH", "CHE"},
      {"NL", "NLD"},
      {"SE", "SWE"}};
  const auto it = aliases.find(up);
  return it != aliases.end() ? it->second : up;
}

std::string canonical_sex(const std::string& s) {
  const std::string up = compact_upper(s);
  if (up == "M" || up == "MALE") return "M";
  if (up == "F" || up == "FEMALE") return "F";
  return up.empty() ? "" : "X";
}

// --- addresses ---------------------------------------------------------------------------------

// Dice coefficient over token multisets.
double token_similarity(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() && b.empty()) return 1.0;
  std::vector<std::string> x(a), y(b);
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  std::vector<std::string> common;
  std::set_intersection(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(common));
  return 2.0 * static_cast<double>(common.size()) / static_cast<double>(x.size() + y.size());
}

// Share of `small`'s tokens found in `big`.
double coverage(const std::vector<std::string>& small, const std::vector<std::string>& big) {
  if (small.empty()) return 0;
  std::vector<std::string> x(small), y(big);
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  std::vector<std::string> common;
  std::set_intersection(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(common));
  return static_cast<double>(common.size()) / static_cast<double>(x.size());
}

std::string first_number(const std::vector<std::string>& tokens) {
  for (const std::string& t : tokens) {
    if (!t.empty() && t.front() >= '0' && t.front() <= '9') return t;
  }
  return "";
}

}  // namespace

Outcome compare_names(const NameInput& a, const NameInput& b, double threshold) {
  const std::vector<NameTokens> as = text::name_variants(a.surname);
  const std::vector<NameTokens> ag = text::name_variants(a.given_names);
  const std::vector<NameTokens> bs = text::name_variants(b.surname);
  const std::vector<NameTokens> bg = text::name_variants(b.given_names);
  const bool a_empty = as.front().empty() && ag.front().empty();
  const bool b_empty = bs.front().empty() && bg.front().empty();
  if (a_empty || b_empty) return not_available(a_empty ? "missing_left" : "missing_right");

  // A document uses one transliteration throughout: pair the same variant index for surname
  // and given names on each side (index 0 = ICAO recommended, 1 = simple form).
  NameScore best;
  bool best_is_primary = true;
  const std::size_t na = std::max(as.size(), ag.size()), nb = std::max(bs.size(), bg.size());
  for (std::size_t i = 0; i < na; ++i) {
    for (std::size_t j = 0; j < nb; ++j) {
      const NameScore s = best_for_spelling(
          as[std::min(i, as.size() - 1)], ag[std::min(i, ag.size() - 1)],
          bs[std::min(j, bs.size() - 1)], bg[std::min(j, bg.size() - 1)], a.truncated, b.truncated);
      const bool primary = i == 0 && j == 0;
      const double score = primary ? s.score : s.score * 0.98;  // the other convention
      if (score > best.score) {
        best = {score, s.reason};
        best_is_primary = primary;
      }
    }
  }
  if (best.reason == "exact") {
    const bool transliterated =
        has_non_ascii(a.surname + a.given_names) || has_non_ascii(b.surname + b.given_names);
    if (transliterated)
      best.reason = best_is_primary ? "transliterated" : "transliteration_variant";
  }
  if (best.score >= threshold) return match(best.score, best.reason);
  return mismatch(best.score, "name_differs");
}

Outcome compare_dates(const std::string& a, const std::string& b, text::DateRole role,
                      const text::CivilDate& as_of) {
  if (a.empty() || b.empty()) return not_available(a.empty() ? "missing_left" : "missing_right");
  const text::ParsedDate pa = text::parse_date(a, role, as_of);
  const text::ParsedDate pb = text::parse_date(b, role, as_of);
  if (!pa.ok() || !pb.ok())
    return not_available(!pa.ok() ? "unparseable_left" : "unparseable_right");
  for (const auto& ca : pa.candidates) {
    for (const auto& cb : pb.candidates) {
      if (ca.date == cb.date) {
        if (pa.ambiguous() || pb.ambiguous()) {
          return match(0.95, cb.format == "MM/DD/YYYY" || ca.format == "MM/DD/YYYY"
                                 ? "ambiguous_resolved_month_first"
                                 : "ambiguous_resolved_day_first");
        }
        return match(1.0, ca.format == cb.format ? "exact" : "format_differs");
      }
    }
  }
  // A two-digit year's century was a guess: agree when day, month and year-in-century do.
  if (pa.century_inferred != pb.century_inferred) {
    for (const auto& ca : pa.candidates) {
      for (const auto& cb : pb.candidates) {
        if (ca.date.month == cb.date.month && ca.date.day == cb.date.day &&
            ca.date.year % 100 == cb.date.year % 100) {
          return match(0.9, "century_inferred");
        }
      }
    }
  }
  for (const auto& ca : pa.candidates) {
    for (const auto& cb : pb.candidates) {
      if (ca.date.year == cb.date.year && ca.date.month == cb.date.day &&
          ca.date.day == cb.date.month) {
        return mismatch(0, "day_month_transposed");
      }
    }
  }
  return mismatch(0, "date_differs");
}

Outcome compare_document_numbers(const std::string& a, const std::string& b, bool confusable_ok,
                                 bool truncated) {
  const std::string ca = compact_upper(a), cb = compact_upper(b);
  if (ca.empty() || cb.empty()) return not_available(ca.empty() ? "missing_left" : "missing_right");
  if (ca == cb) return match(1.0, a == b ? "exact" : "normalized_equal");
  if (confusable_ok && confusable_form(ca) == confusable_form(cb)) {
    return match(0.95, "ocr_confusable");
  }
  if (truncated && (starts_with(ca, cb) || starts_with(cb, ca)) &&
      std::min(ca.size(), cb.size()) >= 6) {
    return match(0.9, "truncated_prefix");
  }
  return mismatch(text::edit_similarity(ca, cb), "number_differs");
}

Outcome compare_addresses(const Address& a, const Address& b, double threshold) {
  if (a.empty() || b.empty()) return not_available(a.empty() ? "missing_left" : "missing_right");
  const text::NormalizedAddress na = text::normalize_address(a);
  const text::NormalizedAddress nb = text::normalize_address(b);

  if (!na.postal_code.empty() && !nb.postal_code.empty() && na.postal_code != nb.postal_code) {
    return mismatch(0, "postal_code_differs");
  }
  if (!na.region.empty() && !nb.region.empty() && na.region != nb.region) {
    return mismatch(0, "region_differs");
  }
  const std::string house_a = first_number(na.street), house_b = first_number(nb.street);
  if (!house_a.empty() && !house_b.empty() && house_a != house_b) {
    return mismatch(0, "house_number_differs");
  }

  // One side wrote the whole address on one line: compare token coverage of the whole.
  const bool a_one_line = na.city.empty() && na.postal_code.empty() && !nb.city.empty();
  const bool b_one_line = nb.city.empty() && nb.postal_code.empty() && !na.city.empty();
  double score = 0;
  std::string reason;
  if (a_one_line || b_one_line) {
    const auto ta = na.all_tokens(), tb = nb.all_tokens();
    score = a_one_line ? coverage(ta, tb) : coverage(tb, ta);
    reason = "single_line_address";
  } else {
    double weight = 0, total = 0;
    const auto add = [&](double w, double s) { weight += w, total += w * s; };
    if (!na.street.empty() && !nb.street.empty()) add(0.6, token_similarity(na.street, nb.street));
    if (!na.city.empty() && !nb.city.empty()) {
      add(0.2, text::edit_similarity(text::joined(na.city), text::joined(nb.city)));
    }
    if (!na.region.empty() && !nb.region.empty()) add(0.1, 1.0);
    if (!na.postal_code.empty() && !nb.postal_code.empty()) add(0.1, 1.0);
    if (weight == 0) return not_available("no_common_component");
    score = total / weight;
    const bool zip4_differs = na.zip4.empty() != nb.zip4.empty();
    reason = score >= 0.999 ? (zip4_differs ? "zip4_ignored" : "normalized_equal") : "partial";
  }
  if (score >= threshold) return match(score, reason);
  return mismatch(score, "address_differs");
}

Outcome compare_sex(const std::string& a, const std::string& b) {
  const std::string sa = canonical_sex(a), sb = canonical_sex(b);
  if (sa.empty() || sb.empty()) return not_available(sa.empty() ? "missing_left" : "missing_right");
  if (sa == "X" || sb == "X") return not_available("unspecified");
  return sa == sb ? match(1.0, "exact") : mismatch(0, "sex_differs");
}

Outcome compare_countries(const std::string& a, const std::string& b) {
  const std::string ca = canonical_country(a), cb = canonical_country(b);
  if (ca.empty() || cb.empty()) return not_available(ca.empty() ? "missing_left" : "missing_right");
  return ca == cb ? match(1.0, compact_upper(a) == compact_upper(b) ? "exact" : "normalized_equal")
                  : mismatch(0, "country_differs");
}

}  // namespace kyc::consistency
