// Textract AnalyzeID and DetectDocumentText against tests/support/fake_aws.py. The answers are
// scripted per test and validated by the server against the Textract service model (there are no
// Textract examples in examples-1.json); the MRZ is a valid TD3 vector read from
// ../shared/data/docs/mrz_text_vectors.json, its expected fields from the same file.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "backends/aws/http.hpp"
#include "backends/aws/textract.hpp"
#include "kyc/engine.hpp"
#include "kyc/error.hpp"
#include "support/aws_env.hpp"
#include "support/fake_aws_server.hpp"
#include "support/shared_data.hpp"

namespace {

using nlohmann::json;

const char* const kModels = "reference/aws/botocore";

json server_get(const kyc_test::FakeAwsServer& server, const std::string& path) {
  kyc::aws::HttpRequest request;
  request.path = path;
  return json::parse(kyc::aws::http_send(server.url(), request, {}).body);
}

void script(const kyc_test::FakeAwsServer& server, const json& actions) {
  kyc::aws::HttpRequest request;
  request.method = "POST";
  request.path = "/__script";
  request.body = actions.dump();
  ASSERT_EQ(kyc::aws::http_send(server.url(), request, {}).status, 200);
}

json field(const std::string& type, const std::string& text, const std::string& date = "") {
  json value = {{"Text", text}, {"Confidence", 97.5}};
  if (!date.empty()) value["NormalizedValue"] = {{"Value", date}, {"ValueType", "DATE"}};
  return {{"Type", {{"Text", type}}}, {"ValueDetection", value}};
}

kyc::Image page(int width, int height) {
  kyc::Image image(width, height, kyc::PixelFormat::gray);
  std::fill(image.mutable_data(), image.mutable_data() + width * height, 200);
  return image;
}

class AwsTextract : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string models = kyc_test::shared_dir() + "/" + kModels;
    if (!kyc_test::exists(models)) {
      if (kyc_test::in_ci()) FAIL() << "test data missing in CI: " << models;
      GTEST_SKIP() << "test data missing: " << models << " (set KYC_SHARED)";
    }
    server_ = std::make_unique<kyc_test::FakeAwsServer>(models);
    config_.region = "us-west-2";
    config_.textract_endpoint = server_->url();
    config_.endpoint = "https://rekognition.invalid";  // Textract must use its own endpoint
    config_.access_key_id = "AKIDTEST";
    config_.secret_access_key = "test/secret+KEY";
  }
  kyc_test::AwsEnv env_;
  std::unique_ptr<kyc_test::FakeAwsServer> server_;
  kyc::AwsConfig config_;
};

