#include "document/text/address.hpp"

#include <unordered_map>

#include "document/text/names.hpp"

namespace kyc::text {
namespace {

// USPS Publication 28 street suffixes, secondary-unit designators and directionals that
// applicants write both ways. Every unit designator maps to one token so "Apt 4", "Unit 4" and
// "#4" agree.
const std::unordered_map<std::string, std::string>& abbreviations() {
  static const std::unordered_map<std::string, std::string> map = {
      {"STREET", "ST"},       {"STR", "ST"},        {"AVENUE", "AVE"},     {"AV", "AVE"},
      {"AVEN", "AVE"},        {"ROAD", "RD"},       {"BOULEVARD", "BLVD"}, {"BOUL", "BLVD"},
      {"DRIVE", "DR"},        {"DRV", "DR"},        {"LANE", "LN"},        {"COURT", "CT"},
      {"PLACE", "PL"},        {"TERRACE", "TER"},   {"CIRCLE", "CIR"},     {"HIGHWAY", "HWY"},
      {"PARKWAY", "PKWY"},    {"PKY", "PKWY"},      {"SQUARE", "SQ"},      {"TRAIL", "TRL"},
      {"EXPRESSWAY", "EXPY"}, {"FREEWAY", "FWY"},   {"TURNPIKE", "TPKE"},  {"PIKE", "PIKE"},
      {"ALLEY", "ALY"},       {"CRESCENT", "CRES"}, {"POINT", "PT"},       {"CENTER", "CTR"},
      {"CENTRE", "CTR"},      {"HEIGHTS", "HTS"},   {"MOUNT", "MT"},       {"FORT", "FT"},
      {"APARTMENT", "UNIT"},  {"APT", "UNIT"},      {"UNIT", "UNIT"},      {"SUITE", "UNIT"},
      {"STE", "UNIT"},        {"NO", "UNIT"},       {"FLOOR", "FL"},       {"BUILDING", "BLDG"},
      {"NORTH", "N"},         {"SOUTH", "S"},       {"EAST", "E"},         {"WEST", "W"},
      {"NORTHEAST", "NE"},    {"NORTHWEST", "NW"},  {"SOUTHEAST", "SE"},   {"SOUTHWEST", "SW"},
      {"POBOX", "POBOX"},
  };
  return map;
}

const std::unordered_map<std::string, std::string>& state_codes() {
  static const std::unordered_map<std::string, std::string> map = {
      {"ALABAMA", "AL"},
      {"ALASKA", "AK"},
      {"ARIZONA", "AZ"},
      {"ARKANSAS", "AR"},
      {"CALIFORNIA", "CA"},
      {"COLORADO", "CO"},
      {"CONNECTICUT", "CT"},
      {"DELAWARE", "DE"},
      {"DISTRICT OF COLUMBIA", "DC"},
      {"FLORIDA", "FL"},
      {"GEORGIA", "GA"},
      {"HAWAII", "HI"},
      {"IDAHO", "ID"},
      {"ILLINOIS", "IL"},
      {"INDIANA", "IN"},
      {"IOWA", "IA"},
      {"KANSAS", "KS"},
      {"KENTUCKY", "KY"},
      {"LOUISIANA", "LA"},
      {"MAINE", "ME"},
      {"MARYLAND", "MD"},
      {"MASSACHUSETTS", "MA"},
      {"MICHIGAN", "MI"},
      {"MINNESOTA", "MN"},
      {"MISSISSIPPI", "MS"},
      {"MISSOURI", "MO"},
      {"MONTANA", "MT"},
      {"NEBRASKA", "NE"},
      {"NEVADA", "NV"},
      {"NEW HAMPSHIRE", "NH"},
      {"NEW JERSEY", "NJ"},
      {"NEW MEXICO", "NM"},
      {"NEW YORK", "NY"},
      {"NORTH CAROLINA", "NC"},
      {"NORTH DAKOTA", "ND"},
      {"OHIO", "OH"},
      {"OKLAHOMA", "OK"},
      {"OREGON", "OR"},
      {"PENNSYLVANIA", "PA"},
      {"RHODE ISLAND", "RI"},
      {"SOUTH CAROLINA", "SC"},
      {"SOUTH DAKOTA", "SD"},
      {"TENNESSEE", "TN"},
      {"TEXAS", "TX"},
      {"UTAH", "UT"},
      {"VERMONT", "VT"},
      {"VIRGINIA", "VA"},
      {"WASHINGTON", "WA"},
      {"WEST VIRGINIA", "WV"},
      {"WISCONSIN", "WI"},
      {"WYOMING", "WY"},
      {"PUERTO RICO", "PR"},
      {"GUAM", "GU"},
      {"AMERICAN SAMOA", "AS"},
      {"VIRGIN ISLANDS", "VI"},
      {"NORTHERN MARIANA ISLANDS", "MP"},
  };
  return map;
}

// Upper-case ASCII words; '#' becomes its own token ("#4" → "UNIT 4"); other punctuation
// separates. Ordinal suffixes stay attached ("1ST").
std::vector<std::string> raw_words(std::string_view text) {
  const std::string upper = transliterate_upper(text, true);
  std::vector<std::string> words;
  std::string current;
  const auto flush = [&] {
    if (!current.empty()) words.push_back(std::move(current));
    current.clear();
  };
  for (char c : upper) {
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      current.push_back(c);
    } else if (c == '\'') {
      continue;  // "O'Neil St"
    } else {
      flush();
      if (c == '#') words.emplace_back("#");
    }
  }
  flush();
  return words;
}

std::string collapse_spaces(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out.push_back(' ');
    out += w;
  }
  return out;
}

}  // namespace

