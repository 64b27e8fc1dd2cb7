// MRZ text parsing: layouts, check digits, OCR repair, field normalisation (ICAO 9303 part 3-7).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "document/mrz/parse_internal.hpp"
#include "kyc/mrz.hpp"

namespace kyc {

const char* mrz_format_name(MrzFormat format) noexcept {
  switch (format) {
    case MrzFormat::unknown:
      return "unknown";
    case MrzFormat::td1:
      return "TD1";
    case MrzFormat::td2:
      return "TD2";
    case MrzFormat::td3:
      return "TD3";
    case MrzFormat::mrv_a:
      return "MRVA";
    case MrzFormat::mrv_b:
      return "MRVB";
    case MrzFormat::french_id:
      return "FRENCH_ID";
    case MrzFormat::french_driving_licence:
      return "FRENCH_DL";
    case MrzFormat::swiss_driving_licence:
      return "SWISS_DL";
    case MrzFormat::slovak_id_2x34:
      return "SLOVAK_ID_2X34";
  }
  return "unknown";
}

const char* mrz_status_name(MrzStatus status) noexcept {
  switch (status) {
    case MrzStatus::valid:
      return "valid";
    case MrzStatus::invalid:
      return "invalid";
    case MrzStatus::unrecognized:
      return "unrecognized";
    case MrzStatus::not_found:
      return "not_found";
  }
  return "unknown";
}

int mrz_check_digit(std::string_view text) noexcept {
  static constexpr int kWeights[3] = {7, 3, 1};
  int sum = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    int value = 0;
    if (c >= '0' && c <= '9') {
      value = c - '0';
    } else if (c >= 'A' && c <= 'Z') {
      value = c - 'A' + 10;
    } else if (c != '<') {
      return -1;
    }
    sum += value * kWeights[i % 3];
  }
  return sum % 10;
}

namespace {

struct Ymd {
  int year = 0, month = 0, day = 0;
};

bool parse_iso(const std::string& s, Ymd& out) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  out.year = std::stoi(s.substr(0, 4));
  out.month = std::stoi(s.substr(5, 2));
  out.day = std::stoi(s.substr(8, 2));
  return true;
}

Ymd reference_or_today(const std::string& reference) {
  Ymd ref;
  if (parse_iso(reference, ref)) return ref;
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return {utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday};
}

bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

bool later(const Ymd& a, const Ymd& b) {
  if (a.year != b.year) return a.year > b.year;
  if (a.month != b.month) return a.month > b.month;
  return a.day > b.day;
}

}  // namespace

std::string mrz_date_to_iso(std::string_view yymmdd, bool birth, const std::string& reference_date,
                            int years_ahead) {
  if (yymmdd.size() != 6) return {};
  for (char c : yymmdd) {
    if (c < '0' || c > '9') return {};
  }
  const int yy = (yymmdd[0] - '0') * 10 + (yymmdd[1] - '0');
  const int month = (yymmdd[2] - '0') * 10 + (yymmdd[3] - '0');
  const int day = (yymmdd[4] - '0') * 10 + (yymmdd[5] - '0');
  if (month < 1 || month > 12 || day < 1) return {};
  const Ymd ref = reference_or_today(reference_date);
  const int ref_century = ref.year / 100 * 100;
  Ymd date{ref_century + yy, month, 1};
  if (birth) {
    // A birth date is in the past: the latest century that does not put it after today.
    if (later(Ymd{date.year, month, std::min(day, 28)}, ref)) date.year -= 100;
  } else if (date.year > ref.year + years_ahead) {
    // An expiry lies at most `years_ahead` years ahead; beyond that it is last century's.
    date.year -= 100;
  } else if (date.year + 100 <= ref.year + years_ahead) {
    date.year += 100;
  }
  if (day > days_in_month(date.year, month)) return {};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, month, day);
  return buffer;
}

