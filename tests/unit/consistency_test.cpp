// Consistency check: name / date / number / address tables (each with cases that must NOT
// match), validity rules, cross-source checks, the verdict rules, and the JSON report.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "kyc/consistency.hpp"
#include "kyc/error.hpp"
#include "support/shared_data.hpp"

namespace {

using kyc::FieldSource;
using kyc::MatchState;

kyc::ConsistencyOptions options_as_of(const char* date) {
  kyc::ConsistencyOptions o;
  o.as_of = date;
  return o;
}

kyc::DocumentRead read_of(FieldSource source) {
  kyc::DocumentRead r;
  r.source = source;
  return r;
}

const kyc::FieldConsistency* field_of(const kyc::ConsistencyResult& r, const std::string& name) {
  for (const auto& f : r.fields) {
    if (f.field == name) return &f;
  }
  return nullptr;
}

const kyc::FieldComparison* cross_of(const kyc::ConsistencyResult& r, const std::string& field,
                                     FieldSource a, FieldSource b) {
  for (const auto& c : r.cross_source) {
    if (c.field == field && ((c.left == a && c.right == b) || (c.left == b && c.right == a))) {
      return &c;
    }
  }
  return nullptr;
}

const kyc::ValidityCheck* validity_of(const kyc::ConsistencyResult& r, const std::string& check) {
  for (const auto& v : r.validity) {
    if (v.check == check) return &v;
  }
  return nullptr;
}

// --- names -------------------------------------------------------------------------------------

struct NameCase {
  const char* typed_surname;
  const char* typed_given;
  const char* doc_surname;
  const char* doc_given;
  bool doc_truncated;
  MatchState expected;
  const char* reason;
};

class NameTable : public ::testing::TestWithParam<NameCase> {};

TEST_P(NameTable, ComparesAsSpecified) {
  const NameCase c = GetParam();
  kyc::DocumentRead applicant = read_of(FieldSource::applicant);
  applicant.fields.surname = c.typed_surname;
  applicant.fields.given_names = c.typed_given;
  kyc::DocumentRead mrz = read_of(FieldSource::mrz);
  mrz.fields.surname = c.doc_surname;
  mrz.fields.given_names = c.doc_given;
  if (c.doc_truncated) mrz.truncated_fields = {"given_names", "surname"};
  const auto result = kyc::check_consistency(applicant, {mrz}, options_as_of("2024-06-01"));
  const auto* name = field_of(result, "name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->state, c.expected)
      << c.typed_surname << "/" << c.typed_given << " vs " << c.doc_surname << "/" << c.doc_given
      << " score " << name->score << " reason " << name->reason;
  EXPECT_EQ(name->reason, c.reason);
  EXPECT_GE(name->score, 0.0);
  EXPECT_LE(name->score, 1.0);
  if (c.expected == MatchState::match) {
    EXPECT_GE(name->score, 0.8);
  } else {
    EXPECT_LT(name->score, 0.8);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, NameTable,
    ::testing::Values(
        NameCase{"Eriksson", "Anna Maria", "ERIKSSON", "ANNA MARIA", false, MatchState::match,
                 "exact"},
        NameCase{"eriksson", "anna maria", "ERIKSSON", "ANNA MARIA", false, MatchState::match,
                 "exact"},
        NameCase{"Müller", "Jürgen", "MUELLER", "JUERGEN", false, MatchState::match,
                 "transliterated"},
        NameCase{"Müller", "Jürgen", "MULLER", "JURGEN", false, MatchState::match,
                 "transliteration_variant"},
        NameCase{"Ångström", "Åsa", "AANGSTROEM", "AASA", false, MatchState::match,
                 "transliterated"},
        NameCase{"Strauß", "Ærin", "STRAUSS", "AERIN", false, MatchState::match, "transliterated"},
        NameCase{"Øvergård", "Søren", "OEVERGAARD", "SOEREN", false, MatchState::match,
                 "transliterated"},
        NameCase{"Muñoz", "José", "MUNOZ", "JOSE", false, MatchState::match, "transliterated"},
        NameCase{"Smith-Jones", "Mary", "SMITH JONES", "MARY", false, MatchState::match, "exact"},
        NameCase{"O'Brien", "Seán", "OBRIEN", "SEAN", false, MatchState::match, "transliterated"},
        NameCase{"Van der Berg", "Piet", "VANDERBERG", "PIET", false, MatchState::match, "exact"},
        NameCase{"Anna Maria", "Eriksson", "ERIKSSON", "ANNA MARIA", false, MatchState::match,
                 "order_swapped"},
        NameCase{"Eriksson", "Anna", "ERIKSSON", "ANNA MARIA", false, MatchState::match,
                 "given_names_subset"},
        NameCase{"Eriksson", "Anna Maria Louise", "ERIKSSON", "ANNA MARIA", false,
                 MatchState::match, "given_names_subset"},
        NameCase{"Eriksson", "A. M.", "ERIKSSON", "ANNA MARIA", false, MatchState::match,
                 "initials"},
        NameCase{"Eriksson", "Anna M", "ERIKSSON", "ANNA MARIA", false, MatchState::match,
                 "initials"},
        NameCase{"Wolfeschlegelsteinhausen", "Hubert", "WOLFESCHLEGEL", "HUBERT", true,
                 MatchState::match, "truncated_prefix"},
        NameCase{"Eriksson", "Anna Maria", "ERIKSSON", "ANNA M", true, MatchState::match,
                 "truncated_prefix"},
        NameCase{"Johnson", "Peter", "JONSON", "PETER", false, MatchState::match, "fuzzy"},
        // Must not match:
        NameCase{"Wolfeschlegelsteinhausen", "Hubert", "WOLFESCHLEGEL", "HUBERT", false,
                 MatchState::mismatch, "name_differs"},
        NameCase{"Eriksson", "Anna", "JOHANSSON", "ANNA", false, MatchState::mismatch,
                 "name_differs"},
        NameCase{"Smith", "John", "SMITH", "PETER", false, MatchState::mismatch, "name_differs"},
        NameCase{"Doe", "Jane", "DOE", "JOHN", false, MatchState::mismatch, "name_differs"},
        NameCase{"Eriksson", "B. M.", "ERIKSSON", "ANNA MARIA", false, MatchState::mismatch,
                 "name_differs"},
        NameCase{"Mueller", "Hans", "MULLER", "FRITZ", false, MatchState::mismatch, "name_differs"},
        NameCase{"Garcia", "Maria", "LOPEZ", "MARIA", false, MatchState::mismatch, "name_differs"},
        NameCase{"Nguyen", "Van", "TRAN", "VAN", true, MatchState::mismatch, "name_differs"}));

// --- dates -------------------------------------------------------------------------------------

struct DateCase {
  const char* typed;
  const char* document;
  MatchState expected;
  const char* reason;
};

class DateTable : public ::testing::TestWithParam<DateCase> {};

TEST_P(DateTable, DateOfBirth) {
  const DateCase c = GetParam();
  kyc::DocumentRead applicant = read_of(FieldSource::applicant);
  applicant.fields.date_of_birth = c.typed;
  kyc::DocumentRead doc = read_of(FieldSource::barcode);
  doc.fields.date_of_birth = c.document;
  const auto result = kyc::check_consistency(applicant, {doc}, options_as_of("2024-06-01"));
  const auto* dob = field_of(result, "date_of_birth");
  ASSERT_NE(dob, nullptr);
  EXPECT_EQ(dob->state, c.expected) << c.typed << " vs " << c.document << ": " << dob->reason;
  EXPECT_EQ(dob->reason, c.reason) << c.typed << " vs " << c.document;
}

INSTANTIATE_TEST_SUITE_P(
    Table, DateTable,
    ::testing::Values(
        DateCase{"1974-08-12", "1974-08-12", MatchState::match, "exact"},
        DateCase{"12 Aug 1974", "1974-08-12", MatchState::match, "format_differs"},
        DateCase{"Aug 12, 1974", "1974-08-12", MatchState::match, "format_differs"},
        DateCase{"12/08/1974", "1974-08-12", MatchState::match, "ambiguous_resolved_day_first"},
        DateCase{"08/12/1974", "1974-08-12", MatchState::match, "ambiguous_resolved_month_first"},
        DateCase{"13/08/1974", "1974-08-13", MatchState::match, "format_differs"},
        DateCase{"1974-08-12", "740812", MatchState::match, "format_differs"},
        DateCase{"1924-08-12", "240812", MatchState::match, "format_differs"},
        DateCase{"19740812", "1974-08-12", MatchState::match, "format_differs"},
        // The MRZ cannot tell 1920 from 2020: day, month and year-in-century agree.
        DateCase{"1920-01-01", "200101", MatchState::match, "century_inferred"},
        // Must not match:
        DateCase{"1974-08-13", "1974-08-12", MatchState::mismatch, "date_differs"},
        DateCase{"13/08/1974", "1974-08-12", MatchState::mismatch, "date_differs"},
        DateCase{"1974-12-08", "1974-08-12", MatchState::mismatch, "day_month_transposed"},
        DateCase{"12 Aug 1975", "1974-08-12", MatchState::mismatch, "date_differs"},
        DateCase{"1974-08-12", "740813", MatchState::mismatch, "date_differs"},
        // Not comparable:
        DateCase{"sometime in 1974", "1974-08-12", MatchState::not_available,
                 "unparseable_applicant"},
        DateCase{"1974-02-30", "1974-08-12", MatchState::not_available, "unparseable_applicant"}));

// --- document numbers --------------------------------------------------------------------------

TEST(DocumentNumber, OcrConfusablesOnlyWhenVerified) {
  const auto compare = [](const char* typed, const char* mrz_value, bool verified) {
    kyc::DocumentRead applicant = read_of(FieldSource::applicant);
    applicant.fields.document_number = typed;
    kyc::DocumentRead mrz = read_of(FieldSource::mrz);
    mrz.fields.document_number = mrz_value;
    if (verified) mrz.verified_fields = {"document_number"};
    const auto r = kyc::check_consistency(applicant, {mrz}, options_as_of("2024-06-01"));
    return *field_of(r, "document_number");
  };
  EXPECT_EQ(compare("L898902C3", "L898902C3", false).reason, "exact");
  EXPECT_EQ(compare("l898 902-c3", "L898902C3", false).reason, "normalized_equal");
  EXPECT_EQ(compare("L898902C3", "L898902C3", false).state, MatchState::match);
  for (const char* confused : {"L8989O2C3", "LB98902C3", "I898902C3", "L89B902C3"}) {
    // "I898902C3": I/1 only maps I→1; "L" stays, so an I in place of L is NOT a confusion.
    const bool is_confusion = std::string(confused) != "I898902C3";
    const auto verified = compare(confused, "L898902C3", true);
    EXPECT_EQ(verified.state, is_confusion ? MatchState::match : MatchState::mismatch) << confused;
    if (is_confusion) {
      EXPECT_EQ(verified.reason, "ocr_confusable") << confused;
    }
    const auto unverified = compare(confused, "L898902C3", false);
    EXPECT_EQ(unverified.state, MatchState::mismatch) << confused;
    EXPECT_EQ(unverified.reason, "number_differs") << confused;
  }
  EXPECT_EQ(compare("L898902C4", "L898902C3", true).state, MatchState::mismatch);
  EXPECT_EQ(compare("5Z1", "521", true).reason, "ocr_confusable");
}

TEST(DocumentNumber, CrossSourceToleranceNeedsOneVerifiedSide) {
  kyc::DocumentRead mrz = read_of(FieldSource::mrz);
  mrz.fields.document_number = "D23145890";
  mrz.verified_fields = {"document_number"};
  kyc::DocumentRead viz = read_of(FieldSource::viz);
  viz.fields.document_number = "D2314589O";
  const kyc::DocumentRead applicant = read_of(FieldSource::applicant);
  auto r = kyc::check_consistency(applicant, {mrz, viz}, options_as_of("2024-06-01"));
  const auto* c = cross_of(r, "document_number", FieldSource::mrz, FieldSource::viz);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->state, MatchState::match);
  EXPECT_EQ(c->reason, "ocr_confusable");
  mrz.verified_fields.clear();
  r = kyc::check_consistency(applicant, {mrz, viz}, options_as_of("2024-06-01"));
  c = cross_of(r, "document_number", FieldSource::mrz, FieldSource::viz);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->state, MatchState::mismatch);
}

// --- addresses ---------------------------------------------------------------------------------

struct AddressCase {
  kyc::Address typed;
  kyc::Address document;
  MatchState expected;
  const char* reason;
};

kyc::Address addr(const char* street, const char* city, const char* region, const char* zip) {
  kyc::Address a;
  a.street = street;
  a.city = city;
  a.region = region;
  a.postal_code = zip;
  return a;
}

TEST(Address, Table) {
  const AddressCase cases[] = {
      {addr("123 Main Street, Apt 4", "Arlington", "VA", "22201"),
       addr("123 MAIN ST APT 4", "ARLINGTON", "VA", "22201-1234"), MatchState::match,
       "zip4_ignored"},
      {addr("123 North Main St", "Arlington", "Virginia", "22201"),
       addr("123 N MAIN ST", "ARLINGTON", "VA", "22201"), MatchState::match, "normalized_equal"},
      {addr("9 Oak Avenue Unit 5", "Reno", "NV", ""), addr("9 OAK AVE #5", "RENO", "NV", ""),
       MatchState::match, "normalized_equal"},
      {addr("123 Main St, Arlington, VA 22201", "", "", ""),
       addr("123 MAIN ST", "ARLINGTON", "VA", "22201"), MatchState::match, "single_line_address"},
      // Must not match:
      {addr("125 Main St", "Arlington", "VA", "22201"),
       addr("123 MAIN ST", "ARLINGTON", "VA", "22201"), MatchState::mismatch,
       "house_number_differs"},
      {addr("123 Main St", "Arlington", "VA", "22202"),
       addr("123 MAIN ST", "ARLINGTON", "VA", "22201"), MatchState::mismatch,
       "postal_code_differs"},
      {addr("123 Main St", "Arlington", "MD", ""), addr("123 MAIN ST", "ARLINGTON", "VA", ""),
       MatchState::mismatch, "region_differs"},
      {addr("456 Oak Ave", "Arlington", "VA", "22201"),
       addr("456 ELM ST", "ARLINGTON", "VA", "22201"), MatchState::mismatch, "address_differs"},
      {addr("77 Sunset Blvd, Los Angeles, CA 90028", "", "", ""),
       addr("77 SUNSET BLVD", "ARLINGTON", "VA", "22201"), MatchState::mismatch, "address_differs"},
  };
  for (const AddressCase& c : cases) {
    kyc::DocumentRead applicant = read_of(FieldSource::applicant);
    applicant.fields.address = c.typed;
    kyc::DocumentRead barcode = read_of(FieldSource::barcode);
    barcode.fields.address = c.document;
    const auto r = kyc::check_consistency(applicant, {barcode}, options_as_of("2024-06-01"));
    const auto* f = field_of(r, "address");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->state, c.expected)
        << c.typed.street << " | score " << f->score << " " << f->reason;
    EXPECT_EQ(f->reason, c.reason) << c.typed.street;
  }
}

