// Date parsing for comparison: ISO 8601, numeric day/month orders, month names, compact
// YYYYMMDD and the MRZ's YYMMDD. A numeric date whose day and month are both <= 12 yields two
// candidates; the caller resolves the ambiguity against another source and reports it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kyc::text {

struct CivilDate {
  int year = 0;
  int month = 0;
  int day = 0;

  bool operator==(const CivilDate& o) const {
    return year == o.year && month == o.month && day == o.day;
  }
  bool operator!=(const CivilDate& o) const { return !(*this == o); }
  bool operator<(const CivilDate& o) const { return days() < o.days(); }
  /// Days since 1970-01-01 (proleptic Gregorian).
  std::int64_t days() const;
  /// "YYYY-MM-DD".
  std::string iso() const;
};

bool is_valid_date(int year, int month, int day);

/// What a date is, which decides the century of a two-digit year: a birth date or an issue date
/// is never in the future (relative to the reference date); an expiry date is 20YY.
enum class DateRole : std::uint8_t { birth, issue, expiry, other };

/// One reading of a date string.
struct DateCandidate {
  CivilDate date;
  std::string format;  ///< "YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY", "D MON YYYY", "YYMMDD", ...
};

struct ParsedDate {
  std::vector<DateCandidate> candidates;  ///< empty: not a date; 2: day/month order ambiguous
  bool century_inferred = false;          ///< the text had a two-digit year

  bool ok() const { return !candidates.empty(); }
  bool ambiguous() const { return candidates.size() > 1; }
};

/// Parses a date written in any common format. `reference` (usually the as-of date) decides the
/// century of two-digit years together with `role`.
ParsedDate parse_date(std::string_view text, DateRole role, const CivilDate& reference);

/// Parses strict ISO "YYYY-MM-DD" only.
std::optional<CivilDate> parse_iso_date(std::string_view text);

/// Today's date in UTC.
CivilDate today_utc();

/// Whole years from `birth` to `on` (the birthday counts on the day; 29 Feb birthdays count
/// on 1 Mar in common years).
int age_in_years(const CivilDate& birth, const CivilDate& on);

}  // namespace kyc::text
