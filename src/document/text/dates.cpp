#include "document/text/dates.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <utility>

namespace kyc::text {
namespace {

bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

int to_int(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

// The month named by an English word or its abbreviation ("AUG", "August", "Sept"); 0 if none.
int month_from_name(std::string_view word) {
  static constexpr std::array<const char*, 12> kNames = {
      "JANUARY", "FEBRUARY", "MARCH",     "APRIL",   "MAY",      "JUNE",
      "JULY",    "AUGUST",   "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"};
  if (word.size() < 3) return 0;
  std::string up;
  for (char c : word) up.push_back(upper(c));
  for (std::size_t m = 0; m < kNames.size(); ++m) {
    const std::string_view name(kNames[m]);
    if (up.size() <= name.size() && name.compare(0, up.size(), up) == 0) {
      return static_cast<int>(m) + 1;
    }
  }
  if (up == "SEPT") return 9;
  // ICAO documents print months bilingually ("AUG/AOUT"): the French abbreviations too.
  static constexpr std::array<std::pair<const char*, int>, 10> kFrench = {{{"JANV", 1},
                                                                           {"FEVR", 2},
                                                                           {"FEV", 2},
                                                                           {"AVR", 4},
                                                                           {"MAI", 5},
                                                                           {"JUIN", 6},
                                                                           {"JUIL", 7},
                                                                           {"AOUT", 8},
                                                                           {"AOU", 8},
                                                                           {"DEC", 12}}};
  for (const auto& [name, month] : kFrench) {
    if (up == name) return month;
  }
  return 0;
}

int infer_century(int yy, DateRole role, const CivilDate& reference) {
  const int ref_year = reference.year > 0 ? reference.year : 2000;
  if (role == DateRole::expiry) return 2000 + yy;
  // Birth, issue and other dates lie in the past: the latest century not after the reference.
  const int candidate = (ref_year / 100) * 100 + yy;
  return candidate > ref_year ? candidate - 100 : candidate;
}

struct Token {
  std::string text;
  bool numeric = false;
};

// Splits on anything that is not a letter or digit, and at letter/digit boundaries, so
// "12AUG1974", "12-Aug-1974" and "Aug 12th, 1974" tokenise alike. Ordinal suffixes are dropped.
std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (is_digit(c) || is_alpha(c)) {
      const bool numeric = is_digit(c);
      std::size_t j = i;
      while (j < text.size() && (numeric ? is_digit(text[j]) : is_alpha(text[j]))) ++j;
      std::string word(text.substr(i, j - i));
      const bool ordinal = !numeric && !tokens.empty() && tokens.back().numeric &&
                           (word == "st" || word == "nd" || word == "rd" || word == "th" ||
                            word == "ST" || word == "ND" || word == "RD" || word == "TH");
      if (!ordinal) tokens.push_back({std::move(word), numeric});
      i = j;
    } else {
      ++i;
    }
  }
  return tokens;
}

void add(ParsedDate& out, int y, int m, int d, const char* format) {
  if (!is_valid_date(y, m, d)) return;
  const CivilDate date{y, m, d};
  for (const DateCandidate& c : out.candidates) {
    if (c.date == date) return;
  }
  out.candidates.push_back({date, format});
}

}  // namespace

std::int64_t CivilDate::days() const {
  // Howard Hinnant's days_from_civil.
  const int y = month <= 2 ? year - 1 : year;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int mp = (month + 9) % 12;
  const int doy = (153 * mp + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

std::string CivilDate::iso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

bool is_valid_date(int year, int month, int day) {
  return year >= 1000 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= days_in_month(year, month);
}

std::optional<CivilDate> parse_iso_date(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!is_digit(t[i])) return std::nullopt;
  }
  const CivilDate d{to_int(t.substr(0, 4)), to_int(t.substr(5, 2)), to_int(t.substr(8, 2))};
  if (!is_valid_date(d.year, d.month, d.day)) return std::nullopt;
  return d;
}

