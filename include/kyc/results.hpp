// kyc — typed results and their JSON form.
//
// Every result carries a schema_version, the backends and models that produced it, per-stage
// timings, and evidence (boxes, landmarks, distances, thresholds). Results never contain image
// bytes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kyc/export.hpp"
#include "kyc/face.hpp"
#include "kyc/image.hpp"

namespace kyc {

/// Version of the JSON report schema; bumped on any incompatible change (see
/// docs/report-schema.md).
inline constexpr int kReportSchemaVersion = 1;

/// Outcome of a face match. The reason codes are stable strings: "match", "no_match",
/// "no_face_in_source", "no_face_in_target".
enum class FaceMatchStatus : std::uint8_t { match, no_match, no_face_in_source, no_face_in_target };
KYC_API const char* face_match_status_name(FaceMatchStatus status) noexcept;

struct ComparedFace {
  Face face;
  double distance = 0;  ///< L2 distance between embeddings; NaN when not compared (no source face)
  double similarity = 0;  ///< 0..100, FaceComparer::similarity(distance); NaN when not compared
  bool match = false;     ///< distance <= decision threshold
};

/// How the match decision was taken.
struct Decision {
  std::string operating_point;  ///< "default", "fmr1e-3", ... or "custom"
  double distance_threshold = 0;
  double similarity_threshold = 0;  ///< the same threshold on the similarity scale
  double fmr = 0;                   ///< measured FMR at this point (0 when custom)
  std::string calibration;          ///< where the operating point was measured
};

struct KYC_API FaceMatchResult {
  FaceMatchStatus status = FaceMatchStatus::no_match;
  std::optional<Face> source_face;      ///< largest face of the source image
  int source_face_count = 0;            ///< all faces found in the source
  std::vector<ComparedFace> matches;    ///< target faces within the threshold, best first
  std::vector<ComparedFace> unmatched;  ///< other target faces, best first
  Decision decision;
  ImageInfo source_image;
  ImageInfo target_image;
  std::string analyzer;  ///< backend name
  std::string comparer;
  std::string analyzer_model;
  std::string comparer_model;
  StageTimings timings;
  /// Request ids of remote backends (AWS x-amzn-RequestId), for audit; empty for local ones.
  std::vector<std::string> backend_request_ids;

  bool is_match() const { return status == FaceMatchStatus::match; }
  /// Best similarity over all target faces (0 when there is none).
  double best_similarity() const;
  /// The JSON report (schema_version kReportSchemaVersion). indent < 0: compact.
  std::string to_json(int indent = -1) const;
};

/// Options of one face-match call. At most one threshold may be given; none = the engine's
/// configured operating point.
struct FaceMatchOptions {
  std::optional<double> distance_threshold;    ///< match when L2 distance <= this
  std::optional<double> similarity_threshold;  ///< AWS-style: match when similarity >= this
  std::optional<std::string> operating_point;  ///< "default", "fmr1e-2", "fmr1e-3", "fmr1e-4"
};

/// JSON of one face (box, confidence, landmarks, pose), as used inside reports.
KYC_API std::string face_to_json(const Face& face);
/// The detection report {"schema": "kyc.faces", "schema_version": 1, "faces": [...]}.
KYC_API std::string faces_to_json(const std::vector<Face>& faces, int indent = -1);

}  // namespace kyc