std::vector<std::string> address_tokens(std::string_view text) {
  const std::vector<std::string> words = raw_words(text);
  std::vector<std::string> tokens;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "#") {
      if (tokens.empty() || tokens.back() != "UNIT") tokens.emplace_back("UNIT");
      continue;
    }
    if (w == "PO" && i + 1 < words.size() && words[i + 1] == "BOX") {
      tokens.emplace_back("POBOX");
      ++i;
      continue;
    }
    const auto it = abbreviations().find(w);
    std::string token = it != abbreviations().end() ? it->second : w;
    // "Apt #4" / "Unit No 4": one designator, not two.
    if (token == "UNIT" && !tokens.empty() && tokens.back() == "UNIT") continue;
    tokens.push_back(std::move(token));
  }
  return tokens;
}

std::string us_state_code(std::string_view name_or_code) {
  const std::string key = collapse_spaces(raw_words(name_or_code));
  if (key.size() == 2) {
    for (const auto& entry : state_codes()) {
      if (entry.second == key) return key;
    }
    return "";
  }
  const auto it = state_codes().find(key);
  return it != state_codes().end() ? it->second : "";
}

std::vector<std::string> NormalizedAddress::all_tokens() const {
  std::vector<std::string> out(street);
  out.insert(out.end(), city.begin(), city.end());
  if (!region.empty()) out.push_back(region);
  if (!postal_code.empty()) out.push_back(postal_code);
  if (!country.empty()) out.push_back(country);
  return out;
}

NormalizedAddress normalize_address(const Address& address) {
  NormalizedAddress out;
  out.street = address_tokens(address.street);
  out.city = address_tokens(address.city);
  const std::string state = us_state_code(address.region);
  out.region = !state.empty() ? state : collapse_spaces(raw_words(address.region));

  std::string compact;
  for (char c : transliterate_upper(address.postal_code, true)) {
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) compact.push_back(c);
  }
  const bool all_digits =
      !compact.empty() && compact.find_first_not_of("0123456789") == std::string::npos;
  if (all_digits && (compact.size() == 5 || compact.size() == 9)) {
    out.postal_code = compact.substr(0, 5);  // US ZIP; ZIP+4 kept apart
    if (compact.size() == 9) out.zip4 = compact.substr(5);
  } else {
    out.postal_code = compact;
  }

  const std::string country = collapse_spaces(raw_words(address.country));
  if (country == "US" || country == "USA" || country == "UNITED STATES" ||
      country == "UNITED STATES OF AMERICA") {
    out.country = "USA";
  } else {
    out.country = country;
  }
  return out;
}

}  // namespace kyc::text
