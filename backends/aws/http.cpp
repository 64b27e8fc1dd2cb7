#include "backends/aws/http.hpp"

#include <curl/curl.h>

#include <chrono>
#include <mutex>

#include "kyc/error.hpp"

namespace kyc::aws {
namespace {

void global_curl_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  std::string* text = nullptr;
  std::size_t limit = 0;
  bool overflow = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t n = size * count;
  if (sink->text->size() + n > sink->limit) {
    sink->overflow = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  sink->text->append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  const std::size_t n = size * count;
  std::string line(data, n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  if (line.rfind("HTTP/", 0) == 0) {
    response->headers.clear();  // a new response (after 100-continue or a redirect)
    return n;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string::npos) return n;
  std::string name = line.substr(0, colon);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t start = colon + 1;
  while (start < line.size() && (line[start] == ' ' || line[start] == '\t')) ++start;
  response->headers.emplace_back(name, line.substr(start));
  return n;
}

struct CurlSlist {
  curl_slist* list = nullptr;
  ~CurlSlist() { curl_slist_free_all(list); }
  void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};

}  // namespace

const std::string* HttpResponse::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

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

std::pair<std::string, std::string> split_origin(const std::string& url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0) {
    throw Error(ErrorCode::invalid_config, "AWS endpoint '" + url + "' has no scheme");
  }
  const std::size_t host_start = scheme_end + 3;
  std::size_t host_end = url.find('/', host_start);
  if (host_end == std::string::npos) host_end = url.size();
  const std::string host = url.substr(host_start, host_end - host_start);
  if (host.empty())
    throw Error(ErrorCode::invalid_config, "AWS endpoint '" + url + "' has no host");
  return {url.substr(0, host_end), host};
}

HttpResponse http_send(const std::string& base_url, const HttpRequest& request,
                       const TransportOptions& options) {
  global_curl_init();
  HttpResponse response;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) throw Error(ErrorCode::internal, "AWS: curl_easy_init failed");
  std::string url = base_url + (request.path.empty() ? "/" : request.path);
  if (!request.query.empty()) url += "?" + request.query;
  CurlSlist headers;
  for (const auto& [name, value] : request.headers) {
    // libcurl derives Host from the URL; a second Host line would be sent as-is, so skip it (the
    // signed value equals the URL's authority by construction).
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "host") continue;
    headers.add(name + ": " + value);
  }
  headers.add("Expect:");  // no 100-continue round trip
  Sink sink{&response.body, options.max_response_bytes, false};
  char error_buffer[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "POST" || request.method == "PUT" || !request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);        // thread-safe timeouts
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect would drop the signature
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  if (!options.ca_bundle.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_bundle.c_str());

  const auto start = std::chrono::steady_clock::now();
  const CURLcode code = curl_easy_perform(curl);
  response.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (code == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  } else {
    response.status = 0;
    response.timed_out = code == CURLE_OPERATION_TIMEDOUT;
    response.network_error = sink.overflow ? "response larger than the configured limit"
                                           : (error_buffer[0] != '\0' ? std::string(error_buffer)
                                                                      : curl_easy_strerror(code));
  }
  curl_easy_cleanup(curl);
  return response;
}

}  // namespace kyc::aws
