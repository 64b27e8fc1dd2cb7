// Document-reading benchmarks: MRZ text parsing (with and without repair) and MRZ reading from a
// specimen image (band search, deskew, Tesseract, parse).
//
//   OMP_THREAD_LIMIT=1 KYC_SHARED=../shared ./build/dev/benchmarks/kyc_bench_document
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <kyc/kyc.hpp>
#include <string>
#include <vector>

#include "bench_support.hpp"

namespace {

using kyc_bench::read_bytes;
using kyc_bench::shared_dir;

const std::vector<std::string> kTd3 = {"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                                       "L898902C36UTO7408122F1204159ZE184226B<<<<<10"};

void BM_MrzParse(benchmark::State& state) {
  kyc::MrzParseOptions options;
  options.reference_date = "2026-06-01";
  for (auto _ : state) benchmark::DoNotOptimize(kyc::parse_mrz(kTd3, options));
}
BENCHMARK(BM_MrzParse);

// OCR-style damage: type confusions and one check-digit-guided repair in the personal number.
void BM_MrzParseWithRepair(benchmark::State& state) {
  auto lines = kTd3;
  lines[0][4] = '0';
  lines[1][13] = 'T';
  lines[1][28] = '2';
  kyc::MrzParseOptions options;
  options.reference_date = "2026-06-01";
  for (auto _ : state) benchmark::DoNotOptimize(kyc::parse_mrz(lines, options));
}
BENCHMARK(BM_MrzParseWithRepair);

void BM_MrzRead(benchmark::State& state, const char* relative) {
  const auto bytes = read_bytes(shared_dir() + "/data/docs/" + relative);
  if (bytes.empty()) {
    state.SkipWithError("missing specimen image (set KYC_SHARED)");
    return;
  }
  kyc::MrzReaderOptions options;
  options.tessdata_dir = shared_dir() + "/models/tessdata";
  const kyc::MrzReader reader(options);
  bool valid = true;
  for (auto _ : state) {
    const auto r = reader.read(kyc::ImageInput::from_bytes(bytes.data(), bytes.size()));
    valid = valid && r.valid;
  }
  if (!valid) state.SkipWithError("specimen not read as a valid MRZ");
}
BENCHMARK_CAPTURE(BM_MrzRead, td3_png, "passporteye/tests/data/passport-td3.png")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MrzRead, td2_jpg, "passporteye/tests/data/passport-td2.jpg")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MrzRead, id_che_td1, "passporteye/passporteye/mrz/testdata/100_id-che.jpg")
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
