// Cheque benchmarks: MICR line parsing, read_micr on a real MICR crop, read_cheque on the shared
// cheque images (band search, deskew, E-13B OCR, printed fields, checks). Target <= 300 ms per
// cheque with OMP_THREAD_LIMIT=1 (issue 8).
//
//   OMP_THREAD_LIMIT=1 KYC_SHARED=../shared ./build/dev/benchmarks/kyc_bench_cheque
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <kyc/kyc.hpp>
#include <random>
#include <string>
#include <vector>

#include "bench_support.hpp"

namespace {

using kyc_bench::read_bytes;
using kyc_bench::shared_dir;

const kyc::ChequeReader& reader() {
  static const kyc::ChequeReader instance([] {
    kyc::ChequeReaderOptions options;
    options.tessdata_dir = shared_dir() + "/models/tessdata";
    return options;
  }());
  return instance;
}

void BM_ParseMicrLine(benchmark::State& state) {
  // finos/fin-ocr-sdk's check13 line (micr_cases.json "other"), Unicode symbols.
  const std::string line = "\u24480024154\u2448\u2446031100649\u24464400000084\u2448";
  for (auto _ : state) benchmark::DoNotOptimize(kyc::parse_micr_line(line));
}
BENCHMARK(BM_ParseMicrLine);

void BM_ReadMicr(benchmark::State& state) {
  const auto bytes =
      read_bytes(shared_dir() + "/data/docs/micr/lines/reallife_cgi_1212993800-0.tif");
  if (bytes.empty()) {
    state.SkipWithError("missing MICR crop (set KYC_SHARED)");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        reader().read_micr(kyc::ImageInput::from_bytes(bytes.data(), bytes.size())));
  }
}
BENCHMARK(BM_ReadMicr)->Unit(benchmark::kMillisecond);

void BM_ReadCheque(benchmark::State& state, const char* name) {
  const auto bytes = read_bytes(shared_dir() + "/data/docs/micr/cheques/" + name);
  if (bytes.empty()) {
    state.SkipWithError("missing cheque image (set KYC_SHARED)");
    return;
  }
  reader().read_cheque(kyc::ImageInput::from_bytes(bytes.data(), bytes.size()));  // load models
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        reader().read_cheque(kyc::ImageInput::from_bytes(bytes.data(), bytes.size())));
  }
}
BENCHMARK_CAPTURE(BM_ReadCheque, template, "template_check_01.jpg")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReadCheque, sample, "sample_check_03.jpg")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReadCheque, wikimedia, "wikimedia_sample_check.png")
    ->Unit(benchmark::kMillisecond);

// Worst-case input: an 800x300 image of uniform random noise. No MICR line settles, so every
// search pass runs (band and whole image, upright and turned, shape and OCR block): the cost a
// caller pays for garbage, not a target.
void BM_ReadChequeNoise(benchmark::State& state) {
  constexpr int kWidth = 800, kHeight = 300;
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(kWidth) * kHeight * 3);
  std::mt19937 rng(20261122);
  for (auto& p : pixels) p = static_cast<std::uint8_t>(rng() & 0xff);
  const kyc::ImageView view(pixels.data(), kWidth, kHeight, kyc::PixelFormat::bgr, kWidth * 3);
  for (auto _ : state) benchmark::DoNotOptimize(reader().read_cheque(kyc::ImageInput(view)));
}
BENCHMARK(BM_ReadChequeNoise)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
