// kyc — a small AWS JSON 1.1 client (Rekognition, Textract) on libcurl + SigV4.
//
// POST / with Content-Type application/x-amz-json-1.1 and X-Amz-Target <prefix>.<Operation>,
// signed with SigV4 (host, content-type, x-amz-date, x-amz-target, x-amz-security-token).
// Retries throttling (ThrottlingException, ProvisionedThroughputExceededException and the other
// throttling codes the SDKs retry), HTTP 5xx and network errors/timeouts, with capped exponential
// backoff and full jitter: sleep = uniform(0, min(max_backoff, base * 2^retry)). An
// ExpiredToken answer refreshes the credentials once; a clock-skew rejection (the service's Date
// header more than 4 minutes from ours) corrects the signing clock once. Error JSON ({"__type",
// "message"}) maps to kyc error codes (table in docs/aws.md); the x-amzn-RequestId of the last
// answer is kept in the response and in AwsError for audit.
//
// Thread-safety: call() is re-entrant (one curl handle per attempt); the credentials provider
// is shared and locks only around its cache. Nothing is logged: not keys, not bodies.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "backends/aws/credentials.hpp"
#include "kyc/config.hpp"
#include "kyc/error.hpp"
#include "kyc/export.hpp"

namespace kyc::aws {

struct Service {
  std::string endpoint_prefix;  ///< "rekognition": host prefix and SigV4 signing name
  std::string target_prefix;    ///< "RekognitionService": X-Amz-Target prefix
};
KYC_API const Service& rekognition_service();
KYC_API const Service& textract_service();

/// A service answer: the JSON text and audit data (safe to log: no body content).
struct JsonResponse {
  std::string body;
  std::string request_id;  ///< x-amzn-RequestId (or x-amz-request-id)
  long http_status = 0;
  int attempts = 0;       ///< 1 = no retry
  double elapsed_ms = 0;  ///< all attempts and backoff included
};

/// An AWS error answer (or exhausted retries). code() is the mapped kyc code.
class KYC_API AwsError : public Error {
 public:
  AwsError(ErrorCode code, const std::string& message, std::string aws_type, long http_status,
           std::string request_id, int attempts);
  const std::string& aws_type() const { return aws_type_; }  ///< "ThrottlingException", ...
  long http_status() const { return http_status_; }          ///< 0: no HTTP answer
  const std::string& request_id() const { return request_id_; }
  int attempts() const { return attempts_; }

 private:
  std::string aws_type_;
  long http_status_;
  std::string request_id_;
  int attempts_;
};

/// The kyc code an AWS error type maps to (documented in docs/aws.md).
KYC_API ErrorCode map_aws_error(const std::string& aws_type, long http_status);
/// True for the error types the client retries (throttling; 5xx are retried by status).
KYC_API bool is_throttling_error(const std::string& aws_type);
/// "com.amazon.coral.service#ThrottlingException" -> "ThrottlingException".
KYC_API std::string normalize_error_type(const std::string& raw);

struct RetryPolicy {
  int max_attempts = 3;
  int base_backoff_ms = 100;
  int max_backoff_ms = 20000;
};

class KYC_API JsonClient {
 public:
  /// Resolves region and endpoint now (throws Error(invalid_config) when there is no region or
  /// the endpoint is not https:// / loopback http://); credentials are resolved on first call.
  JsonClient(Service service, const AwsConfig& config,
             std::shared_ptr<CredentialsProvider> credentials = nullptr);

  /// Calls `operation` with a JSON request body; returns the 2xx answer or throws AwsError.
  JsonResponse call(const std::string& operation, const std::string& json_body) const;

  const std::string& endpoint() const { return endpoint_; }
  const std::string& region() const { return region_; }
  RetryPolicy& retry_policy() { return retry_; }
  /// Seconds added to the local clock when signing. Learnt from the service's Date header when it
  /// rejects a request as too skewed (as the SDKs do); settable so tests can skew the clock.
  long clock_offset_s() const { return clock_offset_s_.load(); }
  void set_clock_offset_s(long seconds) { clock_offset_s_.store(seconds); }

 private:
  Service service_;
  std::string region_;
  std::string endpoint_;  ///< origin: scheme://host[:port]
  std::string host_;
  int connect_timeout_ms_;
  int timeout_ms_;
  std::string ca_bundle_;
  RetryPolicy retry_;
  mutable std::atomic<long> clock_offset_s_{0};
  std::shared_ptr<CredentialsProvider> credentials_;
};

/// RFC 4648 base64 (JSON blobs).
KYC_API std::string base64_encode(std::string_view data);

/// The endpoint a client would use: the override, else https://<prefix>.<region>.amazonaws.com
/// (.amazonaws.com.cn for cn-* regions). Throws Error(invalid_config) for a non-https endpoint
/// other than loopback http, or one with a path.
KYC_API std::string resolve_endpoint(const Service& service, const std::string& region,
                                     const std::string& override_url);

}  // namespace kyc::aws
