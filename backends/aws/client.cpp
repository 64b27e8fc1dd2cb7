#include "backends/aws/client.hpp"

#include <curl/curl.h>
#include <algorithm>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "backends/aws/http.hpp"

namespace kyc::aws {
namespace {

using Clock = std::chrono::steady_clock;

bool one_of(const std::string& value, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return value == n; });
}

bool is_expired_token(const std::string& type) {
  return one_of(type, {"ExpiredToken", "ExpiredTokenException", "RequestExpired"});
}

int backoff_ms(const RetryPolicy& policy, int retry) {
  thread_local std::mt19937 rng{std::random_device{}()};
  const double ceiling =
      std::min<double>(policy.max_backoff_ms, policy.base_backoff_ms * std::pow(2.0, retry));
  std::uniform_real_distribution<double> full_jitter(0.0, ceiling);
  return static_cast<int>(full_jitter(rng));
}

// __type (or the X-Amzn-ErrorType header) and message/Message of an error answer; empty when the
// body is not AWS error JSON (a proxy's HTML 503, for instance).
void parse_error(const HttpResponse& response, std::string& type, std::string& message) {
  try {
    const auto j = nlohmann::json::parse(response.body);
    if (j.is_object()) {
      for (const char* key : {"__type", "code", "Code"}) {
        if (j.contains(key) && j[key].is_string()) {
          type = j[key].get<std::string>();
          break;
        }
      }
      for (const char* key : {"message", "Message"}) {
        if (j.contains(key) && j[key].is_string()) {
          message = j[key].get<std::string>();
          break;
        }
      }
    }
  } catch (const nlohmann::json::exception&) {
  }
  if (type.empty()) {
    if (const std::string* header = response.header("x-amzn-errortype")) type = *header;
  }
  type = normalize_error_type(type);
}

// Seconds between the service's Date header and our clock, 0 if there is no parsable header.
long skew_from_date_header(const HttpResponse& response) {
  const std::string* date = response.header("date");
  if (date == nullptr) return 0;
  const std::time_t server = curl_getdate(date->c_str(), nullptr);
  if (server <= 0) return 0;
  return static_cast<long>(server - std::time(nullptr));
}

bool is_clock_skew_error(const std::string& type, const std::string& message) {
  if (one_of(type, {"RequestTimeTooSkewed", "RequestExpired"})) return true;
  return one_of(type, {"InvalidSignatureException", "SignatureDoesNotMatch"}) &&
         message.find("Signature expired") != std::string::npos;
}

// AWS's InvalidSignatureException message can quote the canonical request it expected, which
// holds signed header values such as the session token: cut it off, and bound the length.
std::string safe_message(std::string message) {
  for (const char* marker : {"The Canonical String", "The String-to-Sign"}) {
    const std::size_t at = message.find(marker);
    if (at != std::string::npos) message = message.substr(0, at) + "(canonical request omitted)";
  }
  if (message.size() > 300) message = message.substr(0, 300) + "...";
  return message;
}

std::string request_id_of(const HttpResponse& response) {
  for (const char* name : {"x-amzn-requestid", "x-amz-request-id"}) {
    if (const std::string* id = response.header(name)) return *id;
  }
  return "";
}

}  // namespace

