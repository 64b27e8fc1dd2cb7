// dlib's MMOD CNN face detector (mmod_human_face_detector.dat). More robust to pose and
// lighting than HOG, several times slower on a CPU.
#include <dlib/dnn.h>
#include <dlib/opencv/cv_image.h>

#include "engine/pool.hpp"
#include "face/detector.hpp"
#include "kyc/error.hpp"

namespace kyc::detail {
namespace {

// The network layout published with the model (dlib's dnn_mmod_face_detection_ex.cpp).
template <long num_filters, typename SUBNET>
using con5d = dlib::con<num_filters, 5, 5, 2, 2, SUBNET>;
template <long num_filters, typename SUBNET>
using con5 = dlib::con<num_filters, 5, 5, 1, 1, SUBNET>;
template <typename SUBNET>
using downsampler = dlib::relu<dlib::affine<
    con5d<32, dlib::relu<dlib::affine<con5d<32, dlib::relu<dlib::affine<con5d<16, SUBNET>>>>>>>>>;
template <typename SUBNET>
using rcon5 = dlib::relu<dlib::affine<con5<45, SUBNET>>>;
using MmodNet = dlib::loss_mmod<dlib::con<
    1, 9, 9, 1, 1,
    rcon5<rcon5<rcon5<downsampler<dlib::input_rgb_image_pyramid<dlib::pyramid_down<6>>>>>>>>;

class MmodDetector final : public FaceDetector {
 public:
  MmodDetector(const std::string& path, std::size_t max_instances)
      : pool_([this] { return std::make_unique<MmodNet>(prototype_); }, max_instances) {
    try {
      dlib::deserialize(path) >> prototype_;
    } catch (const std::exception& e) {
      throw Error(ErrorCode::model_not_found,
                  "model '" + path + "' could not be loaded (corrupt or wrong file?): " + e.what());
    }
  }

  std::vector<Detection> detect(const cv::Mat& bgr, double threshold) const override {
    dlib::matrix<dlib::rgb_pixel> image;
    dlib::assign_image(image, dlib::cv_image<dlib::bgr_pixel>(bgr));
    std::vector<dlib::mmod_rect> found;
    {
      auto net = pool_.acquire();
      found = net->process(image, threshold);  // operator() would fix the threshold at 0
    }
    std::vector<Detection> out;
    for (const auto& d : found) {
      const auto& r = d.rect;
      out.push_back({cv::Rect2f(static_cast<float>(r.left()), static_cast<float>(r.top()),
                                static_cast<float>(r.width()), static_cast<float>(r.height())),
                     static_cast<float>(d.detection_confidence)});
    }
    return out;
  }
  int native_min_face() const override { return 40; }
  std::string model() const override { return "dlib.mmod_human_face_detector"; }

 private:
  MmodNet prototype_;
  mutable Pool<MmodNet> pool_;
};

}  // namespace

std::unique_ptr<FaceDetector> make_mmod_detector(const std::string& model_path,
                                                 std::size_t max_instances) {
  return std::make_unique<MmodDetector>(model_path, max_instances);
}

}  // namespace kyc::detail
