// Strict JSON <-> Config mapping: unknown keys and wrong types are errors naming the key.
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "document/text/dates.hpp"
#include "kyc/config.hpp"
#include "kyc/error.hpp"

namespace kyc {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& key, const std::string& what) {
  throw Error(ErrorCode::invalid_config, "config: " + key + ": " + what);
}

void reject_unknown(const json& object, const std::string& prefix,
                    const std::set<std::string>& known) {
  for (const auto& item : object.items()) {
    if (known.count(item.key()) == 0) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      bad(prefix + item.key(), "unknown key (known: " + list + ")");
    }
  }
}

const json* member(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

void read_string(const json& object, const std::string& prefix, const char* key, std::string& out) {
  if (const json* v = member(object, key)) {
    if (!v->is_string()) bad(prefix + key, "expected a string");
    out = v->get<std::string>();
  }
}

template <typename Int>
void read_int(const json& object, const std::string& prefix, const char* key, Int& out,
              long long min, long long max) {
  if (const json* v = member(object, key)) {
    if (!v->is_number_integer()) bad(prefix + key, "expected an integer");
    long long value = 0;
    if (v->is_number_unsigned()) {
      const auto u = v->get<unsigned long long>();
      if (u > static_cast<unsigned long long>(max)) bad(prefix + key, "out of range");
      value = static_cast<long long>(u);
    } else {
      value = v->get<long long>();
    }
    if (value < min || value > max) {
      bad(prefix + key, "out of range (" + std::to_string(min) + ".." + std::to_string(max) + ")");
    }
    out = static_cast<Int>(value);
  }
}

void read_bool(const json& object, const std::string& prefix, const char* key, bool& out) {
  if (const json* v = member(object, key)) {
    if (!v->is_boolean()) bad(prefix + key, "expected true or false");
    out = v->get<bool>();
  }
}

void read_double(const json& object, const std::string& prefix, const char* key, double& out) {
  if (const json* v = member(object, key)) {
    if (!v->is_number()) bad(prefix + key, "expected a number");
    out = v->get<double>();
  }
}

const json& section(const json& root, const char* key) {
  static const json empty = json::object();
  const json* v = member(root, key);
  if (v == nullptr) return empty;
  if (!v->is_object()) bad(key, "expected an object");
  return *v;
}

}  // namespace

