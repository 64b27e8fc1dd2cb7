#include "backends/aws/rekognition.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "image/convert.hpp"
#include "kyc/error.hpp"

namespace kyc::aws {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

float number(const json& object, const char* key, float fallback = 0) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<float>() : fallback;
}

std::optional<FaceAttribute> attribute(const json& detail, const char* key) {
  const auto it = detail.find(key);
  if (it == detail.end() || !it->is_object()) return std::nullopt;
  const auto value = it->find("Value");
  if (value == it->end() || !value->is_boolean()) return std::nullopt;
  return FaceAttribute{value->get<bool>(), number(*it, "Confidence")};
}

const NamedLandmark* find_landmark(const Face& face, const char* name) {
  for (const auto& l : face.named_landmarks) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

// Rekognition's "left"/"right" are image sides (the model's DetectFaces example has eyeLeft at
// a smaller X than eyeRight). dlib5: [0,1] corners of the image-right eye, [2,3] of the
// image-left eye, [4] nose base, here the midpoint of the nostrils.
void derive_dlib5(Face& face) {
  const NamedLandmark* points[] = {
      find_landmark(face, "rightEyeRight"), find_landmark(face, "rightEyeLeft"),
      find_landmark(face, "leftEyeLeft"),   find_landmark(face, "leftEyeRight"),
      find_landmark(face, "noseLeft"),      find_landmark(face, "noseRight")};
  for (const auto* p : points) {
    if (p == nullptr) return;
  }
  face.landmarks = {points[0]->point, points[1]->point, points[2]->point, points[3]->point,
                    Point{(points[4]->point.x + points[5]->point.x) / 2,
                          (points[4]->point.y + points[5]->point.y) / 2}};
  face.scheme = LandmarkScheme::dlib5;
}

Face face_from_json(const json& detail, int width, int height) {
  Face face;
  if (const auto box = detail.find("BoundingBox"); box != detail.end() && box->is_object()) {
    face.box = Rect{number(*box, "Left") * width, number(*box, "Top") * height,
                    number(*box, "Width") * width, number(*box, "Height") * height};
  }
  const float confidence = number(detail, "Confidence");
  face.confidence = std::clamp(confidence / 100.0f, 0.0f, 1.0f);
  face.detector_score = confidence;
  if (const auto marks = detail.find("Landmarks"); marks != detail.end() && marks->is_array()) {
    for (const auto& mark : *marks) {
      if (!mark.is_object() || !mark.contains("Type") || !mark["Type"].is_string()) continue;
      face.named_landmarks.push_back(
          {mark["Type"].get<std::string>(),
           Point{number(mark, "X") * width, number(mark, "Y") * height}});
    }
    derive_dlib5(face);
  }
  if (const auto pose = detail.find("Pose"); pose != detail.end() && pose->is_object()) {
    face.pose.yaw = number(*pose, "Yaw");
    face.pose.pitch = number(*pose, "Pitch");
    face.pose.roll = number(*pose, "Roll");
    face.pose.method = "aws.rekognition";
  }
  if (const auto quality = detail.find("Quality");
      quality != detail.end() && quality->is_object()) {
    if (quality->contains("Brightness"))
      face.attributes.brightness = number(*quality, "Brightness");
    if (quality->contains("Sharpness")) face.attributes.sharpness = number(*quality, "Sharpness");
  }
  face.attributes.eyes_open = attribute(detail, "EyesOpen");
  face.attributes.mouth_open = attribute(detail, "MouthOpen");
  face.attributes.sunglasses = attribute(detail, "Sunglasses");
  face.attributes.eyeglasses = attribute(detail, "Eyeglasses");
  face.attributes.face_occluded = attribute(detail, "FaceOccluded");
  face.attributes.smile = attribute(detail, "Smile");
  return face;
}

void sort_largest_first(std::vector<Face>& faces) {
  std::stable_sort(faces.begin(), faces.end(),
                   [](const Face& a, const Face& b) { return a.box.area() > b.box.area(); });
}

json parse_answer(const JsonResponse& response, const char* operation) {
  json j = json::parse(response.body, nullptr, false);
  if (!j.is_object()) {
    throw AwsError(ErrorCode::backend_unavailable,
                   std::string("AWS rekognition ") + operation + ": the answer is not an object",
                   "MalformedResponse", response.http_status, response.request_id,
                   response.attempts);
  }
  return j;
}

std::string image_json(const PreparedImage& image) {
  return json{{"Bytes", base64_encode(image.bytes)}}.dump();
}

std::string s3_json(const S3Object& object) {
  if (object.bucket.empty() || object.name.empty()) {
    throw Error(ErrorCode::invalid_argument, "S3 image: bucket and name are required");
  }
  json s3 = {{"Bucket", object.bucket}, {"Name", object.name}};
  if (!object.version.empty()) s3["Version"] = object.version;
  return json{{"S3Object", s3}}.dump();
}

// An Image member (JSON text) and the size its ratios refer to.
struct ImageRef {
  std::string json_text;
  int width = 1;
  int height = 1;
};

DetectFacesResult detect_faces_json(const JsonClient& client, const std::string& image, int width,
                                    int height) {
  const JsonResponse response =
      client.call("DetectFaces", "{\"Image\":" + image + ",\"Attributes\":[\"ALL\"]}");
  parse_answer(response, "DetectFaces");
  return {parse_face_details(response.body, width, height), response.request_id};
}

ImagePairComparison compare_faces_json(const JsonClient& client, const ImageRef& source,
                                       const ImageRef& target, double similarity_threshold,
                                       const std::string& quality_filter) {
  if (!(similarity_threshold >= 0 && similarity_threshold <= 100)) {
    throw Error(ErrorCode::invalid_argument, "CompareFaces: SimilarityThreshold must be 0..100");
  }
  const json members = {{"SimilarityThreshold", similarity_threshold},
                        {"QualityFilter", quality_filter}};
  // The (large) image members are spliced in as text rather than copied into a json value.
  const std::string text = "{\"SourceImage\":" + source.json_text +
                           ",\"TargetImage\":" + target.json_text + "," + members.dump().substr(1);
  ImagePairComparison result;
  JsonResponse response;
  try {
    response = client.call("CompareFaces", text);
  } catch (const AwsError& e) {
    // "No face in either image" is an InvalidParameterException; tell which with DetectFaces.
    if (e.aws_type() != "InvalidParameterException") throw;
    result.request_ids.push_back(e.request_id());
    DetectFacesResult in_source =
        detect_faces_json(client, source.json_text, source.width, source.height);
    result.request_ids.push_back(in_source.request_id);
    if (in_source.faces.empty()) return result;
    result.source_face = in_source.faces.front();
    result.source_face_count = static_cast<int>(in_source.faces.size());
    DetectFacesResult in_target =
        detect_faces_json(client, target.json_text, target.width, target.height);
    result.request_ids.push_back(in_target.request_id);
    if (in_target.faces.empty()) return result;
    throw;  // both images have faces: a genuine parameter problem
  }
  result.request_ids.push_back(response.request_id);
  const json j = parse_answer(response, "CompareFaces");
  if (const auto face = j.find("SourceImageFace"); face != j.end() && face->is_object()) {
    result.source_face = face_from_json(*face, source.width, source.height);
    result.source_face_count = 1;  // CompareFaces reports only the largest source face
  }
  if (const auto matches = j.find("FaceMatches"); matches != j.end() && matches->is_array()) {
    for (const auto& m : *matches) {
      if (!m.is_object() || !m.contains("Face")) continue;
      result.target_faces.push_back(face_from_json(m["Face"], target.width, target.height));
      result.similarities.push_back(
          number(m, "Similarity", std::numeric_limits<float>::quiet_NaN()));
    }
  }
  if (const auto others = j.find("UnmatchedFaces"); others != j.end() && others->is_array()) {
    for (const auto& f : *others) {
      if (!f.is_object()) continue;
      result.target_faces.push_back(face_from_json(f, target.width, target.height));
      result.similarities.push_back(std::numeric_limits<double>::quiet_NaN());
    }
  }
  return result;
}

}  // namespace

