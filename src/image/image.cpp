#include <limits>
#include <new>

#include "kyc/error.hpp"
#include "kyc/image.hpp"

namespace kyc {

int bytes_per_pixel(PixelFormat format) noexcept {
  switch (format) {
    case PixelFormat::gray:
      return 1;
    case PixelFormat::bgr:
    case PixelFormat::rgb:
      return 3;
    case PixelFormat::bgra:
    case PixelFormat::rgba:
      return 4;
  }
  return 0;
}

const char* pixel_format_name(PixelFormat format) noexcept {
  switch (format) {
    case PixelFormat::gray:
      return "gray";
    case PixelFormat::bgr:
      return "bgr";
    case PixelFormat::rgb:
      return "rgb";
    case PixelFormat::bgra:
      return "bgra";
    case PixelFormat::rgba:
      return "rgba";
  }
  return "unknown";
}

const char* image_format_name(ImageFormat format) noexcept {
  switch (format) {
    case ImageFormat::unknown:
      return "unknown";
    case ImageFormat::jpeg:
      return "jpeg";
    case ImageFormat::png:
      return "png";
    case ImageFormat::webp:
      return "webp";
    case ImageFormat::bmp:
      return "bmp";
    case ImageFormat::pnm:
      return "pnm";
    case ImageFormat::gif:
      return "gif";
    case ImageFormat::tiff:
      return "tiff";
    case ImageFormat::raw:
      return "raw";
  }
  return "unknown";
}

namespace {
// Dimensions that no camera produces; anything above is rejected before arithmetic can overflow.
constexpr int kMaxSide = 1 << 16;
}  // namespace

ImageView::ImageView(const std::uint8_t* data, int width, int height, PixelFormat format,
                     std::ptrdiff_t row_stride)
    : data_(data), width_(width), height_(height), format_(format), row_stride_(row_stride) {
  const int bpp = bytes_per_pixel(format);
  if (bpp == 0) throw Error(ErrorCode::invalid_argument, "image: unknown pixel format");
  if (data == nullptr) throw Error(ErrorCode::invalid_argument, "image: pixel pointer is null");
  if (width <= 0 || height <= 0 || width > kMaxSide || height > kMaxSide) {
    throw Error(ErrorCode::invalid_argument, "image: dimensions " + std::to_string(width) + "x" +
                                                 std::to_string(height) + " are out of range (1.." +
                                                 std::to_string(kMaxSide) + ")");
  }
  const std::ptrdiff_t min_stride = static_cast<std::ptrdiff_t>(width) * bpp;
  if (row_stride_ == 0) row_stride_ = min_stride;
  // Bounded so that row_stride * height cannot overflow in size checks and row arithmetic.
  constexpr std::ptrdiff_t kMaxStride = std::ptrdiff_t{1} << 24;
  if (row_stride_ > kMaxStride) {
    throw Error(ErrorCode::invalid_argument, "image: row stride " + std::to_string(row_stride_) +
                                                 " exceeds " + std::to_string(kMaxStride));
  }
  if (row_stride_ < min_stride) {
    throw Error(ErrorCode::invalid_argument, "image: row stride " + std::to_string(row_stride_) +
                                                 " is smaller than a row (" +
                                                 std::to_string(min_stride) + " bytes)");
  }
}

ImageView::ImageView(const std::uint8_t* data, std::size_t size, int width, int height,
                     PixelFormat format, std::ptrdiff_t row_stride)
    : ImageView(data, width, height, format, row_stride) {
  const std::size_t needed = static_cast<std::size_t>(row_stride_) * (height_ - 1) +
                             static_cast<std::size_t>(width_) * bytes_per_pixel(format_);
  if (size < needed) {
    throw Error(ErrorCode::invalid_argument,
                "image: buffer of " + std::to_string(size) + " bytes is too small for " +
                    std::to_string(width_) + "x" + std::to_string(height_) + " " +
                    pixel_format_name(format_) + " (needs " + std::to_string(needed) + ")");
  }
}

Image::Image(int width, int height, PixelFormat format)
    : width_(width), height_(height), format_(format) {
  if (width <= 0 || height <= 0 || width > kMaxSide || height > kMaxSide) {
    throw Error(ErrorCode::invalid_argument,
                "image: cannot allocate " + std::to_string(width) + "x" + std::to_string(height));
  }
  const std::size_t bytes =
      static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * bytes_per_pixel(format);
  pixels_.reset(new (std::nothrow) std::uint8_t[bytes]);
  if (!pixels_) {
    throw Error(ErrorCode::limit_exceeded,
                "image: out of memory allocating " + std::to_string(bytes) + " bytes");
  }
  info_.width = width;
  info_.height = height;
  info_.format = ImageFormat::raw;
}

ImageView Image::view() const {
  if (!pixels_) throw Error(ErrorCode::invalid_argument, "image: empty image");
  return ImageView(pixels_.get(), width_, height_, format_);
}

ImageInput ImageInput::from_bytes(const std::uint8_t* data, std::size_t size) {
  if (data == nullptr) throw Error(ErrorCode::invalid_argument, "image: null data pointer");
  if (size == 0) throw Error(ErrorCode::invalid_image, "image: empty input (0 bytes)");
  ImageInput input;
  input.kind_ = Kind::bytes;
  input.bytes_ = data;
  input.size_ = size;
  return input;
}

ImageInput ImageInput::from_path(std::string path) {
  if (path.empty()) throw Error(ErrorCode::invalid_argument, "image: empty path");
  ImageInput input;
  input.kind_ = Kind::path;
  input.path_ = std::move(path);
  return input;
}

}  // namespace kyc