Config Config::from_json(std::string_view text) {
  Config config;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return config;
  json root;
  try {
    root = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    throw Error(ErrorCode::invalid_config,
                std::string("config: malformed JSON at byte ") + std::to_string(e.byte));
  } catch (const json::exception& e) {
    // Not a syntax error but still unusable text, e.g. a number beyond double (1e400:
    // out_of_range.406); it must not escape as a non-kyc exception.
    throw Error(ErrorCode::invalid_config, std::string("config: unusable JSON: ") + e.what());
  }
  if (!root.is_object()) bad("(root)", "expected a JSON object");
  reject_unknown(root, "",
                 {"model_dir", "packaged_model_dir", "limits", "package_limits", "applicant_limits",
                  "face", "document", "cheque", "verifier", "aws", "max_pooled_instances"});
  read_string(root, "", "model_dir", config.model_dir);
  read_string(root, "", "packaged_model_dir", config.packaged_model_dir);
  read_int(root, "", "max_pooled_instances", config.max_pooled_instances, 0, 1024);

  const json& limits = section(root, "limits");
  reject_unknown(limits, "limits.", {"max_encoded_bytes", "max_pixels", "max_dimension"});
  read_int(limits, "limits.", "max_encoded_bytes", config.limits.max_encoded_bytes, 1, (1LL << 40));
  read_int(limits, "limits.", "max_pixels", config.limits.max_pixels, 1, (1LL << 40));
  read_int(limits, "limits.", "max_dimension", config.limits.max_dimension, 1, 1 << 16);

  const json& package = section(root, "package_limits");
  reject_unknown(package, "package_limits.",
                 {"max_archive_bytes", "max_entries", "max_entry_bytes", "max_total_bytes",
                  "max_compression_ratio", "min_bytes_for_ratio_check", "max_name_bytes",
                  "max_barcode_scan_pixels"});
  PackageLimits& pl = config.package_limits;
  const std::string pp = "package_limits.";
  read_int(package, pp, "max_archive_bytes", pl.max_archive_bytes, 1, 1LL << 40);
  read_int(package, pp, "max_entries", pl.max_entries, 1, 1 << 20);
  read_int(package, pp, "max_entry_bytes", pl.max_entry_bytes, 1, 1LL << 40);
  read_int(package, pp, "max_total_bytes", pl.max_total_bytes, 1, 1LL << 40);
  read_double(package, pp, "max_compression_ratio", pl.max_compression_ratio);
  read_int(package, pp, "min_bytes_for_ratio_check", pl.min_bytes_for_ratio_check, 0, 1LL << 40);
  read_int(package, pp, "max_name_bytes", pl.max_name_bytes, 1, 1 << 16);
  read_int(package, pp, "max_barcode_scan_pixels", pl.max_barcode_scan_pixels, 0, 1LL << 40);

  const json& applicant = section(root, "applicant_limits");
  reject_unknown(
      applicant, "applicant_limits.",
      {"max_bytes", "max_fields_per_row", "max_rows", "max_field_bytes", "max_json_depth"});
  ApplicantLimits& al = config.applicant_limits;
  const std::string ap = "applicant_limits.";
  read_int(applicant, ap, "max_bytes", al.max_bytes, 1, 1LL << 40);
  read_int(applicant, ap, "max_fields_per_row", al.max_fields_per_row, 1, 1 << 20);
  read_int(applicant, ap, "max_rows", al.max_rows, 1, 1LL << 32);
  read_int(applicant, ap, "max_field_bytes", al.max_field_bytes, 1, 1LL << 40);
  read_int(applicant, ap, "max_json_depth", al.max_json_depth, 1, 1000);

  const json& face = section(root, "face");
  reject_unknown(face, "face.",
                 {"analyzer", "comparer", "detector", "landmarks", "jitters", "min_face_size",
                  "max_upsampled_dimension", "max_detect_dimension", "retry_upsampled",
                  "detection_threshold", "operating_point", "max_faces"});
  FaceConfig& f = config.face;
  read_string(face, "face.", "analyzer", f.analyzer);
  read_string(face, "face.", "comparer", f.comparer);
  read_string(face, "face.", "detector", f.detector);
  read_int(face, "face.", "landmarks", f.landmarks, 0, 1000);
  read_int(face, "face.", "jitters", f.jitters, 0, 100);
  read_int(face, "face.", "min_face_size", f.min_face_size, 1, 1 << 16);
  read_int(face, "face.", "max_upsampled_dimension", f.max_upsampled_dimension, 1, 1 << 16);
  read_int(face, "face.", "max_detect_dimension", f.max_detect_dimension, 1, 1 << 16);
  read_bool(face, "face.", "retry_upsampled", f.retry_upsampled);
  read_double(face, "face.", "detection_threshold", f.detection_threshold);
  read_string(face, "face.", "operating_point", f.operating_point);
  read_int(face, "face.", "max_faces", f.max_faces, 1, 1000);

  const json& document = section(root, "document");
  reject_unknown(document, "document.",
                 {"reader", "tessdata_dir", "mrz_model", "viz", "viz_model", "as_of", "minimum_age",
                  "address_decides", "name_threshold", "address_threshold"});
  DocumentConfig& d = config.document;
  read_string(document, "document.", "reader", d.reader);
  read_string(document, "document.", "tessdata_dir", d.tessdata_dir);
  read_string(document, "document.", "mrz_model", d.mrz_model);
  read_bool(document, "document.", "viz", d.viz);
  read_string(document, "document.", "viz_model", d.viz_model);
  read_string(document, "document.", "as_of", d.as_of);
  read_int(document, "document.", "minimum_age", d.minimum_age, 0, 150);
  read_bool(document, "document.", "address_decides", d.address_decides);
  read_double(document, "document.", "name_threshold", d.name_threshold);
  read_double(document, "document.", "address_threshold", d.address_threshold);

  const json& cheque = section(root, "cheque");
  reject_unknown(cheque, "cheque.",
                 {"micr_model", "stale_after_days", "postdated_tolerance_days", "as_of"});
  ChequeConfig& q = config.cheque;
  read_string(cheque, "cheque.", "micr_model", q.micr_model);
  read_int(cheque, "cheque.", "stale_after_days", q.stale_after_days, 0, 36500);
  read_int(cheque, "cheque.", "postdated_tolerance_days", q.postdated_tolerance_days, 0, 36500);
  read_string(cheque, "cheque.", "as_of", q.as_of);

  const json& verifier = section(root, "verifier");
  reject_unknown(verifier, "verifier.",
                 {"url", "auth_header", "timeout_ms", "connect_timeout_ms", "max_attempts",
                  "ca_bundle", "max_response_bytes"});
  VerifierConfig& v = config.verifier;
  read_string(verifier, "verifier.", "url", v.url);
  read_string(verifier, "verifier.", "auth_header", v.auth_header);
  read_int(verifier, "verifier.", "timeout_ms", v.timeout_ms, 1, 600000);
  read_int(verifier, "verifier.", "connect_timeout_ms", v.connect_timeout_ms, 1, 600000);
  read_int(verifier, "verifier.", "max_attempts", v.max_attempts, 1, 10);
  read_string(verifier, "verifier.", "ca_bundle", v.ca_bundle);
  read_int(verifier, "verifier.", "max_response_bytes", v.max_response_bytes, 1, 1LL << 30);

  const json& aws = section(root, "aws");
  reject_unknown(aws, "aws.",
                 {"region", "endpoint", "textract_endpoint", "profile", "access_key_id",
                  "secret_access_key", "session_token", "max_attempts", "connect_timeout_ms",
                  "timeout_ms", "ca_bundle", "quality_filter"});
  AwsConfig& a = config.aws;
  read_string(aws, "aws.", "region", a.region);
  read_string(aws, "aws.", "endpoint", a.endpoint);
  read_string(aws, "aws.", "textract_endpoint", a.textract_endpoint);
  read_string(aws, "aws.", "profile", a.profile);
  read_string(aws, "aws.", "access_key_id", a.access_key_id);
  read_string(aws, "aws.", "secret_access_key", a.secret_access_key);
  read_string(aws, "aws.", "session_token", a.session_token);
  read_int(aws, "aws.", "max_attempts", a.max_attempts, 1, 10);
  read_int(aws, "aws.", "connect_timeout_ms", a.connect_timeout_ms, 1, 600000);
  read_int(aws, "aws.", "timeout_ms", a.timeout_ms, 1, 600000);
  read_string(aws, "aws.", "ca_bundle", a.ca_bundle);
  read_string(aws, "aws.", "quality_filter", a.quality_filter);
  config.validate();
  return config;
}

