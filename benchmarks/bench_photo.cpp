// Passport-photo check benchmarks on a real frontal portrait cropped to a 600x600 (US-format)
// photo: end to end from PNG bytes, from pixels, and the rules alone per rule.
//
//   KYC_SHARED=../shared ./build/release/benchmarks/kyc_bench_photo
//
// Counters on BM_PhotoCheckFromPixels: the mean cost of each rule in milliseconds.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <kyc/kyc.hpp>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "bench_support.hpp"

namespace {

using kyc_bench::shared_dir;

// The portrait's head and shoulders, square, at 600x600.
cv::Mat photo_600() {
  const std::string path =
      shared_dir() +
      "/data/faces/face_recognition/examples/knn_examples/train/alex_lacamoire/img1.jpg";
  const cv::Mat image = cv::imread(path, cv::IMREAD_COLOR);
  if (image.empty()) {
    std::fprintf(stderr, "missing test photo %s (set KYC_SHARED)\n", path.c_str());
    std::exit(2);
  }
  cv::Mat out;
  cv::resize(image(cv::Rect(0, 0, 874, 874)), out, cv::Size(600, 600), 0, 0, cv::INTER_AREA);
  return out;
}

struct Fixture {
  kyc::Engine engine;
  cv::Mat pixels = photo_600();
  std::vector<std::uint8_t> png;
  kyc::PhotoProfile profile = kyc::PhotoProfile::builtin("us");
  Fixture() {
    cv::imencode(".png", pixels, png);
    // Load the 68-point model before timing.
    if (engine.check_photo(view(), profile).face_count != 1) {
      std::fprintf(stderr, "benchmark photo lost its face\n");
      std::exit(2);
    }
  }
  kyc::ImageView view() const {
    return kyc::ImageView(pixels.data, pixels.cols, pixels.rows, kyc::PixelFormat::bgr,
                          static_cast<std::ptrdiff_t>(pixels.step));
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_PhotoCheckFromPng(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        f.engine.check_photo(kyc::ImageInput::from_bytes(f.png.data(), f.png.size()), f.profile));
  }
}

void BM_PhotoCheckFromPixels(benchmark::State& state) {
  auto& f = fixture();
  std::map<std::string, double> rule_ms;
  double detect = 0, landmarks = 0, rules = 0;
  for (auto _ : state) {
    const kyc::PhotoCheckResult r = f.engine.check_photo(f.view(), f.profile);
    for (const auto& [id, ms] : r.rule_ms) rule_ms[id] += ms;
    detect += r.timings.detect_ms;
    landmarks += r.timings.landmarks_ms;
    rules += r.rules_ms;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["detect_ms"] = detect / n;
  state.counters["landmarks_ms"] = landmarks / n;
  state.counters["rules_ms"] = rules / n;
  for (const auto& [id, ms] : rule_ms) state.counters[id] = ms / n;
}

void BM_Annotate(benchmark::State& state) {
  auto& f = fixture();
  const kyc::PhotoCheckResult r = f.engine.check_photo(f.view(), f.profile);
  for (auto _ : state) {
    benchmark::DoNotOptimize(kyc::annotate_photo(f.view(), r, f.profile));
  }
}

}  // namespace

BENCHMARK(BM_PhotoCheckFromPng)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PhotoCheckFromPixels)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Annotate)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
