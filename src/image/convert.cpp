// Bridging kyc image views and OpenCV (kept apart from decoding so that internal readers compiled
// into tests need only this file).
#include <opencv2/imgproc.hpp>

#include "image/convert.hpp"

namespace kyc::detail {

cv::Mat to_bgr(const ImageView& view) {
  const int type = view.format() == PixelFormat::gray ? CV_8UC1
                   : (view.format() == PixelFormat::bgr || view.format() == PixelFormat::rgb)
                       ? CV_8UC3
                       : CV_8UC4;
  // OpenCV takes a non-const pointer but the Mat is only read.
  const cv::Mat wrapped(view.height(), view.width(), type,
                        const_cast<std::uint8_t*>(view.data()),  // NOLINT
                        static_cast<std::size_t>(view.row_stride()));
  cv::Mat bgr;
  switch (view.format()) {
    case PixelFormat::bgr:
      return wrapped;
    case PixelFormat::gray:
      cv::cvtColor(wrapped, bgr, cv::COLOR_GRAY2BGR);
      break;
    case PixelFormat::rgb:
      cv::cvtColor(wrapped, bgr, cv::COLOR_RGB2BGR);
      break;
    case PixelFormat::bgra:
      cv::cvtColor(wrapped, bgr, cv::COLOR_BGRA2BGR);
      break;
    case PixelFormat::rgba:
      cv::cvtColor(wrapped, bgr, cv::COLOR_RGBA2BGR);
      break;
  }
  return bgr;
}

}  // namespace kyc::detail
