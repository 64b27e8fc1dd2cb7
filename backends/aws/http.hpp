// kyc — one HTTP exchange on libcurl, for the AWS client and the credential endpoints.
//
// One easy handle per call (no shared state: concurrent calls need no lock). TLS peer and host
// verification stay on. Bodies are bounded (limit checked while receiving). Nothing is logged.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backends/aws/sigv4.hpp"
#include "kyc/export.hpp"

namespace kyc::aws {

struct TransportOptions {
  int connect_timeout_ms = 3000;
  int timeout_ms = 30000;  ///< whole exchange
  std::string ca_bundle;   ///< PEM file; empty = system store
  std::size_t max_response_bytes = 32u << 20;
};

struct KYC_API HttpResponse {
  long status = 0;  ///< 0 when no HTTP response arrived
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  ///< names lower-cased
  /// Non-empty when the exchange failed below HTTP (DNS, connect, timeout, TLS, oversized body):
  /// libcurl's message, never request data.
  std::string network_error;
  bool timed_out = false;
  double elapsed_ms = 0;
  const std::string* header(std::string_view lower_name) const;
};

/// Sends `request` to `base_url` (scheme://host[:port], no path) + request.path + '?' + query.
/// Never throws for network failures (see network_error); throws Error(internal) only when
/// libcurl cannot be initialised.
KYC_API HttpResponse http_send(const std::string& base_url, const HttpRequest& request,
                               const TransportOptions& options);

/// True for http://127.0.0.1, http://localhost, http://[::1] (with or without a port).
KYC_API bool is_loopback_http(const std::string& url);

/// Splits "scheme://host[:port][/...]" into the origin ("scheme://host[:port]") and the host
/// header value ("host[:port]"). Throws Error(invalid_config) for anything else.
KYC_API std::pair<std::string, std::string> split_origin(const std::string& url);

}  // namespace kyc::aws
