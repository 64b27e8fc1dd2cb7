// The AWS JSON 1.1 client against tests/support/fake_aws.py, a real local server that verifies
// SigV4 with its own implementation, checks X-Amz-Target / Content-Type, validates request bodies
// against the botocore service model, answers with the model's examples, and injects failures.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "backends/aws/client.hpp"
#include "backends/aws/http.hpp"
#include "support/aws_env.hpp"
#include "support/fake_aws_server.hpp"
#include "support/shared_data.hpp"

namespace {

using kyc::aws::AwsError;
using kyc::aws::JsonClient;
using nlohmann::json;

const char* const kModels = "reference/aws/botocore";

json read_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

kyc::AwsConfig test_config(const kyc_test::FakeAwsServer& server) {
  kyc::AwsConfig config;
  config.region = "us-east-1";
  config.endpoint = server.url();
  config.access_key_id = "AKIDTEST";
  config.secret_access_key = "test/secret+KEY";
  config.max_attempts = 3;
  config.timeout_ms = 5000;
  return config;
}

// A CompareFaces request valid against the model (the bytes need not be an image: the fake
// server checks shapes, not pixels).
std::string compare_faces_body() {
  const std::string jpeg_like = "\xFF\xD8\xFF\xE0 not really a jpeg";
  const std::string b64 = kyc::aws::base64_encode(jpeg_like);
  return json{{"SourceImage", {{"Bytes", b64}}},
              {"TargetImage", {{"Bytes", b64}}},
              {"SimilarityThreshold", 90},
              {"QualityFilter", "NONE"}}
      .dump();
}

json server_get(const kyc_test::FakeAwsServer& server, const std::string& path) {
  kyc::aws::HttpRequest request;
  request.path = path;
  const auto response = kyc::aws::http_send(server.url(), request, {});
  return json::parse(response.body);
}

void script(const kyc_test::FakeAwsServer& server, const json& actions) {
  kyc::aws::HttpRequest request;
  request.method = "POST";
  request.path = "/__script";
  request.body = actions.dump();
  ASSERT_EQ(kyc::aws::http_send(server.url(), request, {}).status, 200);
}

AwsError call_failing(const JsonClient& client, const std::string& body) {
  try {
    client.call("CompareFaces", body);
  } catch (const AwsError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an AwsError";
  return AwsError(kyc::ErrorCode::internal, "", "", 0, "", 0);
}

class AwsClient : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string models = kyc_test::shared_dir() + "/" + kModels;
    if (!kyc_test::exists(models)) {
      if (kyc_test::in_ci()) FAIL() << "test data missing in CI: " << models;
      GTEST_SKIP() << "test data missing: " << models << " (set KYC_SHARED)";
    }
    examples_ = read_json(models + "/rekognition/examples-1.json");
    server_ = std::make_unique<kyc_test::FakeAwsServer>(models);
  }
  kyc_test::AwsEnv env_;
  std::unique_ptr<kyc_test::FakeAwsServer> server_;
  json examples_;
};

TEST_F(AwsClient, SignedCallGetsTheModelExampleAnswer) {
  const JsonClient client(kyc::aws::rekognition_service(), test_config(*server_));
  const auto response = client.call("CompareFaces", compare_faces_body());
  EXPECT_EQ(response.http_status, 200);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_FALSE(response.request_id.empty());
  EXPECT_EQ(json::parse(response.body), examples_["examples"]["CompareFaces"][0]["output"]);

  const json log = server_get(*server_, "/__log");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0]["target"], "RekognitionService.CompareFaces");
  EXPECT_TRUE(log[0]["signature_ok"].get<bool>());
  EXPECT_EQ(log[0]["problems"], json::array());
  EXPECT_EQ(log[0]["signed_headers"], "content-type;host;x-amz-date;x-amz-target");
  EXPECT_FALSE(log[0]["has_security_token"].get<bool>());
  EXPECT_EQ(log[0]["request"]["SimilarityThreshold"], 90);
}

TEST_F(AwsClient, WrongSecretIsRejectedBySignatureCheckWithoutRetry) {
  auto config = test_config(*server_);
  config.secret_access_key = "not-the-secret";
  const JsonClient client(kyc::aws::rekognition_service(), config);
  const AwsError e = call_failing(client, compare_faces_body());
  EXPECT_EQ(e.code(), kyc::ErrorCode::backend_unavailable);
  EXPECT_EQ(e.aws_type(), "InvalidSignatureException");
  EXPECT_EQ(e.http_status(), 403);
  EXPECT_EQ(e.attempts(), 1);
  EXPECT_FALSE(e.request_id().empty());
  EXPECT_NE(std::string(e.what()).find(e.request_id()), std::string::npos);
  EXPECT_EQ(std::string(e.what()).find("not-the-secret"), std::string::npos);
  const json log = server_get(*server_, "/__log");
  EXPECT_FALSE(log[0]["signature_ok"].get<bool>());
}

