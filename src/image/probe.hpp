// Internal: header-only inspection of encoded images.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kyc/image.hpp"

namespace kyc::detail {

struct ProbeResult {
  ImageInfo info;  ///< width/height as stored (before EXIF orientation)
  /// JPEG: offset of the first byte after the first SOS header (entropy-coded data); 0 otherwise.
  std::size_t jpeg_scan_offset = 0;
  /// Where the EXIF TIFF structure sits inside the input (JPEG APP1, PNG eXIf, WebP EXIF); 0 =
  /// none.
  std::size_t exif_offset = 0;
  std::size_t exif_size = 0;
  /// TIFF: tile size (0 = stripped). libtiff allocates whole tiles, so they are limit-checked too.
  std::uint32_t tiff_tile_width = 0;
  std::uint32_t tiff_tile_height = 0;
};

/// Identifies the format by magic bytes and reads dimensions from the header. Throws
/// Error(invalid_image) for a truncated/corrupt header, Error(unsupported_format) for unknown data.
ProbeResult probe(const std::uint8_t* data, std::size_t size);

/// Throws Error(limit_exceeded) when the encoded size or the dimensions exceed the limits. Used on
/// decoded headers (before allocation) and on raw pixel views alike.
void check_image_limits(const ImageInfo& info, const ImageLimits& limits);

/// Orientation tag (1..8) from an EXIF TIFF structure; 1 when absent or unreadable.
int exif_orientation(const std::uint8_t* tiff, std::size_t size);

}  // namespace kyc::detail