Config Config::from_json_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw Error(ErrorCode::io_error, "config: cannot open '" + path + "'");
  std::ostringstream text;
  text << file.rdbuf();
  return from_json(text.str());
}

void Config::validate() const {
  if (face.detector != "hog" && face.detector != "mmod") {
    bad("face.detector", "'" + face.detector + "' is not one of hog, mmod");
  }
  if (face.landmarks != 5 && face.landmarks != 68) bad("face.landmarks", "must be 5 or 68");
  if (face.jitters < 0 || face.jitters > 100) bad("face.jitters", "must be 0..100");
  if (face.min_face_size < 1) bad("face.min_face_size", "must be positive");
  if (face.max_faces < 1 || face.max_faces > 1000) bad("face.max_faces", "must be 1..1000");
  if (face.max_detect_dimension < 64) bad("face.max_detect_dimension", "must be >= 64");
  if (face.max_upsampled_dimension < 64) bad("face.max_upsampled_dimension", "must be >= 64");
  if (!(face.detection_threshold >= -10 && face.detection_threshold <= 10)) {
    bad("face.detection_threshold", "must be a number in -10..10");
  }
  static const std::set<std::string> kPoints = {"default", "fmr1e-2", "fmr1e-3", "fmr1e-4"};
  if (kPoints.count(face.operating_point) == 0) {
    bad("face.operating_point",
        "'" + face.operating_point + "' is not one of default, fmr1e-2, fmr1e-3, fmr1e-4");
  }
  if (limits.max_encoded_bytes == 0 || limits.max_pixels == 0 || limits.max_dimension <= 0) {
    bad("limits", "limits must be positive");
  }
  if (max_pooled_instances < 0) bad("max_pooled_instances", "must be >= 0");
  if (document.reader != "local" && document.reader != "aws.textract") {
    bad("document.reader", "'" + document.reader + "' is not one of local, aws.textract");
  }
  if (document.mrz_model.empty()) bad("document.mrz_model", "must not be empty");
  if (cheque.micr_model != "e13b" && cheque.micr_model != "micr_e13b") {
    bad("cheque.micr_model", "'" + cheque.micr_model + "' is not one of e13b, micr_e13b");
  }
  if (cheque.stale_after_days < 0 || cheque.postdated_tolerance_days < 0) {
    bad("cheque", "stale_after_days and postdated_tolerance_days must be >= 0");
  }
  if (!cheque.as_of.empty() && !text::parse_iso_date(cheque.as_of)) {
    bad("cheque.as_of", "expected a date YYYY-MM-DD");
  }
  if (document.viz_model.empty()) bad("document.viz_model", "must not be empty");
  if (document.minimum_age < 0 || document.minimum_age > 150) {
    bad("document.minimum_age", "must be 0..150");
  }
  for (const auto& [key, t] :
       {std::pair<const char*, double>{"document.name_threshold", document.name_threshold},
        {"document.address_threshold", document.address_threshold}}) {
    if (!(t >= 0 && t <= 1)) bad(key, "must be a number in 0..1");
  }
  if (!(package_limits.max_compression_ratio >= 1 && package_limits.max_compression_ratio <= 1e6)) {
    bad("package_limits.max_compression_ratio", "must be a number in 1..1000000");
  }
  if (verifier.max_attempts < 1 || verifier.max_attempts > 10) {
    bad("verifier.max_attempts", "must be 1..10");
  }
  if (aws.max_attempts < 1 || aws.max_attempts > 10) bad("aws.max_attempts", "must be 1..10");
  static const std::set<std::string> kQualityFilters = {"NONE", "AUTO", "LOW", "MEDIUM", "HIGH"};
  if (kQualityFilters.count(aws.quality_filter) == 0) {
    bad("aws.quality_filter",
        "'" + aws.quality_filter + "' is not one of NONE, AUTO, LOW, MEDIUM, HIGH");
  }
  if (aws.access_key_id.empty() != aws.secret_access_key.empty()) {
    bad("aws.access_key_id", "access_key_id and secret_access_key go together");
  }
  for (const auto& [key, url] :
       {std::pair<const char*, const std::string&>{"aws.endpoint", aws.endpoint},
        {"aws.textract_endpoint", aws.textract_endpoint}}) {
    if (!url.empty() && url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
      bad(key, "must start with https:// (or http:// for a loopback test server)");
    }
  }
}

