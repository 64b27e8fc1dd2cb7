// Local face analysis with dlib: HOG (or MMOD) detection at an adaptive working scale, 5- or
// 68-point landmarks, and head pose.
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv/cv_image.h>

#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <opencv2/imgproc.hpp>

#include "engine/pool.hpp"
#include "engine/registry.hpp"
#include "engine/timing.hpp"
#include "face/detector.hpp"
#include "face/dlib_convert.hpp"
#include "image/convert.hpp"
#include "kyc/config.hpp"
#include "kyc/error.hpp"
#include "kyc/models.hpp"

namespace kyc::detail {
namespace {

class HogDetector final : public FaceDetector {
 public:
  explicit HogDetector(std::size_t max_instances)
      : prototype_(dlib::get_frontal_face_detector()),
        pool_([this] { return std::make_unique<dlib::frontal_face_detector>(prototype_); },
              max_instances) {}

  std::vector<Detection> detect(const cv::Mat& bgr, double threshold) const override {
    const dlib::cv_image<dlib::bgr_pixel> image(bgr);
    std::vector<dlib::rect_detection> found;
    {
      auto detector = pool_.acquire();
      (*detector)(image, found, threshold);
    }
    std::vector<Detection> out;
    out.reserve(found.size());
    for (const auto& d : found) {
      const auto& r = d.rect;
      out.push_back({cv::Rect2f(static_cast<float>(r.left()), static_cast<float>(r.top()),
                                static_cast<float>(r.width()), static_cast<float>(r.height())),
                     static_cast<float>(d.detection_confidence)});
    }
    return out;
  }
  int native_min_face() const override { return 80; }
  std::string model() const override { return "dlib.frontal_face_detector(hog)"; }

 private:
  dlib::frontal_face_detector prototype_;
  mutable Pool<dlib::frontal_face_detector> pool_;
};

// Logistic map of a detector margin (0 = decision boundary) to 0..1; documented in docs/faces.md.
float confidence_from_score(float score) {
  return 1.0f / (1.0f + std::exp(-2.0f * score));
}

class DlibAnalyzer final : public FaceAnalyzer {
 public:
  DlibAnalyzer(const Config& config, const ModelLocator& models) : config_(config.face) {
    const std::size_t max_instances = static_cast<std::size_t>(config.max_pooled_instances);
    if (config_.detector == "mmod") {
      detector_ = make_mmod_detector(models.locate("mmod_human_face_detector.dat"), max_instances);
    } else {
      detector_ = make_hog_detector(max_instances);
    }
    if (config_.landmarks == 68) {
      predictor_name_ = "shape_predictor_68_face_landmarks";
      scheme_ = LandmarkScheme::dlib68;
    } else {
      predictor_name_ = "shape_predictor_5_face_landmarks";
      scheme_ = LandmarkScheme::dlib5;
    }
    predictor_ = load_shape_predictor(models.locate(predictor_name_ + ".dat"));
  }

  std::string name() const override { return "dlib"; }
  std::string model() const override { return detector_->model() + "+" + predictor_name_; }

  std::vector<Face> analyze(const ImageView& view, StageTimings* timings) const override {
    const cv::Mat bgr = to_bgr(view);
    auto start = Clock::now();
    std::vector<Detection> detections = detect_adaptive(bgr);
    std::stable_sort(detections.begin(), detections.end(),
                     [](const auto& a, const auto& b) { return a.box.area() > b.box.area(); });
    if (detections.size() > static_cast<std::size_t>(config_.max_faces)) {
      detections.resize(static_cast<std::size_t>(config_.max_faces));
    }
    if (timings) timings->detect_ms += ms_since(start);

    start = Clock::now();
    const dlib::cv_image<dlib::bgr_pixel> image(bgr);
    std::vector<Face> faces;
    faces.reserve(detections.size());
    for (const auto& d : detections) {
      Face face;
      face.box = {d.box.x, d.box.y, d.box.width, d.box.height};
      face.detector_score = d.score;
      face.confidence = confidence_from_score(d.score);
      const dlib::full_object_detection shape = (*predictor_)(image, to_dlib_rect(face.box));
      face.scheme = scheme_;
      face.landmarks.reserve(shape.num_parts());
      for (unsigned long i = 0; i < shape.num_parts(); ++i) {
        face.landmarks.push_back(
            {static_cast<float>(shape.part(i).x()), static_cast<float>(shape.part(i).y())});
      }
      face.pose = estimate_pose(face, bgr.cols, bgr.rows);
      faces.push_back(std::move(face));
    }
    if (timings) timings->landmarks_ms += ms_since(start);
    return faces;
  }

