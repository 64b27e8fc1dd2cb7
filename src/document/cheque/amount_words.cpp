// Cheque amounts in words (the legal amount) and in digits (the courtesy amount) -> cents.
//
// Both parsers are deliberately strict about what counts as an amount (an unknown word makes the
// legal amount unreadable rather than guessed) and lenient about the noise that cheque writers
// and OCR add around it: "***", "——", "=", "#", "only", currency words. Amounts of one billion
// dollars or more are refused (kMaxDollars): no personal or business cheque carries one, and an
// OCR run-on ("one hundred thousand thousand") must not become a plausible number.
#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "kyc/amount_words.hpp"

namespace kyc {
namespace {

constexpr std::int64_t kMaxDollars = 999'999'999;  // documented cap (docs/cheque-fields.md)

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}

// ---- words ---------------------------------------------------------------------------------

enum class Kind { unit, teen, ten, hundred, scale, filler, and_, dollars, cents, unknown };

struct Word {
  Kind kind = Kind::unknown;
  std::int64_t value = 0;  // unit 0..9, teen 10..19, ten 20..90, scale 1000/1000000
};

Word classify(const std::string& w) {
  static constexpr std::array<const char*, 10> kUnits = {"zero", "one", "two",   "three", "four",
                                                         "five", "six", "seven", "eight", "nine"};
  static constexpr std::array<const char*, 10> kTeens = {
      "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
      "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
  static constexpr std::array<const char*, 8> kTens = {"twenty", "thirty",  "forty",  "fifty",
                                                       "sixty",  "seventy", "eighty", "ninety"};
  for (std::size_t i = 0; i < kUnits.size(); ++i) {
    if (w == kUnits[i]) return {Kind::unit, static_cast<std::int64_t>(i)};
  }
  for (std::size_t i = 0; i < kTeens.size(); ++i) {
    if (w == kTeens[i]) return {Kind::teen, static_cast<std::int64_t>(10 + i)};
  }
  for (std::size_t i = 0; i < kTens.size(); ++i) {
    if (w == kTens[i]) return {Kind::ten, static_cast<std::int64_t>(20 + 10 * i)};
  }
  if (w == "fourty") return {Kind::ten, 40};  // a common misspelling on real cheques
  if (w == "hundred") return {Kind::hundred, 100};
  if (w == "thousand") return {Kind::scale, 1000};
  if (w == "million") return {Kind::scale, 1'000'000};
  if (w == "and") return {Kind::and_, 0};
  if (w == "dollar" || w == "dollars") return {Kind::dollars, 0};
  if (w == "cent" || w == "cents") return {Kind::cents, 0};
  // Words that accompany an amount without changing it. "a" as in "a hundred" is handled by
  // the grammar below (it is a filler elsewhere).
  static constexpr std::array<const char*, 12> kFiller = {"only", "exactly", "a",        "us",
                                                          "usd",  "cad",     "canadian", "american",
                                                          "no",   "and/",    "the",      "sum"};
  for (const char* f : kFiller) {
    if (w == f) return {Kind::filler, 0};
  }
  return {};
}

// Cardinal number words -> value; nullopt when the sequence is not a well-formed number
// ("twenty thirty", "hundred hundred", "thousand million"). "and" inside a number is the
// British "one hundred and five"; "twelve hundred" is accepted.
std::optional<std::int64_t> number_of(const std::vector<Word>& words) {
  std::int64_t total = 0;
  std::int64_t group = 0;        // below the next scale word
  std::int64_t last_scale = 0;   // scales must descend: million before thousand
  Kind previous = Kind::filler;  // kind of the previous number word in this group
  bool any = false;
  for (const Word& w : words) {
    switch (w.kind) {
      case Kind::unit:
        if (previous == Kind::unit || previous == Kind::teen) return std::nullopt;
        if (previous == Kind::ten && w.value == 0) return std::nullopt;  // "twenty zero"
        if (w.value == 0 && (any || group != 0)) return std::nullopt;    // zero only alone
        group += w.value;
        break;
      case Kind::teen:
        if (previous == Kind::unit || previous == Kind::teen || previous == Kind::ten) {
          return std::nullopt;
        }
        group += w.value;
        break;
      case Kind::ten:
        if (previous == Kind::unit || previous == Kind::teen || previous == Kind::ten) {
          return std::nullopt;
        }
        group += w.value;
        break;
      case Kind::hundred:
        // "two hundred", "twelve hundred", "a hundred"; not "hundred hundred".
        if (previous == Kind::hundred || group >= 100) return std::nullopt;
        group = (group == 0 ? 1 : group) * 100;
        break;
      case Kind::scale:
        if (previous == Kind::scale) return std::nullopt;
        if (last_scale != 0 && w.value >= last_scale) return std::nullopt;
        total += (group == 0 ? 1 : group) * w.value;
        group = 0;
        last_scale = w.value;
        break;
      default:
        continue;  // and / filler inside the number
    }
    previous = w.kind;
    any = true;
    if (total + group > kMaxDollars) return std::nullopt;
  }
  if (!any) return std::nullopt;
  return total + group;
}

// "00/100", "56/100", "no/100", "xx/100", with OCR's o-for-0 and l/i-for-1 in "100".
// Returns the cents and erases the fraction from `text`; -1 when there is none, -2 when a
// fraction is there but unreadable.
int take_fraction(std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) return -1;
  // Denominator: skip spaces, then 100 written with o/O for 0 and l/i for 1.
  std::size_t d = slash + 1;
  while (d < text.size() && text[d] == ' ') ++d;
  std::string denominator;
  std::size_t d_end = d;
  while (d_end < text.size() && (is_digit(text[d_end]) || is_lower(text[d_end]))) {
    denominator += text[d_end++];
  }
  for (char& c : denominator) {
    if (c == 'o') c = '0';
    if (c == 'l' || c == 'i') c = '1';
  }
  if (denominator != "100") return -2;
  std::size_t n_end = slash;
  while (n_end > 0 && text[n_end - 1] == ' ') --n_end;
  std::size_t n = n_end;
  while (n > 0 && (is_digit(text[n - 1]) || is_lower(text[n - 1]))) --n;
  std::string numerator = text.substr(n, n_end - n);
  int cents = -2;
  if (numerator == "no" || numerator == "xx" || numerator == "nn" || numerator.empty()) {
    // "xx/100" and "no/100" say "no cents"; an empty numerator is a "——/100" dash.
    cents = 0;
  } else if (numerator.size() <= 2) {
    bool ok = true;
    int v = 0;
    for (char c : numerator) {
      if (c == 'o') c = '0';
      if (!is_digit(c)) ok = false;
      v = v * 10 + (c - '0');
    }
    if (ok) cents = v;
  }
  if (cents < 0) return -2;
  text.replace(n, d_end - n, " ");
  return cents;
}

}  // namespace

