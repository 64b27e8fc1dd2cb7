// Internal: calibrated operating points of dlib's ResNet face embedding and the documented
// distance <-> similarity mapping. The numbers come from tools/calibrate_faces.py run on
// ../shared/data/faces/lfw/pairs.tsv (see docs/calibration.md); re-run it when the pipeline changes.
#pragma once

#include <cmath>
#include <vector>

#include "kyc/face.hpp"

namespace kyc::detail {

inline constexpr const char* kDlibResnetCalibrationSource =
    "LFW view1-train (DevTrain) pairs.tsv subset, 150x150 thumbnails; uncalibrated placeholder";

inline std::vector<OperatingPoint> dlib_resnet_operating_points() {
  return {
      {"default", 0.6, 0.0, 0.0},
      {"fmr1e-2", 0.6, 0.0, 0.0},
      {"fmr1e-3", 0.5, 0.0, 0.0},
      {"fmr1e-4", 0.45, 0.0, 0.0},
  };
}

// similarity = 100 / (1 + exp((distance - kCentre) / kScale)): 50 at kCentre, monotonic
// decreasing, 100 at distance 0 (to within rounding) and ~0 for unrelated faces.
inline constexpr double kSimilarityCentre = 0.65;
inline constexpr double kSimilarityScale = 0.05;

inline double similarity_from_distance(double distance) {
  return 100.0 / (1.0 + std::exp((distance - kSimilarityCentre) / kSimilarityScale));
}

inline double distance_from_similarity(double similarity) {
  const double s = std::fmin(std::fmax(similarity, 1e-9), 100.0 - 1e-9);
  return kSimilarityCentre + kSimilarityScale * std::log(100.0 / s - 1.0);
}

}  // namespace kyc::detail
