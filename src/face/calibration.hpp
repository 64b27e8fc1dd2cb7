// Internal: calibrated operating points of dlib's ResNet face embedding and the documented
// distance <-> similarity mapping.
//
// Measured with `make calibrate` (tools/calibrate_faces.cpp) on ../shared/data/faces/lfw/pairs.tsv,
// protocol view1-train (LFW DevTrain, identities A-K, 150x150 thumbnails): 1594 images (6 failed
// to enrol), 638 genuine pairs for FNMR, 1,258,861 cross-identity image pairs for FMR — enough to
// measure FMR 1e-4 (~126 false matches). view1-test is kept for the accuracy test.
// Re-run the tool and update these numbers whenever detection, alignment or the model changes.
#pragma once

#include <cmath>
#include <vector>

#include "kyc/face.hpp"

namespace kyc::detail {

inline constexpr const char* kDlibResnetCalibrationSource =
    "LFW view1-train (DevTrain, A-K identities, 150x150 thumbnails): 638 genuine pairs, "
    "1,258,861 cross-identity impostor pairs";

inline std::vector<OperatingPoint> dlib_resnet_operating_points() {
  return {
      // 0.6 is dlib's/face_recognition's published tolerance; on this set it is also the
      // accuracy-maximising threshold (98.6% pair accuracy).
      {"default", 0.600, 5.35e-3, 0.0188},
      {"fmr1e-2", 0.619, 1.00e-2, 0.0125},
      {"fmr1e-3", 0.549, 9.99e-4, 0.0831},
      {"fmr1e-4", 0.479, 9.93e-5, 0.3119},
  };
}

// similarity = 100 / (1 + exp((distance - kSimilarityCentre) / kSimilarityScale))
// Monotonic decreasing; the constants put the AWS-familiar thresholds on calibrated points:
// similarity 80 (CompareFaces' default) = the default operating point (distance 0.600), and
// similarity 99 (AWS's advice for high-stakes use) = the FMR 1e-4 point (distance 0.479).
inline constexpr double kSimilarityCentre = 0.65245;
inline constexpr double kSimilarityScale = 0.037833;

inline double similarity_from_distance(double distance) {
  return 100.0 / (1.0 + std::exp((distance - kSimilarityCentre) / kSimilarityScale));
}

inline double distance_from_similarity(double similarity) {
  const double s = std::fmin(std::fmax(similarity, 1e-9), 100.0 - 1e-9);
  return kSimilarityCentre + kSimilarityScale * std::log(100.0 / s - 1.0);
}

}  // namespace kyc::detail
