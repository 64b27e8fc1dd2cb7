// Applicant forms: column-name variants, RFC 4180 quoting, BOM, limits, and exact line/column
// in every error.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "kyc/applicant.hpp"
#include "kyc/error.hpp"

namespace {

// Runs `load` and returns the kyc::Error it throws (fails the test if none or another type).
template <typename F>
kyc::Error error_of(F&& load) {
  try {
    load();
  } catch (const kyc::Error& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected exception type: " << e.what();
    return kyc::Error(kyc::ErrorCode::internal, "wrong type");
  }
  ADD_FAILURE() << "no exception";
  return kyc::Error(kyc::ErrorCode::internal, "none");
}

void expect_error(const std::string& csv, kyc::ErrorCode code, const std::string& where) {
  const kyc::Error e = error_of([&] { kyc::load_applicants_csv(csv); });
  EXPECT_EQ(e.code(), code) << e.what();
  EXPECT_NE(std::string(e.what()).find(where), std::string::npos)
      << "message \"" << e.what() << "\" does not contain \"" << where << "\"";
}

TEST(ApplicantCsv, SeedStyleFormWithCrlfAndBom) {
  const std::string csv =
      "\xEF\xBB\xBF"
      "first_name,last_name,date_of_birth,address,city,state,zip,licence_number,expiry,email\r\n"
      "Anna Maria,Eriksson,1974-08-12,\"123 Main St, Apt 4\",Arlington,VA,22201-1234,"
      "T64-182-889,2030-04-15,anna@example.com\r\n";
  const kyc::ApplicantRecord r = kyc::load_applicant_csv(csv);
  EXPECT_EQ(r.fields.given_names, "Anna Maria");
  EXPECT_EQ(r.fields.surname, "Eriksson");
  EXPECT_EQ(r.fields.date_of_birth, "1974-08-12");
  EXPECT_EQ(r.fields.address.street, "123 Main St, Apt 4");
  EXPECT_EQ(r.fields.address.city, "Arlington");
  EXPECT_EQ(r.fields.address.region, "VA");
  EXPECT_EQ(r.fields.address.postal_code, "22201-1234");
  EXPECT_EQ(r.fields.document_number, "T64-182-889");
  EXPECT_EQ(r.fields.date_of_expiry, "2030-04-15");
  EXPECT_EQ(r.email, "anna@example.com");
  EXPECT_EQ(r.line, 2u);
  const kyc::DocumentRead read = r.to_document_read();
  EXPECT_EQ(read.source, kyc::FieldSource::applicant);
  EXPECT_TRUE(read.verified_fields.empty());
}

struct HeaderCase {
  const char* header;
  const char* member;  // which field the value must land in
};

class ApplicantHeaderVariants : public ::testing::TestWithParam<HeaderCase> {};

std::string member_of(const kyc::ApplicantRecord& r, const std::string& m) {
  const kyc::DocumentFields& f = r.fields;
  if (m == "given") return f.given_names;
  if (m == "surname") return f.surname;
  if (m == "dob") return f.date_of_birth;
  if (m == "number") return f.document_number;
  if (m == "street") return f.address.street;
  if (m == "city") return f.address.city;
  if (m == "region") return f.address.region;
  if (m == "postal") return f.address.postal_code;
  if (m == "expiry") return f.date_of_expiry;
  if (m == "phone") return r.phone;
  return "?";
}

TEST_P(ApplicantHeaderVariants, ValueLandsInTheRightField) {
  const HeaderCase c = GetParam();
  const std::string csv = std::string(c.header) + "\nVALUE-7\n";
  const kyc::ApplicantRecord r = kyc::load_applicant_csv(csv);
  EXPECT_EQ(member_of(r, c.member), "VALUE-7") << c.header;
  EXPECT_TRUE(r.extra.empty()) << c.header << " was not recognised";
}

INSTANTIATE_TEST_SUITE_P(
    Table, ApplicantHeaderVariants,
    ::testing::Values(HeaderCase{"first_name", "given"}, HeaderCase{"Given Name", "given"},
                      HeaderCase{"forename", "given"}, HeaderCase{"FirstName", "given"},
                      HeaderCase{"last_name", "surname"}, HeaderCase{"Surname", "surname"},
                      HeaderCase{"family-name", "surname"}, HeaderCase{"DOB", "dob"},
                      HeaderCase{"Date of Birth", "dob"}, HeaderCase{"birth_date", "dob"},
                      HeaderCase{"licence", "number"}, HeaderCase{"License Number", "number"},
                      HeaderCase{"document_number", "number"},
                      HeaderCase{"passport_number", "number"}, HeaderCase{"Licence #", "number"},
                      HeaderCase{"street", "street"}, HeaderCase{"Address Line 1", "street"},
                      HeaderCase{"city", "city"}, HeaderCase{"State", "region"},
                      HeaderCase{"zip", "postal"}, HeaderCase{"postcode", "postal"},
                      HeaderCase{"ZIP Code", "postal"}, HeaderCase{"expiry", "expiry"},
                      HeaderCase{"expiration_date", "expiry"},
                      HeaderCase{"phone_number", "phone"}));

TEST(ApplicantCsv, UnknownColumnsAreKeptAsExtra) {
  const kyc::ApplicantRecord r = kyc::load_applicant_csv("surname,Favourite Colour\nDoe,blue\n");
  ASSERT_EQ(r.extra.size(), 1u);
  EXPECT_EQ(r.extra[0].first, "Favourite Colour");
  EXPECT_EQ(r.extra[0].second, "blue");
}

TEST(ApplicantCsv, FullNameColumnIsSplit) {
  const auto comma = kyc::load_applicant_csv("name\n\"ERIKSSON, Anna Maria\"\n");
  EXPECT_EQ(comma.fields.surname, "ERIKSSON");
  EXPECT_EQ(comma.fields.given_names, "Anna Maria");
  EXPECT_EQ(comma.full_name, "ERIKSSON, Anna Maria");
  const auto spaced = kyc::load_applicant_csv("Full Name\nAnna Maria Eriksson\n");
  EXPECT_EQ(spaced.fields.surname, "Eriksson");
  EXPECT_EQ(spaced.fields.given_names, "Anna Maria");
}

TEST(ApplicantCsv, MiddleNameAndSecondAddressLineAreAppended) {
  const auto r = kyc::load_applicant_csv(
      "first_name,middle_name,last_name,address_line1,address_line2\nJohn,Albert,Smith,1 Elm "
      "Rd,Unit 5\n");
  EXPECT_EQ(r.fields.given_names, "John Albert");
  EXPECT_EQ(r.fields.address.street, "1 Elm Rd Unit 5");
}

TEST(ApplicantCsv, DatesBecomeIsoOnlyWhenUnambiguous) {
  const auto r = kyc::load_applicants_csv(
      "dob\n12 Aug 1974\n13/08/1974\n03/04/1980\n740812\n1974-08-12T00:00:00\n");
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].fields.date_of_birth, "1974-08-12");
  EXPECT_EQ(r[1].fields.date_of_birth, "1974-08-13");
  EXPECT_EQ(r[2].fields.date_of_birth, "03/04/1980");  // ambiguous: kept as typed
  EXPECT_EQ(r[3].fields.date_of_birth, "740812");      // century unknown: kept as typed
  EXPECT_EQ(r[4].fields.date_of_birth, "1974-08-12");
}

