// Registers the AWS backends under their configuration names.
#include "backends/aws/rekognition.hpp"
#include "backends/aws/textract.hpp"
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

ExternalDocumentReader make_textract_document_reader(const Config& config) {
  std::shared_ptr<const aws::TextractReader> reader;
  try {
    reader = std::make_shared<const aws::TextractReader>(config.aws);
  } catch (const Error& e) {
    throw Error(ErrorCode::backend_unavailable,
                std::string("aws.textract cannot start: ") + e.what());
  }
  MrzParseOptions mrz_options;
  mrz_options.reference_date = config.document.as_of;
  return [reader, mrz_options](const ImageView& front, const ImageView* back) {
    std::vector<ImageView> pages{front};
    if (back != nullptr) pages.push_back(*back);
    const aws::AnalyzeIdResult result = reader->analyze_id(pages, mrz_options);
    ExternalDocumentRead read;
    read.reader = "aws.textract";
    read.reads = result.to_document_reads();
    read.mrz = result.mrz;
    read.evidence_json = result.to_json();
    read.request_id = result.request_id;
    return read;
  };
}

}  // namespace kyc::detail
