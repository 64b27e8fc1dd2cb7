// JSON-over-HTTPS record verifier on libcurl. One easy handle per call (no shared state, so
// concurrent verify() calls need no lock); no logging: requests carry personal fields.
#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "document/verify/field_access.hpp"
#include "kyc/error.hpp"
#include "kyc/verifier.hpp"

namespace kyc {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

void global_curl_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

[[noreturn]] void bad_config(const std::string& what) {
  throw Error(ErrorCode::invalid_config, "HttpRecordVerifier: " + what);
}

// Loopback hosts may use plain http (a sidecar or a test server); anything else needs TLS so
// personal fields never cross a network in clear.
bool is_loopback_http(const std::string& url) {
  for (const char* prefix : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
    const std::string p(prefix);
    if (url.compare(0, p.size(), p) == 0 &&
        (url.size() == p.size() || url[p.size()] == ':' || url[p.size()] == '/')) {
      return true;
    }
  }
  return false;
}

struct Body {
  std::string text;
  std::size_t limit = 0;
  bool overflow = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<Body*>(user);
  const std::size_t n = size * count;
  if (body->text.size() + n > body->limit) {
    body->overflow = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  body->text.append(data, n);
  return n;
}

struct Attempt {
  CURLcode curl = CURLE_OK;
  long http_status = 0;
  long retry_after_s = -1;
  bool overflow = false;
  std::string body;
};

struct CurlSlist {
  curl_slist* list = nullptr;
  ~CurlSlist() { curl_slist_free_all(list); }
  void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};

Attempt perform(const HttpVerifierConfig& config, const std::string& payload,
                milliseconds timeout) {
  Attempt attempt;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    attempt.curl = CURLE_FAILED_INIT;
    return attempt;
  }
  Body body;
  body.limit = config.max_response_bytes;
  CurlSlist headers;
  headers.add("Content-Type: application/json");
  headers.add("Accept: application/json");
  headers.add("Expect:");
  if (!config.auth_header.empty()) headers.add(config.auth_header);

  curl_easy_setopt(curl, CURLOPT_URL, config.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // never resend personal data elsewhere
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);        // timeouts without SIGALRM: thread-safe
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!config.ca_bundle.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, config.ca_bundle.c_str());
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(config.connect_timeout, timeout).count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "kyc-record-verifier/1");

  attempt.curl = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &attempt.http_status);
  curl_off_t retry_after = -1;
  if (curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0) {
    attempt.retry_after_s = static_cast<long>(retry_after);
  }
  curl_easy_cleanup(curl);
  attempt.overflow = body.overflow;
  attempt.body = std::move(body.text);
  return attempt;
}

bool is_tls_error(CURLcode code) {
  switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return true;
    default:
      return false;
  }
}

// Jittered, capped exponential backoff ("equal jitter": half fixed, half random), so many
// clients retrying at once do not hit the registry in lockstep.
milliseconds backoff_delay(const HttpVerifierConfig& config, int failed_attempts,
                           long retry_after_s) {
  thread_local std::mt19937 rng{std::random_device{}()};
  const double base = static_cast<double>(config.backoff_initial.count()) *
                      std::pow(2.0, static_cast<double>(failed_attempts - 1));
  const double capped = std::min(base, static_cast<double>(config.backoff_max.count()));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  double delay = capped * jitter(rng);
  if (retry_after_s > 0) {
    delay = std::max(delay, std::min(static_cast<double>(retry_after_s) * 1000.0,
                                     static_cast<double>(config.backoff_max.count())));
  }
  return milliseconds(static_cast<long long>(delay));
}

MatchState answer_state(const nlohmann::json& value) {
  if (value.is_boolean()) return value.get<bool>() ? MatchState::match : MatchState::mismatch;
  if (value.is_string()) {
    const std::string s = value.get<std::string>();
    if (s == "match" || s == "true" || s == "yes") return MatchState::match;
    if (s == "mismatch" || s == "no_match" || s == "false" || s == "no")
      return MatchState::mismatch;
  }
  return MatchState::not_available;
}

// Maps a 2xx body onto the result (docs/consistency.md, "Verifier response").
void read_answer(const std::string& body, const std::vector<std::string>& sent,
                 VerificationResult& result) {
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded()) {
    result.status = VerificationStatus::error;
    result.reason = "bad_json";
    return;
  }
  if (!doc.is_object() || !doc.contains("verified") || !doc["verified"].is_boolean()) {
    result.status = VerificationStatus::error;
    result.reason = "unexpected_response";
    return;
  }
  const bool verified = doc["verified"].get<bool>();
  result.status = verified ? VerificationStatus::verified : VerificationStatus::not_verified;
  result.reason = verified ? "verified" : "not_verified";
  const nlohmann::json* match =
      doc.contains("match") && doc["match"].is_object() ? &doc["match"] : nullptr;
  for (const std::string& field : sent) {
    FieldVerification answer{field, MatchState::not_available};
    if (match != nullptr && match->contains(field)) answer.state = answer_state((*match)[field]);
    result.fields.push_back(answer);
  }
  if (doc.contains("reference") && doc["reference"].is_string()) {
    result.reference = doc["reference"].get<std::string>().substr(0, 256);
  }
  if (doc.contains("record") && doc["record"].is_object()) {
    for (const auto& [key, value] : doc["record"].items()) {
      std::string* slot = detail::field_by_name(result.record, key);
      if (slot != nullptr && value.is_string()) *slot = value.get<std::string>().substr(0, 256);
    }
  }
}

}  // namespace

