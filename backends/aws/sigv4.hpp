// kyc — AWS Signature Version 4 (header signing), on OpenSSL.
//
// Implements https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html for
// non-S3 services: canonical request (normalised, URI-encoded path; sorted, re-encoded query;
// lower-cased, trimmed, space-collapsed, sorted headers; hex SHA-256 of the payload), string to
// sign, HMAC key derivation and the Authorization header. Verified against every case of the AWS
// SigV4 test suite (tests/unit/aws_sigv4_test.cpp, docs/aws.md).
//
// Thread-safety: free functions, re-entrant. Secrets are never logged or put in error messages.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kyc/export.hpp"

namespace kyc::aws {

/// AWS credentials. session_token is empty for long-term keys.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  /// Where they came from ("config", "environment", "profile:<name>", "container", "imds");
  /// safe to log.
  std::string source;
  /// Expiry (UTC seconds since the epoch) of temporary credentials; 0 = does not expire.
  std::time_t expiration = 0;
  bool empty() const { return access_key_id.empty() || secret_access_key.empty(); }
};

/// An HTTP request as it will be sent. `path` is the decoded path ("/" for the JSON protocols);
/// it is URI-encoded once by the signer (non-S3 rules: an already-encoded path is encoded again,
/// as AWS expects). `query` is the raw query string without '?', its components may be
/// percent-encoded or not. Header names are case-insensitive; repeated names are allowed.
struct KYC_API HttpRequest {
  std::string method = "GET";
  std::string path = "/";
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// The first value of a header (case-insensitive name), or nullptr.
  const std::string* header(std::string_view name) const;
};

struct SigningParams {
  std::string region;    ///< e.g. "us-east-1"
  std::string service;   ///< signing name, e.g. "rekognition"
  std::time_t time = 0;  ///< signing time (UTC seconds); 0 = now
  /// Remove "." and ".." segments and empty segments from the path (every service except S3).
  bool normalize_path = true;
  /// Sign X-Amz-Security-Token (true: what Rekognition/Textract and the SDKs do); false adds the
  /// header after signing (the suite's post-sts-header-after variant).
  bool sign_session_token = true;
  /// Add and sign x-amz-content-sha256 (S3 and some streaming APIs require it; harmless elsewhere).
  bool add_content_sha256 = false;
};

struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;       ///< lower-case hex
  std::string authorization;   ///< value of the Authorization header
  std::string signed_headers;  ///< "host;x-amz-date;..."
};

/// Signs `request` in place: adds X-Amz-Date (unless present), X-Amz-Security-Token when the
/// credentials carry a session token (unless present), x-amz-content-sha256 when asked, and
/// Authorization. A Host header must be present. Throws Error(invalid_argument) when the host,
/// region, service or keys are missing.
KYC_API SigningResult sign_request(HttpRequest& request, const Credentials& credentials,
                                   const SigningParams& params);

/// The canonical request of `request` as it stands (no headers added).
KYC_API std::string canonical_request(const HttpRequest& request, bool normalize_path,
                                      std::string* signed_headers = nullptr);

/// "20150830T123600Z" for a UTC time.
KYC_API std::string amz_date(std::time_t utc);
/// Lower-case hex SHA-256.
KYC_API std::string sha256_hex(std::string_view data);
/// Raw HMAC-SHA256.
KYC_API std::string hmac_sha256(std::string_view key, std::string_view data);
/// RFC 3986 encoding of every byte except A-Z a-z 0-9 - _ . ~ (and '/' when keep_slash).
KYC_API std::string uri_encode(std::string_view text, bool keep_slash);
/// Decodes %XX escapes (a malformed escape is kept literally).
KYC_API std::string percent_decode(std::string_view text);

}  // namespace kyc::aws
