// Internal text helpers: UTF-8 validation, ICAO 9303 transliteration (checked against the
// MRZ generators' vectors in ../shared), date parsing, address normalisation.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "document/text/address.hpp"
#include "document/text/dates.hpp"
#include "document/text/names.hpp"
#include "document/text/utf8.hpp"
#include "support/shared_data.hpp"

namespace {

using kyc::text::CivilDate;
using kyc::text::DateRole;

TEST(Utf8, ValidAndInvalidSequences) {
  EXPECT_FALSE(kyc::text::find_invalid_utf8("plain ASCII"));
  EXPECT_FALSE(kyc::text::find_invalid_utf8("Ærøskøbing Müller 東京 \xF0\x9F\x98\x80"));
  const auto truncated = kyc::text::find_invalid_utf8("ab\nc\xE6\x9D");
  ASSERT_TRUE(truncated);
  EXPECT_EQ(truncated->line, 2u);
  EXPECT_EQ(truncated->column, 2u);
  EXPECT_EQ(truncated->byte_offset, 4u);
  EXPECT_TRUE(kyc::text::find_invalid_utf8("\x80"));              // lone continuation
  EXPECT_TRUE(kyc::text::find_invalid_utf8("\xE0\x80\xAF"));      // overlong
  EXPECT_TRUE(kyc::text::find_invalid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_TRUE(kyc::text::find_invalid_utf8("\xED\xB0\x80"));      // surrogate
}

TEST(Utf8, PositionsCountCrLfOnceAndCodePoints) {
  const std::string text = "é1\r\nab\rc";
  EXPECT_EQ(kyc::text::position_of(text, 3).column, 3u);  // after "é1"
  EXPECT_EQ(kyc::text::position_of(text, 5).line, 2u);
  EXPECT_EQ(kyc::text::position_of(text, 8).line, 3u);  // lone CR ends a line too
}

// The MRZ name field form of `text`: transliterate, every other character → '<', pad/truncate.
std::string mrz_form(const std::string& text, std::size_t length) {
  std::string out;
  for (char c : kyc::text::transliterate_upper(text, false)) {
    out.push_back(((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) ? c : '<');
  }
  out.resize(length, '<');
  return out;
}

TEST(Transliteration, MatchesMrzGeneratorVectors) {
  KYC_SHARED_FILE(path, "data/docs/mrz_text_vectors.json");
  std::ifstream in(path);
  const nlohmann::json doc = nlohmann::json::parse(in);
  int checked = 0;
  for (const auto& c : doc["cases"]) {
    if (c.value("kind", "") != "transliteration") continue;
    const std::string input = c["input"].get<std::string>();
    const std::string expected = c["expected_output"].get<std::string>();
    EXPECT_EQ(mrz_form(input, c["length"].get<std::size_t>()), expected) << c["id"];
    ++checked;
  }
  EXPECT_GE(checked, 9);
}

struct TranslitCase {
  const char* input;
  const char* primary;
  const char* simple;
};

TEST(Transliteration, Icao9303Table) {
  // ICAO 9303 Part 3 section 6: recommended transliteration, and the permitted simple form.
  const TranslitCase cases[] = {
      {"Ö", "OE", "O"},  {"Ü", "UE", "U"}, {"Ä", "AE", "A"}, {"Å", "AA", "A"},  {"ß", "SS", "SS"},
      {"Æ", "AE", "AE"}, {"Ø", "OE", "O"}, {"Ñ", "N", "N"},  {"Þ", "TH", "TH"}, {"Œ", "OE", "OE"},
      {"Ĳ", "IJ", "IJ"}, {"Ł", "L", "L"},  {"é", "E", "E"},  {"ç", "C", "C"},   {"Ş", "S", "S"},
      {"ő", "O", "O"},   {"Đ", "D", "D"},  {"ž", "Z", "Z"},
  };
  for (const TranslitCase& c : cases) {
    EXPECT_EQ(kyc::text::transliterate_upper(c.input, false), c.primary) << c.input;
    EXPECT_EQ(kyc::text::transliterate_upper(c.input, true), c.simple) << c.input;
  }
}

TEST(NameVariants, TokensAndBothConventions) {
  const auto v = kyc::text::name_variants("Müller-Lüdenscheidt, O'Brien");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0], (kyc::text::NameTokens{"MUELLER", "LUEDENSCHEIDT", "OBRIEN"}));
  EXPECT_EQ(v[1], (kyc::text::NameTokens{"MULLER", "LUDENSCHEIDT", "OBRIEN"}));
  EXPECT_EQ(kyc::text::name_variants("ANNA<MARIA").size(), 1u);
  EXPECT_EQ(kyc::text::name_variants("e\xCC\x81mile")[0], (kyc::text::NameTokens{"EMILE"}));
}

struct DateCase {
  const char* text;
  DateRole role;
  std::vector<const char*> expected;  // ISO candidates, in order; empty = not a date
};

TEST(Dates, CommonFormats) {
  const CivilDate as_of{2024, 6, 1};
  const DateCase cases[] = {
      {"1974-08-12", DateRole::birth, {"1974-08-12"}},
      {"1974/8/12", DateRole::birth, {"1974-08-12"}},
      {"19740812", DateRole::birth, {"1974-08-12"}},
      {"12/08/1974", DateRole::birth, {"1974-08-12", "1974-12-08"}},
      {"13/08/1974", DateRole::birth, {"1974-08-13"}},
      {"08/13/1974", DateRole::birth, {"1974-08-13"}},
      {"12.08.1974", DateRole::birth, {"1974-08-12", "1974-12-08"}},
      {"05-05-1980", DateRole::birth, {"1980-05-05"}},
      {"12 Aug 1974", DateRole::birth, {"1974-08-12"}},
      {"12 AUG/AOUT 74", DateRole::birth, {"1974-08-12"}},
      {"August 12th, 1974", DateRole::birth, {"1974-08-12"}},
      {"12-aug-1974", DateRole::birth, {"1974-08-12"}},
      {"1974 Aug 12", DateRole::birth, {"1974-08-12"}},
      {"Sept 1 2001", DateRole::birth, {"2001-09-01"}},
      {"740812", DateRole::birth, {"1974-08-12"}},
      {"100812", DateRole::birth, {"2010-08-12"}},
      {"300812", DateRole::birth, {"1930-08-12"}},
      {"120415", DateRole::expiry, {"2012-04-15"}},
      {"350415", DateRole::expiry, {"2035-04-15"}},
      {"1974-08-12T00:00:00", DateRole::birth, {"1974-08-12"}},
      {"29/02/2001", DateRole::birth, {}},
      {"31/04/1990", DateRole::birth, {}},
      {"2024-02-29", DateRole::birth, {"2024-02-29"}},
      {"not a date", DateRole::birth, {}},
      {"12 Foo 1974", DateRole::birth, {}},
      {"", DateRole::birth, {}},
      {"1234567", DateRole::birth, {}},
  };
  for (const DateCase& c : cases) {
    const auto parsed = kyc::text::parse_date(c.text, c.role, as_of);
    std::vector<std::string> got;
    for (const auto& cand : parsed.candidates) got.push_back(cand.date.iso());
    std::vector<std::string> want(c.expected.begin(), c.expected.end());
    EXPECT_EQ(got, want) << c.text;
  }
}

TEST(Dates, AgeCountsBirthdays) {
  EXPECT_EQ(kyc::text::age_in_years({2006, 6, 2}, {2024, 6, 1}), 17);
  EXPECT_EQ(kyc::text::age_in_years({2006, 6, 1}, {2024, 6, 1}), 18);
  EXPECT_EQ(kyc::text::age_in_years({2004, 2, 29}, {2022, 2, 28}), 17);
  EXPECT_EQ(kyc::text::age_in_years({2004, 2, 29}, {2022, 3, 1}), 18);
  EXPECT_EQ((CivilDate{1970, 1, 1}.days()), 0);
  EXPECT_EQ((CivilDate{2000, 3, 1}.days() - CivilDate{2000, 2, 28}.days()), 2);
}

TEST(Address, AbbreviationsUnitsAndZip) {
  using kyc::text::address_tokens;
  EXPECT_EQ(address_tokens("123 North Main Street, Apartment 4"),
            address_tokens("123 N. Main St #4"));
  EXPECT_EQ(address_tokens("9 Oak Avenue Unit 5"), address_tokens("9 OAK AVE APT 5"));
  EXPECT_EQ(address_tokens("1 Sunset Boulevard"), address_tokens("1 sunset blvd."));
  EXPECT_NE(address_tokens("1 Sunset Boulevard"), address_tokens("1 Sunset Road"));
  EXPECT_NE(address_tokens("12 Main St"), address_tokens("21 Main St"));
  EXPECT_EQ(address_tokens("PO Box 7"), (std::vector<std::string>{"POBOX", "7"}));

  kyc::Address a;
  a.region = "Virginia";
  a.postal_code = "22201-1234";
  a.country = "United States";
  const auto n = kyc::text::normalize_address(a);
  EXPECT_EQ(n.region, "VA");
  EXPECT_EQ(n.postal_code, "22201");
  EXPECT_EQ(n.zip4, "1234");
  EXPECT_EQ(n.country, "USA");
  kyc::Address uk;
  uk.postal_code = "sw1a 1aa";
  EXPECT_EQ(kyc::text::normalize_address(uk).postal_code, "SW1A1AA");
  EXPECT_EQ(kyc::text::us_state_code("new york"), "NY");
  EXPECT_EQ(kyc::text::us_state_code("ny"), "NY");
  EXPECT_EQ(kyc::text::us_state_code("Ontario"), "");
}

}  // namespace