TEST_F(AwsTextract, AnalyzeIdMapsFieldsAndParsesTheMrz) {
  KYC_SHARED_FILE(vectors_path, "data/docs/mrz_text_vectors.json");
  std::ifstream in(vectors_path);
  const json vectors = json::parse(in);
  json td3;
  for (const auto& c : vectors["cases"]) {
    if (c.value("format", "") == "TD3" && c.value("kind", "") == "parse" &&
        c.value("expected_valid", false)) {
      td3 = c;
      break;
    }
  }
  ASSERT_FALSE(td3.is_null()) << "no valid TD3 vector";
  const std::string mrz =
      td3["lines"][0].get<std::string>() + "\n" + td3["lines"][1].get<std::string>();

  json document = {{"DocumentIndex", 1},
                   {"IdentityDocumentFields",
                    {field("FIRST_NAME", "JANE"), field("MIDDLE_NAME", "Q"),
                     field("LAST_NAME", "PUBLIC"), field("DOCUMENT_NUMBER", "X1234567"),
                     field("DATE_OF_BIRTH", "15 MAR 1990", "1990-03-15T00:00:00"),
                     field("EXPIRATION_DATE", "01/02/2031", "2031-01-02T00:00:00"),
                     field("DATE_OF_ISSUE", "some date"),  // no NormalizedValue: not guessed
                     field("ADDRESS", "123 MAIN ST"), field("CITY_IN_ADDRESS", "SPRINGFIELD"),
                     field("STATE_IN_ADDRESS", "VA"), field("ZIP_CODE_IN_ADDRESS", "22201"),
                     field("ID_TYPE", "DRIVER LICENSE FRONT"), field("first name", "JANE"),
                     field("FAVORITE_COLOR", "BLUE"), field("MRZ_CODE", mrz)}}};
  script(*server_, json::array({json{{"respond",
                                      {{"IdentityDocuments", {document}},
                                       {"DocumentMetadata", {{"Pages", 2}}},
                                       {"AnalyzeIDModelVersion", "1.0"}}}}}));

  const kyc::aws::TextractReader reader(config_);
  const kyc::Image front = page(400, 250);
  const kyc::Image back = page(400, 250);
  const auto result = reader.analyze_id({front.view(), back.view()});
  const kyc::DocumentFields& f = result.fields;
  EXPECT_EQ(f.given_names, "JANE Q");
  EXPECT_EQ(f.surname, "PUBLIC");
  EXPECT_EQ(f.document_number, "X1234567");
  EXPECT_EQ(f.date_of_birth, "1990-03-15");
  EXPECT_EQ(f.date_of_expiry, "2031-01-02");
  EXPECT_EQ(f.date_of_issue, "");
  EXPECT_EQ(f.address.street, "123 MAIN ST");
  EXPECT_EQ(f.address.city, "SPRINGFIELD");
  EXPECT_EQ(f.address.region, "VA");
  EXPECT_EQ(f.address.postal_code, "22201");
  EXPECT_EQ(f.document_type, "DL");
  EXPECT_EQ(f.issuing_country, "USA");
  EXPECT_EQ(result.unrecognized_types, std::vector<std::string>{"FAVORITE_COLOR"});
  EXPECT_EQ(result.raw_fields[12].type, "FIRST_NAME");  // "first name" normalised
  EXPECT_EQ(result.pages, 2);
  EXPECT_EQ(result.model_version, "1.0");
  EXPECT_FALSE(result.request_id.empty());

  ASSERT_TRUE(result.mrz.has_value());
  EXPECT_TRUE(result.mrz->valid);
  EXPECT_EQ(result.mrz->fields.document_number, td3["expected"]["document_number"]);
  EXPECT_EQ(result.mrz->fields.surname, td3["expected"]["surname"]);
  const auto reads = result.to_document_reads();
  ASSERT_EQ(reads.size(), 2u);
  EXPECT_EQ(reads[0].source, kyc::FieldSource::viz);
  EXPECT_EQ(reads[1].source, kyc::FieldSource::mrz);

  const json report = json::parse(result.to_json());
  EXPECT_EQ(report["schema"], "kyc.textract_id");
  EXPECT_EQ(report["mrz"]["schema"], "kyc.mrz");

  const json log = server_get(*server_, "/__log");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0]["target"], "Textract.AnalyzeID");
  EXPECT_TRUE(log[0]["signature_ok"].get<bool>());
  EXPECT_EQ(log[0]["problems"], json::array());
  ASSERT_EQ(log[0]["request"]["DocumentPages"].size(), 2u);
  EXPECT_EQ(log[0]["request"]["DocumentPages"][1]["Bytes"]["magic"].get<std::string>().substr(0, 6),
            "ffd8ff");
}

TEST_F(AwsTextract, AnalyzeIdTakesOneOrTwoPages) {
  const kyc::aws::TextractReader reader(config_);
  const kyc::Image p = page(100, 100);
  EXPECT_THROW(reader.analyze_id({}), kyc::Error);
  EXPECT_THROW(reader.analyze_id({p.view(), p.view(), p.view()}), kyc::Error);
  EXPECT_EQ(server_get(*server_, "/__log").size(), 0u) << "rejected before any call";
}

