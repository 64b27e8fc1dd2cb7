// AAMVA benchmarks: payload parsing (target < 50 us) and PDF417 decode + parse of a
// licence-back-sized image (~1000x600, target <= 50 ms). The symbol is rendered at start-up with
// zxing-cpp's writer from a made-up payload, so no personal data is involved.
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "kyc/aamva.hpp"

namespace {

std::string payload() {
  const std::string dl =
      "DLDAQT12345678\nDCSPUBLIC\nDDEN\nDACJOHN\nDDFN\nDADQUINCY\nDDGN\nDCAD\nDCBNONE\nDCDNONE\n"
      "DBD01152020\nDBB07041980\nDBA07042028\nDBC1\nDAU070 in\nDAYBLU\nDAG100 MAIN STREET\n"
      "DAISPRINGFIELD\nDAJVA\nDAK223261234  \nDCF0123456789\nDCGUSA\nDDAF\nDDB12102018\nDDK1\r";
  const std::string zv = "ZVZVA01\r";
  char header[64];
  std::snprintf(header, sizeof header, "@\n\x1e\rANSI 636000100002DL%04d%04dZV%04d%04d", 41,
                static_cast<int>(dl.size()), 41 + static_cast<int>(dl.size()),
                static_cast<int>(zv.size()));
  return std::string(header) + dl + zv;
}

std::string stripped(std::string s) {
  std::string out;
  for (char c : s) {
    if (c != '\n' && c != '\r' && c != '\x1e') out.push_back(c);
  }
  return out;
}

// A 1000x600 gray "licence back": light background, the PDF417 symbol in the lower half.
std::vector<std::uint8_t> licence_back(int* width, int* height) {
  *width = 1000;
  *height = 600;
  std::vector<std::uint8_t> img(static_cast<std::size_t>(*width) * *height, 235);
  const std::string p = payload();
  std::wstring wide(p.begin(), p.end());
  ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::PDF417);
  writer.setEncoding(ZXing::CharacterSet::ISO8859_1).setMargin(8);
  const ZXing::BitMatrix m = writer.encode(wide, 900, 300);
  const int ox = (*width - m.width()) / 2;
  const int oy = 250;
  for (int y = 0; y < m.height() && oy + y < *height; ++y) {
    for (int x = 0; x < m.width() && ox + x < *width; ++x) {
      img[static_cast<std::size_t>(oy + y) * *width + ox + x] = m.get(x, y) ? 20 : 250;
    }
  }
  return img;
}

void BM_ParseAamva(benchmark::State& state) {
  const std::string p = payload();
  for (auto _ : state) {
    kyc::AamvaResult r = kyc::parse_aamva(p);
    if (!r.valid) state.SkipWithError("payload did not parse");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ParseAamva)->Unit(benchmark::kMicrosecond);

void BM_ParseAamvaStrippedSeparators(benchmark::State& state) {
  const std::string p = stripped(payload());
  for (auto _ : state) {
    kyc::AamvaResult r = kyc::parse_aamva(p);
    if (!r.valid) state.SkipWithError("payload did not parse");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ParseAamvaStrippedSeparators)->Unit(benchmark::kMicrosecond);

void BM_ParseAamvaToJson(benchmark::State& state) {
  const std::string p = payload();
  for (auto _ : state) benchmark::DoNotOptimize(kyc::parse_aamva(p).to_json());
}
BENCHMARK(BM_ParseAamvaToJson)->Unit(benchmark::kMicrosecond);

void BM_ReadAamvaLicenceBack(benchmark::State& state) {
  int w = 0;
  int h = 0;
  const std::vector<std::uint8_t> img = licence_back(&w, &h);
  const kyc::ImageView view(img.data(), w, h, kyc::PixelFormat::gray);
  kyc::Pdf417Options opts;
  opts.try_rotate = state.range(0) != 0;
  opts.try_harder = state.range(0) != 0;
  for (auto _ : state) {
    kyc::AamvaResult r = kyc::read_aamva(view, opts);
    if (!r.valid) state.SkipWithError("licence back did not decode");
    benchmark::DoNotOptimize(r);
  }
}
// Arg 1: default options (try_harder + try_rotate); arg 0: fast path (upright symbol only).
BENCHMARK(BM_ReadAamvaLicenceBack)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

void BM_ReadAamvaBlankImage(benchmark::State& state) {
  const std::vector<std::uint8_t> img(1000 * 600, 235);
  const kyc::ImageView view(img.data(), 1000, 600, kyc::PixelFormat::gray);
  for (auto _ : state) benchmark::DoNotOptimize(kyc::read_aamva(view));
}
BENCHMARK(BM_ReadAamvaBlankImage)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
