// Built without the AWS backends (-DKYC_AWS=OFF): asking for them names what is missing instead
// of listing them as unknown.
#include "engine/registry.hpp"
#include "kyc/error.hpp"

namespace kyc::detail {

namespace {
[[noreturn]] void unavailable() {
  throw Error(ErrorCode::backend_unavailable,
              "aws.rekognition: this build of kyc has no AWS backends (configure with "
              "-DKYC_AWS=ON; they need libcurl and OpenSSL)");
}
}  // namespace

void register_aws_backends() {
  register_builtin_face_analyzer(
      "aws.rekognition",
      [](const Config&, const ModelLocator&) -> std::shared_ptr<FaceAnalyzer> { unavailable(); });
  register_builtin_face_comparer(
      "aws.rekognition",
      [](const Config&, const ModelLocator&) -> std::shared_ptr<FaceComparer> { unavailable(); });
}

ExternalDocumentReader make_textract_document_reader(const Config&) {
  throw Error(ErrorCode::backend_unavailable,
              "aws.textract: this build of kyc has no AWS backends (configure with -DKYC_AWS=ON; "
              "they need libcurl and OpenSSL)");
}

}  // namespace kyc::detail