HttpRecordVerifier::HttpRecordVerifier(HttpVerifierConfig config) : config_(std::move(config)) {
  const std::string& url = config_.url;
  if (url.rfind("https://", 0) != 0 && !is_loopback_http(url)) {
    bad_config("url must be https:// (plain http only for loopback hosts)");
  }
  if (url.find_first_of(" \r\n\t") != std::string::npos) bad_config("url contains whitespace");
  const std::string& auth = config_.auth_header;
  if (!auth.empty() && (auth.find(':') == std::string::npos || auth.find(':') == 0 ||
                        auth.find_first_of("\r\n") != std::string::npos)) {
    bad_config("auth_header must be one \"Name: value\" header line");
  }
  if (config_.max_attempts < 1 || config_.max_attempts > 10)
    bad_config("max_attempts must be 1..10");
  if (config_.connect_timeout.count() <= 0 || config_.request_timeout.count() <= 0) {
    bad_config("connect_timeout and request_timeout must be positive");
  }
  if (config_.overall_timeout.count() < 0 || config_.backoff_initial.count() < 0 ||
      config_.backoff_max < config_.backoff_initial) {
    bad_config(
        "overall_timeout and backoff_initial must be >= 0 and backoff_max >= backoff_initial");
  }
  if (config_.max_response_bytes == 0) bad_config("max_response_bytes must be positive");
  if (config_.fields.empty()) bad_config("fields is empty");
  DocumentFields probe;
  for (const std::string& f : config_.fields) {
    if (detail::field_by_name(probe, f) == nullptr) bad_config("unknown field \"" + f + "\"");
  }
  global_curl_init();
}

std::string HttpRecordVerifier::request_body(const DocumentFields& fields) const {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const std::string& name : config_.fields) {
    const std::string* value = detail::field_by_name(fields, name);
    if (value != nullptr && !value->empty()) j[name] = *value;
  }
  // Invalid UTF-8 in a field is replaced rather than thrown: the registry says "no" instead.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

VerificationResult HttpRecordVerifier::verify(const DocumentFields& fields) const {
  const Clock::time_point start = Clock::now();
  VerificationResult result;
  result.verifier = "http";
  std::vector<std::string> sent;
  for (const std::string& name : config_.fields) {
    const std::string* value = detail::field_by_name(fields, name);
    if (value != nullptr && !value->empty()) sent.push_back(name);
  }
  const auto finish = [&]() -> VerificationResult {
    result.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    return result;
  };
  if (sent.empty()) {
    result.status = VerificationStatus::error;
    result.reason = "no_fields_to_send";
    return finish();
  }
  const std::string payload = request_body(fields);

  const milliseconds budget = config_.overall_timeout.count() > 0
                                  ? config_.overall_timeout
                                  : config_.request_timeout * config_.max_attempts +
                                        config_.backoff_max * (config_.max_attempts - 1);
  const Clock::time_point deadline = start + budget;

  for (int attempt_no = 1; attempt_no <= config_.max_attempts; ++attempt_no) {
    const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (remaining.count() <= 0) break;
    const Attempt attempt = perform(config_, payload, std::min(config_.request_timeout, remaining));
    result.attempts = attempt_no;
    result.http_status = attempt.http_status;

    bool retryable = false;
    if (attempt.curl != CURLE_OK) {
      if (attempt.overflow) {
        result.status = VerificationStatus::error;
        result.reason = "response_too_large";
        return finish();
      }
      if (is_tls_error(attempt.curl)) {
        result.status = VerificationStatus::error;
        result.reason = "tls_error";
        return finish();
      }
      result.status = VerificationStatus::unavailable;
      result.reason = attempt.curl == CURLE_OPERATION_TIMEDOUT ? "timeout" : "network_error";
      retryable = true;
    } else if (attempt.http_status >= 200 && attempt.http_status < 300) {
      read_answer(attempt.body, sent, result);
      return finish();
    } else if (attempt.http_status == 429) {
      result.status = VerificationStatus::unavailable;
      result.reason = "rate_limited";
      retryable = true;
    } else if (attempt.http_status >= 500) {
      result.status = VerificationStatus::unavailable;
      result.reason = "http_5xx";
      retryable = true;
    } else if (attempt.http_status == 401 || attempt.http_status == 403) {
      result.status = VerificationStatus::error;
      result.reason = "unauthorized";
      return finish();
    } else if (attempt.http_status >= 400) {
      result.status = VerificationStatus::error;
      result.reason = "http_4xx";
      return finish();
    } else {
      result.status = VerificationStatus::error;
      result.reason = "unexpected_http_status";  // 1xx/3xx: redirects are not followed
      return finish();
    }

    if (!retryable || attempt_no == config_.max_attempts) break;
    const milliseconds wait = backoff_delay(config_, attempt_no, attempt.retry_after_s);
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (wait >= left) break;  // no time for another attempt after waiting
    std::this_thread::sleep_for(wait);
  }
  if (result.attempts == 0) {
    result.status = VerificationStatus::unavailable;
    result.reason = "timeout";
  }
  return finish();
}

}  // namespace kyc