PreparedImage prepare_image(const ImageView& image, std::size_t max_bytes, int min_side) {
  if (image.empty()) throw Error(ErrorCode::invalid_argument, "AWS: empty image");
  cv::Mat bgr = detail::to_bgr(image);
  const int shortest = std::min(bgr.cols, bgr.rows);
  if (shortest < min_side) {
    // Rekognition rejects images under 80 px; enlarging keeps the call valid (a face that small
    // is not found anyway, which the report then says).
    const double up = static_cast<double>(min_side) / shortest;
    cv::Mat larger;
    cv::resize(bgr, larger,
               cv::Size(std::max(min_side, static_cast<int>(std::ceil(bgr.cols * up))),
                        std::max(min_side, static_cast<int>(std::ceil(bgr.rows * up)))),
               0, 0, cv::INTER_CUBIC);
    bgr = larger;
  }
  PreparedImage out;
  int quality = 95;
  for (int round = 0; round < 12; ++round) {
    std::vector<unsigned char> encoded;
    if (!cv::imencode(".jpg", bgr, encoded, {cv::IMWRITE_JPEG_QUALITY, quality})) {
      throw Error(ErrorCode::internal, "AWS: JPEG encoding failed");
    }
    if (encoded.size() <= max_bytes) {
      out.bytes.assign(encoded.begin(), encoded.end());
      out.width = bgr.cols;
      out.height = bgr.rows;
      out.quality = quality;
      return out;
    }
    // Too big: shrink by the byte ratio (bytes scale roughly with area), never below min_side.
    const double factor = std::sqrt(static_cast<double>(max_bytes) / encoded.size()) * 0.9;
    const int w = static_cast<int>(bgr.cols * factor);
    const int h = static_cast<int>(bgr.rows * factor);
    if (std::min(w, h) < min_side) {
      quality = std::max(50, quality - 15);
      continue;
    }
    cv::Mat smaller;
    cv::resize(bgr, smaller, cv::Size(w, h), 0, 0, cv::INTER_AREA);
    bgr = smaller;
  }
  throw Error(ErrorCode::limit_exceeded,
              "AWS: cannot encode the image within " + std::to_string(max_bytes) + " bytes");
}

