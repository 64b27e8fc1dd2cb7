// JSON form of results (schema documented in docs/report-schema.md).
#include <cmath>
#include <nlohmann/json.hpp>

#include "kyc/results.hpp"

namespace kyc {
namespace {

using nlohmann::ordered_json;

// Three decimals are plenty for pixels and scores and keep reports readable and diffable.
double round3(double v) {
  return std::isfinite(v) ? std::round(v * 1000.0) / 1000.0 : 0.0;
}

const char* scheme_name(LandmarkScheme scheme) {
  switch (scheme) {
    case LandmarkScheme::dlib5:
      return "dlib5";
    case LandmarkScheme::dlib68:
      return "dlib68";
    case LandmarkScheme::none:
      break;
  }
  return "none";
}

ordered_json face_json(const Face& face) {
  ordered_json landmarks = ordered_json::array();
  for (const Point& p : face.landmarks) landmarks.push_back({round3(p.x), round3(p.y)});
  ordered_json j;
  j["box"] = {{"x", round3(face.box.x)},
              {"y", round3(face.box.y)},
              {"width", round3(face.box.width)},
              {"height", round3(face.box.height)}};
  j["confidence"] = round3(face.confidence);
  j["detector_score"] = round3(face.detector_score);
  j["landmark_scheme"] = scheme_name(face.scheme);
  j["landmarks"] = std::move(landmarks);
  j["pose"] = {{"yaw", round3(face.pose.yaw)},
               {"pitch", round3(face.pose.pitch)},
               {"roll", round3(face.pose.roll)},
               {"method", face.pose.method}};
  // Backend-specific extras only when a backend reported them, so local reports are unchanged.
  if (face.attributes.any()) {
    const FaceAttributes& a = face.attributes;
    ordered_json attributes = ordered_json::object();
    auto flag = [&](const char* key, const std::optional<FaceAttribute>& v) {
      if (v) attributes[key] = {{"value", v->value}, {"confidence", round3(v->confidence)}};
    };
    flag("eyes_open", a.eyes_open);
    flag("mouth_open", a.mouth_open);
    flag("sunglasses", a.sunglasses);
    flag("eyeglasses", a.eyeglasses);
    flag("face_occluded", a.face_occluded);
    flag("smile", a.smile);
    if (a.brightness) attributes["brightness"] = round3(*a.brightness);
    if (a.sharpness) attributes["sharpness"] = round3(*a.sharpness);
    j["attributes"] = std::move(attributes);
  }
  if (!face.named_landmarks.empty()) {
    ordered_json named = ordered_json::object();
    for (const auto& l : face.named_landmarks)
      named[l.name] = {round3(l.point.x), round3(l.point.y)};
    j["named_landmarks"] = std::move(named);
  }
  return j;
}

ordered_json image_json(const ImageInfo& info) {
  return {{"format", image_format_name(info.format)},
          {"width", info.width},
          {"height", info.height},
          {"exif_orientation", info.exif_orientation},
          {"encoded_bytes", info.encoded_bytes},
          {"jpeg_quality", info.jpeg_quality == 0 ? ordered_json() : ordered_json(info.jpeg_quality)}};
}

// Non-finite means "not measured": null, never a number that could be mistaken for one.
ordered_json number_or_null(double v) {
  return std::isfinite(v) ? ordered_json(round3(v)) : ordered_json(nullptr);
}

ordered_json compared_json(const ComparedFace& c) {
  return {{"distance", number_or_null(c.distance)},
          {"similarity", number_or_null(c.similarity)},
          {"match", c.match},
          {"face", face_json(c.face)}};
}

}  // namespace

const char* face_match_status_name(FaceMatchStatus status) noexcept {
  switch (status) {
    case FaceMatchStatus::match:
      return "match";
    case FaceMatchStatus::no_match:
      return "no_match";
    case FaceMatchStatus::no_face_in_source:
      return "no_face_in_source";
    case FaceMatchStatus::no_face_in_target:
      return "no_face_in_target";
  }
  return "unknown";
}

double FaceMatchResult::best_similarity() const {
  double best = 0;
  for (const auto& c : matches) best = std::max(best, c.similarity);
  for (const auto& c : unmatched) {
    if (std::isfinite(c.similarity)) best = std::max(best, c.similarity);
  }
  return best;
}

std::string face_to_json(const Face& face) {
  return face_json(face).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string faces_to_json(const std::vector<Face>& faces, int indent) {
  ordered_json j;
  j["schema"] = "kyc.faces";
  j["schema_version"] = kReportSchemaVersion;
  ordered_json list = ordered_json::array();
  for (const Face& face : faces) list.push_back(face_json(face));
  j["faces"] = std::move(list);
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string FaceMatchResult::to_json(int indent) const {
  ordered_json j;
  j["schema"] = "kyc.face_match";
  j["schema_version"] = kReportSchemaVersion;
  j["status"] = face_match_status_name(status);
  j["match"] = is_match();
  j["similarity"] = round3(best_similarity());
  j["decision"] = {{"operating_point", decision.operating_point},
                   {"distance_threshold", round3(decision.distance_threshold)},
                   {"similarity_threshold", round3(decision.similarity_threshold)},
                   // A caller's own threshold has no measured false-match rate.
                   {"fmr", decision.operating_point == "custom" ? ordered_json(nullptr)
                                                                : ordered_json(decision.fmr)},
                   {"calibration", decision.calibration}};
  ordered_json source;
  source["image"] = image_json(source_image);
  source["face_count"] = source_face_count;
  source["face"] = source_face ? face_json(*source_face) : ordered_json(nullptr);
  j["source"] = std::move(source);
  j["target"] = {{"image", image_json(target_image)},
                 {"face_count", matches.size() + unmatched.size()}};
  ordered_json m = ordered_json::array();
  for (const auto& c : matches) m.push_back(compared_json(c));
  ordered_json u = ordered_json::array();
  for (const auto& c : unmatched) u.push_back(compared_json(c));
  j["matches"] = std::move(m);
  j["unmatched"] = std::move(u);
  j["backend"] = {{"analyzer", analyzer},
                  {"analyzer_model", analyzer_model},
                  {"comparer", comparer},
                  {"comparer_model", comparer_model},
                  {"request_ids", backend_request_ids}};
  j["timings_ms"] = {
      {"decode", round3(timings.decode_ms)},       {"detect", round3(timings.detect_ms)},
      {"landmarks", round3(timings.landmarks_ms)}, {"embed", round3(timings.embed_ms)},
      {"match", round3(timings.match_ms)},         {"total", round3(timings.total_ms)}};
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kyc
