// HttpRecordVerifier against a real local HTTP server (tests/support/registry_server.py):
// answers, retries, timeouts, bad JSON, auth, and that only the minimal fields are sent.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "kyc/error.hpp"
#include "kyc/verifier.hpp"
#include "support/registry_server.hpp"

namespace {

using std::chrono::milliseconds;

class HttpVerifier : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // A proxy configured in the environment must not intercept loopback requests.
    ::setenv("NO_PROXY", "127.0.0.1,localhost", 1);
    ::setenv("no_proxy", "127.0.0.1,localhost", 1);
    server_ = std::make_unique<kyc_test::RegistryServer>();
  }
  static void TearDownTestSuite() { server_.reset(); }

  static kyc::HttpVerifierConfig config(const std::string& path) {
    kyc::HttpVerifierConfig c;
    c.url = server_->url(path);
    c.connect_timeout = milliseconds(1000);
    c.request_timeout = milliseconds(1500);
    c.backoff_initial = milliseconds(50);
    c.backoff_max = milliseconds(200);
    return c;
  }

  static kyc::DocumentFields fields() {
    kyc::DocumentFields f;
    f.document_number = "L898902C3";
    f.surname = "ERIKSSON";
    f.given_names = "ANNA MARIA";
    f.date_of_birth = "1974-08-12";
    f.date_of_expiry = "2030-04-15";
    // Not minimal: must never be sent.
    f.address.street = "1 Secret Lane";
    f.personal_number = "ZE184226B";
    f.sex = "F";
    f.nationality = "UTO";
    return f;
  }

  // The number of requests the server saw for `key` (GET /count/<key>).
  static int server_count(const std::string& key) {
    return server_get("/count/" + key)["count"].get<int>();
  }
  // GET <path> on the test server, parsed (null when the request fails).
  static nlohmann::json server_get(const std::string& path);

  static std::unique_ptr<kyc_test::RegistryServer> server_;
};

std::unique_ptr<kyc_test::RegistryServer> HttpVerifier::server_;

nlohmann::json HttpVerifier::server_get(const std::string& path) {
  CURL* curl = curl_easy_init();
  std::string body;
  const std::string url = server_->url(path);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(
      curl, CURLOPT_WRITEFUNCTION, +[](char* d, std::size_t s, std::size_t n, void* u) {
        static_cast<std::string*>(u)->append(d, s * n);
        return s * n;
      });
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  const CURLcode rc = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) return nlohmann::json();
  return nlohmann::json::parse(body, nullptr, false);
}

TEST_F(HttpVerifier, VerifiedAnswerAndMinimalRequest) {
  const kyc::HttpRecordVerifier verifier(config("/verified/v1"));
  const auto r = verifier.verify(fields());
  EXPECT_EQ(r.status, kyc::VerificationStatus::verified) << r.reason;
  EXPECT_EQ(r.reason, "verified");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.reference, "REG-v1-1");
  EXPECT_GT(r.latency_ms, 0.0);
  ASSERT_EQ(r.fields.size(), 5u);
  for (const auto& f : r.fields) EXPECT_EQ(f.state, kyc::MatchState::match) << f.field;

  // What the server received: exactly the five minimal fields with their values, nothing else.
  const nlohmann::json received = server_get("/received/v1");
  const nlohmann::json expected = {{"document_number", "L898902C3"},
                                   {"surname", "ERIKSSON"},
                                   {"given_names", "ANNA MARIA"},
                                   {"date_of_birth", "1974-08-12"},
                                   {"date_of_expiry", "2030-04-15"}};
  EXPECT_EQ(received["body"], expected);
  EXPECT_EQ(received["headers"]["content-type"], "application/json");
  EXPECT_EQ(received["auth"], nullptr);
  EXPECT_EQ(nlohmann::json::parse(verifier.request_body(fields())), expected);
  EXPECT_EQ(server_count("v1"), 1);

  // The result becomes a consistency source with the confirmed fields.
  const kyc::DocumentRead read = r.to_document_read(fields());
  EXPECT_EQ(read.source, kyc::FieldSource::external);
  EXPECT_EQ(read.fields.document_number, "L898902C3");
  EXPECT_TRUE(read.fields.address.empty());
  EXPECT_EQ(read.verified_fields.size(), 5u);

  // The report carries states and codes, not the values.
  const std::string json = r.to_json();
  EXPECT_EQ(json.find("ERIKSSON"), std::string::npos);
  const auto j = nlohmann::json::parse(json);
  EXPECT_EQ(j["schema"], "kyc.verification");
  EXPECT_EQ(j["status"], "verified");
  EXPECT_EQ(j["fields"]["surname"], "match");
}