// --- validity ----------------------------------------------------------------------------------

kyc::DocumentRead dated(const char* birth, const char* issue, const char* expiry) {
  kyc::DocumentRead r = read_of(FieldSource::barcode);
  r.fields.date_of_birth = birth;
  r.fields.date_of_issue = issue;
  r.fields.date_of_expiry = expiry;
  return r;
}

TEST(Validity, ExpiryIssueBirthAndAge) {
  const kyc::DocumentRead applicant = read_of(FieldSource::applicant);
  auto r = kyc::check_consistency(applicant, {dated("1974-08-12", "2020-01-01", "2030-01-01")},
                                  options_as_of("2024-06-01"));
  for (const char* check :
       {"not_expired", "issue_before_expiry", "birth_before_issue", "minimum_age"}) {
    ASSERT_NE(validity_of(r, check), nullptr) << check;
    EXPECT_EQ(validity_of(r, check)->state, kyc::ValidityState::pass) << check;
  }
  EXPECT_EQ(validity_of(r, "not_expired")->sources, std::vector<FieldSource>{FieldSource::barcode});

  r = kyc::check_consistency(applicant, {dated("1974-08-12", "2020-01-01", "2024-05-31")},
                             options_as_of("2024-06-01"));
  EXPECT_EQ(validity_of(r, "not_expired")->state, kyc::ValidityState::fail);
  EXPECT_EQ(validity_of(r, "not_expired")->reason, "expired");
  EXPECT_EQ(r.verdict, kyc::ConsistencyVerdict::inconsistent);
  EXPECT_EQ(r.rule, "validity_failed");
  EXPECT_EQ(r.rule_field, "not_expired");

  r = kyc::check_consistency(applicant, {dated("1974-08-12", "2020-01-01", "2024-06-01")},
                             options_as_of("2024-06-01"));
  EXPECT_EQ(validity_of(r, "not_expired")->state, kyc::ValidityState::pass);  // valid that day

  r = kyc::check_consistency(applicant, {dated("1974-08-12", "2030-01-01", "2029-01-01")},
                             options_as_of("2024-06-01"));
  EXPECT_EQ(validity_of(r, "issue_before_expiry")->state, kyc::ValidityState::fail);

  r = kyc::check_consistency(applicant, {dated("2021-01-01", "2020-01-01", "2030-01-01")},
                             options_as_of("2024-06-01"));
  EXPECT_EQ(validity_of(r, "birth_before_issue")->state, kyc::ValidityState::fail);

  r = kyc::check_consistency(applicant, {dated("2006-06-02", "", "")}, options_as_of("2024-06-01"));
  EXPECT_EQ(validity_of(r, "minimum_age")->state, kyc::ValidityState::fail);
  EXPECT_EQ(validity_of(r, "minimum_age")->reason, "under_minimum_age");
  EXPECT_EQ(validity_of(r, "not_expired")->state, kyc::ValidityState::not_available);
  r = kyc::check_consistency(applicant, {dated("2006-06-01", "", "")}, options_as_of("2024-06-01"));
  EXPECT_EQ(validity_of(r, "minimum_age")->state, kyc::ValidityState::pass);
  auto o = options_as_of("2024-06-01");
  o.minimum_age = 21;
  r = kyc::check_consistency(applicant, {dated("2006-06-01", "", "")}, o);
  EXPECT_EQ(validity_of(r, "minimum_age")->state, kyc::ValidityState::fail);
  o.minimum_age = 0;
  r = kyc::check_consistency(applicant, {dated("2006-06-01", "", "")}, o);
  EXPECT_EQ(validity_of(r, "minimum_age")->state, kyc::ValidityState::not_available);
}

