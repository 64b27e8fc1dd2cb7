// PDF417 detection with zxing-cpp (1.4 API: ReadBarcodes(ImageView, DecodeHints)).
// text() returns UTF-8 with this defined (zxing-cpp 1.4 transition switch).
#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>

#include <algorithm>

#include "document/aamva/aamva_internal.hpp"
#include "kyc/error.hpp"

namespace kyc {

namespace {

ZXing::ImageFormat zxing_format(PixelFormat format) {
  switch (format) {
    case PixelFormat::gray:
      return ZXing::ImageFormat::Lum;
    case PixelFormat::bgr:
      return ZXing::ImageFormat::BGR;
    case PixelFormat::rgb:
      return ZXing::ImageFormat::RGB;
    case PixelFormat::bgra:
      return ZXing::ImageFormat::BGRX;
    case PixelFormat::rgba:
      return ZXing::ImageFormat::RGBX;
  }
  return ZXing::ImageFormat::None;
}

}  // namespace

std::vector<Pdf417Symbol> read_pdf417(const ImageView& image, const Pdf417Options& options) {
  if (image.empty()) throw Error(ErrorCode::invalid_argument, "read_pdf417: empty image");
  ZXing::ImageView view(image.data(), image.width(), image.height(), zxing_format(image.format()),
                        static_cast<int>(image.row_stride()));
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::PDF417);
  hints.setTryRotate(options.try_rotate);
  hints.setTryHarder(options.try_harder);
  hints.setMaxNumberOfSymbols(static_cast<uint8_t>(std::clamp(options.max_symbols, 1, 255)));
  // AAMVA payloads are bytes (ISO 8859-1 by default); keep them as encoded.
  hints.setCharacterSet("ISO-8859-1");
  std::vector<Pdf417Symbol> out;
  for (const ZXing::Result& res : ZXing::ReadBarcodes(view, hints)) {
    if (!res.isValid() || res.format() != ZXing::BarcodeFormat::PDF417) continue;
    Pdf417Symbol sym;
    const ZXing::ByteArray& bytes = res.bytes();
    sym.bytes.assign(bytes.begin(), bytes.end());
    sym.text = res.text();
    const auto& pos = res.position();
    for (int i = 0; i < 4; ++i) {
      sym.position.x[i] = pos[i].x;
      sym.position.y[i] = pos[i].y;
    }
    sym.orientation_degrees = res.orientation();
    out.push_back(std::move(sym));
  }
  return out;
}

AamvaResult read_aamva(const ImageView& image, const Pdf417Options& options) {
  const std::vector<Pdf417Symbol> symbols = read_pdf417(image, options);
  if (symbols.empty()) {
    AamvaResult r;
    r.reason = "no_barcode";
    r.message = "no PDF417 symbol found in the image";
    return r;
  }
  AamvaResult first;
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    AamvaResult r = parse_aamva(symbols[i].bytes.data(), symbols[i].bytes.size());
    r.has_position = true;
    r.position = symbols[i].position;
    if (r.valid) return r;
    if (i == 0) first = std::move(r);
  }
  if (first.reason != "too_large" && first.reason != "empty") {
    // Not an AAMVA payload (or a damaged one): report it as such, with where the symbol was.
    if (first.reason != "truncated_header" && first.reason != "invalid_header" &&
        first.reason != "no_dl_id_subfile") {
      first.reason = "not_aamva";
    }
  }
  return first;
}

}  // namespace kyc