TEST_F(HttpVerifier, ServerEchoShowsOnlyConfiguredFields) {
  auto c = config("/verified/echo");
  c.fields = {"document_number", "date_of_birth"};
  const kyc::HttpRecordVerifier verifier(c);
  const auto r = verifier.verify(fields());
  ASSERT_EQ(r.status, kyc::VerificationStatus::verified);
  // The server answers "match" for each key it received: exactly the two configured ones.
  ASSERT_EQ(r.fields.size(), 2u);
  EXPECT_EQ(r.fields[0].field, "document_number");
  EXPECT_EQ(r.fields[1].field, "date_of_birth");
  EXPECT_EQ(r.fields[0].state, kyc::MatchState::match);
  EXPECT_EQ(r.fields[1].state, kyc::MatchState::match);
}

TEST_F(HttpVerifier, EmptyFieldsAreNotSent) {
  auto f = fields();
  f.given_names.clear();
  const kyc::HttpRecordVerifier verifier(config("/verified/partial"));
  const auto r = verifier.verify(f);
  ASSERT_EQ(r.status, kyc::VerificationStatus::verified);
  EXPECT_EQ(r.fields.size(), 4u);
  EXPECT_EQ(nlohmann::json::parse(verifier.request_body(f)).count("given_names"), 0u);

  const auto none = verifier.verify(kyc::DocumentFields{});
  EXPECT_EQ(none.status, kyc::VerificationStatus::error);
  EXPECT_EQ(none.reason, "no_fields_to_send");
  EXPECT_EQ(none.attempts, 0);
}

TEST_F(HttpVerifier, NotVerifiedWithPerFieldAnswers) {
  const kyc::HttpRecordVerifier verifier(config("/not_verified/nv"));
  const auto r = verifier.verify(fields());
  EXPECT_EQ(r.status, kyc::VerificationStatus::not_verified);
  EXPECT_EQ(r.reason, "not_verified");
  EXPECT_EQ(r.reference, "REG-NV");
  for (const auto& f : r.fields) {
    const kyc::MatchState expected = f.field == "surname"         ? kyc::MatchState::mismatch
                                     : f.field == "date_of_birth" ? kyc::MatchState::not_available
                                                                  : kyc::MatchState::match;
    EXPECT_EQ(f.state, expected) << f.field;
  }
  const auto read = r.to_document_read(fields());
  EXPECT_TRUE(read.fields.surname.empty());  // not confirmed: not a value from this source
  EXPECT_EQ(read.fields.document_number, "L898902C3");
}

TEST_F(HttpVerifier, RetriesA500ThenSucceeds) {
  const kyc::HttpRecordVerifier verifier(config("/flaky/f1"));
  const auto r = verifier.verify(fields());
  EXPECT_EQ(r.status, kyc::VerificationStatus::verified) << r.reason;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(server_count("f1"), 2);
}

TEST_F(HttpVerifier, Always503GivesUpAfterMaxAttempts) {
  auto c = config("/always503/a1");
  c.max_attempts = 4;
  const kyc::HttpRecordVerifier verifier(c);
  const auto start = std::chrono::steady_clock::now();
  const auto r = verifier.verify(fields());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, kyc::VerificationStatus::unavailable);
  EXPECT_EQ(r.reason, "http_5xx");
  EXPECT_EQ(r.attempts, 4);
  EXPECT_EQ(r.http_status, 503);
  EXPECT_EQ(server_count("a1"), 4);
  // Three backoffs of at most 50, 100, 200 ms (capped): bounded well under a second.
  EXPECT_LT(elapsed, milliseconds(1500));
  // ...and at least half of each (equal jitter): 25 + 50 + 100 ms.
  EXPECT_GE(elapsed, milliseconds(175));
}

TEST_F(HttpVerifier, RateLimitedIsRetried) {
  auto c = config("/ratelimit/r1");
  c.backoff_max = milliseconds(1500);  // lets Retry-After: 1 be honoured
  const kyc::HttpRecordVerifier verifier(c);
  const auto start = std::chrono::steady_clock::now();
  const auto r = verifier.verify(fields());
  EXPECT_EQ(r.status, kyc::VerificationStatus::verified) << r.reason;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(950));
}

TEST_F(HttpVerifier, TimeoutIsHonoured) {
  auto c = config("/slow");
  c.request_timeout = milliseconds(400);
  c.max_attempts = 2;
  const kyc::HttpRecordVerifier verifier(c);
  const auto start = std::chrono::steady_clock::now();
  const auto r = verifier.verify(fields());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, kyc::VerificationStatus::unavailable);
  EXPECT_EQ(r.reason, "timeout");
  EXPECT_EQ(r.attempts, 2);
  // Two 400 ms attempts + one backoff <= 200 ms, far below the server's 3 s sleep.
  EXPECT_GE(elapsed, milliseconds(800));
  EXPECT_LT(elapsed, milliseconds(1600));
}