namespace {

ParsedDate parse_any(std::string_view text, DateRole role, const CivilDate& reference) {
  ParsedDate out;
  // ISO date-times ("1974-08-12T00:00:00", Textract's normalised value): the date part decides.
  if (text.size() > 10 && text[10] == 'T' && parse_iso_date(text.substr(0, 10))) {
    text = text.substr(0, 10);
  }
  if (text.size() > 64) return out;  // no date format is that long
  const std::vector<Token> tokens = tokenize(text);
  if (tokens.empty() || tokens.size() > 4) return out;

  const auto year_of = [&](const std::string& digits) {
    if (digits.size() == 4) return to_int(digits);
    out.century_inferred = true;
    return infer_century(to_int(digits), role, reference);
  };

  if (tokens.size() == 1 && tokens[0].numeric) {
    const std::string& s = tokens[0].text;
    if (s.size() == 8) {
      add(out, to_int(s.substr(0, 4)), to_int(s.substr(4, 2)), to_int(s.substr(6, 2)), "YYYYMMDD");
      if (out.ok()) return out;
      const int a = to_int(s.substr(0, 2)), b = to_int(s.substr(2, 2));
      const int y = to_int(s.substr(4, 4));
      add(out, y, b, a, "DDMMYYYY");
      add(out, y, a, b, "MMDDYYYY");
    } else if (s.size() == 6) {
      const int y = year_of(s.substr(0, 2));
      add(out, y, to_int(s.substr(2, 2)), to_int(s.substr(4, 2)), "YYMMDD");
    }
    return out;
  }

  std::vector<const Token*> numbers;
  int month_name = 0;
  for (const Token& t : tokens) {
    if (t.numeric) {
      if (t.text.size() > 4) return out;
      numbers.push_back(&t);
    } else {
      const int m = month_from_name(t.text);
      if (m == 0) return out;               // a word that is not a month: not a date
      if (month_name == 0) month_name = m;  // bilingual "AUG/AOUT": the first one counts
    }
  }

  if (month_name != 0) {
    if (numbers.size() != 2) return out;
    const std::string& first = numbers[0]->text;
    const std::string& second = numbers[1]->text;
    if (first.size() == 4) {  // "1974 Aug 12"
      add(out, to_int(first), month_name, to_int(second), "YYYY MON D");
    } else if (second.size() == 4 || second.size() == 2) {  // "12 Aug 1974", "Aug 12, 1974"
      const bool month_first = !tokens.front().numeric;
      add(out, year_of(second), month_name, to_int(first),
          month_first ? "MON D YYYY" : "D MON YYYY");
    }
    return out;
  }

  if (numbers.size() != 3) return out;
  const std::string& a = numbers[0]->text;
  const std::string& b = numbers[1]->text;
  const std::string& c = numbers[2]->text;
  if (a.size() == 4) {
    add(out, to_int(a), to_int(b), to_int(c), "YYYY-MM-DD");
    return out;
  }
  if (a.size() > 2 || b.size() > 2 || (c.size() != 4 && c.size() != 2)) return out;
  const int y = year_of(c);
  const int first = to_int(a), second = to_int(b);
  add(out, y, second, first, "DD/MM/YYYY");
  add(out, y, first, second, "MM/DD/YYYY");
  return out;
}

}  // namespace

ParsedDate parse_date(std::string_view text, DateRole role, const CivilDate& reference) {
  ParsedDate out = parse_any(text, role, reference);
  // A guessed century must not put a birth or issue date after the reference date
  // ("240812" on 2024-06-01 is 1924-08-12, not a birth in the future).
  if (out.century_inferred && role != DateRole::expiry && reference.year != 0) {
    for (DateCandidate& c : out.candidates) {
      if (reference < c.date && is_valid_date(c.date.year - 100, c.date.month, c.date.day)) {
        c.date.year -= 100;
      }
    }
  }
  return out;
}

int age_in_years(const CivilDate& birth, const CivilDate& on) {
  int age = on.year - birth.year;
  if (on.month < birth.month || (on.month == birth.month && on.day < birth.day)) --age;
  return age;
}

CivilDate today_utc() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

}  // namespace kyc::text
