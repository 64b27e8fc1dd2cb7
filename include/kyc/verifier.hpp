// kyc — third-party record verification: ask an issuer's or a data provider's registry whether
// a document's key fields (number, names, birth and expiry dates) belong to a real record.
//
// RecordVerifier is the interface (implementations must be thread-safe: verify() is const and
// re-entrant). HttpRecordVerifier is a JSON-over-HTTPS client on libcurl: minimal fields out,
// retries with capped exponential backoff and jitter on 5xx / 429 / network errors, TLS
// verification always on. Outcomes (verified, not verified, registry down, timeout, bad answer)
// are results with reason codes, never exceptions; only an invalid configuration throws. No
// personal field is ever logged or placed in an error text. The request/response contract is
// in docs/consistency.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "kyc/consistency.hpp"
#include "kyc/document.hpp"
#include "kyc/export.hpp"

namespace kyc {

/// Stable names: "verified", "not_verified", "error" (the answer or the request is unusable:
/// bad JSON, 4xx, TLS failure), "unavailable" (the registry could not be reached in time: 5xx,
/// 429, timeouts, network errors, after the retries).
enum class VerificationStatus : std::uint8_t { verified, not_verified, error, unavailable };
KYC_API const char* verification_status_name(VerificationStatus status) noexcept;

/// The registry's answer for one field it was sent.
struct FieldVerification {
  std::string field;  ///< DocumentFields member name ("document_number", "surname", ...)
  MatchState state = MatchState::not_available;  ///< true → match, false → mismatch, null/absent
};

struct KYC_API VerificationResult {
  VerificationStatus status = VerificationStatus::unavailable;
  /// Stable code: "verified", "not_verified", "timeout", "http_5xx", "rate_limited",
  /// "network_error", "tls_error", "unauthorized", "http_4xx", "unexpected_http_status",
  /// "bad_json", "unexpected_response", "response_too_large", "no_fields_to_send".
  std::string reason;
  std::vector<FieldVerification> fields;  ///< per-field answers, in the order sent
  std::string reference;                  ///< the registry's reference id ("" if none)
  /// Fields returned by the registry's optional "record" object (empty members if none).
  DocumentFields record;
  int attempts = 0;       ///< HTTP requests made
  long http_status = 0;   ///< status of the last response (0: none received)
  double latency_ms = 0;  ///< whole call, retries and backoff included
  std::string verifier;   ///< implementation name ("http")

  bool is_verified() const { return status == VerificationStatus::verified; }

  /// This answer as a consistency-check source (FieldSource::external): the registry's "record"
  /// values when it returned any, else the `sent` values of the fields it confirmed (state
  /// match); those confirmed fields are listed in verified_fields. A result that is not
  /// verified/not_verified yields an empty read.
  DocumentRead to_document_read(const DocumentFields& sent) const;

  /// {"schema": "kyc.verification", "schema_version": 1, ...}: states and codes only.
  std::string to_json(int indent = -1) const;
};

/// A registry that confirms document records. Implementations are thread-safe.
class KYC_API RecordVerifier {
 public:
  virtual ~RecordVerifier();
  /// Verifies the record; never throws for registry or network failures (see the result).
  virtual VerificationResult verify(const DocumentFields& fields) const = 0;
};

struct HttpVerifierConfig {
  /// Endpoint receiving POST application/json. Must be https://, except for loopback hosts
  /// (127.0.0.1, ::1, localhost) used in tests and sidecars.
  std::string url;
  /// One header line carrying the credential, e.g. "Authorization: Bearer <token>" or
  /// "x-api-key: <key>". Empty: none.
  std::string auth_header;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds request_timeout{10000};  ///< per attempt, connection included
  /// Bound on the whole call (attempts + backoff); 0 = max_attempts x request_timeout + backoff.
  std::chrono::milliseconds overall_timeout{0};
  int max_attempts = 3;  ///< 1..10; 1 = no retry
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{2000};  ///< cap per wait (also caps Retry-After)
  /// DocumentFields members sent (only non-empty ones are): "document_number", "surname",
  /// "given_names", "date_of_birth", "date_of_expiry", "date_of_issue", "issuing_country",
  /// "issuing_region", "nationality", "sex", "document_type", "personal_number".
  std::vector<std::string> fields = {"document_number", "surname", "given_names", "date_of_birth",
                                     "date_of_expiry"};
  std::string ca_bundle;  ///< PEM file of trusted CAs; empty: the system store
  std::size_t max_response_bytes = 64 * 1024;
};

class KYC_API HttpRecordVerifier final : public RecordVerifier {
 public:
  /// Throws kyc::Error(invalid_config) naming the bad setting.
  explicit HttpRecordVerifier(HttpVerifierConfig config);
  VerificationResult verify(const DocumentFields& fields) const override;
  /// The exact JSON body verify() sends for `fields`.
  std::string request_body(const DocumentFields& fields) const;
  const HttpVerifierConfig& config() const { return config_; }

 private:
  HttpVerifierConfig config_;
};

}  // namespace kyc