TEST(ApplicantCsv, Rfc4180Quoting) {
  const std::string csv =
      "surname,address,notes\n"
      "\"O'Brien\",\"1 Main St,\r\nSpringfield\",\"she said \"\"hi\"\"\"\n";
  const auto r = kyc::load_applicant_csv(csv);
  EXPECT_EQ(r.fields.surname, "O'Brien");
  EXPECT_EQ(r.fields.address.street, "1 Main St,\r\nSpringfield");
  ASSERT_EQ(r.extra.size(), 1u);
  EXPECT_EQ(r.extra[0].second, "she said \"hi\"");
}

TEST(ApplicantCsv, ManifestWithBlankLinesAndLineNumbers) {
  const std::string csv = "surname,given_name\nDoe,Jane\n\n\"Multi\nLine\",X\nRoe,Rick";
  const auto rows = kyc::load_applicants_csv(csv);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].line, 2u);
  EXPECT_EQ(rows[1].line, 4u);
  EXPECT_EQ(rows[1].fields.surname, "Multi\nLine");
  EXPECT_EQ(rows[2].line, 6u);
  EXPECT_EQ(rows[2].fields.given_names, "Rick");
}

TEST(ApplicantCsv, FormRejectsASecondApplicant) {
  const kyc::Error e = error_of([] { kyc::load_applicant_csv("surname\nDoe\nRoe\n"); });
  EXPECT_EQ(e.code(), kyc::ErrorCode::invalid_argument);
  EXPECT_NE(std::string(e.what()).find("line 3, column 1"), std::string::npos) << e.what();
}

