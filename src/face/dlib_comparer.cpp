// Local face comparison with dlib's ResNet (dlib_face_recognition_resnet_model_v1.dat):
// 5-point alignment to a 150x150 chip, 128-D embedding, L2 distance.
#include <dlib/dnn.h>
#include <dlib/image_processing.h>
#include <dlib/opencv/cv_image.h>

#include <chrono>
#include <cmath>

#include "engine/pool.hpp"
#include "engine/timing.hpp"
#include "face/calibration.hpp"
#include "face/detector.hpp"
#include "face/dlib_convert.hpp"
#include "image/convert.hpp"
#include "kyc/config.hpp"
#include "kyc/error.hpp"
#include "kyc/models.hpp"

namespace kyc::detail {
namespace {

// The network layout published with the model (dlib's dnn_face_recognition_ex.cpp).
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual = dlib::add_prev1<block<N, BN, 1, dlib::tag1<SUBNET>>>;
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual_down = dlib::add_prev2<
    dlib::avg_pool<2, 2, 2, 2, dlib::skip1<dlib::tag2<block<N, BN, 2, dlib::tag1<SUBNET>>>>>>;
template <int N, template <typename> class BN, int stride, typename SUBNET>
using block =
    BN<dlib::con<N, 3, 3, 1, 1, dlib::relu<BN<dlib::con<N, 3, 3, stride, stride, SUBNET>>>>>;
template <int N, typename SUBNET>
using ares = dlib::relu<residual<block, N, dlib::affine, SUBNET>>;
template <int N, typename SUBNET>
using ares_down = dlib::relu<residual_down<block, N, dlib::affine, SUBNET>>;
template <typename SUBNET>
using alevel0 = ares_down<256, SUBNET>;
template <typename SUBNET>
using alevel1 = ares<256, ares<256, ares_down<256, SUBNET>>>;
template <typename SUBNET>
using alevel2 = ares<128, ares<128, ares_down<128, SUBNET>>>;
template <typename SUBNET>
using alevel3 = ares<64, ares<64, ares<64, ares_down<64, SUBNET>>>>;
template <typename SUBNET>
using alevel4 = ares<32, ares<32, ares<32, SUBNET>>>;
using ResNet = dlib::loss_metric<dlib::fc_no_bias<
    128, dlib::avg_pool_everything<alevel0<alevel1<alevel2<alevel3<alevel4<dlib::max_pool<
             3, 3, 2, 2,
             dlib::relu<dlib::affine<
                 dlib::con<32, 7, 7, 2, 2, dlib::input_rgb_image_sized<150>>>>>>>>>>>>>;

constexpr unsigned long kChipSize = 150;
constexpr double kChipPadding = 0.25;
constexpr std::size_t kMaxBatch = 16;

class DlibComparer final : public FaceComparer {
 public:
  DlibComparer(const Config& config, const ModelLocator& models)
      : jitters_(config.face.jitters),
        pool_([this] { return std::make_unique<ResNet>(prototype_); },
              static_cast<std::size_t>(config.max_pooled_instances)) {
    const std::string path = models.locate("dlib_face_recognition_resnet_model_v1.dat");
    try {
      dlib::deserialize(path) >> prototype_;
    } catch (const std::exception& e) {
      throw Error(ErrorCode::model_not_found,
                  "model '" + path + "' could not be loaded (corrupt or wrong file?): " + e.what());
    }
    // Faces from other analyzers (other landmark schemes) are re-aligned with dlib's own
    // 5-point predictor.
    aligner_ = load_shape_predictor(models.locate("shape_predictor_5_face_landmarks.dat"));
  }

  std::string name() const override { return "dlib"; }
  std::string model() const override {
    return jitters_ > 0
               ? "dlib_face_recognition_resnet_model_v1(jitters=" + std::to_string(jitters_) + ")"
               : "dlib_face_recognition_resnet_model_v1";
  }

  std::vector<Embedding> embed(const ImageView& view, const std::vector<Face>& faces,
                               StageTimings* timings) const override {
    if (faces.empty()) return {};
    const cv::Mat bgr = to_bgr(view);
    const dlib::cv_image<dlib::bgr_pixel> image(bgr);
    const auto start = Clock::now();

    // One aligned chip per face, plus `jitters_` jittered copies (deterministic seed, so the same
    // input always gives the same embedding).
    const std::size_t copies = 1 + static_cast<std::size_t>(jitters_);
    std::vector<dlib::matrix<dlib::rgb_pixel>> chips;
    chips.reserve(faces.size() * copies);
    for (const Face& face : faces) {
      dlib::matrix<dlib::rgb_pixel> chip;
      dlib::extract_image_chip(
          image, dlib::get_face_chip_details(shape_of(image, face), kChipSize, kChipPadding), chip);
      chips.push_back(chip);
      dlib::rand rnd(0);
      for (int j = 0; j < jitters_; ++j) chips.push_back(dlib::jitter_image(chip, rnd));
    }

    std::vector<dlib::matrix<float, 0, 1>> vectors;
    vectors.reserve(chips.size());
    {
      auto net = pool_.acquire();
      for (std::size_t i = 0; i < chips.size(); i += kMaxBatch) {
        const std::size_t end = std::min(chips.size(), i + kMaxBatch);
        std::vector<dlib::matrix<dlib::rgb_pixel>> batch(chips.begin() + i, chips.begin() + end);
        auto out = (*net)(batch);
        for (auto& v : out) vectors.push_back(std::move(v));
      }
    }

    std::vector<Embedding> embeddings;
    embeddings.reserve(faces.size());
    for (std::size_t f = 0; f < faces.size(); ++f) {
      Embedding e(128, 0.0f);
      for (std::size_t c = 0; c < copies; ++c) {
        const auto& v = vectors[f * copies + c];
        for (long k = 0; k < v.size() && k < 128; ++k) e[k] += v(k);
      }
      for (float& x : e) x /= static_cast<float>(copies);
      embeddings.push_back(std::move(e));
    }
    if (timings) timings->embed_ms += ms_since(start);
    return embeddings;
  }

  double similarity(double distance) const override { return similarity_from_distance(distance); }
  double distance_for_similarity(double similarity) const override {
    return distance_from_similarity(similarity);
  }
  std::vector<OperatingPoint> operating_points() const override {
    return dlib_resnet_operating_points();
  }
  std::string calibration_source() const override { return kDlibResnetCalibrationSource; }

 private:
  dlib::full_object_detection shape_of(const dlib::cv_image<dlib::bgr_pixel>& image,
                                       const Face& face) const {
    const dlib::rectangle rect = to_dlib_rect(face.box);
    if ((face.scheme == LandmarkScheme::dlib5 && face.landmarks.size() == 5) ||
        (face.scheme == LandmarkScheme::dlib68 && face.landmarks.size() == 68)) {
      std::vector<dlib::point> parts;
      parts.reserve(face.landmarks.size());
      for (const Point& p : face.landmarks) {
        parts.emplace_back(std::lround(p.x), std::lround(p.y));
      }
      return dlib::full_object_detection(rect, parts);
    }
    return (*aligner_)(image, rect);
  }

  int jitters_;
  ResNet prototype_;
  mutable Pool<ResNet> pool_;
  std::shared_ptr<const dlib::shape_predictor> aligner_;
};

}  // namespace

std::shared_ptr<FaceComparer> make_dlib_comparer(const Config& config, const ModelLocator& models) {
  return std::make_shared<DlibComparer>(config, models);
}

}  // namespace kyc::detail
