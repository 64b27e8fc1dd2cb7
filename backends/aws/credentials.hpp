// kyc — AWS credentials and region resolution (the standard chain, as the AWS SDKs do it).
//
// Credentials, first found wins:
//   1. explicit AwsConfig access_key_id/secret_access_key/session_token;
//   2. environment AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (skipped when
//      AwsConfig::profile names a profile explicitly, as boto3.Session(profile_name=) does);
//   3. shared files: AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials, sections "[name]")
//      then AWS_CONFIG_FILE (default ~/.aws/config, sections "[profile name]" or "[default]"),
//      profile = AwsConfig::profile, else AWS_PROFILE, else "default";
//   4. container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (http://169.254.170.2 + uri)
//      or AWS_CONTAINER_CREDENTIALS_FULL_URI (https, or http to a loopback / ECS / EKS address),
//      Authorization from AWS_CONTAINER_AUTHORIZATION_TOKEN or _TOKEN_FILE;
//   5. EC2 instance metadata, IMDSv2 only (PUT /latest/api/token, then the role and its
//      credentials), 1 s timeouts, endpoint AWS_EC2_METADATA_SERVICE_ENDPOINT (default
//      http://169.254.169.254), disabled by AWS_EC2_METADATA_DISABLED=true.
// Region: AwsConfig::region, AWS_REGION, AWS_DEFAULT_REGION, the profile's "region" in the config
// file.
//
// Thread-safety: resolve_* are re-entrant. CredentialsProvider caches and refreshes temporary
// credentials 5 minutes before they expire; its methods may be called from many threads.
// Nothing here logs; error messages name sources and files, never keys.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "backends/aws/sigv4.hpp"
#include "kyc/config.hpp"
#include "kyc/export.hpp"

namespace kyc::aws {

/// One section of an INI-style AWS file: lower-case keys to values.
using IniSection = std::map<std::string, std::string>;
/// Parses an AWS shared credentials/config file: "[section]" headers, "key = value" lines, '#'
/// and ';' comments. Section names are kept verbatim ("profile x").
KYC_API std::map<std::string, IniSection> parse_ini(const std::string& text);

/// The profile name in effect (config, AWS_PROFILE, "default").
KYC_API std::string effective_profile(const AwsConfig& config);

/// Resolves credentials through the chain above. Throws Error(backend_unavailable) naming every
/// source tried when none has credentials, or the failing source when one is configured but
/// broken (a container endpoint that answers 403, malformed JSON).
KYC_API Credentials resolve_credentials(const AwsConfig& config);

/// Resolves the region; throws Error(invalid_config) when none is set anywhere.
KYC_API std::string resolve_region(const AwsConfig& config);

/// The container credentials URL from the environment ("" when neither variable is set). Throws
/// Error(invalid_config) for a FULL_URI that is plain http to a host other than loopback or the
/// ECS/EKS link-local addresses.
KYC_API std::string container_credentials_url();

/// Parses "2026-11-21T21:00:00Z" (ISO 8601 UTC, optional fraction) into UTC seconds; 0 if bad.
KYC_API std::time_t parse_iso8601_utc(const std::string& text);

/// Caches credentials from resolve_credentials and refreshes temporary ones shortly before
/// expiry.
class KYC_API CredentialsProvider {
 public:
  explicit CredentialsProvider(AwsConfig config);
  Credentials get();
  /// Drops the cache (after the service said the token expired).
  void invalidate();

 private:
  AwsConfig config_;
  std::mutex mutex_;
  Credentials cached_;
  bool have_ = false;
};

}  // namespace kyc::aws