TEST(Validity, VerifiedMrzDateWinsOverPrintedZone) {
  kyc::DocumentRead mrz = read_of(FieldSource::mrz);
  mrz.fields.date_of_expiry = "2030-01-01";
  mrz.verified_fields = {"date_of_expiry"};
  kyc::DocumentRead viz = read_of(FieldSource::viz);
  viz.fields.date_of_expiry = "2020-01-01";  // an OCR error on the printed zone
  const auto r = kyc::check_consistency(read_of(FieldSource::applicant), {viz, mrz},
                                        options_as_of("2024-06-01"));
  EXPECT_EQ(validity_of(r, "not_expired")->state, kyc::ValidityState::pass);
  EXPECT_EQ(validity_of(r, "not_expired")->sources, std::vector<FieldSource>{FieldSource::mrz});
  const auto* cross = cross_of(r, "date_of_expiry", FieldSource::mrz, FieldSource::viz);
  ASSERT_NE(cross, nullptr);
  EXPECT_EQ(cross->state, MatchState::mismatch);  // still reported as a disagreement
}

// --- verdict -----------------------------------------------------------------------------------

kyc::DocumentRead applicant_anna() {
  kyc::DocumentRead a = read_of(FieldSource::applicant);
  a.fields.surname = "Eriksson";
  a.fields.given_names = "Anna Maria";
  a.fields.date_of_birth = "12/08/1974";
  a.fields.document_number = "L898902C3";
  return a;
}