namespace detail {
namespace {

// ---- layouts -------------------------------------------------------------------------------

struct Span {
  int line = 0;
  int start = 0;
  int length = 0;
};

enum class Kind {
  alpha,    // A-Z and '<' (document codes, country codes)
  name,     // A-Z and '<'
  numeric,  // 0-9 (dates, numeric national fields)
  alnum,    // A-Z 0-9 '<' (document numbers, optional data)
  sex,      // M F X '<'
  check,    // 0-9 or '<'
  filler,   // '<' only
};

struct FieldSpec {
  std::string name;
  Span span;
  Kind kind;
};

struct CheckSpec {
  std::string field;
  std::vector<Span> over;
  Span digit;
  std::vector<Span> alternative_over;  // accepted too (TD1 long number with/without its '<')
};

struct Layout {
  MrzFormat format = MrzFormat::unknown;
  std::vector<FieldSpec> fields;
  std::vector<CheckSpec> checks;
};

Layout make_layout(MrzFormat format) {
  Layout l;
  l.format = format;
  auto f = [&](const char* name, int line, int start, int length, Kind kind) {
    l.fields.push_back({name, {line, start, length}, kind});
  };
  auto c = [&](const char* field, std::vector<Span> over, Span digit) {
    l.checks.push_back({field, std::move(over), digit, {}});
  };
  switch (format) {
    case MrzFormat::td3:
    case MrzFormat::mrv_a: {
      const bool visa = format == MrzFormat::mrv_a;
      f("document_type", 0, 0, 2, Kind::alpha);
      f("issuing_country", 0, 2, 3, Kind::alpha);
      f("names", 0, 5, 39, Kind::name);
      f("document_number", 1, 0, 9, Kind::alnum);
      f("document_number_check", 1, 9, 1, Kind::check);
      f("nationality", 1, 10, 3, Kind::alpha);
      f("date_of_birth", 1, 13, 6, Kind::numeric);
      f("date_of_birth_check", 1, 19, 1, Kind::check);
      f("sex", 1, 20, 1, Kind::sex);
      f("date_of_expiry", 1, 21, 6, Kind::numeric);
      f("date_of_expiry_check", 1, 27, 1, Kind::check);
      c("document_number", {{1, 0, 9}}, {1, 9, 1});
      c("date_of_birth", {{1, 13, 6}}, {1, 19, 1});
      c("date_of_expiry", {{1, 21, 6}}, {1, 27, 1});
      if (visa) {
        f("optional_data", 1, 28, 16, Kind::alnum);
      } else {
        f("optional_data", 1, 28, 14, Kind::alnum);
        f("optional_data_check", 1, 42, 1, Kind::check);
        f("composite_check", 1, 43, 1, Kind::check);
        c("optional_data", {{1, 28, 14}}, {1, 42, 1});
        c("composite", {{1, 0, 10}, {1, 13, 7}, {1, 21, 22}}, {1, 43, 1});
      }
      break;
    }
    case MrzFormat::td2:
    case MrzFormat::mrv_b:
    case MrzFormat::slovak_id_2x34: {
      const int width = format == MrzFormat::slovak_id_2x34 ? 34 : 36;
      f("document_type", 0, 0, 2, Kind::alpha);
      f("issuing_country", 0, 2, 3, Kind::alpha);
      f("names", 0, 5, width - 5, Kind::name);
      f("document_number", 1, 0, 9, Kind::alnum);
      f("document_number_check", 1, 9, 1, Kind::check);
      f("nationality", 1, 10, 3, Kind::alpha);
      f("date_of_birth", 1, 13, 6, Kind::numeric);
      f("date_of_birth_check", 1, 19, 1, Kind::check);
      f("sex", 1, 20, 1, Kind::sex);
      f("date_of_expiry", 1, 21, 6, Kind::numeric);
      f("date_of_expiry_check", 1, 27, 1, Kind::check);
      c("document_number", {{1, 0, 9}}, {1, 9, 1});
      c("date_of_birth", {{1, 13, 6}}, {1, 19, 1});
      c("date_of_expiry", {{1, 21, 6}}, {1, 27, 1});
      if (format == MrzFormat::td2) {
        f("optional_data", 1, 28, 7, Kind::alnum);
        f("composite_check", 1, 35, 1, Kind::check);
        c("composite", {{1, 0, 10}, {1, 13, 7}, {1, 21, 14}}, {1, 35, 1});
      } else {
        f("optional_data", 1, 28, width - 28, Kind::alnum);
      }
      break;
    }
    case MrzFormat::td1:
      f("document_type", 0, 0, 2, Kind::alpha);
      f("issuing_country", 0, 2, 3, Kind::alpha);
      f("document_number", 0, 5, 9, Kind::alnum);
      f("document_number_check", 0, 14, 1, Kind::check);
      f("optional_data", 0, 15, 15, Kind::alnum);
      f("date_of_birth", 1, 0, 6, Kind::numeric);
      f("date_of_birth_check", 1, 6, 1, Kind::check);
      f("sex", 1, 7, 1, Kind::sex);
      f("date_of_expiry", 1, 8, 6, Kind::numeric);
      f("date_of_expiry_check", 1, 14, 1, Kind::check);
      f("nationality", 1, 15, 3, Kind::alpha);
      f("optional_data_2", 1, 18, 11, Kind::alnum);
      f("composite_check", 1, 29, 1, Kind::check);
      f("names", 2, 0, 30, Kind::name);
      c("document_number", {{0, 5, 9}}, {0, 14, 1});
      c("date_of_birth", {{1, 0, 6}}, {1, 6, 1});
      c("date_of_expiry", {{1, 8, 6}}, {1, 14, 1});
      c("composite", {{0, 5, 25}, {1, 0, 7}, {1, 8, 7}, {1, 18, 11}}, {1, 29, 1});
      break;
    case MrzFormat::french_id:
      f("document_type", 0, 0, 2, Kind::alpha);
      f("issuing_country", 0, 2, 3, Kind::alpha);
      f("surname", 0, 5, 25, Kind::name);
      f("administrative_code", 0, 30, 6, Kind::alnum);
      f("issue_date", 1, 0, 4, Kind::numeric);
      f("administrative_code_2", 1, 4, 3, Kind::alnum);
      f("document_number", 1, 0, 12, Kind::alnum);
      f("document_number_check", 1, 12, 1, Kind::check);
      f("given_names", 1, 13, 14, Kind::name);
      f("date_of_birth", 1, 27, 6, Kind::numeric);
      f("date_of_birth_check", 1, 33, 1, Kind::check);
      f("sex", 1, 34, 1, Kind::sex);
      f("composite_check", 1, 35, 1, Kind::check);
      c("document_number", {{1, 0, 12}}, {1, 12, 1});
      c("date_of_birth", {{1, 27, 6}}, {1, 33, 1});
      c("composite", {{0, 0, 36}, {1, 0, 35}}, {1, 35, 1});
      break;
    case MrzFormat::french_driving_licence:
      f("document_type", 0, 0, 2, Kind::alnum);
      f("issuing_country", 0, 2, 3, Kind::alpha);
      f("document_number", 0, 5, 9, Kind::alnum);
      f("document_number_check", 0, 14, 1, Kind::check);
      f("date_of_expiry", 0, 15, 6, Kind::numeric);
      f("surname", 0, 21, 8, Kind::name);
      f("composite_check", 0, 29, 1, Kind::check);
      // The licence's number check digit covers the whole line start (type and country too).
      c("document_number", {{0, 0, 14}}, {0, 14, 1});
      c("composite", {{0, 0, 29}}, {0, 29, 1});
      break;
    case MrzFormat::swiss_driving_licence:
      f("document_number", 0, 0, 9, Kind::alnum);
      f("document_type", 1, 0, 2, Kind::alpha);
      f("issuing_country", 1, 2, 3, Kind::alpha);
      f("pin_code", 1, 5, 9, Kind::numeric);
      f("version_number", 1, 14, 3, Kind::numeric);
      f("filler", 1, 17, 2, Kind::filler);
      f("date_of_birth", 1, 19, 6, Kind::numeric);
      f("filler_2", 1, 25, 5, Kind::filler);
      f("names", 2, 0, 30, Kind::name);
      break;
    case MrzFormat::unknown:
      break;
  }
  return l;
}

// ---- characters ----------------------------------------------------------------------------

bool allowed(Kind kind, char ch) {
  const bool digit = ch >= '0' && ch <= '9';
  const bool letter = ch >= 'A' && ch <= 'Z';
  switch (kind) {
    case Kind::alpha:
    case Kind::name:
      return letter || ch == '<';
    case Kind::numeric:
      return digit;
    case Kind::alnum:
      return digit || letter || ch == '<';
    case Kind::sex:
      return ch == 'M' || ch == 'F' || ch == 'X' || ch == '<';
    case Kind::check:
      return digit || ch == '<';
    case Kind::filler:
      return ch == '<';
  }
  return false;
}

// The OCR twin of a character in a field that cannot hold it (OCR-B shapes that OCR confuses).
char digit_for(char ch) {
  switch (ch) {
    case 'O':
    case 'Q':
    case 'D':
    case 'U':
      return '0';
    case 'I':
    case 'L':
    case 'J':
      return '1';
    case 'Z':
      return '2';
    case 'S':
      return '5';
    case 'G':
      return '6';
    case 'T':
      return '7';
    case 'B':
      return '8';
    case 'A':
      return '4';
    default:
      return 0;
  }
}

char letter_for(char ch) {
  switch (ch) {
    case '0':
      return 'O';
    case '1':
      return 'I';
    case '2':
      return 'Z';
    case '4':
      return 'A';
    case '5':
      return 'S';
    case '6':
      return 'G';
    case '7':
      return 'T';
    case '8':
      return 'B';
    default:
      return 0;
  }
}

// Alternatives tried in letter-and-digit fields, where only a check digit can decide.
const char* twins(char ch) {
  switch (ch) {
    case '0':
      return "OD";
    case 'O':
      return "0";
    case 'D':
      return "0";
    case 'Q':
      return "0";
    case '1':
      return "I";
    case 'I':
      return "1";
    case '2':
      return "Z";
    case '7':
      return "Z";
    case 'Z':
      return "27";
    case '5':
      return "S";
    case 'S':
      return "5";
    case '6':
      return "G";
    case 'G':
      return "6";
    case '8':
      return "B";
    case 'B':
      return "8";
    default:
      return "";
  }
}

// ---- parsing state -------------------------------------------------------------------------

struct Text {
  std::vector<std::string> lines;
  char at(const Span& s, int i) const { return lines[s.line][s.start + i]; }
  std::string get(const Span& s) const { return lines[s.line].substr(s.start, s.length); }
  std::string get(const std::vector<Span>& spans) const {
    std::string out;
    for (const auto& s : spans) out += get(s);
    return out;
  }
};

struct CheckOutcome {
  char expected = '?';
  char found = '?';
  bool valid = false;
};

CheckOutcome evaluate(const Text& text, const CheckSpec& spec) {
  CheckOutcome out;
  out.found = text.at(spec.digit, 0);
  const std::string over = text.get(spec.over);
  const int digit = mrz_check_digit(over);
  out.expected = digit < 0 ? '?' : static_cast<char>('0' + digit);
  if (out.found == '<') {
    out.valid = over.find_first_not_of('<') == std::string::npos;
    if (out.valid) out.expected = '<';
  } else {
    out.valid = digit >= 0 && out.found == out.expected;
  }
  if (!out.valid && !spec.alternative_over.empty()) {
    const int alt = mrz_check_digit(text.get(spec.alternative_over));
    if (alt >= 0 && out.found == '0' + alt) {
      out.valid = true;
      out.expected = out.found;
    }
  }
  return out;
}

const FieldSpec* field_at(const Layout& layout, int line, int column) {
  for (const auto& f : layout.fields) {
    if (f.span.line == line && column >= f.span.start && column < f.span.start + f.span.length) {
      return &f;
    }
  }
  return nullptr;
}

std::string strip_fillers(std::string s) {
  while (!s.empty() && s.back() == '<') s.pop_back();
  std::size_t first = s.find_first_not_of('<');
  s = first == std::string::npos ? std::string() : s.substr(first);
  return s;
}

// Fillers inside a value read as spaces, runs collapsed ("010195<112X" -> "010195 112X").
std::string fillers_to_spaces(const std::string& raw) {
  std::string s = strip_fillers(raw);
  std::string out;
  for (char ch : s) {
    if (ch == '<') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += ch;
    }
  }
  return out;
}

bool all_allowed(const std::string& s, Kind kind) {
  return std::all_of(s.begin(), s.end(), [kind](char ch) { return allowed(kind, ch); });
}

// TD1/TD2: a document number longer than 9 characters has '<' where its check digit belongs and
// continues in the optional data, whose last character before the fillers is the check digit.
void apply_long_document_number(const Text& text, Layout& layout, MrzResult& result,
                                int& long_length) {
  long_length = 0;
  Span number, check, optional;
  if (layout.format == MrzFormat::td1) {
    number = {0, 5, 9};
    check = {0, 14, 1};
    optional = {0, 15, 15};
  } else if (layout.format == MrzFormat::td2) {
    number = {1, 0, 9};
    check = {1, 9, 1};
    optional = {1, 28, 7};
  } else {
    return;
  }
  if (text.at(check, 0) != '<' || text.at(optional, 0) == '<') return;
  int k = 0;
  while (k < optional.length && text.at(optional, k) != '<') ++k;
  if (k < 2) return;  // at least one overflow character and the check digit
  for (auto& spec : layout.checks) {
    if (spec.field != "document_number") continue;
    spec.over = {number, {optional.line, optional.start, k - 1}};
    spec.digit = {optional.line, optional.start + k - 1, 1};
    // Issuers differ on whether the '<' between the parts is counted; both are accepted.
    spec.alternative_over = {number, check, {optional.line, optional.start, k - 1}};
  }
  long_length = k - 1;
  result.flags.long_document_number = true;
}

MrzFormat detect(const std::vector<std::string>& lines, std::string& message) {
  const std::size_t n = lines.size();
  if (n == 0 || n > 3) {
    message = "unrecognized document format: an MRZ has one, two or three lines, found " +
              std::to_string(n);
    return MrzFormat::unknown;
  }
  const std::size_t w = lines[0].size();
  auto same_width = [&](std::size_t from) {
    for (std::size_t i = from; i < n; ++i) {
      if (lines[i].size() != lines[from].size()) return false;
    }
    return true;
  };
  // The document code decides between layouts of one size; read it as letters (OCR may have
  // turned the I of "ID" into a 1).
  std::string code = lines[0].substr(0, std::min<std::size_t>(5, w));
  for (char& ch : code) {
    if (const char letter = letter_for(ch)) ch = letter;
  }
  if (n == 1 && w == 30 && code[0] == 'D') return MrzFormat::french_driving_licence;
  if (n == 2 && same_width(0)) {
    if (w == 44) return code[0] == 'V' ? MrzFormat::mrv_a : MrzFormat::td3;
    if (w == 36) {
      if (code == "IDFRA") return MrzFormat::french_id;
      return code[0] == 'V' ? MrzFormat::mrv_b : MrzFormat::td2;
    }
    if (w == 34) return MrzFormat::slovak_id_2x34;
  }
  if (n == 3 && w == 30 && same_width(0)) return MrzFormat::td1;
  if (n == 3 && w == 9 && lines[1].size() == 30 && same_width(1)) {
    return MrzFormat::swiss_driving_licence;
  }
  std::string widths;
  for (const auto& l : lines) widths += (widths.empty() ? "" : "x") + std::to_string(l.size());
  message = "unrecognized document format: " + std::to_string(n) + " line(s) of " + widths +
            " characters; expected 3x30 (TD1), 2x36 (TD2, MRV-B), 2x44 (TD3, MRV-A), "
            "1x30 (French licence), 9+30+30 (Swiss licence) or 2x34";
  return MrzFormat::unknown;
}

// ---- repair --------------------------------------------------------------------------------

void repair_by_type(Text& text, const Layout& layout, std::vector<MrzRepair>& repairs) {
  for (const auto& f : layout.fields) {
    for (int i = 0; i < f.span.length; ++i) {
      char& ch = text.lines[f.span.line][f.span.start + i];
      if (allowed(f.kind, ch)) continue;
      char replacement = 0;
      switch (f.kind) {
        case Kind::numeric:
        case Kind::check:
          replacement = digit_for(ch);
          break;
        case Kind::alpha:
        case Kind::name:
          replacement = letter_for(ch);
          break;
        case Kind::sex:
          replacement = ch == 'H' ? 'M' : (ch == 'E' || ch == 'P' ? 'F' : 0);
          break;
        case Kind::filler:
          replacement = (ch == 'K' || ch == 'C') ? '<' : 0;
          break;
        default:
          break;
      }
      if (replacement == 0) continue;
      repairs.push_back({f.name, f.span.line, f.span.start + i, ch, replacement, false});
      ch = replacement;
    }
  }
}

// Characters of alnum fields covered by the check, with their alternatives.
struct Candidate {
  int line, column;
  std::string options;
};

struct Change {
  int index;
  char to;
};

bool is_letter(char ch) {
  return ch >= 'A' && ch <= 'Z';
}

// How well the replacements fit their neighbours in the same field: +1 for each neighbour of
// the same class (letter / digit), -1 for each of the other class; fillers do not count.
int context_score(const Text& text, const Layout& layout, const std::vector<Candidate>& cands,
                  const std::vector<Change>& set) {
  int score = 0;
  for (const auto& c : set) {
    const Candidate& at = cands[c.index];
    const FieldSpec* field = field_at(layout, at.line, at.column);
    for (int d : {-1, 1}) {
      const int col = at.column + d;
      if (field_at(layout, at.line, col) != field) continue;
      char neighbour = text.lines[at.line][col];
      for (const auto& other : set) {
        if (cands[other.index].line == at.line && cands[other.index].column == col) {
          neighbour = other.to;
        }
      }
      if (neighbour == '<') continue;
      score += is_letter(neighbour) == is_letter(c.to) ? 1 : -1;
    }
  }
  return score;
}

void repair_by_check_digit(Text& text, const Layout& layout, std::vector<MrzRepair>& repairs) {
  const CheckSpec* composite = nullptr;
  for (const auto& c : layout.checks) {
    if (c.field == "composite") composite = &c;
  }
  for (const auto& spec : layout.checks) {
    if (spec.field == "composite" || evaluate(text, spec).valid) continue;
    if (!std::isdigit(static_cast<unsigned char>(text.at(spec.digit, 0)))) continue;
    std::vector<Candidate> cands;
    for (const auto& s : spec.over) {
      for (int i = 0; i < s.length; ++i) {
        const FieldSpec* f = field_at(layout, s.line, s.start + i);
        if (f == nullptr || f->kind != Kind::alnum) continue;
        const char* alt = twins(text.at(s, i));
        if (*alt != '\0') cands.push_back({s.line, s.start + i, alt});
      }
    }
    if (cands.empty() || cands.size() > 24) continue;
    // Change sets of one, then two characters; the first size with exactly one solution (or,
    // with a composite check, exactly one solution that the composite also confirms) wins.
    bool done = false;
    for (int size = 1; size <= 2 && !done; ++size) {
      std::vector<std::vector<Change>> solutions, confirmed;
      auto try_set = [&](const std::vector<Change>& set) {
        Text trial = text;
        for (const auto& c : set) trial.lines[cands[c.index].line][cands[c.index].column] = c.to;
        if (!evaluate(trial, spec).valid) return;
        solutions.push_back(set);
        if (composite != nullptr && evaluate(trial, *composite).valid) confirmed.push_back(set);
      };
      for (int a = 0; a < static_cast<int>(cands.size()); ++a) {
        for (char ta : cands[a].options) {
          if (size == 1) {
            try_set({{a, ta}});
            continue;
          }
          for (int b = a + 1; b < static_cast<int>(cands.size()); ++b) {
            for (char tb : cands[b].options) try_set({{a, ta}, {b, tb}});
          }
        }
      }
      // With a composite check the candidate must satisfy it too. Within one field the
      // composite rarely separates candidates (it weighs the same characters), so ties are
      // broken by context: a letter among letters, a digit among digits ("ZE18" over "2E18").
      const auto& pool = composite != nullptr ? confirmed : solutions;
      std::vector<Change> chosen;
      if (pool.size() == 1) {
        chosen = pool.front();
      } else if (pool.size() > 1) {
        int best = -1000, best_count = 0;
        for (const auto& set : pool) {
          const int score = context_score(text, layout, cands, set);
          if (score > best) {
            best = score;
            best_count = 1;
            chosen = set;
          } else if (score == best) {
            ++best_count;
          }
        }
        if (best_count != 1) chosen.clear();
      }
      if (!solutions.empty()) done = true;  // a larger change set is never preferred
      for (const auto& c : chosen) {
        char& ch = text.lines[cands[c.index].line][cands[c.index].column];
        const FieldSpec* f = field_at(layout, cands[c.index].line, cands[c.index].column);
        repairs.push_back({f->name, cands[c.index].line, cands[c.index].column, ch, c.to, true});
        ch = c.to;
      }
    }
  }
}

// ---- field extraction ----------------------------------------------------------------------

void split_names(const std::string& raw, std::string& surname, std::string& given) {
  const std::size_t sep = raw.find("<<");
  const std::string s = sep == std::string::npos ? raw : raw.substr(0, sep);
  const std::string g = sep == std::string::npos ? std::string() : raw.substr(sep + 2);
  surname = fillers_to_spaces(s);
  given = fillers_to_spaces(g);
}

void add_problem(MrzResult& r, const std::string& field, const char* code) {
  r.problems.push_back({field, code});
}

}  // namespace

