// kyc — faces and the detector interfaces.
//
// Checks consume these types and never know which backend produced them. Coordinates are pixels
// of the decoded, upright (EXIF-applied) image; x to the right, y down.
//
// Thread-safety: implementations of FaceAnalyzer and FaceComparer must be safe to call
// concurrently from many threads on one instance (the dlib ones pool their networks).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kyc/export.hpp"
#include "kyc/image.hpp"

namespace kyc {

struct Point {
  float x = 0;
  float y = 0;
};

struct Rect {
  float x = 0;
  float y = 0;
  float width = 0;
  float height = 0;
  float area() const { return width * height; }
};

/// Landmark layout. dlib5: [0,1] corners of the eye on the image right (the subject's left eye),
/// [2,3] corners of the other eye, [4] nose base. dlib68: the iBUG 300-W 68-point layout.
enum class LandmarkScheme : std::uint8_t { none = 0, dlib5 = 5, dlib68 = 68 };

/// Head pose in degrees. yaw > 0: the subject turns to their left (face points to image right);
/// pitch > 0: chin up; roll > 0: head tilted clockwise in the image.
struct Pose {
  float yaw = 0;
  float pitch = 0;
  float roll = 0;
  /// "pnp68" (solvePnP on a 3-D model with 68 landmarks), "geometric5" (approximate, from 5
  /// landmarks: roll is exact, yaw/pitch are coarse), or "none".
  std::string method = "none";
};

/// A yes/no face attribute with the backend's confidence (0..100).
struct FaceAttribute {
  bool value = false;
  float confidence = 0;
};

/// Attributes measured by backends that report them (AWS Rekognition DetectFaces with
/// Attributes ALL); each is empty when the backend did not report it. The local dlib backend
/// reports none.
struct FaceAttributes {
  std::optional<FaceAttribute> eyes_open;
  std::optional<FaceAttribute> mouth_open;
  std::optional<FaceAttribute> sunglasses;
  std::optional<FaceAttribute> eyeglasses;
  std::optional<FaceAttribute> face_occluded;
  std::optional<FaceAttribute> smile;
  std::optional<float> brightness;  ///< 0..100 (Rekognition Quality.Brightness)
  std::optional<float> sharpness;   ///< 0..100 (Rekognition Quality.Sharpness)
  bool any() const {
    return eyes_open || mouth_open || sunglasses || eyeglasses || face_occluded || smile ||
           brightness || sharpness;
  }
};

/// A landmark a backend names itself (Rekognition's 30 types: "eyeLeft", "chinBottom", ...).
struct NamedLandmark {
  std::string name;
  Point point;
};

struct KYC_API Face {
  Rect box;                  ///< detector box
  float confidence = 0;      ///< 0..1, a monotonic mapping of the detector score (see docs)
  float detector_score = 0;  ///< raw detector score (HOG SVM margin, or MMOD score)
  LandmarkScheme scheme = LandmarkScheme::none;
  std::vector<Point> landmarks;
  Pose pose;
  FaceAttributes attributes;
  /// The backend's own landmarks by name, in pixels (empty for dlib). When they include both
  /// eyes' corners and the nostrils, `landmarks` also carries the dlib5 layout derived from them.
  std::vector<NamedLandmark> named_landmarks;
  Point eye_right() const;  ///< the subject's right eye centre (image left); needs landmarks
  Point eye_left() const;   ///< the subject's left eye centre (image right); needs landmarks
  float inter_eye_distance() const;
};

/// A face embedding (128-D for dlib's ResNet). Compared by L2 distance.
using Embedding = std::vector<float>;

/// Per-stage wall-clock timings in milliseconds, appended to by detectors and checks.
struct StageTimings {
  double decode_ms = 0;
  double detect_ms = 0;
  double landmarks_ms = 0;
  double embed_ms = 0;
  double match_ms = 0;
  double total_ms = 0;
};

/// Finds faces, their landmarks and pose.
class KYC_API FaceAnalyzer {
 public:
  virtual ~FaceAnalyzer();
  virtual std::string name() const = 0;
  /// Model identifiers, e.g. "dlib.hog_frontal_face_detector+shape_predictor_5_face_landmarks".
  virtual std::string model() const = 0;
  /// Faces sorted by box area, largest first. `timings` may be null.
  virtual std::vector<Face> analyze(const ImageView& image, StageTimings* timings) const = 0;
};

/// Distance thresholds measured on a labelled set (see docs/calibration.md).
struct OperatingPoint {
  std::string name;     ///< "default", "fmr1e-2", ...
  double distance = 0;  ///< match when distance <= this
  double fmr = 0;       ///< measured false-match rate at this threshold (0 if not measured)
  double fnmr = 0;      ///< measured false-non-match rate at this threshold
};

/// What a backend that compares image pairs itself (AWS Rekognition CompareFaces) found: the
/// largest source face, and every target face with its similarity.
struct ImagePairComparison {
  std::optional<Face> source_face;  ///< empty: no face in the source image
  int source_face_count = 0;
  std::vector<Face> target_faces;  ///< empty: no face in the target image
  /// 0..100 per target face; NaN when the service reports no score for it (below its threshold).
  std::vector<double> similarities;
  std::vector<std::string> request_ids;  ///< the service's request ids, for audit
};

/// Turns faces into embeddings and embeddings into distances and similarities.
class KYC_API FaceComparer {
 public:
  virtual ~FaceComparer();
  virtual std::string name() const = 0;
  virtual std::string model() const = 0;
  /// One embedding per face, in order. `timings` may be null.
  virtual std::vector<Embedding> embed(const ImageView& image, const std::vector<Face>& faces,
                                       StageTimings* timings) const = 0;
  virtual double distance(const Embedding& a, const Embedding& b) const;
  /// Monotonic, decreasing map of distance to a 0..100 similarity (documented per comparer).
  virtual double similarity(double distance) const = 0;
  /// Inverse of similarity(), for callers that give an AWS-style similarity threshold.
  virtual double distance_for_similarity(double similarity) const = 0;
  /// Calibrated operating points; must contain "default".
  virtual std::vector<OperatingPoint> operating_points() const = 0;
  /// Where the operating points were measured.
  virtual std::string calibration_source() const = 0;
  /// True for backends that compare whole images (Engine::face_match then calls compare_images
  /// instead of analyzing, embedding and measuring distances).
  virtual bool compares_image_pairs() const { return false; }
  /// Compares the largest face of `source` with every face of `target`; faces at or above
  /// `similarity_threshold` (0..100) are matches. The default throws Error(invalid_argument).
  virtual ImagePairComparison compare_images(const ImageView& source, const ImageView& target,
                                             double similarity_threshold,
                                             StageTimings* timings) const;
};

struct Config;
class ModelLocator;

/// Registry of detector implementations by name. Built-in local backends ("dlib", alias
/// "local.dlib") are registered on first use; backends compiled in later (e.g. "aws.rekognition")
/// register themselves through these functions. Thread-safe.
using FaceAnalyzerFactory =
    std::function<std::shared_ptr<FaceAnalyzer>(const Config&, const ModelLocator&)>;
using FaceComparerFactory =
    std::function<std::shared_ptr<FaceComparer>(const Config&, const ModelLocator&)>;
KYC_API void register_face_analyzer(const std::string& name, FaceAnalyzerFactory factory);
KYC_API void register_face_comparer(const std::string& name, FaceComparerFactory factory);
/// Names of all registered backends, e.g. {"face_analyzer:dlib", "face_comparer:dlib"}.
KYC_API std::vector<std::string> available_backends();

}  // namespace kyc
