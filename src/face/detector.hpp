// Internal: face detectors and shared dlib model loading for the local backend.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "kyc/face.hpp"

namespace dlib {
class shape_predictor;
}

namespace kyc::detail {

struct Detection {
  cv::Rect2f box;  ///< in the coordinates of the image given to detect()
  float score = 0;
};

/// A face detector working on BGR images at their given scale. Thread-safe.
class FaceDetector {
 public:
  virtual ~FaceDetector() = default;
  virtual std::vector<Detection> detect(const cv::Mat& bgr, double threshold) const = 0;
  /// The smallest face (px) the detector reliably finds without upsampling.
  virtual int native_min_face() const = 0;
  virtual std::string model() const = 0;
};

std::unique_ptr<FaceDetector> make_hog_detector(std::size_t max_instances);
std::unique_ptr<FaceDetector> make_mmod_detector(const std::string& model_path,
                                                 std::size_t max_instances);

/// Loads a shape predictor once per process and shares it (shape_predictor is const-thread-safe).
std::shared_ptr<const dlib::shape_predictor> load_shape_predictor(const std::string& path);

/// Landmarks as a dlib detection -> kyc points and back happen in the .cpp files that include
/// dlib; this estimates head pose from a face's landmarks (68: solvePnP; 5: geometric).
Pose estimate_pose(const Face& face, int image_width, int image_height);

/// Factories for the registry.
std::shared_ptr<FaceAnalyzer> make_dlib_analyzer(const Config& config, const ModelLocator& models);
std::shared_ptr<FaceComparer> make_dlib_comparer(const Config& config, const ModelLocator& models);

}  // namespace kyc::detail
