// AWS backend costs that happen on this machine (no network): SigV4 signing of a typical
// CompareFaces body (two ~300 kB images as base64) and image preparation for Rekognition.
#include <benchmark/benchmark.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "backends/aws/client.hpp"
#include "backends/aws/rekognition.hpp"
#include "backends/aws/sigv4.hpp"

namespace {

void BM_SignCompareFacesRequest(benchmark::State& state) {
  const std::string body(static_cast<std::size_t>(state.range(0)), 'A');
  const kyc::aws::Credentials credentials{"AKIDEXAMPLE", "secret", "token", "bench", 0};
  kyc::aws::SigningParams params;
  params.region = "us-east-1";
  params.service = "rekognition";
  params.time = 1440938160;
  for (auto _ : state) {
    kyc::aws::HttpRequest request;
    request.method = "POST";
    request.headers = {{"Host", "rekognition.us-east-1.amazonaws.com"},
                       {"Content-Type", "application/x-amz-json-1.1"},
                       {"X-Amz-Target", "RekognitionService.CompareFaces"}};
    request.body = body;
    benchmark::DoNotOptimize(kyc::aws::sign_request(request, credentials, params));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SignCompareFacesRequest)->Arg(1024)->Arg(800 * 1024)->Unit(benchmark::kMicrosecond);

// A smooth synthetic photo (gradients + blur) of the given megapixels, 4:3.
kyc::Image synthetic_photo(double megapixels) {
  const int width = static_cast<int>(std::sqrt(megapixels * 1e6 * 4 / 3));
  const int height = width * 3 / 4;
  kyc::Image image(width, height, kyc::PixelFormat::bgr);
  cv::Mat mat(height, width, CV_8UC3, image.mutable_data(),
              static_cast<std::size_t>(image.view().row_stride()));
  cv::randu(mat, cv::Scalar::all(0), cv::Scalar::all(255));
  cv::GaussianBlur(mat, mat, cv::Size(0, 0), 3);
  return image;
}

void BM_PrepareImage(benchmark::State& state) {
  const kyc::Image image = synthetic_photo(static_cast<double>(state.range(0)));
  std::size_t bytes = 0;
  for (auto _ : state) {
    const auto prepared = kyc::aws::prepare_image(image.view());
    bytes = prepared.bytes.size();
    benchmark::DoNotOptimize(prepared);
  }
  state.counters["jpeg_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_PrepareImage)->Arg(1)->Arg(12)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