TEST_F(AwsClient, SessionTokenIsSentAndSigned) {
  auto config = test_config(*server_);
  config.access_key_id = "ASIACONTAINER";
  config.secret_access_key = "container-secret";
  config.session_token = "container-session-token";
  const JsonClient client(kyc::aws::rekognition_service(), config);
  EXPECT_EQ(client.call("CompareFaces", compare_faces_body()).http_status, 200);
  const json log = server_get(*server_, "/__log");
  EXPECT_TRUE(log[0]["has_security_token"].get<bool>());
  EXPECT_EQ(log[0]["signed_headers"],
            "content-type;host;x-amz-date;x-amz-security-token;x-amz-target");
  // Temporary keys without their token: the server refuses.
  config.session_token.clear();
  const JsonClient no_token(kyc::aws::rekognition_service(), config);
  EXPECT_EQ(call_failing(no_token, compare_faces_body()).aws_type(), "InvalidSignatureException");
}

TEST_F(AwsClient, SignatureErrorsNeverEchoTheCanonicalRequest) {
  // Like AWS, the server quotes the canonical request it expected, session token included.
  auto config = test_config(*server_);
  config.access_key_id = "ASIACONTAINER";
  config.secret_access_key = "wrong-secret";
  config.session_token = "container-session-token";
  const JsonClient client(kyc::aws::rekognition_service(), config);
  const AwsError e = call_failing(client, compare_faces_body());
  const std::string message = e.what();
  EXPECT_EQ(e.aws_type(), "InvalidSignatureException");
  EXPECT_EQ(message.find("container-session-token"), std::string::npos) << message;
  EXPECT_EQ(message.find("wrong-secret"), std::string::npos) << message;
  EXPECT_NE(message.find("(canonical request omitted)"), std::string::npos) << message;
}

TEST_F(AwsClient, ClockSkewIsCorrectedFromTheDateHeader) {
  JsonClient client(kyc::aws::rekognition_service(), test_config(*server_));
  client.set_clock_offset_s(-3600);  // our clock an hour behind: AWS says "Signature expired"
  const auto response = client.call("CompareFaces", compare_faces_body());
  EXPECT_EQ(response.http_status, 200);
  EXPECT_EQ(response.attempts, 2);
  EXPECT_LE(std::labs(client.clock_offset_s()), 5) << "learnt from the server's Date header";
  const json log = server_get(*server_, "/__log");
  ASSERT_EQ(log.size(), 2u);
  EXPECT_NE(log[0]["problems"].dump().find("15 minutes"), std::string::npos);
  EXPECT_EQ(log[1]["problems"], json::array());
}

TEST_F(AwsClient, UnknownAccessKey) {
  auto config = test_config(*server_);
  config.access_key_id = "AKIDUNKNOWN";
  const JsonClient client(kyc::aws::rekognition_service(), config);
  const AwsError e = call_failing(client, compare_faces_body());
  EXPECT_EQ(e.aws_type(), "UnrecognizedClientException");
  EXPECT_EQ(e.code(), kyc::ErrorCode::backend_unavailable);
}

TEST_F(AwsClient, ThrottlingIsRetriedThenSucceeds) {
  script(*server_, {"throttle", "provisioned"});
  const JsonClient client(kyc::aws::rekognition_service(), test_config(*server_));
  const auto response = client.call("CompareFaces", compare_faces_body());
  EXPECT_EQ(response.http_status, 200);
  EXPECT_EQ(response.attempts, 3);
  EXPECT_EQ(server_get(*server_, "/__log").size(), 3u);
}

TEST_F(AwsClient, ThrottlingBeyondMaxAttemptsIsAnError) {
  script(*server_, {"throttle", "throttle", "throttle", "throttle"});
  auto config = test_config(*server_);
  config.max_attempts = 3;
  const JsonClient client(kyc::aws::rekognition_service(), config);
  const AwsError e = call_failing(client, compare_faces_body());
  EXPECT_EQ(e.aws_type(), "ThrottlingException");
  EXPECT_EQ(e.code(), kyc::ErrorCode::backend_unavailable);
  EXPECT_EQ(e.http_status(), 400);
  EXPECT_EQ(e.attempts(), 3);
  EXPECT_EQ(server_get(*server_, "/__log").size(), 3u);
}