kyc::DocumentRead mrz_anna() {
  kyc::DocumentRead m = read_of(FieldSource::mrz);
  m.fields.surname = "ERIKSSON";
  m.fields.given_names = "ANNA MARIA";
  m.fields.date_of_birth = "1974-08-12";
  m.fields.document_number = "L898902C3";
  m.fields.date_of_expiry = "2030-04-15";
  m.verified_fields = {"document_number", "date_of_birth", "date_of_expiry"};
  return m;
}

TEST(Verdict, Rules) {
  const auto o = options_as_of("2024-06-01");
  auto r = kyc::check_consistency(applicant_anna(), {}, o);
  EXPECT_EQ(r.verdict, kyc::ConsistencyVerdict::unable_to_assess);
  EXPECT_EQ(r.rule, "no_document_source");

  r = kyc::check_consistency(applicant_anna(), {mrz_anna()}, o);
  EXPECT_EQ(r.verdict, kyc::ConsistencyVerdict::consistent);
  EXPECT_EQ(r.rule, "all_checks_passed");
  EXPECT_EQ(field_of(r, "date_of_birth")->reason, "ambiguous_resolved_day_first");
  EXPECT_EQ(field_of(r, "name")->sources, std::vector<FieldSource>{FieldSource::mrz});

  kyc::DocumentRead other = mrz_anna();
  other.fields.surname = "JOHANSSON";
  r = kyc::check_consistency(applicant_anna(), {other}, o);
  EXPECT_EQ(r.verdict, kyc::ConsistencyVerdict::inconsistent);
  EXPECT_EQ(r.rule, "applicant_mismatch");
  EXPECT_EQ(r.rule_field, "name");

  kyc::DocumentRead no_dob = applicant_anna();
  no_dob.fields.date_of_birth.clear();
  r = kyc::check_consistency(no_dob, {mrz_anna()}, o);
  EXPECT_EQ(r.verdict, kyc::ConsistencyVerdict::unable_to_assess);
  EXPECT_EQ(r.rule, "required_field_not_compared");
  EXPECT_EQ(r.rule_field, "date_of_birth");
  EXPECT_EQ(field_of(r, "date_of_birth")->reason, "missing_in_applicant");

  // MRZ and printed zone disagree on the birth date the applicant did not type.
  kyc::DocumentRead viz = mrz_anna();
  viz.source = FieldSource::viz;
  viz.verified_fields.clear();
  viz.fields.date_of_birth = "1975-08-12";
  auto only_name = o;
  only_name.required_fields = {"name"};
  r = kyc::check_consistency(no_dob, {mrz_anna(), viz}, only_name);
  EXPECT_EQ(r.verdict, kyc::ConsistencyVerdict::inconsistent);
  EXPECT_EQ(r.rule, "cross_source_mismatch");
  EXPECT_EQ(r.rule_field, "date_of_birth");
}

