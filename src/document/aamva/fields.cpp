// AAMVA element values -> DocumentFields and the typed members of AamvaResult, plus the
// magnetic-stripe reader. Code tables follow the AAMVA DL/ID Card Design Standard (2020),
// D.12.5 (eye colour DAY, hair colour DAZ, weight range DCE, race/ethnicity DCL, compliance DDA).
#include <algorithm>
#include <cctype>
#include <cstdio>

#include "document/aamva/aamva_internal.hpp"

namespace kyc {

const char* aamva_flag_name(AamvaFlag flag) noexcept {
  switch (flag) {
    case AamvaFlag::yes:
      return "yes";
    case AamvaFlag::no:
      return "no";
    case AamvaFlag::unknown:
      return "unknown";
  }
  return "unknown";
}

AamvaWeightRange aamva_weight_range_lb(int code) noexcept {
  static constexpr AamvaWeightRange kRanges[] = {{0, 70},    {71, 100},  {101, 130}, {131, 160},
                                                 {161, 190}, {191, 220}, {221, 250}, {251, 280},
                                                 {281, 320}, {321, 0}};
  if (code < 0 || code > 9) return {};
  return kRanges[code];
}

namespace detail {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool valid_date(int y, int m, int d) {
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1850 || y > 2199 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

std::string iso(int y, int m, int d) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

int num(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Name parts: padding, trailing commas and the "NONE" placeholder are not data.
std::string clean_name(std::string_view raw) {
  std::string v = trim(raw);
  while (!v.empty() && (v.back() == ',' || v.back() == ' ')) v.pop_back();
  if (v == "NONE") return {};
  return v;
}

std::string join_names(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + " " + b;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t p = 0;
  while (true) {
    const std::size_t q = s.find(sep, p);
    out.push_back(s.substr(p, q == std::string::npos ? std::string::npos : q - p));
    if (q == std::string::npos) break;
    p = q + 1;
  }
  return out;
}

// "FIRST MIDDLE..." -> first token, rest.
void split_given(const std::string& given, std::string* first, std::string* middle) {
  const std::size_t sp = given.find_first_of(" ,");
  if (sp == std::string::npos) {
    *first = given;
    middle->clear();
    return;
  }
  *first = trim(given.substr(0, sp));
  *middle = clean_name(given.substr(sp + 1));
}

const char* lookup(const std::string& code,
                   std::initializer_list<std::pair<const char*, const char*>> table) {
  for (const auto& [k, v] : table) {
    if (code == k) return v;
  }
  return nullptr;
}

std::string eye_color_name(const std::string& raw) {
  const std::string code = upper(trim(raw));
  if (code.empty()) return {};
  // Standard codes, then spellings seen on real cards ("BR ", "BRN", "BROWN").
  if (const char* v = lookup(code, {{"BLK", "Black"},
                                    {"BLU", "Blue"},
                                    {"BRO", "Brown"},
                                    {"GRY", "Gray"},
                                    {"GRN", "Green"},
                                    {"HAZ", "Hazel"},
                                    {"MAR", "Maroon"},
                                    {"PNK", "Pink"},
                                    {"DIC", "Dichromatic"},
                                    {"UNK", "Unknown"},
                                    {"BR", "Brown"},
                                    {"BRN", "Brown"},
                                    {"BROWN", "Brown"},
                                    {"BLUE", "Blue"},
                                    {"GREEN", "Green"},
                                    {"HAZEL", "Hazel"},
                                    {"BL", "Blue"},
                                    {"GR", "Green"}})) {
    return v;
  }
  return code;
}

std::string hair_color_name(const std::string& raw) {
  const std::string code = upper(trim(raw));
  if (code.empty()) return {};
  if (const char* v = lookup(code, {{"BAL", "Bald"},
                                    {"BLK", "Black"},
                                    {"BLN", "Blond"},
                                    {"BRO", "Brown"},
                                    {"GRY", "Gray"},
                                    {"RED", "Red"},
                                    {"SDY", "Sandy"},
                                    {"WHI", "White"},
                                    {"UNK", "Unknown"},
                                    {"BRN", "Brown"},
                                    {"BROWN", "Brown"},
                                    {"BLOND", "Blond"},
                                    {"BLACK", "Black"}})) {
    return v;
  }
  return code;
}

std::string ethnicity_name(const std::string& raw) {
  const std::string code = upper(trim(raw));
  if (code.empty()) return {};
  if (const char* v = lookup(code, {{"AI", "Alaskan or American Indian"},
                                    {"AP", "Asian or Pacific Islander"},
                                    {"BK", "Black"},
                                    {"H", "Hispanic Origin"},
                                    {"O", "Non-hispanic"},
                                    {"U", "Unknown"},
                                    {"W", "White"}})) {
    return v;
  }
  return code;
}

AamvaFlag truncation_flag(const std::string& raw) {
  const std::string v = upper(trim(raw));
  if (v == "T") return AamvaFlag::yes;
  if (v == "N") return AamvaFlag::no;
  return AamvaFlag::unknown;
}

AamvaFlag one_or_yes(const std::string& raw) {
  const std::string v = upper(trim(raw));
  if (v.empty()) return AamvaFlag::unknown;
  return (v[0] == '1' || v[0] == 'Y') ? AamvaFlag::yes : AamvaFlag::no;
}

std::string codes(const std::string& raw) {
  std::string v = trim(raw);
  return v == "NONE" ? std::string() : v;
}

}  // namespace

std::string parse_date(std::string_view value, DateOrder preferred, bool* used_fallback) {
  if (used_fallback != nullptr) *used_fallback = false;
  const std::string v = trim(value);
  if (v.size() < 8 || !std::all_of(v.begin(), v.begin() + 8, is_digit)) return {};
  const std::string_view d(v.data(), 8);
  auto as = [&](DateOrder order) -> std::string {
    int y = 0;
    int m = 0;
    int day = 0;
    if (order == DateOrder::mmddccyy) {
      m = num(d.substr(0, 2));
      day = num(d.substr(2, 2));
      y = num(d.substr(4, 4));
    } else {
      y = num(d.substr(0, 4));
      m = num(d.substr(4, 2));
      day = num(d.substr(6, 2));
    }
    return valid_date(y, m, day) ? iso(y, m, day) : std::string();
  };
  std::string out = as(preferred);
  if (!out.empty()) return out;
  out = as(preferred == DateOrder::mmddccyy ? DateOrder::ccyymmdd : DateOrder::mmddccyy);
  if (!out.empty() && used_fallback != nullptr) *used_fallback = true;
  return out;
}

std::string decode_sex(std::string_view value) {
  const std::string v = upper(trim(value));
  if (v.empty()) return {};
  switch (v[0]) {
    case '1':
    case 'M':
      return "M";
    case '2':
    case 'F':
      return "F";
    case '9':
    case 'X':
    case 'U':
      return "X";
    default:
      return {};
  }
}

bool parse_height(std::string_view value, int* inches, int* cm) {
  *inches = 0;
  *cm = 0;
  const std::string v = upper(trim(value));
  if (v.empty()) return false;
  std::size_t i = 0;
  std::string lead;
  while (i < v.size() && is_digit(v[i])) lead.push_back(v[i++]);
  if (lead.empty() || lead.size() > 3) return false;
  std::string rest = trim(std::string_view(v).substr(i));
  if (rest == "IN" || rest == "INCHES") {
    *inches = num(lead);
  } else if (rest == "CM") {
    *cm = num(lead);
  } else if (!rest.empty() && (rest[0] == '-' || rest[0] == '\'')) {
    // "5-09", "5'09\"": feet and inches.
    std::string in_digits;
    for (std::size_t k = 1; k < rest.size() && is_digit(rest[k]); ++k) in_digits.push_back(rest[k]);
    if (in_digits.empty() || in_digits.size() > 2 || lead.size() != 1) return false;
    const int in = num(in_digits);
    if (in > 11) return false;
    *inches = num(lead) * 12 + in;
  } else if (rest.empty() && lead.size() == 3 && num(lead.substr(1)) <= 11) {
    // DL/ID-2000 "FII": feet, then inches.
    *inches = num(lead.substr(0, 1)) * 12 + num(lead.substr(1));
  } else if (rest.empty() && lead.size() <= 3) {
    *inches = num(lead);  // a bare number that cannot be feet+inches: inches
  } else {
    return false;
  }
  return *inches > 0 || *cm > 0;
}

std::string normalise_postal_code(std::string_view value) {
  std::string v = trim(value);
  while (!v.empty() && (v.back() == '-' || v.back() == ' ')) v.pop_back();
  std::string alnum;
  for (char c : v) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) alnum.push_back(c);
  }
  const bool digits = !alnum.empty() && std::all_of(alnum.begin(), alnum.end(), is_digit);
  if (digits && alnum.size() == 9) {
    // ZIP+4; "0000" is how the standard pads an unknown +4.
    if (alnum.compare(5, 4, "0000") == 0) return alnum.substr(0, 5);
    return alnum.substr(0, 5) + "-" + alnum.substr(5);
  }
  if (digits && alnum.size() == 5) return alnum;
  if (alnum.size() == 6 && std::isalpha(static_cast<unsigned char>(alnum[0])) != 0 &&
      is_digit(alnum[1]) && std::isalpha(static_cast<unsigned char>(alnum[2])) != 0 &&
      is_digit(alnum[3])) {
    return alnum.substr(0, 3) + " " + alnum.substr(3);  // Canadian "A1A 1A1"
  }
  return v;
}

// ---------------------------------------------------------------------------------------------

void fill_fields_from_elements(AamvaResult& r) {
  const AamvaSubfile* dl = nullptr;
  for (const auto& sf : r.subfiles) {
    if ((sf.type == "DL" || sf.type == "ID") && !sf.elements.empty()) {
      dl = &sf;
      break;
    }
  }
  if (dl == nullptr) return;
  auto raw = [&](const char* id) -> std::string {
    for (const auto& el : dl->elements) {
      if (el.id == id) return el.value;
    }
    return {};
  };
  auto get = [&](const char* id) { return trim(raw(id)); };
  DocumentFields& f = r.fields;
  const AamvaJurisdiction* j = aamva_jurisdiction(r.header.iin);
  const std::string dcg = upper(get("DCG"));
  f.document_type = dl->type;
  f.issuing_country = j != nullptr ? j->country : dcg;
  f.document_number = get("DAQ");

  // Dates: DL/ID-2000 and Canadian issuers write CCYYMMDD, later US files MMDDCCYY; real files
  // mix them up (a US v04 file in CCYYMMDD, a Canadian v02 in MMDDCCYY), so the other order is
  // accepted when the preferred one is not a calendar date.
  const bool canadian = (j != nullptr && std::string(j->country) == "CAN") || dcg == "CAN";
  const DateOrder order =
      (r.header.aamva_version <= 1 || canadian) ? DateOrder::ccyymmdd : DateOrder::mmddccyy;
  auto date = [&](const char* id) -> std::string {
    const std::string v = get(id);
    if (v.empty()) return {};
    bool fallback = false;
    std::string out = parse_date(v, order, &fallback);
    if (out.empty()) {
      add_warning(r, std::string("invalid_date:") + id);
    } else if (fallback) {
      add_warning(r, std::string("date_format_fallback:") + id);
    }
    return out;
  };
  f.date_of_birth = date("DBB");
  f.date_of_expiry = date("DBA");
  f.date_of_issue = date("DBD");
  r.revision_date = date("DDB");
  r.under_18_until = date("DDH");
  r.under_19_until = date("DDI");
  r.under_21_until = date("DDJ");
  f.sex = decode_sex(get("DBC"));

  // Names: DCS/DAC/DAD (2003+), DAB/DAC/DAD (2000 split form), DCT given names (2003/2005),
  // DAA full name (2000 and pre-standard: "LAST,FIRST,MIDDLE,SUFFIX" or "FIRST MIDDLE LAST").
  std::string surname = clean_name(raw("DCS"));
  if (surname.empty()) surname = clean_name(raw("DAB"));
  std::string first = clean_name(raw("DAC"));
  std::string middle = clean_name(raw("DAD"));
  std::string suffix = clean_name(raw("DCU"));
  if (suffix.empty()) suffix = clean_name(raw("DAE"));
  std::string given;
  const std::string dct = clean_name(raw("DCT"));
  if (first.empty() && !dct.empty()) {
    // DCT holds all given names with no first/middle split defined: it goes whole into
    // first_name (and given_names).
    given = dct;
    first = dct;
    middle.clear();
  }
  const std::string daa = trim(raw("DAA"));
  if (surname.empty() && first.empty() && !daa.empty()) {
    if (daa.find(',') != std::string::npos) {
      const auto parts = split(daa, ',');
      surname = clean_name(parts[0]);
      const std::string p1 = parts.size() > 1 ? clean_name(parts[1]) : std::string();
      const std::string p2 = parts.size() > 2 ? clean_name(parts[2]) : std::string();
      if (parts.size() > 3 && suffix.empty()) suffix = clean_name(parts[3]);
      if (!p2.empty()) {
        first = p1;
        middle = p2;
      } else {
        split_given(p1, &first, &middle);
      }
    } else {
      // "FIRST MIDDLE... LAST"
      const std::size_t a = daa.find(' ');
      const std::size_t b = daa.rfind(' ');
      if (a == std::string::npos) {
        surname = daa;
      } else {
        first = daa.substr(0, a);
        surname = daa.substr(b + 1);
        if (b > a) middle = trim(daa.substr(a + 1, b - a - 1));
      }
    }
    add_warning(r, "name_from_full_name_element");
  }
  r.first_name = first;
  r.middle_name = middle;
  r.name_suffix = suffix;
  f.surname = surname;
  f.given_names = given.empty() ? join_names(first, middle) : given;
  r.family_name_truncated = truncation_flag(raw("DDE"));
  r.first_name_truncated = truncation_flag(raw("DDF"));
  r.middle_name_truncated = truncation_flag(raw("DDG"));

  // Address: mailing (DAG..DAK), else the DL/ID-2000 residence address (DAL..DAP).
  std::string street1 = trim(raw("DAG"));
  std::string street2 = codes(raw("DAH"));
  std::string city = trim(raw("DAI"));
  std::string region = trim(raw("DAJ"));
  std::string postal = raw("DAK");
  if (street1.empty() && !trim(raw("DAL")).empty()) {
    street1 = trim(raw("DAL"));
    street2 = codes(raw("DAM"));
    if (city.empty()) city = trim(raw("DAN"));
    if (region.empty()) region = trim(raw("DAO"));
    if (trim(postal).empty()) postal = raw("DAP");
  }
  // Some issuers put the "CITY, ST ZIP" line in DAH; it is not a street line.
  if (!street2.empty() && !city.empty() && street2.rfind(city, 0) == 0 && !region.empty() &&
      street2.find(region) != std::string::npos) {
    street2.clear();
    add_warning(r, "street_2_repeats_city_line");
  }
  r.street_line_1 = street1;
  r.street_line_2 = street2;
  f.address.street = join_names(street1, street2);
  f.address.city = city;
  f.address.region = region;
  f.address.postal_code = normalise_postal_code(postal);
  f.address.country = !dcg.empty() ? dcg : (j != nullptr ? j->country : std::string());
  f.issuing_region = j != nullptr ? j->abbreviation : region;

  // Physical description.
  const std::string dau = get("DAU");
  r.height_as_given = dau;
  if (!dau.empty() && !parse_height(dau, &r.height_inches, &r.height_cm)) {
    add_warning(r, "invalid_height");
  }
  if (r.height_inches == 0 && r.height_cm == 0) {
    const std::string dav = get("DAV");
    if (!dav.empty() && std::all_of(dav.begin(), dav.end(), is_digit) && dav.size() <= 3) {
      r.height_cm = num(dav);
      r.height_as_given = dav;
    }
  }
  const std::string daw = get("DAW");
  if (!daw.empty() && daw.size() <= 3 && std::all_of(daw.begin(), daw.end(), is_digit)) {
    r.weight_lb = num(daw);
  }
  const std::string dax = get("DAX");
  if (!dax.empty() && dax.size() <= 3 && std::all_of(dax.begin(), dax.end(), is_digit)) {
    r.weight_kg = num(dax);
  }
  const std::string dce = get("DCE");
  if (dce.size() == 1 && is_digit(dce[0])) r.weight_range = dce[0] - '0';
  r.eye_color = eye_color_name(get("DAY"));
  r.hair_color = hair_color_name(get("DAZ"));
  r.ethnicity = ethnicity_name(get("DCL"));
  r.place_of_birth = get("DCI");

  // Licence data (DL/ID-2000 used DAR/DAS/DAT for class, restrictions, endorsements).
  r.vehicle_class = codes(raw("DCA"));
  if (r.vehicle_class.empty()) r.vehicle_class = codes(raw("DAR"));
  r.restriction_codes = codes(raw("DCB"));
  if (r.restriction_codes.empty()) r.restriction_codes = codes(raw("DAS"));
  r.endorsement_codes = codes(raw("DCD"));
  if (r.endorsement_codes.empty()) r.endorsement_codes = codes(raw("DAT"));
  r.document_discriminator = codes(raw("DCF"));
  r.inventory_control_number = get("DCK");
  const std::string dda = upper(get("DDA"));
  if (dda == "F") r.compliance_type = "fully_compliant";
  if (dda == "M") r.compliance_type = "materially_compliant";
  if (dda == "N") r.compliance_type = "non_compliant";
  r.organ_donor = one_or_yes(raw("DDK"));
  if (r.organ_donor == AamvaFlag::unknown && r.header.aamva_version <= 1) {
    r.organ_donor = one_or_yes(raw("DBH"));
  }
  r.veteran = one_or_yes(raw("DDL"));
  r.temporary_lawful_status = one_or_yes(raw("DDD"));
}

// ---------------------------------------------------------------------------------------------
// Magnetic stripe (AAMVA DL/ID-2000 Annex F layout; tracks are ISO 7811 '%'...'?', ';'...'?').

AamvaResult parse_magstripe(const std::string& s, AamvaResult r) {
  r.format = "magstripe";
  DocumentFields& f = r.fields;
  bool track1_ok = false;
  bool track2_ok = false;
  std::string expiry_yymm;
  std::string birth;
  std::size_t pos = 0;

  // Track 1: '%' state(2) city(<=13, '^' unless 13) name(<=35, '^') address('^') ... '?'
  if (s[0] == '%') {
    const std::size_t end = s.find('?');
    const std::string t = s.substr(1, end == std::string::npos ? std::string::npos : end - 1);
    pos = end == std::string::npos ? s.size() : end + 1;
    if (t.size() >= 3) {
      f.address.region = t.substr(0, 2);
      std::size_t p = 2;
      std::size_t caret = t.find('^', p);
      std::size_t city_end = std::min<std::size_t>({caret, p + 13, t.size()});
      f.address.city = trim(t.substr(p, city_end - p));
      p = city_end + ((caret == city_end) ? 1 : 0);
      caret = t.find('^', p);
      const std::string name =
          t.substr(p, caret == std::string::npos ? std::string::npos : caret - p);
      const auto parts = split(name, '$');
      f.surname = clean_name(parts[0]);
      r.first_name = parts.size() > 1 ? clean_name(parts[1]) : std::string();
      r.middle_name = parts.size() > 2 ? clean_name(parts[2]) : std::string();
      f.given_names = join_names(r.first_name, r.middle_name);
      if (caret != std::string::npos) {
        p = caret + 1;
        caret = t.find('^', p);
        const std::string address =
            t.substr(p, caret == std::string::npos ? std::string::npos : caret - p);
        const auto lines = split(address, '$');
        r.street_line_1 = trim(lines[0]);
        r.street_line_2 = lines.size() > 1 ? trim(lines[1]) : std::string();
        if (!r.street_line_2.empty() && !f.address.city.empty() &&
            r.street_line_2.rfind(f.address.city, 0) == 0 &&
            r.street_line_2.find(f.address.region) != std::string::npos) {
          r.street_line_2.clear();
          add_warning(r, "street_2_repeats_city_line");
        }
        f.address.street = join_names(r.street_line_1, r.street_line_2);
      }
      track1_ok = !f.address.region.empty() && !f.surname.empty();
    }
  }

  // Track 2: ';' IIN(6) number(<=13) '=' expiry YYMM(4) birth CCYYMMDD(8) overflow(<=5) '=' '?'
  const std::size_t t2 = s.find(';', pos);
  if (t2 != std::string::npos) {
    const std::size_t end = s.find('?', t2);
    const std::string t =
        s.substr(t2 + 1, end == std::string::npos ? std::string::npos : end - t2 - 1);
    pos = end == std::string::npos ? s.size() : end + 1;
    const std::size_t eq = t.find('=');
    if (eq != std::string::npos && eq >= 6 && t.size() >= eq + 1 + 12 &&
        std::all_of(t.begin(), t.begin() + 6, is_digit)) {
      r.header.iin = t.substr(0, 6);
      std::string number = t.substr(6, eq - 6);
      expiry_yymm = t.substr(eq + 1, 4);
      birth = t.substr(eq + 5, 8);
      std::string overflow = t.substr(eq + 13);
      const std::size_t eq2 = overflow.find('=');
      if (eq2 != std::string::npos) overflow.resize(eq2);
      if (overflow.size() > 5) overflow.resize(5);
      // Florida writes its leading letter as two digits (01 = A ... 26 = Z) because track 2 is
      // numeric (behaviour documented by winfinit/aamvajs:index.js).
      if (r.header.iin == "636010" && number.size() >= 2 &&
          std::all_of(number.begin(), number.begin() + 2, is_digit)) {
        const int letter = num(number.substr(0, 2));
        if (letter >= 1 && letter <= 26)
          number = std::string(1, static_cast<char>('A' + letter - 1)) + number.substr(2);
      }
      f.document_number = number + overflow;
      track2_ok = std::all_of(expiry_yymm.begin(), expiry_yymm.end(), is_digit) &&
                  std::all_of(birth.begin(), birth.end(), is_digit);
    }
  }
  if (track2_ok) {
    const int exp_yy = num(expiry_yymm.substr(0, 2));
    const int exp_mm = num(expiry_yymm.substr(2, 2));
    int by = num(birth.substr(0, 4));
    int bm = num(birth.substr(4, 2));
    const int bd = num(birth.substr(6, 2));
    if (bm == 99 && exp_mm >= 1 && exp_mm <= 12) {
      // Florida swaps the standard's convention: birth month 99 = the expiry month.
      bm = exp_mm;
      add_warning(r, "birth_month_from_expiry");
    }
    if (valid_date(by, bm, bd)) {
      f.date_of_birth = iso(by, bm, bd);
    } else {
      add_warning(r, "invalid_date:birth");
    }
    const int ey = 2000 + exp_yy;
    if (exp_mm == 99 && valid_date(ey, bm, bd)) {
      f.date_of_expiry = iso(ey, bm, bd);  // expires on the birthday in year YY
    } else if (exp_mm == 77) {
      add_warning(r, "non_expiring");
    } else {
      add_warning(r, "expiry_month_only");  // YYMM has no day: not invented here
    }
  }

  // Track 3 (AAMVA layout, '#' or '%' sentinel): versions(2) postal(11) class(2) restrictions(10)
  // endorsements(4) sex(1) height(3) weight(3) hair(3) eyes(3) ...
  if (pos < s.size()) {
    const std::size_t t3 = s.find_first_of("#%_", pos);
    if (t3 != std::string::npos && s[t3] != '_' && s.size() >= t3 + 43) {
      const std::string t = s.substr(t3, 43);
      const std::string postal = trim(t.substr(3, 11));
      if (!postal.empty() && f.address.postal_code.empty()) {
        f.address.postal_code = normalise_postal_code(postal);
      }
      r.vehicle_class = trim(t.substr(14, 2));
      r.restriction_codes = trim(t.substr(16, 10));
      r.endorsement_codes = trim(t.substr(26, 4));
      f.sex = decode_sex(t.substr(30, 1));
      r.height_as_given = trim(t.substr(31, 3));
      if (!r.height_as_given.empty())
        parse_height(r.height_as_given, &r.height_inches, &r.height_cm);
      const std::string w = trim(t.substr(34, 3));
      if (!w.empty() && std::all_of(w.begin(), w.end(), is_digit)) r.weight_lb = num(w);
      r.hair_color = hair_color_name(t.substr(37, 3));
      r.eye_color = eye_color_name(t.substr(40, 3));
    } else if (t3 != std::string::npos) {
      add_warning(r, "track3_unrecognised");
    }
  }

  if (!track1_ok && !track2_ok) {
    r.valid = false;
    r.reason = "invalid_magstripe";
    r.message = "neither track 1 nor track 2 could be read";
    return r;
  }
  const AamvaJurisdiction* j = aamva_jurisdiction(r.header.iin);
  if (j != nullptr) r.jurisdiction_name = j->name;
  f.issuing_country = j != nullptr ? j->country : std::string();
  f.issuing_region = j != nullptr ? j->abbreviation : f.address.region;
  f.address.country = f.issuing_country;
  f.document_type = "DL";
  r.valid = true;
  return r;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------

const AamvaElement* AamvaResult::element(std::string_view id) const {
  for (const auto& sf : subfiles) {
    if (sf.type != "DL" && sf.type != "ID") continue;
    for (const auto& el : sf.elements) {
      if (el.id == id) return &el;
    }
  }
  return nullptr;
}

std::vector<AamvaElement> AamvaResult::jurisdiction_elements() const {
  std::vector<AamvaElement> out;
  for (const auto& sf : subfiles) {
    if (!sf.type.empty() && sf.type[0] == 'Z')
      out.insert(out.end(), sf.elements.begin(), sf.elements.end());
  }
  return out;
}

DocumentRead AamvaResult::to_document_read() const {
  DocumentRead read;
  read.source = FieldSource::barcode;
  read.fields = fields;
  if (family_name_truncated == AamvaFlag::yes) read.truncated_fields.emplace_back("surname");
  if (first_name_truncated == AamvaFlag::yes || middle_name_truncated == AamvaFlag::yes) {
    read.truncated_fields.emplace_back("given_names");
  }
  return read;
}

}  // namespace kyc