TEST_F(AwsTextract, DetectDocumentTextLines) {
  auto block = [](const std::string& type, const std::string& id, const std::string& text,
                  double left, double top) {
    json b = {{"BlockType", type},
              {"Id", id},
              {"Confidence", 98.25},
              {"Geometry",
               {{"BoundingBox", {{"Width", 0.5}, {"Height", 0.1}, {"Left", left}, {"Top", top}}},
                {"Polygon", json::array()}}}};
    if (!text.empty()) {
      b["Text"] = text;
      b["TextType"] = "PRINTED";
    }
    return b;
  };
  json answer = {
      {"DocumentMetadata", {{"Pages", 1}}},
      {"DetectDocumentTextModelVersion", "1.0"},
      {"Blocks",
       {block("PAGE", "p", "", 0, 0), block("LINE", "l1", "DRIVER LICENSE", 0.1, 0.05),
        block("WORD", "w1", "DRIVER", 0.1, 0.05), block("LINE", "l2", "VIRGINIA", 0.2, 0.5)}}};
  answer["Blocks"][3]["TextType"] = "HANDWRITING";
  script(*server_, json::array({json{{"respond", answer}}}));
  const kyc::aws::TextractReader reader(config_);
  const kyc::Image p = page(1000, 600);
  const auto result = reader.detect_text(p.view());
  ASSERT_EQ(result.lines.size(), 2u);
  EXPECT_EQ(result.lines[0].text, "DRIVER LICENSE");
  EXPECT_FALSE(result.lines[0].handwriting);
  EXPECT_NEAR(result.lines[0].box.x, 100, 1e-3);
  EXPECT_NEAR(result.lines[0].box.y, 30, 1e-3);
  EXPECT_NEAR(result.lines[0].box.width, 500, 1e-3);
  EXPECT_NEAR(result.lines[0].box.height, 60, 1e-3);
  EXPECT_EQ(result.lines[1].text, "VIRGINIA");
  EXPECT_TRUE(result.lines[1].handwriting);
  EXPECT_FLOAT_EQ(result.lines[1].confidence, 98.25f);
  EXPECT_EQ(result.pages, 1);
  const json log = server_get(*server_, "/__log");
  EXPECT_EQ(log[0]["target"], "Textract.DetectDocumentText");
  EXPECT_EQ(log[0]["problems"], json::array());
}

TEST_F(AwsTextract, MalformedAnswersAreErrors) {
  EXPECT_THROW(kyc::aws::parse_analyze_id("[]"), kyc::Error);
  EXPECT_THROW(kyc::aws::parse_detect_document_text("nope", 10, 10), kyc::Error);
  // An object without documents is an empty result, not an error.
  const auto empty = kyc::aws::parse_analyze_id("{}");
  EXPECT_EQ(empty.documents, 0);
  EXPECT_TRUE(empty.raw_fields.empty());
}

}  // namespace

// Configuration alone switches the engine's document reader to Textract: read_document then
// calls AnalyzeID (once, with both pages) and reports its fields as document reads.
TEST_F(AwsTextract, EngineReadsDocumentsWithTextractByConfiguration) {
  kyc::Config config;
  config.document.reader = "aws.textract";
  config.aws = config_;
  const kyc::Engine engine(config);
  const kyc::Image front = page(640, 400);
  const kyc::Image back = page(640, 400);
  const kyc::DocumentReadResult r = engine.read_document(front, back);
  ASSERT_TRUE(r.external.has_value()) << r.to_json(2);
  EXPECT_EQ(r.external->reader, "aws.textract");
  EXPECT_FALSE(r.mrz.has_value());  // the local MRZ reader did not run
  const auto reads = r.reads();
  ASSERT_FALSE(reads.empty());
  EXPECT_EQ(reads.front().fields.surname, "DOE");
  EXPECT_EQ(reads.front().fields.date_of_birth, "1996-03-15");
  const json report = json::parse(r.to_json());
  EXPECT_EQ(report["external"]["reader"], "aws.textract");
  EXPECT_EQ(report["external"]["report"]["schema"], "kyc.textract_id");
  const json log = server_get(*server_, "/__log");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0]["target"], "Textract.AnalyzeID");

  kyc::Config wrong;
  wrong.document.reader = "aws.textrakt";
  EXPECT_THROW(kyc::Engine{wrong}, kyc::Error);
}
