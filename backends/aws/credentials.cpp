#include "backends/aws/credentials.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "backends/aws/http.hpp"
#include "kyc/error.hpp"

namespace kyc::aws {
namespace {

using nlohmann::json;

constexpr const char* kContainerHost = "http://169.254.170.2";
constexpr const char* kImdsDefault = "http://169.254.169.254";
constexpr std::time_t kRefreshMarginS = 300;

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : std::string();
}

std::string trim(const std::string& text) {
  const std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  const std::size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool read_text(const std::string& path, std::string& out) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  std::ostringstream text;
  text << file.rdbuf();
  out = text.str();
  return true;
}

std::string home_file(const char* relative) {
  const std::string home = env("HOME");
  return home.empty() ? std::string() : home + "/" + relative;
}

std::string credentials_file() {
  const std::string path = env("AWS_SHARED_CREDENTIALS_FILE");
  return path.empty() ? home_file(".aws/credentials") : path;
}

std::string config_file() {
  const std::string path = env("AWS_CONFIG_FILE");
  return path.empty() ? home_file(".aws/config") : path;
}

const IniSection* find_section(const std::map<std::string, IniSection>& ini,
                               const std::string& name) {
  const auto it = ini.find(name);
  return it == ini.end() ? nullptr : &it->second;
}

// The profile's section in the config file: "[profile name]", or "[default]" for the default
// profile (the CLI also accepts "[profile default]").
const IniSection* config_section(const std::map<std::string, IniSection>& ini,
                                 const std::string& profile) {
  if (const IniSection* s = find_section(ini, "profile " + profile)) return s;
  if (profile == "default") return find_section(ini, "default");
  return nullptr;
}

std::string value_of(const IniSection* section, const char* key) {
  if (section == nullptr) return "";
  const auto it = section->find(key);
  return it == section->end() ? "" : it->second;
}

bool from_section(const IniSection* section, Credentials& out) {
  const std::string id = value_of(section, "aws_access_key_id");
  const std::string secret = value_of(section, "aws_secret_access_key");
  if (id.empty() || secret.empty()) return false;
  out.access_key_id = id;
  out.secret_access_key = secret;
  out.session_token = value_of(section, "aws_session_token");
  return true;
}

[[noreturn]] void provider_failed(const std::string& source, const std::string& why) {
  throw Error(ErrorCode::backend_unavailable, "AWS credentials: " + source + ": " + why);
}

// Container and IMDS answer with the same JSON shape.
Credentials parse_credentials_json(const std::string& body, const std::string& source) {
  json j;
  try {
    j = json::parse(body);
  } catch (const json::exception&) {
    provider_failed(source, "the response is not JSON");
  }
  auto text = [&](const char* key) -> std::string {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (!j.is_object()) provider_failed(source, "the response is not a JSON object");
  if (j.contains("Code") && text("Code") != "Success") {
    provider_failed(source, "the endpoint reported Code " + text("Code"));
  }
  Credentials c;
  c.access_key_id = text("AccessKeyId");
  c.secret_access_key = text("SecretAccessKey");
  c.session_token = text("Token");
  c.expiration = parse_iso8601_utc(text("Expiration"));
  c.source = source;
  if (c.empty()) provider_failed(source, "the response lacks AccessKeyId or SecretAccessKey");
  return c;
}

bool full_uri_allowed(const std::string& url) {
  if (url.rfind("https://", 0) == 0) return true;
  if (is_loopback_http(url)) return true;
  for (const char* prefix :
       {"http://169.254.170.2", "http://169.254.170.23", "http://[fd00:ec2::23]"}) {
    const std::string p(prefix);
    if (url.compare(0, p.size(), p) == 0 &&
        (url.size() == p.size() || url[p.size()] == ':' || url[p.size()] == '/')) {
      return true;
    }
  }
  return false;
}

// Splits an absolute URL into origin and path+query for http_send.
void split_url(const std::string& url, std::string& origin, HttpRequest& request) {
  const auto [base, host] = split_origin(url);
  origin = base;
  std::string rest = url.substr(base.size());
  const std::size_t q = rest.find('?');
  request.path = rest.substr(0, q);
  if (request.path.empty()) request.path = "/";
  if (q != std::string::npos) request.query = rest.substr(q + 1);
}

Credentials from_container(const std::string& url) {
  std::string token = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  const std::string token_file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  if (!token_file.empty()) {
    if (!read_text(token_file, token)) {
      provider_failed("container", "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    }
    token = trim(token);
  }
  HttpRequest request;
  std::string origin;
  split_url(url, origin, request);
  if (!token.empty()) request.headers.emplace_back("Authorization", token);
  TransportOptions options;
  options.connect_timeout_ms = 1000;
  options.timeout_ms = 2000;
  options.max_response_bytes = 64u << 10;
  const HttpResponse response = http_send(origin, request, options);
  if (!response.network_error.empty()) provider_failed("container", response.network_error);
  if (response.status != 200) {
    provider_failed("container", "HTTP status " + std::to_string(response.status));
  }
  return parse_credentials_json(response.body, "container");
}

// IMDSv2: a session token first (PUT), then the role name and its credentials.
bool from_imds(Credentials& out, std::string& why) {
  std::string endpoint = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (endpoint.empty()) endpoint = kImdsDefault;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  TransportOptions options;
  options.connect_timeout_ms = 1000;
  options.timeout_ms = 1000;
  options.max_response_bytes = 64u << 10;

  HttpRequest put;
  put.method = "PUT";
  put.path = "/latest/api/token";
  put.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds", "21600");
  const HttpResponse token = http_send(endpoint, put, options);
  if (!token.network_error.empty() || token.status != 200 || token.body.empty()) {
    why = token.network_error.empty()
              ? "token request answered HTTP " + std::to_string(token.status)
              : "unreachable (" + token.network_error + ")";
    return false;
  }
  HttpRequest get;
  get.path = "/latest/meta-data/iam/security-credentials/";
  get.headers.emplace_back("X-aws-ec2-metadata-token", trim(token.body));
  const HttpResponse role = http_send(endpoint, get, options);
  if (!role.network_error.empty() || role.status != 200) {
    why = "no instance role (HTTP " + std::to_string(role.status) + ")";
    return false;
  }
  std::string role_name = trim(role.body);
  role_name = role_name.substr(0, role_name.find('\n'));
  if (role_name.empty() || role_name.find('/') != std::string::npos) {
    why = "no instance role";
    return false;
  }
  get.path += role_name;
  const HttpResponse creds = http_send(endpoint, get, options);
  if (!creds.network_error.empty() || creds.status != 200) {
    provider_failed("imds", "credentials request answered HTTP " + std::to_string(creds.status));
  }
  out = parse_credentials_json(creds.body, "imds");
  return true;
}

}  // namespace

std::map<std::string, IniSection> parse_ini(const std::string& text) {
  std::map<std::string, IniSection> sections;
  IniSection* current = nullptr;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      // "[profile  x]" and "[ x ]" are normalised to single spaces / trimmed names.
      std::string name = trim(t.substr(1, t.size() - 2));
      if (name.rfind("profile", 0) == 0 && name.size() > 7 && (name[7] == ' ' || name[7] == '\t')) {
        name = "profile " + trim(name.substr(8));
      }
      current = &sections[name];
      continue;
    }
    const std::size_t eq = t.find('=');
    if (current == nullptr || eq == std::string::npos) continue;
    (*current)[lower(trim(t.substr(0, eq)))] = trim(t.substr(eq + 1));
  }
  return sections;
}

std::string effective_profile(const AwsConfig& config) {
  if (!config.profile.empty()) return config.profile;
  const std::string from_env = env("AWS_PROFILE");
  return from_env.empty() ? "default" : from_env;
}

std::string container_credentials_url() {
  const std::string relative = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  if (!relative.empty()) {
    return kContainerHost + (relative.front() == '/' ? relative : "/" + relative);
  }
  const std::string full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (full.empty()) return "";
  if (!full_uri_allowed(full)) {
    throw Error(ErrorCode::invalid_config,
                "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback or the "
                "ECS/EKS link-local address");
  }
  return full;
}

std::time_t parse_iso8601_utc(const std::string& text) {
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &month, &day, &hour, &minute,
                  &second) != 6) {
    return 0;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return timegm(&tm);
}