TEST(ApplicantCsvErrors, UnterminatedQuotePointsAtTheOpeningQuote) {
  expect_error("surname,city\nDoe,\"Spring\nfield\n", kyc::ErrorCode::invalid_argument,
               "line 2, column 5");
}

TEST(ApplicantCsvErrors, RaggedRows) {
  expect_error("a,b,c\n1,2,3\n4,5,6,7\n", kyc::ErrorCode::invalid_argument, "line 3, column 7");
  expect_error("a,b,c\n1,2\n", kyc::ErrorCode::invalid_argument, "line 2, column 4");
}

TEST(ApplicantCsvErrors, StrayQuotes) {
  expect_error("surname\nab\"c\n", kyc::ErrorCode::invalid_argument, "line 2, column 3");
  expect_error("surname,x\n\"abc\"d,1\n", kyc::ErrorCode::invalid_argument, "line 2, column 6");
}

TEST(ApplicantCsvErrors, ColumnsCountCodePointsNotBytes) {
  // "Müller" has 6 characters (7 bytes); the stray quote is the 8th character of the line.
  expect_error("surname\nMüller,\"x\n", kyc::ErrorCode::invalid_argument, "line 2, column 8");
}

TEST(ApplicantCsvErrors, InvalidUtf8) {
  expect_error(std::string("surname\nDo\xC3\x28\n"), kyc::ErrorCode::invalid_argument,
               "line 2, column 3");
  expect_error(std::string("surname\n\xED\xA0\x80\n"), kyc::ErrorCode::invalid_argument,
               "line 2, column 1");  // an encoded surrogate
  expect_error(std::string("surname\n\xC0\xAF\n"), kyc::ErrorCode::invalid_argument,
               "line 2, column 1");  // overlong '/'
  expect_error(std::string("\xFF\xFEs\0u\0", 6), kyc::ErrorCode::invalid_argument, "UTF-16");
}

TEST(ApplicantCsvErrors, DuplicateColumnsForOneField) {
  expect_error("first_name,given_name\nA,B\n", kyc::ErrorCode::invalid_argument,
               "line 1, column 12");
}

TEST(ApplicantCsvErrors, EmptyInputAndHeaderOnly) {
  expect_error("", kyc::ErrorCode::invalid_argument, "empty");
  expect_error("surname,dob\n", kyc::ErrorCode::invalid_argument, "no applicant row");
  expect_error("surname,,dob\nA,B,C\n", kyc::ErrorCode::invalid_argument, "line 1, column 9");
}

TEST(ApplicantCsvLimits, TenThousandFieldsRejectedQuickly) {
  std::string csv = "surname\n";
  for (int i = 0; i < 10000; ++i) csv += "x,";
  csv += "x\n";
  const auto start = std::chrono::steady_clock::now();
  const kyc::Error e = error_of([&] { kyc::load_applicants_csv(csv); });
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(e.code(), kyc::ErrorCode::limit_exceeded) << e.what();
  // The 257th field starts at byte 512 of line 2 (each "x," is 2 characters).
  EXPECT_NE(std::string(e.what()).find("line 2, column 513"), std::string::npos) << e.what();
  EXPECT_LT(ms, 50.0);
}

