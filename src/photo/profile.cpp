// Photo profiles (strict JSON) and the photo-check report.
#include <cmath>
#include <nlohmann/json.hpp>

#include "kyc/error.hpp"
#include "kyc/photo.hpp"
#include "kyc/results.hpp"
#include "photo/measure.hpp"

namespace kyc {
namespace {

using nlohmann::ordered_json;

[[noreturn]] void bad_profile(const std::string& what) {
  throw Error(ErrorCode::invalid_config, "photo profile: " + what);
}

std::optional<double> number_at(const ordered_json& rule, const char* key,
                                const std::string& where) {
  const auto it = rule.find(key);
  if (it == rule.end() || it->is_null()) return std::nullopt;
  if (!it->is_number() || !std::isfinite(it->get<double>())) {
    bad_profile(where + "." + key + " must be a finite number");
  }
  return it->get<double>();
}

ordered_json number_or_null(double v) {
  return std::isfinite(v) ? ordered_json(v) : ordered_json();
}

ordered_json point_json(const Point& p) {
  return {{"x", p.x}, {"y", p.y}};
}

}  // namespace

const char* rule_status_name(RuleStatus status) noexcept {
  switch (status) {
    case RuleStatus::pass:
      return "pass";
    case RuleStatus::fail:
      return "fail";
    case RuleStatus::unable_to_assess:
      return "unable_to_assess";
  }
  return "unknown";
}

const char* photo_verdict_name(PhotoVerdict verdict) noexcept {
  switch (verdict) {
    case PhotoVerdict::compliant:
      return "compliant";
    case PhotoVerdict::non_compliant:
      return "non_compliant";
    case PhotoVerdict::unable_to_assess:
      return "unable_to_assess";
  }
  return "unknown";
}

PhotoProfile PhotoProfile::from_json(const std::string& json) {
  ordered_json doc;
  try {
    doc = ordered_json::parse(json);
  } catch (const ordered_json::exception& e) {
    // parse_error, and out_of_range for numbers beyond double (1e400).
    bad_profile(std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) bad_profile("must be a JSON object");
  PhotoProfile profile;
  const std::vector<std::string> known_rules = photo_rule_ids();
  for (const auto& [key, value] : doc.items()) {
    if (key == "name" || key == "description") {
      if (!value.is_string()) bad_profile("'" + key + "' must be a string");
      (key == "name" ? profile.name : profile.description) = value.get<std::string>();
    } else if (key == "rules") {
      if (!value.is_object()) bad_profile("'rules' must be an object");
      for (const auto& [id, rule] : value.items()) {
        const std::string where = "rules." + id;
        if (std::find(known_rules.begin(), known_rules.end(), id) == known_rules.end()) {
          bad_profile("unknown rule '" + id + "' (see docs/photo-rules.md for the rule ids)");
        }
        if (!rule.is_object()) bad_profile(where + " must be an object");
        RuleThresholds t;
        for (const auto& [field, v] : rule.items()) {
          if (field == "source") {
            if (!v.is_string()) bad_profile(where + ".source must be a string");
            t.source = v.get<std::string>();
          } else if (field != "min" && field != "max") {
            bad_profile("unknown key '" + where + "." + field + "' (min, max, source)");
          }
        }
        t.min = number_at(rule, "min", where);
        t.max = number_at(rule, "max", where);
        if (t.min && t.max && *t.min > *t.max) bad_profile(where + ": min is greater than max");
        profile.rules[id] = t;
      }
    } else {
      bad_profile("unknown key '" + key + "' (name, description, rules)");
    }
  }
  if (profile.name.empty()) bad_profile("'name' is required");
  if (profile.rules.empty()) bad_profile("'rules' must name at least one rule");
  return profile;
}

std::string PhotoProfile::to_json(int indent) const {
  ordered_json doc;
  doc["name"] = name;
  doc["description"] = description;
  ordered_json rules_json = ordered_json::object();
  for (const auto& id : photo_rule_ids()) {
    const auto it = rules.find(id);
    if (it == rules.end()) continue;
    ordered_json r = ordered_json::object();
    if (it->second.min) r["min"] = *it->second.min;
    if (it->second.max) r["max"] = *it->second.max;
    r["source"] = it->second.source;
    rules_json[id] = r;
  }
  doc["rules"] = rules_json;
  return doc.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

PhotoProfile PhotoProfile::builtin(const std::string& name) {
  for (const auto& p : detail::builtin_profiles()) {
    if (name == p.name) return from_json(p.json);
  }
  std::string names;
  for (const auto& p : detail::builtin_profiles())
    names += (names.empty() ? "" : ", ") + std::string(p.name);
  throw Error(ErrorCode::invalid_argument,
              "photo profile: unknown profile '" + name + "' (built-in: " + names + ")");
}

std::vector<std::string> PhotoProfile::builtin_names() {
  std::vector<std::string> names;
  for (const auto& p : detail::builtin_profiles()) names.emplace_back(p.name);
  return names;
}

const RuleResult* PhotoCheckResult::rule(const std::string& id) const {
  for (const auto& r : rules) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::string PhotoCheckResult::to_json(int indent) const {
  ordered_json doc;
  doc["schema"] = "kyc.photo_check";
  doc["schema_version"] = kReportSchemaVersion;
  doc["verdict"] = photo_verdict_name(verdict);
  doc["decided_by"] = decided_by.empty() ? ordered_json() : ordered_json(decided_by);
  doc["profile"] = profile;
  int passed = 0, failed = 0, unable = 0;
  for (const auto& r : rules) {
    passed += r.status == RuleStatus::pass;
    failed += r.status == RuleStatus::fail;
    unable += r.status == RuleStatus::unable_to_assess;
  }
  doc["summary"] = {{"pass", passed}, {"fail", failed}, {"unable_to_assess", unable}};
  ordered_json rules_json = ordered_json::array();
  for (const auto& r : rules) {
    ordered_json j;
    j["id"] = r.id;
    j["status"] = rule_status_name(r.status);
    j["value"] = number_or_null(r.value);
    j["unit"] = r.unit;
    j["min"] = r.thresholds.min ? ordered_json(*r.thresholds.min) : ordered_json();
    j["max"] = r.thresholds.max ? ordered_json(*r.thresholds.max) : ordered_json();
    j["reason"] = r.reason;
    j["message"] = r.message.empty() ? ordered_json() : ordered_json(r.message);
    j["method"] = r.method;
    j["source"] = r.thresholds.source;
    ordered_json geometry = ordered_json::object();
    if (!r.geometry.points.empty()) {
      geometry["points"] = ordered_json::array();
      for (const auto& p : r.geometry.points) geometry["points"].push_back(point_json(p));
    }
    if (r.geometry.region) {
      const Rect& b = *r.geometry.region;
      geometry["region"] = {{"x", b.x}, {"y", b.y}, {"width", b.width}, {"height", b.height}};
    }
    j["geometry"] = geometry;
    auto ms = rule_ms.find(r.id);
    j["ms"] = ms == rule_ms.end() ? 0.0 : ms->second;
    rules_json.push_back(std::move(j));
  }
  doc["rules"] = rules_json;
  doc["face_count"] = face_count;
  doc["face"] = face ? ordered_json::parse(face_to_json(*face)) : ordered_json();
  if (head) {
    doc["head"] = {{"eye_right", point_json(head->eye_right)},
                   {"eye_left", point_json(head->eye_left)},
                   {"crown", point_json(head->crown)},
                   {"chin", point_json(head->chin)},
                   {"left", head->head_left},
                   {"right", head->head_right},
                   {"crown_method", head->crown_method},
                   {"chin_method", head->chin_method}};
  } else {
    doc["head"] = nullptr;
  }
  doc["landmarks"] = landmarks == LandmarkScheme::dlib68  ? "dlib68"
                     : landmarks == LandmarkScheme::dlib5 ? "dlib5"
                                                          : "none";
  doc["image"] = {{"format", image_format_name(image.format)},
                  {"width", image.width},
                  {"height", image.height},
                  {"jpeg_quality",
                   image.jpeg_quality == 0 ? ordered_json() : ordered_json(image.jpeg_quality)}};
  doc["backend"] = {{"analyzer", analyzer}, {"model", analyzer_model}};
  doc["timings_ms"] = {{"decode", timings.decode_ms},
                       {"detect", timings.detect_ms},
                       {"landmarks", timings.landmarks_ms},
                       {"rules", rules_ms},
                       {"total", timings.total_ms}};
  return doc.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kyc
