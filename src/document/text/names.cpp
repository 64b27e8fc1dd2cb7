#include "document/text/names.hpp"

#include <algorithm>
#include <unordered_map>

#include "document/text/utf8.hpp"

namespace kyc::text {
namespace {

struct Transliteration {
  const char* primary;
  const char* simple;
};

// ICAO 9303 Part 3, section 6 (transliteration of multinational Latin-based characters). Each
// entry lists the upper- and lower-case letters it covers.
struct TableRow {
  const char* letters;
  Transliteration to;
};
constexpr TableRow kLatinTable[] = {
    {"ÀàÁáÂâÃãĀāĂăĄą", {"A", "A"}},
    {"Ää", {"AE", "A"}},
    {"Åå", {"AA", "A"}},
    {"Ææ", {"AE", "AE"}},
    {"ÇçĆćĈĉĊċČč", {"C", "C"}},
    {"ÐðĎďĐđ", {"D", "D"}},
    {"ÈèÉéÊêËëĒēĔĕĖėĘęĚě", {"E", "E"}},
    {"ĜĝĞğĠġĢģ", {"G", "G"}},
    {"ĤĥĦħ", {"H", "H"}},
    {"ÌìÍíÎîÏïĨĩĪīĬĭĮįİı", {"I", "I"}},
    {"Ĳĳ", {"IJ", "IJ"}},
    {"Ĵĵ", {"J", "J"}},
    {"Ķķ", {"K", "K"}},
    {"ĸ", {"Q", "Q"}},
    {"ĹĺĻļĽľĿŀŁł", {"L", "L"}},
    {"ÑñŃńŅņŇňŉŊŋ", {"N", "N"}},
    {"ÒòÓóÔôÕõŌōŎŏŐő", {"O", "O"}},
    {"Öö", {"OE", "O"}},
    {"Øø", {"OE", "O"}},
    {"Œœ", {"OE", "OE"}},
    {"ŔŕŖŗŘř", {"R", "R"}},
    {"ŚśŜŝŞşŠšſ", {"S", "S"}},
    {"ß", {"SS", "SS"}},
    {"ŢţŤťŦŧ", {"T", "T"}},
    {"Þþ", {"TH", "TH"}},
    {"ÙùÚúÛûŨũŪūŬŭŮůŰűŲų", {"U", "U"}},
    {"Üü", {"UE", "U"}},
    {"Ŵŵ", {"W", "W"}},
    {"ÝýŶŷŸÿ", {"Y", "Y"}},
    {"ŹźŻżŽž", {"Z", "Z"}},
};

const std::unordered_map<char32_t, Transliteration>& latin_table() {
  static const std::unordered_map<char32_t, Transliteration> table = [] {
    std::unordered_map<char32_t, Transliteration> map;
    for (const TableRow& row : kLatinTable) {
      const std::string_view letters(row.letters);
      std::size_t i = 0;
      while (i < letters.size()) {
        char32_t cp = 0;
        const std::size_t n = decode_utf8(letters, i, cp);
        map.emplace(cp, row.to);
        i += n;
      }
    }
    return map;
  }();
  return table;
}

bool is_apostrophe(char32_t cp) {
  return cp == '\'' || cp == '`' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC || cp == 0xB4;
}

// Characters that separate name components (ICAO: spaces and hyphens become the filler '<').
bool is_separator(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '-' || cp == '<' ||
         cp == ',' || cp == '.' || cp == '/' || cp == '_' || cp == 0xA0 || cp == 0x2010 ||
         cp == 0x2011 || cp == 0x2013 || cp == 0x2014;
}

// Appends the upper-case transliteration of one code point (nothing for punctuation).
void append_transliterated(std::string& out, char32_t cp, bool simple_form) {
  if (cp < 0x80) {
    const char c = static_cast<char>(cp);
    if (c >= 'a' && c <= 'z') {
      out.push_back(static_cast<char>(c - 'a' + 'A'));
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      out.push_back(c);
    }
    return;  // other ASCII punctuation carries no name information
  }
  const auto& table = latin_table();
  const auto it = table.find(cp);
  if (it != table.end()) {
    out += simple_form ? it->second.simple : it->second.primary;
    return;
  }
  if (cp >= 0x300 && cp <= 0x36F) return;  // combining diacritics (decomposed input)
  append_utf8(out, cp);                    // non-Latin script: kept, compared as is
}

NameTokens tokens_of(std::string_view name, bool simple_form) {
  NameTokens tokens;
  std::string current;
  std::size_t i = 0;
  while (i < name.size()) {
    char32_t cp = 0;
    const std::size_t n = decode_utf8(name, i, cp);
    if (n == 0) {
      ++i;
      continue;
    }
    i += n;
    if (is_apostrophe(cp)) continue;
    if (is_separator(cp)) {
      if (!current.empty()) tokens.push_back(std::move(current));
      current.clear();
      continue;
    }
    append_transliterated(current, cp, simple_form);
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

}  // namespace

std::vector<NameTokens> name_variants(std::string_view name) {
  std::vector<NameTokens> variants;
  variants.push_back(tokens_of(name, false));
  NameTokens simple = tokens_of(name, true);
  if (simple != variants.front()) variants.push_back(std::move(simple));
  return variants;
}

std::string transliterate_upper(std::string_view text, bool simple_form) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    const std::size_t n = decode_utf8(text, i, cp);
    if (n == 0) {
      ++i;
      continue;
    }
    i += n;
    if (is_apostrophe(cp)) continue;  // ICAO 9303: apostrophes are omitted, not separators
    if (cp < 0x80 &&
        !((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'))) {
      out.push_back(static_cast<char>(cp));  // keep punctuation and spaces for the caller
      continue;
    }
    append_transliterated(out, cp, simple_form);
  }
  return out;
}

std::string joined(const NameTokens& tokens) {
  std::string out;
  for (const std::string& t : tokens) out += t;
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  constexpr std::size_t kMax = 1024;
  a = a.substr(0, std::min(a.size(), kMax));
  b = b.substr(0, std::min(b.size(), kMax));
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

double edit_similarity(std::string_view a, std::string_view b) {
  const std::size_t longest = std::max(a.size(), b.size());
  if (longest == 0) return 1.0;
  return 1.0 - static_cast<double>(edit_distance(a, b)) / static_cast<double>(longest);
}

}  // namespace kyc::text