std::string base64_encode(std::string_view data) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(data[i]) << 16) |
                       (static_cast<unsigned char>(data[i + 1]) << 8) |
                       static_cast<unsigned char>(data[i + 2]);
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(alphabet[(v >> 6) & 63]);
    out.push_back(alphabet[v & 63]);
  }
  if (i < data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < data.size() ? alphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

const Service& rekognition_service() {
  static const Service service{"rekognition", "RekognitionService"};
  return service;
}

const Service& textract_service() {
  static const Service service{"textract", "Textract"};
  return service;
}

AwsError::AwsError(ErrorCode code, const std::string& message, std::string aws_type,
                   long http_status, std::string request_id, int attempts)
    : Error(code, message),
      aws_type_(std::move(aws_type)),
      http_status_(http_status),
      request_id_(std::move(request_id)),
      attempts_(attempts) {}

std::string normalize_error_type(const std::string& raw) {
  std::string type = raw;
  const std::size_t hash = type.rfind('#');
  if (hash != std::string::npos) type = type.substr(hash + 1);
  const std::size_t colon = type.find(':');
  if (colon != std::string::npos) type = type.substr(0, colon);
  return type;
}

bool is_throttling_error(const std::string& type) {
  return one_of(type,
                {"ThrottlingException", "ProvisionedThroughputExceededException", "Throttling",
                 "ThrottledException", "RequestLimitExceeded", "TooManyRequestsException",
                 "RequestThrottled", "RequestThrottledException", "SlowDown"});
}

ErrorCode map_aws_error(const std::string& type, long http_status) {
  if (one_of(type, {"InvalidImageFormatException", "UnsupportedDocumentException"})) {
    return ErrorCode::unsupported_format;
  }
  if (one_of(type, {"BadDocumentException"})) return ErrorCode::invalid_image;
  if (one_of(type,
             {"ImageTooLargeException", "DocumentTooLargeException", "LimitExceededException"})) {
    return ErrorCode::limit_exceeded;
  }
  if (one_of(type, {"InvalidParameterException", "ValidationException", "InvalidS3ObjectException",
                    "SerializationException"})) {
    return ErrorCode::invalid_argument;
  }
  // Authentication/authorisation, throttling that outlived the retries, server errors and
  // anything unknown: the backend cannot serve the call.
  (void)http_status;
  return ErrorCode::backend_unavailable;
}

std::string resolve_endpoint(const Service& service, const std::string& region,
                             const std::string& override_url) {
  if (override_url.empty()) {
    const bool china = region.rfind("cn-", 0) == 0;
    return "https://" + service.endpoint_prefix + "." + region +
           (china ? ".amazonaws.com.cn" : ".amazonaws.com");
  }
  std::string url = override_url;
  while (url.size() > 8 && url.back() == '/') url.pop_back();
  if (url.rfind("https://", 0) != 0 && !is_loopback_http(url)) {
    throw Error(ErrorCode::invalid_config,
                "aws.endpoint: must be https:// (http:// only for a loopback test server)");
  }
  const auto [origin, host] = split_origin(url);
  if (origin != url) throw Error(ErrorCode::invalid_config, "aws.endpoint: must not have a path");
  return origin;
}

JsonClient::JsonClient(Service service, const AwsConfig& config,
                       std::shared_ptr<CredentialsProvider> credentials)
    : service_(std::move(service)),
      region_(resolve_region(config)),
      endpoint_(resolve_endpoint(
          service_, region_,
          service_.endpoint_prefix == "textract" && !config.textract_endpoint.empty()
              ? config.textract_endpoint
              : config.endpoint)),
      host_(split_origin(endpoint_).second),
      connect_timeout_ms_(config.connect_timeout_ms),
      timeout_ms_(config.timeout_ms),
      ca_bundle_(config.ca_bundle),
      credentials_(credentials ? std::move(credentials)
                               : std::make_shared<CredentialsProvider>(config)) {
  retry_.max_attempts = std::max(1, config.max_attempts);
}

JsonResponse JsonClient::call(const std::string& operation, const std::string& json_body) const {
  const auto start = Clock::now();
  TransportOptions transport;
  transport.connect_timeout_ms = connect_timeout_ms_;
  transport.timeout_ms = timeout_ms_;
  transport.ca_bundle = ca_bundle_;
  const std::string what = "AWS " + service_.endpoint_prefix + " " + operation;
  bool refreshed_credentials = false;
  bool corrected_clock = false;

  for (int attempt = 1;; ++attempt) {
    HttpRequest request;
    request.method = "POST";
    request.path = "/";
    request.headers = {{"Host", host_},
                       {"Content-Type", "application/x-amz-json-1.1"},
                       {"X-Amz-Target", service_.target_prefix + "." + operation}};
    request.body = json_body;
    SigningParams params;
    params.region = region_;
    params.service = service_.endpoint_prefix;
    params.time = std::time(nullptr) + clock_offset_s_.load();
    sign_request(request, credentials_->get(), params);

    const HttpResponse response = http_send(endpoint_, request, transport);
    const std::string request_id = request_id_of(response);
    const bool last = attempt >= retry_.max_attempts;
    auto elapsed = [&] {
      return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    };

    if (!response.network_error.empty()) {
      if (!last) {
        std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms(retry_, attempt - 1)));
        continue;
      }
      throw AwsError(ErrorCode::backend_unavailable,
                     what + ": " + (response.timed_out ? "timed out" : "network error") + " (" +
                         response.network_error + ") after " + std::to_string(attempt) +
                         " attempt(s)",
                     response.timed_out ? "Timeout" : "NetworkError", 0, "", attempt);
    }
    if (response.status >= 200 && response.status < 300) {
      if (!nlohmann::json::accept(response.body)) {
        throw AwsError(ErrorCode::backend_unavailable,
                       what + ": the answer is not JSON (request id " + request_id + ")",
                       "MalformedResponse", response.status, request_id, attempt);
      }
      return JsonResponse{response.body, request_id, response.status, attempt, elapsed()};
    }

    std::string type;
    std::string message;
    parse_error(response, type, message);
    const bool retryable = is_throttling_error(type) || response.status >= 500;
    if (is_clock_skew_error(type, message) && !corrected_clock && !last) {
      const long skew = skew_from_date_header(response);
      if (std::labs(skew - clock_offset_s_.load()) > 240) {
        corrected_clock = true;
        clock_offset_s_.store(skew);
        continue;
      }
    }
    if (is_expired_token(type) && !refreshed_credentials && !last) {
      refreshed_credentials = true;  // temporary credentials may have been rotated meanwhile
      credentials_->invalidate();
      continue;
    }
    if (retryable && !last) {
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms(retry_, attempt - 1)));
      continue;
    }
    const std::string shown_type = type.empty() ? "HTTP " + std::to_string(response.status) : type;
    throw AwsError(map_aws_error(type, response.status),
                   what + ": " + shown_type + " (HTTP " + std::to_string(response.status) +
                       ", request id " + (request_id.empty() ? "none" : request_id) + ", " +
                       std::to_string(attempt) + " attempt(s))" +
                       (message.empty() ? "" : ": " + safe_message(message)),
                   type, response.status, request_id, attempt);
  }
}

}  // namespace kyc::aws