Credentials resolve_credentials(const AwsConfig& config) {
  std::string tried;
  if (!config.access_key_id.empty() && !config.secret_access_key.empty()) {
    return Credentials{config.access_key_id, config.secret_access_key, config.session_token,
                       "config", 0};
  }
  tried += "config (no keys)";

  if (config.profile.empty()) {
    Credentials c{env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN"),
                  "environment", 0};
    if (!c.empty()) return c;
    tried += ", environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY not set)";
  }

  const std::string profile = effective_profile(config);
  for (const bool is_config_file : {false, true}) {
    const std::string path = is_config_file ? config_file() : credentials_file();
    std::string text;
    if (path.empty() || !read_text(path, text)) {
      tried +=
          ", " + (path.empty() ? std::string("shared file (no HOME)") : path + " (not readable)");
      continue;
    }
    const auto ini = parse_ini(text);
    const IniSection* section =
        is_config_file ? config_section(ini, profile) : find_section(ini, profile);
    Credentials c;
    if (from_section(section, c)) {
      c.source = "profile:" + profile;
      return c;
    }
    tried += ", " + path + " (no keys for profile '" + profile + "')";
  }

  const std::string container = container_credentials_url();
  if (!container.empty()) return from_container(container);
  tried += ", container endpoint (not configured)";

  if (lower(env("AWS_EC2_METADATA_DISABLED")) == "true") {
    tried += ", EC2 instance metadata (AWS_EC2_METADATA_DISABLED)";
  } else {
    Credentials c;
    std::string why;
    if (from_imds(c, why)) return c;
    tried += ", EC2 instance metadata (" + why + ")";
  }
  throw Error(ErrorCode::backend_unavailable, "AWS credentials not found; tried " + tried);
}

std::string resolve_region(const AwsConfig& config) {
  if (!config.region.empty()) return config.region;
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    const std::string value = env(name);
    if (!value.empty()) return value;
  }
  const std::string profile = effective_profile(config);
  std::string text;
  const std::string path = config_file();
  if (!path.empty() && read_text(path, text)) {
    const auto ini = parse_ini(text);
    const std::string region = value_of(config_section(ini, profile), "region");
    if (!region.empty()) return region;
  }
  throw Error(ErrorCode::invalid_config,
              "AWS region not set: aws.region, AWS_REGION, AWS_DEFAULT_REGION or the region of "
              "profile '" +
                  profile + "' in the config file");
}

CredentialsProvider::CredentialsProvider(AwsConfig config) : config_(std::move(config)) {}

Credentials CredentialsProvider::get() {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::time_t now = std::time(nullptr);
  if (have_ && (cached_.expiration == 0 || cached_.expiration - kRefreshMarginS > now)) {
    return cached_;
  }
  cached_ = resolve_credentials(config_);
  have_ = true;
  return cached_;
}

void CredentialsProvider::invalidate() {
  std::lock_guard<std::mutex> lock(mutex_);
  have_ = false;
}

}  // namespace kyc::aws