MrzResult parse_lines(std::vector<std::string> input, const MrzParseOptions& options) {
  MrzResult result;
  // Normalise: drop whitespace, upper-case, ignore blank lines.
  std::vector<std::string> lines;
  for (const auto& raw : input) {
    std::string line;
    for (char ch : raw) {
      if (std::isspace(static_cast<unsigned char>(ch))) continue;
      line += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    }
    if (!line.empty()) lines.push_back(line);
  }
  result.raw_lines = lines;
  result.lines = lines;
  result.format = detect(lines, result.message);
  if (result.format == MrzFormat::unknown) {
    result.status = MrzStatus::unrecognized;
    return result;
  }

  Layout layout = make_layout(result.format);
  Text text{lines};
  if (options.repair) repair_by_type(text, layout, result.repairs);
  int long_length = 0;
  apply_long_document_number(text, layout, result, long_length);
  if (options.repair) repair_by_check_digit(text, layout, result.repairs);
  result.lines = text.lines;
  result.flags.repaired = !result.repairs.empty();

  // Check digits.
  for (const auto& spec : layout.checks) {
    const CheckOutcome o = evaluate(text, spec);
    result.check_digits.push_back({spec.field, o.expected, o.found, o.valid});
    if (!o.valid) add_problem(result, spec.field, "check_digit_mismatch");
  }

  // Fields.
  DocumentFields& out = result.fields;
  const std::string ref = options.reference_date;
  for (const auto& f : layout.fields) {
    const std::string raw = text.get(f.span);
    if (f.name.find("check") != std::string::npos || f.name.rfind("filler", 0) == 0) {
      if (!all_allowed(raw, f.kind)) add_problem(result, f.name, "invalid_characters");
      continue;
    }
    result.raw_fields.emplace_back(f.name, raw);
    const bool chars_ok = all_allowed(raw, f.kind);
    if (f.name == "names") {
      std::string surname, given;
      split_names(raw, surname, given);
      const std::size_t sep = raw.find("<<");
      result.raw_fields.back().first = "names";
      if (all_allowed(raw.substr(0, sep), Kind::name)) {
        out.surname = surname;
      } else {
        add_problem(result, "surname", "invalid_characters");
      }
      if (sep == std::string::npos || all_allowed(raw.substr(sep), Kind::name)) {
        out.given_names = given;
      } else {
        add_problem(result, "given_names", "invalid_characters");
      }
      if (raw.back() != '<') result.flags.names_truncated = true;
      continue;
    }
    if (!chars_ok) {
      const bool date = f.name == "date_of_birth" || f.name == "date_of_expiry";
      add_problem(result, f.name,
                  date ? "invalid_date" : (f.name == "sex" ? "invalid_sex" : "invalid_characters"));
      continue;
    }
    if (f.name == "document_type") {
      out.document_type = strip_fillers(raw);
    } else if (f.name == "issuing_country" || f.name == "nationality") {
      const std::string code = strip_fillers(raw);
      (f.name == "issuing_country" ? out.issuing_country : out.nationality) = code;
      if (code == "UTO") {
        result.flags.specimen_state = true;
      } else if (!is_icao_country_code(code)) {
        result.flags.unknown_country = true;
        add_problem(result, f.name, "unknown_country");
      }
    } else if (f.name == "document_number") {
      std::string number = raw;
      if (long_length > 0) {
        const Span overflow =
            result.format == MrzFormat::td1 ? Span{0, 15, long_length} : Span{1, 28, long_length};
        number = strip_fillers(raw) + text.get(overflow);
      }
      out.document_number = fillers_to_spaces(number);
    } else if (f.name == "date_of_birth" || f.name == "date_of_expiry") {
      const bool birth = f.name == "date_of_birth";
      const std::string iso = mrz_date_to_iso(raw, birth, ref, options.expiry_years_ahead);
      if (iso.empty()) {
        add_problem(result, f.name, "invalid_date");
      } else {
        (birth ? out.date_of_birth : out.date_of_expiry) = iso;
      }
    } else if (f.name == "sex") {
      out.sex = raw == "<" ? "X" : raw;
    } else if (f.name == "optional_data") {
      result.optional_data = fillers_to_spaces(raw);
    } else if (f.name == "optional_data_2") {
      result.optional_data_2 = fillers_to_spaces(raw);
    } else if (f.name == "surname") {
      out.surname = fillers_to_spaces(raw);
      if (raw.back() != '<') result.flags.names_truncated = true;
    } else if (f.name == "given_names") {
      out.given_names = fillers_to_spaces(raw);
      if (raw.back() != '<') result.flags.names_truncated = true;
    } else {
      result.extra_fields.emplace_back(f.name, fillers_to_spaces(raw));
    }
  }
  // Layout-implied values.
  if (result.format == MrzFormat::french_id) out.nationality = "FRA";
  if (result.format == MrzFormat::swiss_driving_licence) {
    result.extra_fields.emplace_back("language_code", std::string(1, text.lines[0][6]));
  }
  if (result.format == MrzFormat::td3 || result.format == MrzFormat::td1 ||
      result.format == MrzFormat::td2) {
    if (!result.flags.long_document_number) out.personal_number = result.optional_data;
  }

  result.valid = result.problems.empty();
  result.status = result.valid ? MrzStatus::valid : MrzStatus::invalid;
  return result;
}

}  // namespace detail

MrzResult parse_mrz(const std::vector<std::string>& lines, const MrzParseOptions& options) {
  return detail::parse_lines(lines, options);
}

MrzResult parse_mrz(std::string_view text, const MrzParseOptions& options) {
  std::vector<std::string> lines;
  std::string current;
  for (char ch : text) {
    if (ch == '\n' || ch == '\r') {
      lines.push_back(current);
      current.clear();
    } else {
      current += ch;
    }
  }
  lines.push_back(current);
  return detail::parse_lines(lines, options);
}

}  // namespace kyc