std::optional<std::int64_t> parse_amount_words(std::string_view words) {
  if (words.size() > 512) return std::nullopt;  // a legal-amount line is never that long
  // Lower-case ASCII; "&" is "and"; every other non-letter, non-digit except "/" separates
  // words (hyphens, "***", "——" and other non-ASCII dashes, commas, dots).
  std::string text;
  for (char ch : words) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 128 && std::isalpha(c)) {
      text += static_cast<char>(std::tolower(c));
    } else if (c < 128 && (std::isdigit(c) || c == '/')) {
      text += static_cast<char>(c);
    } else if (c == '&') {
      text += " and ";
    } else {
      text += ' ';
    }
  }
  const int fraction = take_fraction(text);
  if (fraction == -2) return std::nullopt;

  std::vector<Word> tokens;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == ' ' || text[i] == '/') {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '/') ++j;
    const std::string w = text.substr(i, j - i);
    i = j;
    const Word word = classify(w);
    if (word.kind == Kind::unknown) return std::nullopt;  // digits or a word that is not ours
    tokens.push_back(word);
  }

  // Cents in words: "... and fifty cents" - the number words right before "cents".
  std::optional<std::int64_t> cents_in_words;
  std::vector<Word> dollar_words = tokens;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind != Kind::cents) continue;
    std::size_t start = i;
    while (start > 0 && tokens[start - 1].kind != Kind::dollars &&
           tokens[start - 1].kind != Kind::and_) {
      --start;
    }
    const auto c = number_of({tokens.begin() + static_cast<std::ptrdiff_t>(start),
                              tokens.begin() + static_cast<std::ptrdiff_t>(i)});
    if (!c || *c > 99 || fraction >= 0 || cents_in_words) return std::nullopt;
    cents_in_words = c;
    dollar_words.assign(tokens.begin(), tokens.begin() + static_cast<std::ptrdiff_t>(start));
    // Only filler may follow "cents".
    for (std::size_t k = i + 1; k < tokens.size(); ++k) {
      if (tokens[k].kind != Kind::filler && tokens[k].kind != Kind::dollars) return std::nullopt;
    }
    break;
  }
  // Number words after "dollars" (other than the cents above) make it ambiguous.
  bool after_dollars = false;
  for (const Word& w : dollar_words) {
    if (w.kind == Kind::dollars) after_dollars = true;
    const bool number = w.kind == Kind::unit || w.kind == Kind::teen || w.kind == Kind::ten ||
                        w.kind == Kind::hundred || w.kind == Kind::scale;
    if (after_dollars && number) return std::nullopt;
  }
  const auto dollars = number_of(dollar_words);
  if (!dollars) return std::nullopt;
  // "Two hundred dollars and" with nothing after: the cents were there and are lost (torn,
  // unreadable), so the amount is not known.
  if (fraction < 0 && !cents_in_words) {
    for (auto it = tokens.rbegin(); it != tokens.rend(); ++it) {
      if (it->kind == Kind::filler || it->kind == Kind::dollars) continue;
      if (it->kind == Kind::and_) return std::nullopt;
      break;
    }
  }
  const std::int64_t cents = cents_in_words ? *cents_in_words : (fraction >= 0 ? fraction : 0);
  return *dollars * 100 + cents;
}