TEST(Verdict, AddressMismatchCanBeAdvisory) {
  kyc::DocumentRead a = applicant_anna();
  a.fields.address = addr("1 New Rd", "Reno", "NV", "89501");
  kyc::DocumentRead barcode = mrz_anna();
  barcode.source = FieldSource::barcode;
  barcode.fields.address = addr("5 Old St", "Arlington", "VA", "22201");
  auto o = options_as_of("2024-06-01");
  auto r = kyc::check_consistency(a, {barcode}, o);
  EXPECT_EQ(r.verdict, kyc::ConsistencyVerdict::inconsistent);
  EXPECT_EQ(r.rule_field, "address");
  o.address_decides = false;
  r = kyc::check_consistency(a, {barcode}, o);
  EXPECT_EQ(r.verdict, kyc::ConsistencyVerdict::consistent);
  EXPECT_EQ(field_of(r, "address")->state, MatchState::mismatch);
}

TEST(Verdict, CrossSourceChecksAreSeparateRows) {
  kyc::DocumentRead viz = mrz_anna();
  viz.source = FieldSource::viz;
  kyc::DocumentRead barcode = mrz_anna();
  barcode.source = FieldSource::barcode;
  const auto r = kyc::check_consistency(applicant_anna(), {mrz_anna(), viz, barcode},
                                        options_as_of("2024-06-01"));
  EXPECT_NE(cross_of(r, "name", FieldSource::mrz, FieldSource::viz), nullptr);
  EXPECT_NE(cross_of(r, "name", FieldSource::barcode, FieldSource::viz), nullptr);
  EXPECT_NE(cross_of(r, "date_of_birth", FieldSource::mrz, FieldSource::barcode), nullptr);
  EXPECT_EQ(field_of(r, "name")->sources.size(), 3u);
  EXPECT_EQ(r.verdict, kyc::ConsistencyVerdict::consistent);
}