TEST(ApplicantCsvLimits, BytesRowsAndFieldLength) {
  kyc::ApplicantLimits limits;
  limits.max_bytes = 100;
  const kyc::Error big = error_of([&] { kyc::load_applicants_csv(std::string(101, 'a'), limits); });
  EXPECT_EQ(big.code(), kyc::ErrorCode::limit_exceeded);

  limits = {};
  limits.max_rows = 2;
  const kyc::Error rows = error_of([&] { kyc::load_applicants_csv("s\na\nb\nc\n", limits); });
  EXPECT_EQ(rows.code(), kyc::ErrorCode::limit_exceeded);
  EXPECT_NE(std::string(rows.what()).find("line 4, column 1"), std::string::npos) << rows.what();

  limits = {};
  limits.max_field_bytes = 8;
  const kyc::Error field =
      error_of([&] { kyc::load_applicants_csv("s,t\nok,\"123456789\"\n", limits); });
  EXPECT_EQ(field.code(), kyc::ErrorCode::limit_exceeded);
  EXPECT_NE(std::string(field.what()).find("line 2, column 4"), std::string::npos) << field.what();
}

TEST(ApplicantJson, FlatAndNestedForms) {
  const auto flat = kyc::load_applicant_json(
      R"({"firstName": "Anna", "lastName": "Eriksson", "dob": "12/08/1974",
          "licenseNumber": 12345678, "address": "1 Main St", "zip": "22201", "unknown": [1]})");
  EXPECT_EQ(flat.fields.given_names, "Anna");
  EXPECT_EQ(flat.fields.surname, "Eriksson");
  EXPECT_EQ(flat.fields.date_of_birth, "12/08/1974");  // ambiguous: kept
  EXPECT_EQ(flat.fields.document_number, "12345678");
  EXPECT_EQ(flat.fields.address.street, "1 Main St");
  EXPECT_EQ(flat.fields.address.postal_code, "22201");
  ASSERT_EQ(flat.extra.size(), 1u);
  EXPECT_EQ(flat.extra[0].second, "[1]");

  const auto nested = kyc::load_applicant_json(
      "\xEF\xBB\xBF"
      R"({"applicant": {"name": "Jane Q Public", "birth_date": "1990-01-02",
          "address": {"street": "9 Oak Ave", "city": "Reno", "state": "Nevada"}}})");
  EXPECT_EQ(nested.fields.surname, "Public");
  EXPECT_EQ(nested.fields.given_names, "Jane Q");
  EXPECT_EQ(nested.fields.address.city, "Reno");
  EXPECT_EQ(nested.fields.address.region, "Nevada");
}

TEST(ApplicantJson, Errors) {
  const kyc::Error syntax =
      error_of([] { kyc::load_applicant_json("{\n  \"surname\": \"Doe\",\n  oops\n}"); });
  EXPECT_EQ(syntax.code(), kyc::ErrorCode::invalid_argument);
  EXPECT_NE(std::string(syntax.what()).find("line 3, column 3"), std::string::npos)
      << syntax.what();
  EXPECT_EQ(error_of([] { kyc::load_applicant_json("[1,2]"); }).code(),
            kyc::ErrorCode::invalid_argument);
  EXPECT_EQ(error_of([] { kyc::load_applicant_json(R"({"surname": true})"); }).code(),
            kyc::ErrorCode::invalid_argument);
  EXPECT_EQ(error_of([] {
              kyc::load_applicant_json(std::string(40, '[') + std::string(40, ']'));
            }).code(),
            kyc::ErrorCode::limit_exceeded);
  const kyc::Error utf8 = error_of([] { kyc::load_applicant_json("{\"surname\": \"D\xE9\"}"); });
  EXPECT_EQ(utf8.code(), kyc::ErrorCode::invalid_argument);
  EXPECT_NE(std::string(utf8.what()).find("line 1, column 15"), std::string::npos) << utf8.what();
}

}  // namespace