TEST_F(AwsClient, ServerErrorsAreRetried) {
  script(*server_, {"500", "503"});
  const JsonClient client(kyc::aws::rekognition_service(), test_config(*server_));
  EXPECT_EQ(client.call("CompareFaces", compare_faces_body()).attempts, 3);

  script(*server_, {"503", "503", "503"});
  const AwsError e = call_failing(client, compare_faces_body());
  EXPECT_EQ(e.http_status(), 503);
  EXPECT_EQ(e.aws_type(), "");  // a plain-text 503 has no AWS error type
  EXPECT_EQ(e.code(), kyc::ErrorCode::backend_unavailable);
  EXPECT_NE(std::string(e.what()).find("HTTP 503"), std::string::npos);
}

TEST_F(AwsClient, DroppedConnectionIsRetried) {
  script(*server_, {"drop"});
  const JsonClient client(kyc::aws::rekognition_service(), test_config(*server_));
  EXPECT_EQ(client.call("CompareFaces", compare_faces_body()).attempts, 2);
}

TEST_F(AwsClient, SlowAnswerTimesOutAndIsRetried) {
  auto config = test_config(*server_);
  config.timeout_ms = 1000;
  config.max_attempts = 1;
  script(*server_, {"slow"});
  const JsonClient once(kyc::aws::rekognition_service(), config);
  const auto start = std::chrono::steady_clock::now();
  const AwsError e = call_failing(once, compare_faces_body());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2500));
  EXPECT_EQ(e.aws_type(), "Timeout");
  EXPECT_EQ(e.code(), kyc::ErrorCode::backend_unavailable);

  config.max_attempts = 2;
  script(*server_, {"slow"});
  const JsonClient twice(kyc::aws::rekognition_service(), config);
  EXPECT_EQ(twice.call("CompareFaces", compare_faces_body()).attempts, 2);
}

TEST_F(AwsClient, MalformedJsonIsAnErrorNotRetried) {
  script(*server_, {"malformed"});
  const JsonClient client(kyc::aws::rekognition_service(), test_config(*server_));
  const AwsError e = call_failing(client, compare_faces_body());
  EXPECT_EQ(e.aws_type(), "MalformedResponse");
  EXPECT_EQ(e.code(), kyc::ErrorCode::backend_unavailable);
  EXPECT_EQ(e.attempts(), 1);
}

TEST_F(AwsClient, ExpiredTokenRefreshesCredentialsOnce) {
  script(*server_, {"expired"});
  const JsonClient client(kyc::aws::rekognition_service(), test_config(*server_));
  EXPECT_EQ(client.call("CompareFaces", compare_faces_body()).attempts, 2);
  script(*server_, {"expired", "expired"});
  const AwsError e = call_failing(client, compare_faces_body());
  EXPECT_EQ(e.aws_type(), "ExpiredTokenException");
  EXPECT_EQ(e.code(), kyc::ErrorCode::backend_unavailable);
}

TEST_F(AwsClient, ErrorTypesMapToKycCodes) {
  const JsonClient client(kyc::aws::rekognition_service(), test_config(*server_));
  const std::vector<std::tuple<std::string, std::string, kyc::ErrorCode>> cases = {
      {"access_denied", "AccessDeniedException", kyc::ErrorCode::backend_unavailable},
      {"invalid_parameter", "InvalidParameterException", kyc::ErrorCode::invalid_argument},
      {"invalid_image_format", "InvalidImageFormatException", kyc::ErrorCode::unsupported_format},
      {"image_too_large", "ImageTooLargeException", kyc::ErrorCode::limit_exceeded},
  };
  for (const auto& [action, type, code] : cases) {
    script(*server_, {action});
    const AwsError e = call_failing(client, compare_faces_body());
    EXPECT_EQ(e.aws_type(), type);
    EXPECT_EQ(e.code(), code) << type;
    EXPECT_EQ(e.attempts(), 1) << type << " is not retried";
  }
}