TEST(Verdict, InvalidOptionsThrow) {
  auto o = options_as_of("12/08/2024");
  EXPECT_THROW(kyc::check_consistency(applicant_anna(), {mrz_anna()}, o), kyc::Error);
  o = options_as_of("2024-06-01");
  o.name_threshold = 1.5;
  EXPECT_THROW(kyc::check_consistency(applicant_anna(), {mrz_anna()}, o), kyc::Error);
  o = options_as_of("2024-06-01");
  o.required_fields = {"favourite_colour"};
  EXPECT_THROW(kyc::check_consistency(applicant_anna(), {mrz_anna()}, o), kyc::Error);
}

// The ICAO specimen (PassportEye's expected MRZ fields) against a form typed by a person.
TEST(Oracle, IcaoSpecimenAgainstTypedForm) {
  KYC_SHARED_FILE(path, "data/docs/passporteye/expected.json");
  std::ifstream in(path);
  const nlohmann::json doc = nlohmann::json::parse(in);
  const auto& f =
      doc["images"]["passporteye/tests/data/passport-td3.jpg"]["expected_fields_normalized"];
  kyc::DocumentRead mrz = read_of(FieldSource::mrz);
  mrz.fields.surname = f["surname"];
  mrz.fields.given_names = f["given_names"];
  mrz.fields.document_number = f["document_number"];
  mrz.fields.date_of_birth = f["birth_date"];  // YYMMDD as in the MRZ
  mrz.fields.date_of_expiry = f["expiry_date"];
  mrz.fields.sex = f["sex"];
  mrz.fields.nationality = f["nationality"];
  mrz.verified_fields = {"document_number", "date_of_birth", "date_of_expiry"};

  const kyc::ApplicantRecord typed = kyc::load_applicant_csv(
      "Full Name,Date of Birth,Passport Number,Gender,Nationality\n"
      "Anna Maria Eriksson,12 Aug 1974,L898902C3,female,UTO\n");
  auto r = kyc::check_consistency(typed, {mrz}, options_as_of("2010-01-01"));
  EXPECT_EQ(r.verdict, kyc::ConsistencyVerdict::consistent) << r.to_json(2);
  for (const char* field : {"name", "date_of_birth", "document_number", "sex", "nationality"}) {
    ASSERT_NE(field_of(r, field), nullptr) << field;
    EXPECT_EQ(field_of(r, field)->state, MatchState::match) << field;
  }
  // The specimen expired on 2012-04-15.
  r = kyc::check_consistency(typed, {mrz}, options_as_of("2024-06-01"));
  EXPECT_EQ(r.verdict, kyc::ConsistencyVerdict::inconsistent);
  EXPECT_EQ(r.rule_field, "not_expired");
}

