// kyc — passport-photo rules (ICAO 9303 / ISO/IEC 19794-5) with per-rule evidence.
//
// A profile (JSON data; built-in: icao, us, uk, schengen) says which rules apply and their
// thresholds, each with its source. check_photo measures every rule on the photo and returns one
// RuleResult per rule: a rule that cannot be measured says unable_to_assess with a reason and
// never blocks the others. Rule ids and reason codes are stable (docs/photo-rules.md).
//
// Thread-safety: PhotoProfile and results are plain values; the functions here are re-entrant.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kyc/export.hpp"
#include "kyc/face.hpp"
#include "kyc/image.hpp"

namespace kyc {

enum class RuleStatus : std::uint8_t { pass, fail, unable_to_assess };
KYC_API const char* rule_status_name(RuleStatus status) noexcept;

enum class PhotoVerdict : std::uint8_t { compliant, non_compliant, unable_to_assess };
KYC_API const char* photo_verdict_name(PhotoVerdict verdict) noexcept;

/// Thresholds of one rule in a profile. A rule absent from the profile is not checked.
struct RuleThresholds {
  std::optional<double> min;  ///< pass requires value >= min
  std::optional<double> max;  ///< pass requires value <= max
  std::string source;         ///< where the numbers come from (standard, clause, guidance)
};

/// A set of rules and thresholds for one kind of photo (see profiles/*.json).
struct KYC_API PhotoProfile {
  std::string name;
  std::string description;
  std::map<std::string, RuleThresholds> rules;  ///< rule id -> thresholds

  /// Parses a profile; unknown rule ids and keys, wrong types and min > max are
  /// Error(invalid_config) naming the key.
  static PhotoProfile from_json(const std::string& json);
  std::string to_json(int indent = 2) const;
  /// A built-in profile by name ("icao", "us", "uk", "schengen"); Error(invalid_argument)
  /// listing the names otherwise.
  static PhotoProfile builtin(const std::string& name);
  static std::vector<std::string> builtin_names();
};

/// Every rule id check_photo knows, in report order.
KYC_API std::vector<std::string> photo_rule_ids();

/// A line segment or box the rule measured on, in image pixels (for the annotation and audit).
struct RuleGeometry {
  std::vector<Point> points;   ///< e.g. the eye centres, crown and chin
  std::optional<Rect> region;  ///< e.g. the background or face region sampled
};

struct RuleResult {
  std::string id;  ///< stable rule id, e.g. "head_height"
  RuleStatus status = RuleStatus::unable_to_assess;
  double value = 0;  ///< the measurement; NaN (null in JSON) when not measured
  std::string unit;  ///< "px", "deg", "ratio of image height", ...
  RuleThresholds thresholds;
  /// Stable code: "ok" on pass; e.g. "too_small", "too_large" on fail; "no_face",
  /// "needs_68_landmarks", "not_jpeg" ... when unable to assess.
  std::string reason;
  std::string message;  ///< for the applicant: what is wrong and what to do
  std::string method;   ///< how it was measured, e.g. "solvePnP(68 landmarks)"
  RuleGeometry geometry;
};

/// Head geometry the rules share (image pixels); absent when no face was found.
struct HeadGeometry {
  Point eye_right;  ///< the subject's right eye centre
  Point eye_left;
  Point chin;
  Point crown;  ///< top of the head (hair included)
  float head_left = 0;
  float head_right = 0;
  std::string crown_method;  ///< "background_edge" or "anthropometric"
  std::string chin_method;   ///< "landmark" or "anthropometric"
};

struct KYC_API PhotoCheckResult {
  PhotoVerdict verdict = PhotoVerdict::unable_to_assess;
  std::string decided_by;  ///< first failing (or unassessable) rule id, empty when compliant
  std::string profile;
  std::vector<RuleResult> rules;  ///< in photo_rule_ids() order, only the profile's rules
  int face_count = 0;
  std::optional<Face> face;  ///< the face the rules were measured on (largest)
  std::optional<HeadGeometry> head;
  LandmarkScheme landmarks = LandmarkScheme::none;
  ImageInfo image;
  std::string analyzer;
  std::string analyzer_model;
  StageTimings timings;  ///< decode, detect, landmarks, total
  double rules_ms = 0;   ///< all rule measurements
  /// Per-rule measurement cost in milliseconds (rule id -> ms).
  std::map<std::string, double> rule_ms;

  const RuleResult* rule(const std::string& id) const;
  /// JSON report {"schema": "kyc.photo_check", "schema_version": 1, ...}.
  std::string to_json(int indent = -1) const;
};

/// The rules measured on faces found by any analyzer (Engine::check_photo uses its own, with 68
/// landmarks when available). `faces` largest first, as FaceAnalyzer::analyze returns them;
/// `info` describes the encoded file when there was one (its format and JPEG quality feed the
/// compression rule; without it that rule says unable_to_assess).
KYC_API PhotoCheckResult check_photo_faces(const ImageView& photo, const std::vector<Face>& faces,
                                           const PhotoProfile& profile,
                                           const ImageInfo* info = nullptr);

/// How the annotated picture is encoded.
enum class AnnotationFormat : std::uint8_t { png, jpeg };

/// Draws the result on the photo: face box, landmarks, the profile's allowed crown and chin
/// bands and eye-line band, the centre line, and the failing rules labelled. `photo` must be the
/// image the result was computed on (same size). Returns encoded PNG/JPEG bytes.
KYC_API std::vector<std::uint8_t> annotate_photo(const ImageView& photo,
                                                 const PhotoCheckResult& result,
                                                 const PhotoProfile& profile,
                                                 AnnotationFormat format = AnnotationFormat::png);

}  // namespace kyc
