// read_printed_cheque_fields on the template specimen cheque (../shared/data/docs/micr/cheques):
// one sparse OCR pass plus four line crops and the pixel statistics.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <opencv2/imgcodecs.hpp>
#include <string>

#include "document/cheque/printed_fields.hpp"
#include "document/ocr/tesseract.hpp"

#include "bench_support.hpp"

namespace {

using kyc_bench::shared_dir;

void BM_ReadPrintedChequeFields(benchmark::State& state) {
  const cv::Mat cheque =
      cv::imread(shared_dir() + "/data/docs/micr/cheques/template_check_01.jpg", cv::IMREAD_COLOR);
  if (cheque.empty()) {
    state.SkipWithError("template_check_01.jpg not found (set KYC_SHARED)");
    return;
  }
  kyc::detail::TesseractSettings settings;
  settings.tessdata_dir = kyc::detail::locate_tessdata_dir("eng", "");
  settings.model = "eng";
  settings.variables = {{"user_defined_dpi", "300"}};
  const kyc::detail::TesseractPool eng(settings);
  const kyc::ImageView view(cheque.data, cheque.cols, cheque.rows, kyc::PixelFormat::bgr,
                            static_cast<std::ptrdiff_t>(cheque.step));
  for (auto _ : state) {
    auto fields = kyc::detail::read_printed_cheque_fields(view, 485, eng);
    benchmark::DoNotOptimize(fields);
  }
  state.SetLabel("template_check_01.jpg 1387x579");
}
BENCHMARK(BM_ReadPrintedChequeFields)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