TEST(Report, JsonShapeWithoutPersonalValues) {
  const auto r =
      kyc::check_consistency(applicant_anna(), {mrz_anna()}, options_as_of("2024-06-01"));
  const std::string text = r.to_json();
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["schema"], "kyc.consistency");
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["verdict"], "consistent");
  EXPECT_EQ(j["rule"]["name"], "all_checks_passed");
  EXPECT_EQ(j["as_of"], "2024-06-01");
  EXPECT_EQ(j["sources"], nlohmann::json::array({"mrz"}));
  ASSERT_TRUE(j["fields"].is_array());
  EXPECT_EQ(j["fields"][0]["field"], "name");
  EXPECT_EQ(j["fields"][0]["state"], "match");
  EXPECT_EQ(j["fields"][0]["compared_with"], nlohmann::json::array({"mrz"}));
  EXPECT_TRUE(j["applicant_comparisons"][0]["sources"].is_array());
  EXPECT_TRUE(j["cross_source"].is_array());
  EXPECT_EQ(j["validity"].size(), 4u);
  for (const char* personal : {"ERIKSSON", "Eriksson", "L898902C3", "1974", "ANNA"}) {
    EXPECT_EQ(text.find(personal), std::string::npos) << personal;
  }
}

TEST(Threads, ConcurrentChecksAgree) {
  std::vector<std::thread> threads;
  std::vector<int> consistent(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t, &consistent] {
      for (int i = 0; i < 200; ++i) {
        const auto r =
            kyc::check_consistency(applicant_anna(), {mrz_anna()}, options_as_of("2024-06-01"));
        consistent[static_cast<std::size_t>(t)] += r.is_consistent() ? 1 : 0;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int c : consistent) EXPECT_EQ(c, 200);
}

}  // namespace
