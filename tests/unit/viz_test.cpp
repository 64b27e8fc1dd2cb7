// Printed-zone OCR: label/value extraction (synthetic OCR lines), printed dates, the VIZ-vs-MRZ
// cross-check, and the Utopia specimens against PassportEye's expected values.
#include <gtest/gtest.h>

#include <fstream>
#include <kyc/kyc.hpp>
#include <nlohmann/json.hpp>

#include "support/shared_data.hpp"

namespace {

using nlohmann::json;

// A line of words laid out left to right from `x`, 10 px per character, at row `y`.
kyc::VizLine line(float y, std::vector<std::pair<float, std::string>> words) {
  kyc::VizLine l;
  for (const auto& [x, text] : words) {
    l.words.push_back({text, {x, y, 10.0f * text.size(), 20}, 90});
    l.text += (l.text.empty() ? "" : " ") + text;
  }
  l.box = {words.front().first, y, 600, 20};
  return l;
}

kyc::VizOptions options() {
  kyc::VizOptions o;
  o.reference_date = "2026-06-01";
  return o;
}

TEST(VizText, InlineAndColumnValues) {
  const std::vector<kyc::VizLine> lines = {
      line(0, {{0, "Surname:"}, {100, "SMITH"}}),
      line(30, {{0, "Given"}, {60, "names"}, {300, "Date"}, {350, "of"}, {380, "birth"}}),
      line(60, {{0, "JOHN"}, {50, "ALBERT"}, {300, "08/12/1974"}}),
      line(90, {{0, "DL"}, {40, "D1234-567"}, {300, "EXP"}, {340, "01/31/2030"}}),
      line(120, {{0, "Address"}}),
      line(150, {{0, "123"}, {40, "MAIN"}, {90, "ST"}}),
      line(180, {{0, "ARLINGTON,"}, {110, "VA"}, {140, "22201"}}),
  };
  const auto r = kyc::extract_viz_fields(lines, options());
  EXPECT_EQ(r.fields.surname, "SMITH");
  EXPECT_EQ(r.fields.given_names, "JOHN ALBERT");
  EXPECT_EQ(r.fields.date_of_birth, "1974-08-12");  // month first on slash dates by default
  EXPECT_EQ(r.fields.document_number, "D1234567");
  EXPECT_EQ(r.fields.date_of_expiry, "2030-01-31");
  EXPECT_EQ(r.fields.address.street, "123 MAIN ST, ARLINGTON, VA 22201");
  const auto read = r.to_document_read();
  EXPECT_EQ(read.source, kyc::FieldSource::viz);
  EXPECT_TRUE(read.verified_fields.empty());
  const auto j = json::parse(r.to_json());
  EXPECT_EQ(j["schema"], "kyc.viz");
  EXPECT_EQ(j["fields"]["surname"], "SMITH");
}

TEST(VizText, UnlabelledTextIsNotGuessed) {
  const auto r = kyc::extract_viz_fields(
      {line(0, {{0, "REPUBLIC"}, {100, "OF"}, {140, "UTOPIA"}}), line(30, {{0, "ERIKSSON"}})},
      options());
  EXPECT_TRUE(r.found.empty());
  EXPECT_TRUE(r.fields.surname.empty());
}

TEST(VizText, PrintedDates) {
  const auto o = options();
  EXPECT_EQ(kyc::viz_date_to_iso("12 AUG/AOUT 74", true, o), "1974-08-12");
  EXPECT_EQ(kyc::viz_date_to_iso("12 AUGUST 1974", true, o), "1974-08-12");
  EXPECT_EQ(kyc::viz_date_to_iso("15 APR/AVR 12", false, o), "2012-04-15");
  EXPECT_EQ(kyc::viz_date_to_iso("1974-08-12", true, o), "1974-08-12");
  EXPECT_EQ(kyc::viz_date_to_iso("12.08.1974", true, o), "1974-08-12");
  EXPECT_EQ(kyc::viz_date_to_iso("08/12/1974", true, o), "1974-08-12");
  EXPECT_EQ(kyc::viz_date_to_iso("25/12/1974", true, o), "1974-12-25");  // day > 12: day first
  kyc::VizOptions day_first = o;
  day_first.slash_dates_month_first = false;
  EXPECT_EQ(kyc::viz_date_to_iso("08/12/1974", true, day_first), "1974-12-08");
  EXPECT_EQ(kyc::viz_date_to_iso("31 FEB 1990", true, o), "");
  EXPECT_EQ(kyc::viz_date_to_iso("29.02.2001", true, o), "");
  EXPECT_EQ(kyc::viz_date_to_iso("PASSPORT OFFICE", true, o), "");
  EXPECT_EQ(kyc::viz_date_to_iso("", true, o), "");
}

TEST(VizMrzCrossCheck, MatchConfusableTruncatedAndMismatch) {
  const auto mrz = kyc::parse_mrz({"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                                   "L898902C36UTO7408122F1204159ZE184226B<<<<<10"});
  kyc::DocumentFields viz;
  viz.surname = "Eriksson";
  viz.given_names = "ANNA MARIA";
  viz.document_number = "L8989O2C3";  // O for 0 in the printed-zone OCR
  viz.date_of_birth = "1974-08-12";
  auto check = kyc::cross_check_viz_mrz(viz, mrz);
  EXPECT_TRUE(check.consistent) << check.to_json();
  std::map<std::string, std::string> status;
  for (const auto& c : check.comparisons) status[c.field] = c.status;
  EXPECT_EQ(status["surname"], "match");
  EXPECT_EQ(status["document_number"], "match_confusable");
  EXPECT_EQ(status["date_of_birth"], "match");
  EXPECT_EQ(status["date_of_expiry"], "missing_viz");
  viz.date_of_birth = "1974-08-13";
  check = kyc::cross_check_viz_mrz(viz, mrz);
  EXPECT_FALSE(check.consistent);
  EXPECT_EQ(json::parse(check.to_json())["consistent"], false);
  // A name the MRZ had to cut (full name field) is a prefix match.
  const auto cut =
      kyc::parse_mrz({"I<PRT007777779<ZZ92<<<<<<<<<<<", "8303143M3405282PRT<<<<<<<<<<<2",
                      "CACADOR<DE<ARAUJO<<ANDRE<ESTEV"});
  ASSERT_TRUE(cut.flags.names_truncated);
  kyc::DocumentFields printed;
  printed.given_names = "ANDRE ESTEVAO";
  const auto t = kyc::cross_check_viz_mrz(printed, cut);
  std::string given_status;
  for (const auto& c : t.comparisons) {
    if (c.field == "given_names") given_status = c.status;
  }
  EXPECT_EQ(given_status, "match_truncated");
  EXPECT_TRUE(t.consistent);
}

TEST(VizImage, UtopiaSpecimensAgreeWithExpectedFieldsAndMrz) {
  KYC_SHARED_FILE(expected_path, "data/docs/passporteye/expected.json");
  KYC_SHARED_FILE(model, "models/tessdata/mrz.traineddata");
  std::ifstream in(expected_path);
  const json expected = json::parse(in);
  kyc::VizReaderOptions viz_options;
  viz_options.extraction.reference_date = "2026-06-01";
  const kyc::VizReader viz(viz_options);
  kyc::MrzReaderOptions mrz_options;
  mrz_options.tessdata_dir = kyc_test::shared_dir() + "/models/tessdata";
  const kyc::MrzReader mrz(mrz_options);
  for (const auto& [relative, e] : expected["images"].items()) {
    SCOPED_TRACE(relative);
    const auto input =
        kyc::ImageInput::from_path(kyc_test::shared_dir() + "/data/docs/" + relative);
    const auto r = viz.read(input);
    const auto& f = e["expected_fields_normalized"];
    EXPECT_EQ(r.fields.surname, f["surname"]);
    EXPECT_EQ(r.fields.given_names, f["given_names"]);
    EXPECT_EQ(r.fields.document_number, f["document_number"]);
    const std::string birth = f["birth_date"];  // YYMMDD
    EXPECT_EQ(r.fields.date_of_birth.substr(2, 2) + r.fields.date_of_birth.substr(5, 2) +
                  r.fields.date_of_birth.substr(8, 2),
              birth);
    const auto check = kyc::cross_check_viz_mrz(r.fields, mrz.read(input));
    EXPECT_TRUE(check.consistent) << check.to_json();
    int matches = 0;
    for (const auto& c : check.comparisons) matches += c.status == "match" ? 1 : 0;
    EXPECT_GE(matches, 4) << check.to_json();
  }
}

}  // namespace
