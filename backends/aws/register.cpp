// Registers the AWS backends under their configuration names.
#include "backends/aws/rekognition.hpp"
#include "engine/registry.hpp"
#include "kyc/config.hpp"
#include "kyc/error.hpp"

namespace kyc::detail {

namespace {
// A backend that cannot start (no region, a bad endpoint) is backend_unavailable naming it, like
// one that is not built; the cause follows.
template <typename Make>
auto start(Make&& make) -> decltype(make()) {
  try {
    return make();
  } catch (const Error& e) {
    throw Error(ErrorCode::backend_unavailable,
                std::string("aws.rekognition cannot start: ") + e.what());
  }
}
}  // namespace

void register_aws_backends() {
  register_builtin_face_analyzer("aws.rekognition", [](const Config& config, const ModelLocator&) {
    return start([&]() -> std::shared_ptr<FaceAnalyzer> {
      return std::make_shared<aws::RekognitionFaceAnalyzer>(config.aws);
    });
  });
  register_builtin_face_comparer("aws.rekognition", [](const Config& config, const ModelLocator&) {
    return start([&]() -> std::shared_ptr<FaceComparer> {
      return std::make_shared<aws::RekognitionFaceComparer>(config.aws);
    });
  });
}

}  // namespace kyc::detail