 private:
  // Working scale: min_face_size maps to the detector's native size (upsampling only while the
  // image stays within max_upsampled_dimension); images over max_detect_dimension are downsampled.
  // If nothing is found, retry once at twice the scale (bounded), so small faces in mid-sized
  // images are still found without paying for upsampling on every call.
  std::vector<Detection> detect_adaptive(const cv::Mat& bgr) const {
    const int longest = std::max(bgr.cols, bgr.rows);
    // Faces of min_face_size should reach the detector's window: upsample (bounded) when they
    // would be smaller, downsample when they would be larger (MMOD's window is 40 px, so the
    // default 80 px minimum lets it work at half resolution, four times faster).
    double scale = static_cast<double>(detector_->native_min_face()) / config_.min_face_size;
    if (scale > 1.0) {
      scale = std::max(
          1.0, std::min(scale, static_cast<double>(config_.max_upsampled_dimension) / longest));
    }
    if (longest * scale > config_.max_detect_dimension) {
      scale = static_cast<double>(config_.max_detect_dimension) / longest;
    }
    std::vector<Detection> found = detect_at(bgr, scale, 0);
    if (found.empty() && config_.retry_upsampled) {
      const double retry = std::min(scale * 2.0, 2.0 * config_.max_detect_dimension / longest);
      if (retry > scale * 1.2) found = detect_at(bgr, retry, 0);
      // Tight crops (an ID portrait cut at the hairline and chin) leave the detector no context
      // around the face: retry once with a neutral border of a quarter of the image on each side.
      // The face then fills the frame, so the base scale suffices.
      if (found.empty()) found = detect_at(bgr, scale, 0.25);
    }
    return found;
  }

  std::vector<Detection> detect_at(const cv::Mat& bgr, double scale, double border) const {
    // A working image narrower than the detector window cannot contain a detectable face (and a
    // side that rounds to 0 would make cv::resize throw).
    const double shorter = std::min(bgr.cols, bgr.rows) * scale * (1.0 + 2.0 * border);
    if (shorter < detector_->native_min_face()) return {};
    cv::Mat work = bgr;
    if (std::abs(scale - 1.0) > 1e-3) {
      cv::resize(bgr, work, cv::Size(), scale, scale,
                 scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
    }
    const int pad_x = static_cast<int>(work.cols * border);
    const int pad_y = static_cast<int>(work.rows * border);
    if (pad_x > 0 || pad_y > 0) {
      cv::copyMakeBorder(work, work, pad_y, pad_y, pad_x, pad_x, cv::BORDER_CONSTANT,
                         cv::mean(work));
    }
    std::vector<Detection> found = detector_->detect(work, config_.detection_threshold);
    const float inv = static_cast<float>(1.0 / scale);
    for (auto& d : found) {
      d.box = cv::Rect2f((d.box.x - pad_x) * inv, (d.box.y - pad_y) * inv, d.box.width * inv,
                         d.box.height * inv);
    }
    return found;
  }

  FaceConfig config_;
  std::unique_ptr<FaceDetector> detector_;
  std::shared_ptr<const dlib::shape_predictor> predictor_;
  std::string predictor_name_;
  LandmarkScheme scheme_ = LandmarkScheme::dlib5;
};

}  // namespace

std::unique_ptr<FaceDetector> make_hog_detector(std::size_t max_instances) {
  return std::make_unique<HogDetector>(max_instances);
}

std::shared_ptr<const dlib::shape_predictor> load_shape_predictor(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<const dlib::shape_predictor>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto cached = cache[path].lock()) return cached;
  auto predictor = std::make_shared<dlib::shape_predictor>();
  try {
    dlib::deserialize(path) >> *predictor;
  } catch (const std::exception& e) {
    throw Error(ErrorCode::model_not_found,
                "model '" + path + "' could not be loaded (corrupt or wrong file?): " + e.what());
  }
  cache[path] = predictor;
  return predictor;
}

std::shared_ptr<FaceAnalyzer> make_dlib_analyzer(const Config& config, const ModelLocator& models) {
  return std::make_shared<DlibAnalyzer>(config, models);
}

void register_builtin_backends() {
  for (const char* name : {"dlib", "local.dlib"}) {
    register_builtin_face_analyzer(name, make_dlib_analyzer);
    register_builtin_face_comparer(name, make_dlib_comparer);
  }
}

}  // namespace kyc::detail