TEST_F(HttpVerifier, OverallTimeoutBoundsTheWholeCall) {
  auto c = config("/slow");
  c.request_timeout = milliseconds(2000);
  c.overall_timeout = milliseconds(500);
  c.max_attempts = 3;
  const kyc::HttpRecordVerifier verifier(c);
  const auto start = std::chrono::steady_clock::now();
  const auto r = verifier.verify(fields());
  EXPECT_EQ(r.reason, "timeout");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(900));
}

TEST_F(HttpVerifier, BadJsonAndUnexpectedShape) {
  auto r = kyc::HttpRecordVerifier(config("/bad_json")).verify(fields());
  EXPECT_EQ(r.status, kyc::VerificationStatus::error);
  EXPECT_EQ(r.reason, "bad_json");
  EXPECT_EQ(r.attempts, 1);  // a 200 with a broken body is not retried
  r = kyc::HttpRecordVerifier(config("/no_verified")).verify(fields());
  EXPECT_EQ(r.status, kyc::VerificationStatus::error);
  EXPECT_EQ(r.reason, "unexpected_response");
  auto c = config("/big");
  c.max_response_bytes = 1024;
  r = kyc::HttpRecordVerifier(c).verify(fields());
  EXPECT_EQ(r.reason, "response_too_large");
}

TEST_F(HttpVerifier, AuthHeader) {
  auto c = config("/auth/a");
  c.auth_header = "Authorization: Bearer wrong";
  auto r = kyc::HttpRecordVerifier(c).verify(fields());
  EXPECT_EQ(r.status, kyc::VerificationStatus::error);
  EXPECT_EQ(r.reason, "unauthorized");
  EXPECT_EQ(r.http_status, 401);
  EXPECT_EQ(r.attempts, 1);  // a 401 is not retried
  c.auth_header = "Authorization: Bearer test-token";
  EXPECT_EQ(kyc::HttpRecordVerifier(c).verify(fields()).status, kyc::VerificationStatus::verified);
  EXPECT_EQ(server_get("/received/a")["auth"], "Bearer test-token");
  c.auth_header = "x-api-key: test-key";
  EXPECT_EQ(kyc::HttpRecordVerifier(c).verify(fields()).status, kyc::VerificationStatus::verified);
  c.auth_header.clear();
  EXPECT_EQ(kyc::HttpRecordVerifier(c).verify(fields()).reason, "unauthorized");
}

TEST_F(HttpVerifier, ConnectionRefusedIsUnavailable) {
  // A port nobody listens on: bind-free guess from the server's port + 1 is not reliable, so
  // use port 1 on loopback (privileged, never a test server).
  kyc::HttpVerifierConfig c = config("/");
  c.url = "http://127.0.0.1:1/verify";
  c.max_attempts = 2;
  const auto r = kyc::HttpRecordVerifier(c).verify(fields());
  EXPECT_EQ(r.status, kyc::VerificationStatus::unavailable);
  EXPECT_EQ(r.reason, "network_error");
  EXPECT_EQ(r.attempts, 2);
}

TEST_F(HttpVerifier, ConcurrentCallsShareOneVerifier) {
  const kyc::HttpRecordVerifier verifier(config("/verified/mt"));
  std::vector<std::thread> threads;
  std::atomic<int> verified{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        if (verifier.verify(fields()).is_verified()) ++verified;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(verified.load(), 20);
  EXPECT_EQ(server_count("mt"), 20);
}

TEST(HttpVerifierConfig, InvalidConfigurationThrows) {
  const auto code_of = [](kyc::HttpVerifierConfig c) {
    try {
      kyc::HttpRecordVerifier v(std::move(c));
    } catch (const kyc::Error& e) {
      return e.code();
    }
    return kyc::ErrorCode::internal;
  };
  kyc::HttpVerifierConfig ok;
  ok.url = "https://registry.example/verify";
  EXPECT_EQ(code_of(ok), kyc::ErrorCode::internal);  // internal = did not throw
  auto c = ok;
  c.url = "http://registry.example/verify";  // personal data in clear over a network
  EXPECT_EQ(code_of(c), kyc::ErrorCode::invalid_config);
  c = ok;
  c.url = "http://127.0.0.1.evil.example/verify";
  EXPECT_EQ(code_of(c), kyc::ErrorCode::invalid_config);
  c = ok;
  c.auth_header = "Bearer token-without-header-name";
  EXPECT_EQ(code_of(c), kyc::ErrorCode::invalid_config);
  c = ok;
  c.auth_header = "x-api-key: a\r\nX-Injected: 1";
  EXPECT_EQ(code_of(c), kyc::ErrorCode::invalid_config);
  c = ok;
  c.max_attempts = 0;
  EXPECT_EQ(code_of(c), kyc::ErrorCode::invalid_config);
  c = ok;
  c.fields = {"document_number", "address"};
  EXPECT_EQ(code_of(c), kyc::ErrorCode::invalid_config);
  c = ok;
  c.request_timeout = milliseconds(0);
  EXPECT_EQ(code_of(c), kyc::ErrorCode::invalid_config);
}

}  // namespace
