// kyc — image input.
//
// One non-owning view type (ImageView) is accepted everywhere; Image owns decoded pixels.
// Decoding identifies the format from the bytes (a file's extension may lie), reads the header,
// and enforces ImageLimits *before* any pixel buffer is allocated.
//
// Thread-safety: all functions here are re-entrant; ImageView is a plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "kyc/export.hpp"

namespace kyc {

/// Pixel layout of 8-bit images. The channel order is the memory order.
enum class PixelFormat : std::uint8_t { gray = 0, bgr = 1, rgb = 2, bgra = 3, rgba = 4 };

/// Bytes per pixel of a format (1, 3 or 4).
KYC_API int bytes_per_pixel(PixelFormat format) noexcept;
/// "gray", "bgr", "rgb", "bgra", "rgba".
KYC_API const char* pixel_format_name(PixelFormat format) noexcept;

/// A non-owning view of 8-bit pixels. The caller keeps the buffer alive while the view is used.
class KYC_API ImageView {
 public:
  ImageView() = default;
  /// row_stride 0 means tightly packed (width * bytes_per_pixel). Throws Error(invalid_argument)
  /// on a null pointer, non-positive size, or a stride smaller than a row.
  ImageView(const std::uint8_t* data, int width, int height, PixelFormat format,
            std::ptrdiff_t row_stride = 0);
  /// As above, and also checks that `size` bytes cover every row (for buffers from FFI callers).
  ImageView(const std::uint8_t* data, std::size_t size, int width, int height, PixelFormat format,
            std::ptrdiff_t row_stride = 0);

  const std::uint8_t* data() const noexcept { return data_; }
  int width() const noexcept { return width_; }
  int height() const noexcept { return height_; }
  PixelFormat format() const noexcept { return format_; }
  std::ptrdiff_t row_stride() const noexcept { return row_stride_; }
  bool empty() const noexcept { return data_ == nullptr; }
  const std::uint8_t* row(int y) const noexcept { return data_ + y * row_stride_; }

 private:
  const std::uint8_t* data_ = nullptr;
  int width_ = 0;
  int height_ = 0;
  PixelFormat format_ = PixelFormat::gray;
  std::ptrdiff_t row_stride_ = 0;
};

/// Limits enforced before decoding allocates anything.
struct ImageLimits {
  std::size_t max_encoded_bytes = 50u * 1024u * 1024u;  ///< 50 MiB of compressed input
  std::uint64_t max_pixels = 40'000'000;                ///< 40 megapixels (width * height)
  int max_dimension = 20'000;                           ///< longest side, in pixels
};

/// Container formats recognised by content.
enum class ImageFormat : std::uint8_t { unknown, jpeg, png, webp, bmp, pnm, gif, tiff, raw };
KYC_API const char* image_format_name(ImageFormat format) noexcept;

/// What decoding found out about the encoded input.
struct ImageInfo {
  ImageFormat format = ImageFormat::unknown;
  int width = 0;   ///< of the decoded image (after EXIF orientation); probe_image: as stored
  int height = 0;  ///< of the decoded image (after EXIF orientation); probe_image: as stored
  int exif_orientation = 1;  ///< 1..8 as found in the file (1 = none / upright)
  std::size_t encoded_bytes = 0;
  /// JPEG only: the libjpeg-scale quality (1..100) its luminance quantisation table corresponds
  /// to, estimated from the DQT segment; 0 when not JPEG or not estimable.
  int jpeg_quality = 0;
};

/// An owned, decoded 8-bit image (BGR or gray as decoded). Movable, not copyable.
class KYC_API Image {
 public:
  Image() = default;
  /// Allocates width*height pixels; throws Error(limit_exceeded/invalid_argument) on absurd sizes.
  Image(int width, int height, PixelFormat format);
  Image(Image&&) noexcept = default;
  Image& operator=(Image&&) noexcept = default;
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;

  ImageView view() const;
  operator ImageView() const { return view(); }  // NOLINT: an owned image is usable as a view
  std::uint8_t* mutable_data() noexcept { return pixels_.get(); }
  int width() const noexcept { return width_; }
  int height() const noexcept { return height_; }
  PixelFormat format() const noexcept { return format_; }
  const ImageInfo& info() const noexcept { return info_; }
  void set_info(const ImageInfo& info) { info_ = info; }

 private:
  std::unique_ptr<std::uint8_t[]> pixels_;
  int width_ = 0;
  int height_ = 0;
  PixelFormat format_ = PixelFormat::gray;
  ImageInfo info_;
};

/// Reads the format and dimensions from the header only; never decodes pixels.
/// Throws Error(invalid_image / unsupported_format) when the header is unreadable.
KYC_API ImageInfo probe_image(const std::uint8_t* data, std::size_t size);

/// Decodes JPEG, PNG, WebP, BMP, PGM/PPM, TIFF or the first frame of a GIF, identified by content,
/// applies EXIF orientation, and returns BGR (colour) or gray pixels. Limits are checked against
/// the header before allocation. Throws Error(invalid_image, unsupported_format, limit_exceeded).
KYC_API Image decode_image(const std::uint8_t* data, std::size_t size,
                           const ImageLimits& limits = {});
/// Reads a file (refusing files over limits.max_encoded_bytes before reading) and decodes it.
/// Throws Error(io_error) when the file cannot be read.
KYC_API Image load_image(const std::string& path, const ImageLimits& limits = {});

/// An image argument for Engine calls: a view of raw pixels, encoded bytes (non-owning), or a
/// path. Encoded inputs are decoded by the engine with its configured limits, and the decode time
/// is reported.
class KYC_API ImageInput {
 public:
  ImageInput(const ImageView& view)
      : kind_(Kind::view), view_(view) {}                       // NOLINT: implicit on purpose
  ImageInput(const Image& image) : ImageInput(image.view()) {}  // NOLINT
  ImageInput(Image&&) = delete;  // a view of a temporary would dangle: keep the Image alive
  static ImageInput from_bytes(const std::uint8_t* data, std::size_t size);
  static ImageInput from_path(std::string path);

  enum class Kind { view, bytes, path };
  Kind kind() const noexcept { return kind_; }
  const ImageView& view() const noexcept { return view_; }
  const std::uint8_t* bytes() const noexcept { return bytes_; }
  std::size_t size() const noexcept { return size_; }
  const std::string& path() const noexcept { return path_; }

 private:
  ImageInput() = default;
  Kind kind_ = Kind::view;
  ImageView view_;
  const std::uint8_t* bytes_ = nullptr;
  std::size_t size_ = 0;
  std::string path_;
};

}  // namespace kyc
