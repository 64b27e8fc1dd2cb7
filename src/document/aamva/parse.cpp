// AAMVA DL/ID payload parsing: header, subfiles, elements, and the mapping to DocumentFields.
//
// Structure (AAMVA DL/ID Card Design Standard 2020, D.12.3-D.12.5): "@" LF RS CR, file type
// "ANSI ", IIN (6), AAMVA version (2), jurisdiction version (2, versions >= 02), number of
// entries (2), then one designator per subfile (type 2, offset 4, length 4); each subfile starts
// with its type, then elements (3-letter id + value) separated by LF and ended by CR.
//
// Real payloads break most of these rules (see the oracle set's notes): separators stripped by
// keyboard-wedge scanners or replaced by other characters, BOMs, leading whitespace, C1 control
// characters, the pre-standard "AAMVA" file type, missing subfile-type prefixes, wrong offsets.
// The parser therefore trusts content over declared structure: it finds subfiles by their type
// marker, splits elements on any separator it sees (or on known element ids when there is none),
// and records each tolerated deviation as a warning.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <functional>
#include <set>

#include "document/aamva/aamva_internal.hpp"
#include "kyc/error.hpp"

namespace kyc {

namespace detail {

std::string trim(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && (std::isspace(static_cast<unsigned char>(s[b])) != 0)) ++b;
  while (e > b && (std::isspace(static_cast<unsigned char>(s[e - 1])) != 0)) --e;
  return std::string(s.substr(b, e - b));
}

namespace {

bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_upper(c) || is_digit(c) || (c >= 'a' && c <= 'z');
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

int to_int(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

// The element ids of the DL/ID standards, used only to split payloads whose separators were
// stripped. DL/ID-2000 (version 01 and pre-standard 00) used DAA..DAZ and DBA..DBS; later
// versions dropped the residence address, the composite name and the v01-only codes.
bool known_element_id(std::string_view id, int version) {
  if (id.size() != 3 || id[0] != 'D') return false;
  const char g = id[1];
  const char c = id[2];
  if (!is_upper(c)) return false;
  if (version <= 1) return (g == 'A') || (g == 'B' && c <= 'S');
  switch (g) {
    case 'A':
      return std::strchr("CDGHIJKQUWXYZ", c) != nullptr;
    case 'B':
      return std::strchr("ABCDGNS", c) != nullptr;
    case 'C':
      return c <= 'U' && c != 'C';
    case 'D':
      return c <= 'L';
    default:
      return false;
  }
}

struct Designator {
  std::string type;
  int offset = -1;
  int length = -1;
};

// Value shape of elements with a fixed format, used to reject accidental id matches inside
// values when separators are missing: length (0 = variable) and whether it must be digits.
struct Shape {
  std::size_t length = 0;
  bool digits = false;
};

Shape shape_of(std::string_view id) {
  static constexpr const char* kDates[] = {"DBA", "DBB", "DBD", "DDB", "DDC", "DDH", "DDI", "DDJ"};
  for (const char* d : kDates) {
    if (id == d) return {8, true};
  }
  static constexpr const char* kOneChar[] = {"DBC", "DDA", "DDD", "DDE", "DDF",
                                             "DDG", "DDK", "DDL", "DCE"};
  for (const char* d : kOneChar) {
    if (id == d) return {1, false};
  }
  if (id == "DAJ") return {2, false};
  if (id == "DCG") return {3, false};
  return {};
}

// Splits a subfile whose element separators were stripped: an element id starts wherever a
// known id appears that (a) was not seen before in this subfile (values never legitimately
// repeat an id: "...F2208DBDCGUSA" is DCG, not DBD), (b) belongs to a group already opened
// (residence address DAM..DAP only after DAL; name parts DAB..DAF only without DAA: "ADAM" is
// not DAM), and (c) whose value fits the element's fixed format, if it has one ("FIELDDAJVA" is
// DAJ "VA", not DDA "J").
std::vector<AamvaElement> split_without_separators(std::string_view text, const std::string& type,
                                                   int version) {
  const bool jurisdiction = !type.empty() && type[0] == 'Z';
  std::set<std::string> seen;
  std::function<bool(std::size_t, int)> is_id_at = [&](std::size_t p, int depth) -> bool {
    if (p + 3 > text.size()) return false;
    const std::string id(text.substr(p, 3));
    if (seen.count(id) != 0) return false;
    if (jurisdiction) return id.compare(0, 2, type) == 0 && is_upper(id[2]);
    if (!known_element_id(id, version)) return false;
    if (id >= "DAM" && id <= "DAP" && seen.count("DAL") == 0) return false;
    if (id >= "DAB" && id <= "DAF" && seen.count("DAA") != 0) return false;
    const Shape sh = shape_of(id);
    if (sh.length == 0) return true;
    const std::size_t end = p + 3 + sh.length;
    if (end > text.size()) return false;
    if (sh.digits && !all_digits(text.substr(p + 3, sh.length))) return false;
    if (end == text.size() || depth >= 2) return true;
    return is_id_at(end, depth + 1);
  };
  std::vector<AamvaElement> out;
  std::size_t p = 0;
  if (!is_id_at(p, 0)) return out;
  while (p < text.size() && out.size() < kMaxElementsPerSubfile) {
    AamvaElement el;
    el.id = std::string(text.substr(p, 3));
    seen.insert(el.id);
    const Shape sh = shape_of(el.id);
    std::size_t q = p + 3;
    if (sh.length != 0 && q + sh.length <= text.size() &&
        (q + sh.length == text.size() || is_id_at(q + sh.length, 0))) {
      q += sh.length;
    } else {
      while (q < text.size() && !is_id_at(q, 0)) ++q;
    }
    el.value = std::string(text.substr(p + 3, q - p - 3));
    out.push_back(std::move(el));
    p = q;
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// PDF417 payloads

namespace {

struct Separators {
  std::string split_chars = std::string("\n\r\x1e", 3);  // always split on LF, CR, RS
  char substituted_terminator = 0;  // an alphanumeric segment terminator declared in the header
};

// Finds where subfile `type` starts in `s` at or after `from`: at its declared offset when the
// type marker is there, else at the first "<type><id>" whose id starts like the type's ids
// ("ZVZVA", "DLDAQ"), else at a bare "<type>" between separators (an empty subfile).
std::size_t find_subfile(const std::string& s, std::size_t from, std::size_t file_start,
                         const Designator& d, const Separators& seps) {
  const std::size_t declared = file_start + static_cast<std::size_t>(std::max(d.offset, 0));
  if (d.offset >= 0 && declared >= from && declared + 2 <= s.size() &&
      s.compare(declared, 2, d.type) == 0 && declared + 3 <= s.size() &&
      s[declared + 2] == d.type[0]) {
    return declared;
  }
  for (std::size_t p = s.find(d.type, from); p != std::string::npos; p = s.find(d.type, p + 1)) {
    if (p + 4 < s.size() && s[p + 2] == d.type[0] && is_upper(s[p + 3]) && is_upper(s[p + 4]) &&
        (d.type[0] != 'Z' || s[p + 3] == d.type[1])) {
      return p;
    }
    const bool after_sep = p > 0 && seps.split_chars.find(s[p - 1]) != std::string::npos;
    const bool before_sep =
        p + 2 >= s.size() || seps.split_chars.find(s[p + 2]) != std::string::npos;
    if (after_sep && before_sep) return p;
  }
  return std::string::npos;
}

void parse_elements(std::string_view text, AamvaSubfile& subfile, int version,
                    const Separators& seps, bool last_subfile_of_file, AamvaResult& r) {
  const bool has_separator = text.find_first_of(seps.split_chars) != std::string_view::npos;
  if (!has_separator) {
    subfile.elements = split_without_separators(text, subfile.type, version);
    add_warning(r, "no_element_separators");
    if (subfile.elements.empty() && !trim(text).empty()) add_warning(r, "unparsed_text");
    return;
  }
  std::vector<std::string_view> tokens;
  std::size_t p = 0;
  while (p <= text.size()) {
    std::size_t q = text.find_first_of(seps.split_chars, p);
    if (q == std::string_view::npos) q = text.size();
    if (q > p) tokens.push_back(text.substr(p, q - p));
    p = q + 1;
  }
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::string_view tok = tokens[i];
    if (tok.size() < 3 || !is_upper(tok[0]) || !is_upper(tok[1]) || !is_upper(tok[2])) {
      if (!trim(tok).empty()) add_warning(r, "unparsed_text");
      continue;
    }
    if (subfile.elements.size() >= kMaxElementsPerSubfile) {
      add_warning(r, "too_many_elements");
      break;
    }
    AamvaElement el;
    el.id = std::string(tok.substr(0, 3));
    el.value = std::string(tok.substr(3));
    // A keyboard-wedge scanner that typed the segment terminator as a letter ("M" for Ctrl-M)
    // leaves it glued to the last value of the subfile.
    if (seps.substituted_terminator != 0 && i + 1 == tokens.size() && !el.value.empty() &&
        el.value.back() == seps.substituted_terminator) {
      (void)last_subfile_of_file;
      el.value.pop_back();
      add_warning(r, "segment_terminator_substituted");
    }
    subfile.elements.push_back(std::move(el));
  }
}

AamvaResult fail(AamvaResult r, const char* reason, std::string message) {
  r.valid = false;
  r.reason = reason;
  r.message = std::move(message);
  return r;
}

AamvaResult parse_pdf417_text(const std::string& s, AamvaResult r) {
  r.format = "pdf417";
  // File type: normally right after "@" LF RS CR, but the separators may be missing, doubled or
  // replaced, so look for it in the first few bytes.
  static constexpr const char* kFileTypes[] = {"ANSI ", "AAMVA", "AMVA "};
  std::size_t ft = std::string::npos;
  std::string file_type;
  const std::size_t window = std::min<std::size_t>(s.size(), 1 + 16 + 5);
  for (const char* cand : kFileTypes) {
    const std::size_t p = s.substr(0, window).find(cand, 1);
    if (p != std::string::npos && p < ft) {
      ft = p;
      file_type = cand;
    }
  }
  if (ft == std::string::npos) {
    if (s.size() < 1 + 3 + 5)
      return fail(std::move(r), "truncated_header", "payload ends inside the header");
    return fail(std::move(r), "not_aamva",
                "no AAMVA file type (\"ANSI \") after the '@' indicator");
  }
  r.header.file_type = file_type;
  if (file_type == "AAMVA") add_warning(r, "pre_standard_file_type");
  if (file_type == "AMVA ") add_warning(r, "misspelled_file_type");

  const std::string region = s.substr(1, ft - 1);
  Separators seps;
  if (region != std::string("\n\x1e\r", 3)) {
    add_warning(r, "header_separators_nonstandard");
    // The header declares the separators by example. Use a declared punctuation separator
    // ('|') for splitting; remember an alphanumeric terminator ("M" typed for Ctrl-M).
    for (char c : region) {
      if (!is_alnum(c) && c != ' ' && (static_cast<unsigned char>(c) < 0x80) &&
          seps.split_chars.find(c) == std::string::npos) {
        seps.split_chars.push_back(c);
      }
    }
    // Count characters, not bytes (U+00DC is two bytes) to find a third declared separator.
    std::size_t chars = 0;
    for (char c : region) chars += ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ? 1 : 0;
    if (chars >= 3 && is_alnum(region.back())) seps.substituted_terminator = region.back();
  }

  std::size_t p = ft + 5;
  auto need = [&](std::size_t n) { return p + n <= s.size(); };
  if (!need(8)) return fail(std::move(r), "truncated_header", "payload ends inside the header");
  const std::string iin = s.substr(p, 6);
  const std::string version = s.substr(p + 6, 2);
  if (!all_digits(iin) || !all_digits(version)) {
    return fail(std::move(r), "invalid_header", "IIN or AAMVA version is not numeric");
  }
  r.header.iin = iin;
  r.header.aamva_version = to_int(version);
  p += 8;
  // Versions 00/01 have no jurisdiction version; some v01 files carry one anyway, so count the
  // digits before the first subfile type.
  std::size_t digits = 0;
  while (p + digits < s.size() && digits < 4 && is_digit(s[p + digits])) ++digits;
  const bool has_jurisdiction_version = r.header.aamva_version >= 2 || digits >= 4;
  if (has_jurisdiction_version) {
    if (!need(4)) return fail(std::move(r), "truncated_header", "payload ends inside the header");
    if (!all_digits(s.substr(p, 4))) {
      return fail(std::move(r), "invalid_header",
                  "jurisdiction version or entry count is not numeric");
    }
    r.header.jurisdiction_version = to_int(s.substr(p, 2));
    r.header.entry_count = to_int(s.substr(p + 2, 2));
    p += 4;
  } else {
    if (!need(2)) return fail(std::move(r), "truncated_header", "payload ends inside the header");
    if (!all_digits(s.substr(p, 2))) {
      return fail(std::move(r), "invalid_header", "entry count is not numeric");
    }
    r.header.entry_count = to_int(s.substr(p, 2));
    p += 2;
  }
  if (r.header.entry_count == 0) {
    return fail(std::move(r), "invalid_header", "the header declares no subfiles");
  }
  if (r.header.aamva_version > 10) add_warning(r, "unknown_aamva_version");

  std::vector<Designator> designators;
  for (int i = 0; i < r.header.entry_count; ++i) {
    if (!need(10))
      return fail(std::move(r), "truncated_header", "payload ends inside the subfile designators");
    Designator d;
    d.type = s.substr(p, 2);
    if (!is_upper(d.type[0]) || !is_upper(d.type[1]) || !all_digits(s.substr(p + 2, 8))) {
      return fail(std::move(r), "invalid_header", "malformed subfile designator");
    }
    d.offset = to_int(s.substr(p + 2, 4));
    d.length = to_int(s.substr(p + 6, 4));
    designators.push_back(d);
    p += 10;
  }
  if (const AamvaJurisdiction* j = aamva_jurisdiction(r.header.iin)) {
    r.jurisdiction_name = j->name;
  } else {
    add_warning(r, "unknown_iin");
  }

  // Locate the subfiles. The first one starts right after the designators (its "DL" prefix
  // is sometimes missing); the others are found by their type marker.
  struct Located {
    std::size_t start;
    std::size_t index;
  };
  std::vector<Located> located;
  std::size_t search_from = p;
  for (std::size_t i = 0; i < designators.size(); ++i) {
    std::size_t start = std::string::npos;
    if (i == 0) {
      start = p;
    } else {
      start = find_subfile(s, search_from, 0, designators[i], seps);
    }
    if (start == std::string::npos) {
      add_warning(r, "subfile_not_found:" + designators[i].type);
      continue;
    }
    located.push_back({start, i});
    search_from = start + 2;
  }
  std::sort(located.begin(), located.end(),
            [](const Located& a, const Located& b) { return a.start < b.start; });
  bool declared_beyond_end = false;
  for (std::size_t k = 0; k < located.size(); ++k) {
    const Designator& d = designators[located[k].index];
    const std::size_t begin = located[k].start;
    const std::size_t end = (k + 1 < located.size()) ? located[k + 1].start : s.size();
    AamvaSubfile sub;
    sub.type = d.type;
    sub.declared_offset = d.offset;
    sub.declared_length = d.length;
    std::size_t body = begin;
    if (s.compare(begin, 2, d.type) == 0 && begin + 2 <= end) {
      body = begin + 2;
    } else {
      add_warning(r, "subfile_type_prefix_missing");
    }
    if (static_cast<std::size_t>(d.offset) + static_cast<std::size_t>(d.length) > s.size() + 2) {
      declared_beyond_end = true;
    }
    parse_elements(std::string_view(s).substr(body, end - body), sub, r.header.aamva_version, seps,
                   k + 1 == located.size(), r);
    r.subfiles.push_back(std::move(sub));
  }
  if (declared_beyond_end) add_warning(r, "shorter_than_declared");

  const bool has_dl_id =
      std::any_of(r.subfiles.begin(), r.subfiles.end(), [](const AamvaSubfile& sf) {
        return (sf.type == "DL" || sf.type == "ID") && !sf.elements.empty();
      });
  if (!has_dl_id) {
    return fail(std::move(r), "no_dl_id_subfile", "no DL or ID subfile with elements");
  }
  r.valid = true;
  fill_fields_from_elements(r);
  return r;
}

}  // namespace

void add_warning(AamvaResult& r, const std::string& code) {
  if (std::find(r.warnings.begin(), r.warnings.end(), code) == r.warnings.end() &&
      r.warnings.size() < 64) {
    r.warnings.push_back(code);
  }
}

}  // namespace detail

AamvaResult parse_aamva(const std::uint8_t* data, std::size_t size) {
  if (data == nullptr && size != 0) {
    throw Error(ErrorCode::invalid_argument, "parse_aamva: null payload with non-zero size");
  }
  AamvaResult r;
  if (size == 0) {
    r.reason = "empty";
    r.message = "empty payload";
    return r;
  }
  if (size > kAamvaMaxPayloadBytes) {
    r.reason = "too_large";
    r.message = "payload larger than " + std::to_string(kAamvaMaxPayloadBytes) + " bytes";
    return r;
  }
  std::string s(reinterpret_cast<const char*>(data), size);
  if (s.compare(0, 3, "\xEF\xBB\xBF") == 0) {
    s.erase(0, 3);
    detail::add_warning(r, "bom_stripped");
  }
  // C1 control characters (U+0080..U+009F as UTF-8) never belong in AAMVA data; some capture
  // software inserts them around separators ("CT Undefined Characters").
  {
    std::string cleaned;
    cleaned.reserve(s.size());
    bool removed = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (static_cast<unsigned char>(s[i]) == 0xC2 && i + 1 < s.size() &&
          static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
          static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
        ++i;
        removed = true;
        continue;
      }
      cleaned.push_back(s[i]);
    }
    if (removed) {
      s.swap(cleaned);
      detail::add_warning(r, "c1_controls_stripped");
    }
  }
  std::size_t lead = 0;
  while (lead < s.size() &&
         (s[lead] == ' ' || s[lead] == '\t' || s[lead] == '\r' || s[lead] == '\n')) {
    ++lead;
  }
  if (lead > 0) {
    s.erase(0, lead);
    detail::add_warning(r, "leading_whitespace");
  }
  if (s.empty()) {
    r.reason = "empty";
    r.message = "payload is only whitespace";
    return r;
  }
  if (s[0] == '%' || s[0] == ';') return detail::parse_magstripe(s, std::move(r));
  if (s[0] != '@') {
    r.reason = "not_aamva";
    r.message = "no '@' compliance indicator at the start";
    return r;
  }
  return detail::parse_pdf417_text(s, std::move(r));
}

}  // namespace kyc