std::optional<std::int64_t> parse_courtesy_amount(std::string_view digits) {
  if (digits.size() > 64) return std::nullopt;
  // Strip the protection and currency marks around the number: "**1,234.56**", "$ 200.00",
  // "USD 200", "200.-", "# 200 #". Inside the number only digits and separators may remain.
  std::string s;
  for (char ch : digits) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '*' || c == '$' || c == '#' || c == '=' || c == '~' || c == '(' || c == ')' ||
        c == '[' || c == ']' || c == '|' || c == '_') {
      s += ' ';
    } else if (c >= 128) {
      s += ' ';  // "€", "£" and typographic dashes
    } else {
      s += static_cast<char>(std::toupper(c));
    }
  }
  for (const char* code : {"USD", "CAD", "US"}) {
    const std::size_t at = s.find(code);
    if (at != std::string::npos) s.replace(at, std::string(code).size(), " ");
  }
  auto trim = [](std::string& t) {
    while (!t.empty() && t.front() == ' ') t.erase(t.begin());
    while (!t.empty() && t.back() == ' ') t.pop_back();
  };
  trim(s);
  // "200 00/100", "200 xx/100": the cents as a fraction.
  int fraction = -1;
  if (const std::size_t slash = s.find('/'); slash != std::string::npos) {
    std::string tail = s.substr(slash + 1);
    trim(tail);
    if (tail != "100") return std::nullopt;
    std::size_t n = slash;
    while (n > 0 && s[n - 1] == ' ') --n;
    std::size_t start = n;
    while (start > 0 && s[start - 1] != ' ') --start;
    const std::string numerator = s.substr(start, n - start);
    if (numerator == "XX" || numerator == "NO" || numerator == "--") {
      fraction = 0;
    } else if (!numerator.empty() && numerator.size() <= 2 && is_digit(numerator[0]) &&
               is_digit(numerator.back())) {
      fraction = std::stoi(numerator);
    } else {
      return std::nullopt;
    }
    s.erase(start);
    trim(s);
  }
  // "200.-" / "200,-": whole units.
  if (s.size() >= 2 && s.back() == '-' && (s[s.size() - 2] == '.' || s[s.size() - 2] == ',')) {
    s.resize(s.size() - 2);
  }
  if (s.empty() || !is_digit(s.back())) return std::nullopt;
  if (!is_digit(s.front()) && !(s.size() >= 2 && (s[0] == '.' || s[0] == ','))) {
    return std::nullopt;  // ".50" is fifty cents; anything else must start with a digit
  }
  for (char c : s) {
    if (!is_digit(c) && c != '.' && c != ',' && c != ' ' && c != '\'') return std::nullopt;
  }
  // The decimal separator is the last '.' or ',' followed by one or two digits to the end;
  // every other separator must group thousands (exactly three digits after it).
  std::string integer = s;
  std::string decimals;
  const std::size_t last_sep = s.find_last_of(".,");
  if (last_sep != std::string::npos) {
    const std::size_t tail = s.size() - last_sep - 1;
    if (tail == 1 || tail == 2) {
      integer = s.substr(0, last_sep);
      decimals = s.substr(last_sep + 1);
      // One separator cannot both group thousands and mark the decimals ("1.234.5").
      if (integer.find(s[last_sep]) != std::string::npos) return std::nullopt;
      if (fraction >= 0) return std::nullopt;  // "200.00 00/100"
    }
  }
  trim(integer);
  if (integer.empty()) integer = "0";  // ".50"
  std::vector<std::string> groups(1);
  for (char c : integer) {
    if (is_digit(c)) {
      groups.back() += c;
    } else {
      groups.emplace_back();
    }
  }
  if (groups.size() > 1) {
    // Thousands groups: the first 1-3 digits, the rest exactly 3, one kind of separator.
    char separator = 0;
    for (char c : integer) {
      if (is_digit(c)) continue;
      if (separator != 0 && c != separator) return std::nullopt;
      separator = c;
    }
    if (groups.front().empty() || groups.front().size() > 3) return std::nullopt;
    for (std::size_t i = 1; i < groups.size(); ++i) {
      if (groups[i].size() != 3) return std::nullopt;
    }
  }
  std::int64_t dollars = 0;
  for (const auto& g : groups) {
    for (char c : g) {
      dollars = dollars * 10 + (c - '0');
      if (dollars > kMaxDollars) return std::nullopt;
    }
  }
  std::int64_t cents = fraction >= 0 ? fraction : 0;
  if (!decimals.empty()) {
    for (char c : decimals) {
      if (!is_digit(c)) return std::nullopt;
    }
    cents = std::stoi(decimals) * (decimals.size() == 1 ? 10 : 1);
  }
  return dollars * 100 + cents;
}

}  // namespace kyc