std::string Config::to_json() const {
  json j = {
      {"model_dir", model_dir},
      {"packaged_model_dir", packaged_model_dir},
      {"max_pooled_instances", max_pooled_instances},
      {"limits",
       {{"max_encoded_bytes", limits.max_encoded_bytes},
        {"max_pixels", limits.max_pixels},
        {"max_dimension", limits.max_dimension}}},
      {"face",
       {{"analyzer", face.analyzer},
        {"comparer", face.comparer},
        {"detector", face.detector},
        {"landmarks", face.landmarks},
        {"jitters", face.jitters},
        {"min_face_size", face.min_face_size},
        {"max_upsampled_dimension", face.max_upsampled_dimension},
        {"max_detect_dimension", face.max_detect_dimension},
        {"retry_upsampled", face.retry_upsampled},
        {"detection_threshold", face.detection_threshold},
        {"operating_point", face.operating_point},
        {"max_faces", face.max_faces}}},
      {"document",
       {{"reader", document.reader},
        {"tessdata_dir", document.tessdata_dir},
        {"mrz_model", document.mrz_model},
        {"viz", document.viz},
        {"viz_model", document.viz_model},
        {"as_of", document.as_of},
        {"minimum_age", document.minimum_age},
        {"address_decides", document.address_decides},
        {"name_threshold", document.name_threshold},
        {"address_threshold", document.address_threshold}}},
      {"cheque",
       {{"micr_model", cheque.micr_model},
        {"stale_after_days", cheque.stale_after_days},
        {"postdated_tolerance_days", cheque.postdated_tolerance_days},
        {"as_of", cheque.as_of}}},
      // The credential is never echoed back: a config dump may end up in a log.
      {"verifier",
       {{"url", verifier.url},
        {"auth_header", verifier.auth_header.empty() ? "" : "(set)"},
        {"timeout_ms", verifier.timeout_ms},
        {"connect_timeout_ms", verifier.connect_timeout_ms},
        {"max_attempts", verifier.max_attempts},
        {"ca_bundle", verifier.ca_bundle},
        {"max_response_bytes", verifier.max_response_bytes}}},
      {"package_limits",
       {{"max_archive_bytes", package_limits.max_archive_bytes},
        {"max_entries", package_limits.max_entries},
        {"max_entry_bytes", package_limits.max_entry_bytes},
        {"max_total_bytes", package_limits.max_total_bytes},
        {"max_compression_ratio", package_limits.max_compression_ratio},
        {"min_bytes_for_ratio_check", package_limits.min_bytes_for_ratio_check},
        {"max_name_bytes", package_limits.max_name_bytes},
        {"max_barcode_scan_pixels", package_limits.max_barcode_scan_pixels}}},
      {"applicant_limits",
       {{"max_bytes", applicant_limits.max_bytes},
        {"max_fields_per_row", applicant_limits.max_fields_per_row},
        {"max_rows", applicant_limits.max_rows},
        {"max_field_bytes", applicant_limits.max_field_bytes},
        {"max_json_depth", applicant_limits.max_json_depth}}},
      // Keys are never echoed back: only whether they are set.
      {"aws",
       {{"region", aws.region},
        {"endpoint", aws.endpoint},
        {"textract_endpoint", aws.textract_endpoint},
        {"profile", aws.profile},
        {"access_key_id", aws.access_key_id.empty() ? "" : "(set)"},
        {"secret_access_key", aws.secret_access_key.empty() ? "" : "(set)"},
        {"session_token", aws.session_token.empty() ? "" : "(set)"},
        {"max_attempts", aws.max_attempts},
        {"connect_timeout_ms", aws.connect_timeout_ms},
        {"timeout_ms", aws.timeout_ms},
        {"ca_bundle", aws.ca_bundle},
        {"quality_filter", aws.quality_filter}}},
  };
  return j.dump(2, ' ', false, json::error_handler_t::replace);
}

}  // namespace kyc
