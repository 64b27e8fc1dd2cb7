// Per-stage and end-to-end face-match benchmarks on two real photos scaled to 640x480.
//
//   KYC_SHARED=../shared ./build/dev/benchmarks/kyc_bench_face
//
// Counters: rss_mb is the process resident set after the engine has loaded its models and run.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <kyc/kyc.hpp>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "bench_support.hpp"

namespace {

using kyc_bench::shared_dir;

double rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

// A 640x480 JPEG made from a real photo: cropped to 4:3 (keeping the upper part of portrait
// shots, where the face is), then resized.
std::vector<std::uint8_t> jpeg_640x480(const std::string& relative) {
  const std::string path = shared_dir() + "/data/faces/" + relative;
  cv::Mat image = cv::imread(path, cv::IMREAD_COLOR);
  if (image.empty()) {
    std::fprintf(stderr, "missing test photo %s (set KYC_SHARED)\n", path.c_str());
    std::exit(2);
  }
  const int w = std::min(image.cols, image.rows * 4 / 3);
  const int h = w * 3 / 4;
  cv::Mat crop = image(cv::Rect((image.cols - w) / 2, (image.rows - h) / 4, w, h));
  cv::Mat out;
  cv::resize(crop, out, cv::Size(640, 480), 0, 0, cv::INTER_AREA);
  std::vector<std::uint8_t> bytes;
  cv::imencode(".jpg", out, bytes, {cv::IMWRITE_JPEG_QUALITY, 90});
  return bytes;
}

struct Fixture {
  kyc::Engine engine;
  std::vector<std::uint8_t> a = jpeg_640x480("face_recognition/examples/obama.jpg");
  std::vector<std::uint8_t> b = jpeg_640x480("face_recognition/examples/obama2.jpg");
  kyc::Image image_a = engine.decode(kyc::ImageInput::from_bytes(a.data(), a.size()));
  kyc::Image image_b = engine.decode(kyc::ImageInput::from_bytes(b.data(), b.size()));
  std::vector<kyc::Face> faces_a = engine.detect_faces(image_a);
  Fixture() {
    if (faces_a.empty() || engine.detect_faces(image_b).empty()) {
      std::fprintf(stderr, "benchmark photos lost their face in the 640x480 crop\n");
      std::exit(2);
    }
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_Decode(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.engine.decode(kyc::ImageInput::from_bytes(f.a.data(), f.a.size())));
  }
}

void BM_DetectAndLandmarks(benchmark::State& state) {
  auto& f = fixture();
  kyc::StageTimings timings;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.engine.face_analyzer().analyze(f.image_a, &timings));
  }
  state.counters["detect_ms"] = timings.detect_ms / state.iterations();
  state.counters["landmarks_ms"] = timings.landmarks_ms / state.iterations();
}

void BM_Embed(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        f.engine.face_comparer().embed(f.image_a, {f.faces_a.front()}, nullptr));
  }
}

void BM_FaceMatchEndToEnd(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) {
    auto r = f.engine.face_match(kyc::ImageInput::from_bytes(f.a.data(), f.a.size()),
                                 kyc::ImageInput::from_bytes(f.b.data(), f.b.size()));
    if (!r.is_match()) state.SkipWithError("the two photos of one person did not match");
    benchmark::DoNotOptimize(r);
  }
  state.counters["rss_mb"] = rss_mb();
}

void BM_EngineLoad(benchmark::State& state) {
  for (auto _ : state) {
    kyc::Engine engine;
    benchmark::DoNotOptimize(engine);
  }
}

BENCHMARK(BM_Decode)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DetectAndLandmarks)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Embed)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FaceMatchEndToEnd)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_EngineLoad)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

int main(int argc, char** argv) {
  // Measure what CLI and Python users get: OpenBLAS on fitting kernels (see
  // kyc::recommended_openblas_coretype).
  if (std::getenv("OPENBLAS_CORETYPE") == nullptr) {
    if (const char* core = kyc::recommended_openblas_coretype()) {
      ::setenv("OPENBLAS_CORETYPE", core, 1);
      ::execv("/proc/self/exe", argv);
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("kyc", kyc::build_info());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