std::vector<Face> parse_face_details(const std::string& text, int width, int height) {
  const json j = json::parse(text, nullptr, false);
  std::vector<Face> faces;
  if (!j.is_object()) return faces;
  const auto details = j.find("FaceDetails");
  if (details == j.end() || !details->is_array()) return faces;
  for (const auto& detail : *details) {
    if (detail.is_object()) faces.push_back(face_from_json(detail, width, height));
  }
  sort_largest_first(faces);
  return faces;
}

DetectFacesResult detect_faces(const JsonClient& client, const ImageView& image) {
  return detect_faces_json(client, image_json(prepare_image(image)), image.width(), image.height());
}

DetectFacesResult detect_faces_s3(const JsonClient& client, const S3Object& image, int width,
                                  int height) {
  return detect_faces_json(client, s3_json(image), width, height);
}

ImagePairComparison compare_faces(const JsonClient& client, const ImageView& source,
                                  const ImageView& target, double similarity_threshold,
                                  const std::string& quality_filter) {
  const std::string src = image_json(prepare_image(source));
  const std::string dst = image_json(prepare_image(target));
  return compare_faces_json(client, {src, source.width(), source.height()},
                            {dst, target.width(), target.height()}, similarity_threshold,
                            quality_filter);
}

ImagePairComparison compare_faces_s3(const JsonClient& client, const S3Object& source,
                                     int source_width, int source_height, const S3Object& target,
                                     int target_width, int target_height,
                                     double similarity_threshold,
                                     const std::string& quality_filter) {
  return compare_faces_json(client, {s3_json(source), source_width, source_height},
                            {s3_json(target), target_width, target_height}, similarity_threshold,
                            quality_filter);
}

RekognitionFaceAnalyzer::RekognitionFaceAnalyzer(const AwsConfig& config)
    : client_(std::make_shared<JsonClient>(rekognition_service(), config)) {}

std::vector<Face> RekognitionFaceAnalyzer::analyze(const ImageView& image,
                                                   StageTimings* timings) const {
  const auto start = Clock::now();
  DetectFacesResult result = detect_faces(*client_, image);
  if (timings != nullptr) timings->detect_ms += ms_since(start);
  return std::move(result.faces);
}

RekognitionFaceComparer::RekognitionFaceComparer(const AwsConfig& config)
    : client_(std::make_shared<JsonClient>(rekognition_service(), config)),
      quality_filter_(config.quality_filter) {}

std::vector<Embedding> RekognitionFaceComparer::embed(const ImageView&, const std::vector<Face>&,
                                                      StageTimings*) const {
  throw Error(ErrorCode::invalid_argument,
              "aws.rekognition compares image pairs (CompareFaces); it has no embeddings");
}

double RekognitionFaceComparer::similarity(double distance) const {
  return std::clamp(100.0 - 100.0 * distance, 0.0, 100.0);
}

double RekognitionFaceComparer::distance_for_similarity(double similarity) const {
  return (100.0 - similarity) / 100.0;
}

std::vector<OperatingPoint> RekognitionFaceComparer::operating_points() const {
  return {{"default", distance_for_similarity(99.0), 0, 0}};
}

std::string RekognitionFaceComparer::calibration_source() const {
  return "AWS guidance: 99% similarity where accurate matches matter (no FMR/FNMR published)";
}

ImagePairComparison RekognitionFaceComparer::compare_images(const ImageView& source,
                                                            const ImageView& target,
                                                            double similarity_threshold,
                                                            StageTimings* timings) const {
  const auto start = Clock::now();
  ImagePairComparison result =
      compare_faces(*client_, source, target, similarity_threshold, quality_filter_);
  if (timings != nullptr) timings->match_ms += ms_since(start);
  return result;
}

}  // namespace kyc::aws
