// AWS SigV4 header signing. Each step follows the published algorithm; comments note where the
// test suite pins a detail that the prose leaves open.
#include "backends/aws/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "kyc/error.hpp"

namespace kyc::aws {
namespace {

constexpr const char* kAlgorithm = "AWS4-HMAC-SHA256";

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && to_lower(a) == to_lower(b);
}

std::string to_hex(const unsigned char* data, std::size_t size) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 0x0f]);
  }
  return out;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Trim, and collapse runs of whitespace (folded continuation lines included) to one space. The
// suite collapses inside double quotes too (get-header-value-trim: "a   b   c" -> "a b c").
std::string canonical_header_value(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// RFC 3986 remove_dot_segments plus collapsing of empty segments ("//"), keeping a trailing
// slash (normalize-path/get-space expects "/example%20space/").
std::string normalized_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out = "/";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    out += segments[i];
  }
  const bool trailing_slash = !path.empty() && path.back() == '/';
  if (trailing_slash && !segments.empty()) out += '/';
  return out;
}

std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      const std::string_view key = pair.substr(0, eq);
      const std::string_view value =
          eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
      params.emplace_back(uri_encode(percent_decode(key), false),
                          uri_encode(percent_decode(value), false));
    }
    start = end + 1;
  }
  // Sorted by encoded key, then by encoded value (get-vanilla-query-order-key/-value).
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += '&';
    out += key + '=' + value;
  }
  return out;
}

std::string scope_date(std::time_t utc) {
  return amz_date(utc).substr(0, 8);
}

}  // namespace

const std::string* HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return &value;
  }
  return nullptr;
}

std::string amz_date(std::time_t utc) {
  std::tm tm{};
  gmtime_r(&utc, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    throw Error(ErrorCode::internal, "SigV4: SHA-256 failed in OpenSSL");
  }
  return to_hex(digest, size);
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
           &size) == nullptr) {
    throw Error(ErrorCode::internal, "SigV4: HMAC-SHA256 failed in OpenSSL");
  }
  return std::string(reinterpret_cast<const char*>(mac), size);
}

std::string uri_encode(std::string_view text, bool keep_slash) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0x0f]);
    }
  }
  return out;
}

std::string percent_decode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string canonical_request(const HttpRequest& request, bool normalize_path,
                              std::string* signed_headers_out) {
  // Repeated headers are joined with ',' in the order they appear (get-header-value-order).
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : request.headers) {
    const std::string key = to_lower(canonical_header_value(name));
    const std::string canonical = canonical_header_value(value);
    auto it = headers.find(key);
    if (it == headers.end()) {
      headers.emplace(key, canonical);
    } else {
      it->second += ',' + canonical;
    }
  }
  std::string canonical_headers;
  std::string signed_headers;
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ':' + value + '\n';
    if (!signed_headers.empty()) signed_headers += ';';
    signed_headers += name;
  }
  if (signed_headers_out != nullptr) *signed_headers_out = signed_headers;

  const std::string path = request.path.empty() ? "/" : request.path;
  const std::string uri = uri_encode(normalize_path ? normalized_path(path) : path, true);
  const std::string* declared_hash = request.header("x-amz-content-sha256");
  const std::string payload_hash =
      declared_hash != nullptr ? *declared_hash : sha256_hex(request.body);
  return request.method + '\n' + uri + '\n' + canonical_query(request.query) + '\n' +
         canonical_headers + '\n' + signed_headers + '\n' + payload_hash;
}

SigningResult sign_request(HttpRequest& request, const Credentials& credentials,
                           const SigningParams& params) {
  if (credentials.empty()) {
    throw Error(ErrorCode::invalid_argument, "SigV4: no access key id or secret access key");
  }
  if (params.region.empty() || params.service.empty()) {
    throw Error(ErrorCode::invalid_argument, "SigV4: region and service are required");
  }
  if (request.header("host") == nullptr) {
    throw Error(ErrorCode::invalid_argument, "SigV4: the request has no Host header");
  }
  const std::time_t now = params.time != 0 ? params.time : std::time(nullptr);
  const std::string date_time = amz_date(now);
  const std::string date = scope_date(now);

  if (request.header("x-amz-date") == nullptr)
    request.headers.emplace_back("X-Amz-Date", date_time);
  const bool has_token = !credentials.session_token.empty();
  if (has_token && params.sign_session_token && request.header("x-amz-security-token") == nullptr) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  if (params.add_content_sha256 && request.header("x-amz-content-sha256") == nullptr) {
    request.headers.emplace_back("X-Amz-Content-Sha256", sha256_hex(request.body));
  }

  SigningResult result;
  result.canonical_request =
      canonical_request(request, params.normalize_path, &result.signed_headers);
  const std::string scope = date + '/' + params.region + '/' + params.service + "/aws4_request";
  result.string_to_sign = std::string(kAlgorithm) + '\n' + date_time + '\n' + scope + '\n' +
                          sha256_hex(result.canonical_request);

  std::string key = hmac_sha256("AWS4" + credentials.secret_access_key, date);
  key = hmac_sha256(key, params.region);
  key = hmac_sha256(key, params.service);
  key = hmac_sha256(key, "aws4_request");
  const std::string mac = hmac_sha256(key, result.string_to_sign);
  result.signature = to_hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
  result.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id +
                         '/' + scope + ", SignedHeaders=" + result.signed_headers +
                         ", Signature=" + result.signature;
  request.headers.emplace_back("Authorization", result.authorization);
  if (has_token && !params.sign_session_token &&
      request.header("x-amz-security-token") == nullptr) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  return result;
}

}  // namespace kyc::aws
