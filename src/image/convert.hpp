// Internal: bridging kyc images and OpenCV.
#pragma once

#include <opencv2/core.hpp>

#include "kyc/image.hpp"

namespace kyc::detail {

/// A BGR (CV_8UC3) Mat for any view: wraps the caller's pixels without copying when the view is
/// already BGR, converts otherwise (alpha is dropped).
cv::Mat to_bgr(const ImageView& view);

/// Any image input (view, encoded bytes, path) as an owned BGR Mat, decoded with `limits`.
/// Throws Error(invalid_argument) for an empty view, and decode_image's errors otherwise.
cv::Mat decode_bgr(const ImageInput& input, const ImageLimits& limits);

/// Copies a decoded Mat (CV_8UC1 or CV_8UC3) into an owned kyc::Image.
Image to_image(const cv::Mat& mat, const ImageInfo& info);

}  // namespace kyc::detail