TEST_F(AwsClient, BodiesAreCheckedAgainstTheServiceModel) {
  const JsonClient client(kyc::aws::rekognition_service(), test_config(*server_));
  // TargetImage is required; QualityFilter must be in the enum.
  const AwsError e = call_failing(
      client, json{{"SourceImage", {{"Bytes", "AAAA"}}}, {"QualityFilter", "BEST"}}.dump());
  EXPECT_EQ(e.aws_type(), "ValidationException");
  EXPECT_EQ(e.code(), kyc::ErrorCode::invalid_argument);
  const json log = server_get(*server_, "/__log");
  const std::string problems = log[0]["problems"].dump();
  EXPECT_NE(problems.find("input.TargetImage: required"), std::string::npos) << problems;
  EXPECT_NE(problems.find("'BEST' not in the enum"), std::string::npos) << problems;
}

TEST_F(AwsClient, TextractTargetAndSigningName) {
  const JsonClient client(kyc::aws::textract_service(), test_config(*server_));
  const std::string page = kyc::aws::base64_encode("\x89PNG fake");
  const auto response =
      client.call("DetectDocumentText", json{{"Document", {{"Bytes", page}}}}.dump());
  EXPECT_EQ(response.http_status, 200);
  const json log = server_get(*server_, "/__log");
  EXPECT_EQ(log[0]["target"], "Textract.DetectDocumentText");
  EXPECT_TRUE(log[0]["signature_ok"].get<bool>());
  EXPECT_EQ(log[0]["problems"], json::array());
}

TEST_F(AwsClient, ConcurrentCallsOnOneClient) {
  // One client and one credentials provider shared by 8 threads (as an Engine shares them); the
  // server answers each signed request independently.
  env_.set("AWS_ACCESS_KEY_ID", "AKIDTEST");
  env_.set("AWS_SECRET_ACCESS_KEY", "test/secret+KEY");
  auto config = test_config(*server_);
  config.access_key_id.clear();
  config.secret_access_key.clear();  // credentials from the environment, through the cache
  const JsonClient client(kyc::aws::rekognition_service(), config);
  const std::string body = compare_faces_body();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 4; ++i) {
        if (client.call("CompareFaces", body).http_status == 200) ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 32);
  const json log = server_get(*server_, "/__log");
  ASSERT_EQ(log.size(), 32u);
  for (const auto& entry : log) EXPECT_TRUE(entry["signature_ok"].get<bool>());
}

TEST(AwsEndpoint, DefaultsAndOverrides) {
  const auto& rek = kyc::aws::rekognition_service();
  EXPECT_EQ(kyc::aws::resolve_endpoint(rek, "eu-west-1", ""),
            "https://rekognition.eu-west-1.amazonaws.com");
  EXPECT_EQ(kyc::aws::resolve_endpoint(kyc::aws::textract_service(), "cn-north-1", ""),
            "https://textract.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(kyc::aws::resolve_endpoint(rek, "us-east-1",
                                       "https://rekognition-fips.us-east-1.amazonaws.com/"),
            "https://rekognition-fips.us-east-1.amazonaws.com");
  EXPECT_EQ(kyc::aws::resolve_endpoint(rek, "us-east-1", "http://127.0.0.1:8080"),
            "http://127.0.0.1:8080");
  EXPECT_THROW(kyc::aws::resolve_endpoint(rek, "us-east-1", "http://rekognition.example.com"),
               kyc::Error);
  EXPECT_THROW(kyc::aws::resolve_endpoint(rek, "us-east-1", "https://vpce.example.com/path"),
               kyc::Error);
}

TEST(AwsErrors, TypeNormalisationAndMapping) {
  EXPECT_EQ(kyc::aws::normalize_error_type("com.amazon.coral.service#ThrottlingException"),
            "ThrottlingException");
  EXPECT_EQ(kyc::aws::normalize_error_type("AccessDeniedException:http://internal"),
            "AccessDeniedException");
  EXPECT_TRUE(kyc::aws::is_throttling_error("ProvisionedThroughputExceededException"));
  EXPECT_FALSE(kyc::aws::is_throttling_error("AccessDeniedException"));
  EXPECT_EQ(kyc::aws::map_aws_error("DocumentTooLargeException", 400),
            kyc::ErrorCode::limit_exceeded);
  EXPECT_EQ(kyc::aws::map_aws_error("BadDocumentException", 400), kyc::ErrorCode::invalid_image);
  EXPECT_EQ(kyc::aws::map_aws_error("UnsupportedDocumentException", 400),
            kyc::ErrorCode::unsupported_format);
  EXPECT_EQ(kyc::aws::base64_encode("foo"), "Zm9v");  // RFC 4648 section 10 vectors
  EXPECT_EQ(kyc::aws::base64_encode("fo"), "Zm8=");
  EXPECT_EQ(kyc::aws::base64_encode("f"), "Zg==");
}

}  // namespace
