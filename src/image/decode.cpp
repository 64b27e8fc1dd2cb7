// Decoding by content with limits enforced on the header before any pixel allocation.
#include <gif_lib.h>
#include <sys/stat.h>

#include <cstring>
#include <fstream>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "image/convert.hpp"
#include "image/probe.hpp"
#include "kyc/error.hpp"

namespace kyc {
namespace detail {

Image to_image(const cv::Mat& mat, const ImageInfo& info) {
  const PixelFormat format = mat.channels() == 1 ? PixelFormat::gray : PixelFormat::bgr;
  Image image(mat.cols, mat.rows, format);
  const std::size_t row_bytes = static_cast<std::size_t>(mat.cols) * mat.elemSize();
  for (int y = 0; y < mat.rows; ++y) {
    std::memcpy(image.mutable_data() + y * row_bytes, mat.ptr(y), row_bytes);
  }
  ImageInfo out = info;
  out.width = mat.cols;
  out.height = mat.rows;
  image.set_info(out);
  return image;
}

}  // namespace detail

namespace {

void check_tiff_tiles(const detail::ProbeResult& probed, const ImageLimits& limits) {
  if (probed.tiff_tile_width == 0 && probed.tiff_tile_height == 0) return;
  // A tile larger than the image (rounded up to the 16-pixel tile grain) only serves to make the
  // decoder allocate: a 1x1 TIFF with 16384x16384 tiles would cost 1 GiB.
  auto grain = [](int v) { return (static_cast<std::uint64_t>(v) + 15) / 16 * 16; };
  const std::uint64_t tw = probed.tiff_tile_width, th = probed.tiff_tile_height;
  if (tw > grain(probed.info.width) || th > grain(probed.info.height) ||
      tw * th > limits.max_pixels) {
    throw Error(ErrorCode::limit_exceeded, "image: TIFF tiles of " + std::to_string(tw) + "x" +
                                               std::to_string(th) + " exceed the image or limits");
  }
}

}  // namespace

void detail::check_image_limits(const ImageInfo& info, const ImageLimits& limits) {
  if (info.encoded_bytes > limits.max_encoded_bytes) {
    throw Error(ErrorCode::limit_exceeded, "image: " + std::to_string(info.encoded_bytes) +
                                               " encoded bytes exceed the limit of " +
                                               std::to_string(limits.max_encoded_bytes));
  }
  const std::uint64_t pixels = static_cast<std::uint64_t>(info.width) * info.height;
  if (info.width > limits.max_dimension || info.height > limits.max_dimension ||
      pixels > limits.max_pixels) {
    throw Error(ErrorCode::limit_exceeded,
                "image: size " + std::to_string(info.width) + "x" + std::to_string(info.height) +
                    " exceeds the limits (max_dimension " + std::to_string(limits.max_dimension) +
                    ", max_pixels " + std::to_string(limits.max_pixels) + ")");
  }
}

namespace {

// The entropy-coded data never contains FF D9 (0xFF is byte-stuffed), so a complete first image
// has an EOI marker after its scan header. libjpeg would silently pad a truncated file with grey.
// Progressive files have one scan (FF DA) per refinement, typically about ten; libjpeg re-walks
// the whole coefficient buffer for each, so thousands of scans are a CPU bomb.
constexpr int kMaxJpegScans = 200;
void check_jpeg_complete(const std::uint8_t* d, std::size_t n, std::size_t scan_offset) {
  int scans = 1;
  for (std::size_t i = scan_offset; i + 1 < n; ++i) {
    if (d[i] != 0xFF) continue;
    if (d[i + 1] == 0xD9) return;
    if (d[i + 1] == 0xDA && ++scans > kMaxJpegScans) {
      throw Error(ErrorCode::limit_exceeded,
                  "image: JPEG with more than " + std::to_string(kMaxJpegScans) + " scans");
    }
  }
  throw Error(ErrorCode::invalid_image, "image: truncated JPEG (no end-of-image marker)");
}

struct GifReader {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t pos;
};

int gif_read(GifFileType* gif, GifByteType* out, int n) {
  auto* reader = static_cast<GifReader*>(gif->UserData);
  const std::size_t available = reader->size - reader->pos;
  const std::size_t count = std::min<std::size_t>(available, static_cast<std::size_t>(n));
  std::memcpy(out, reader->data + reader->pos, count);
  reader->pos += count;
  return static_cast<int>(count);
}

// First frame of a GIF composited on the logical screen (transparent pixels take the background
// colour). OpenCV 4.6 has no GIF decoder; giflib is the reference one.
cv::Mat decode_gif(const std::uint8_t* data, std::size_t size, const ImageLimits& limits) {
  GifReader reader{data, size, 0};
  int error = 0;
  GifFileType* gif = DGifOpen(&reader, gif_read, &error);
  if (gif == nullptr) throw Error(ErrorCode::invalid_image, "image: corrupt GIF header");
  struct Closer {
    GifFileType* g;
    ~Closer() {
      int e = 0;
      DGifCloseFile(g, &e);
    }
  } closer{gif};

  const int screen_w = gif->SWidth;
  const int screen_h = gif->SHeight;
  int transparent = -1;
  GifRecordType record;
  do {
    if (DGifGetRecordType(gif, &record) == GIF_ERROR) {
      throw Error(ErrorCode::invalid_image, "image: truncated or corrupt GIF");
    }
    if (record == EXTENSION_RECORD_TYPE) {
      int code = 0;
      GifByteType* ext = nullptr;
      if (DGifGetExtension(gif, &code, &ext) == GIF_ERROR) {
        throw Error(ErrorCode::invalid_image, "image: corrupt GIF extension");
      }
      while (ext != nullptr) {
        if (code == GRAPHICS_EXT_FUNC_CODE && ext[0] >= 4 && (ext[1] & 1)) transparent = ext[4];
        if (DGifGetExtensionNext(gif, &ext) == GIF_ERROR) {
          throw Error(ErrorCode::invalid_image, "image: corrupt GIF extension");
        }
      }
    } else if (record == IMAGE_DESC_RECORD_TYPE) {
      if (DGifGetImageDesc(gif) == GIF_ERROR) {
        throw Error(ErrorCode::invalid_image, "image: corrupt GIF image descriptor");
      }
      const GifImageDesc& desc = gif->Image;
      const int fw = desc.Width;
      const int fh = desc.Height;
      if (fw <= 0 || fh <= 0 || desc.Left < 0 || desc.Top < 0 ||
          static_cast<std::uint64_t>(fw) * fh > limits.max_pixels || fw > limits.max_dimension ||
          fh > limits.max_dimension) {
        throw Error(ErrorCode::limit_exceeded, "image: GIF frame size out of limits");
      }
      const ColorMapObject* map = desc.ColorMap ? desc.ColorMap : gif->SColorMap;
      if (map == nullptr) throw Error(ErrorCode::invalid_image, "image: GIF without a colour map");
      std::vector<GifByteType> indices(static_cast<std::size_t>(fw) * fh);
      if (desc.Interlace) {
        static const int kOffsets[] = {0, 4, 2, 1};
        static const int kSteps[] = {8, 8, 4, 2};
        for (int pass = 0; pass < 4; ++pass) {
          for (int y = kOffsets[pass]; y < fh; y += kSteps[pass]) {
            if (DGifGetLine(gif, indices.data() + static_cast<std::size_t>(y) * fw, fw) ==
                GIF_ERROR) {
              throw Error(ErrorCode::invalid_image, "image: truncated GIF pixel data");
            }
          }
        }
      } else {
        for (int y = 0; y < fh; ++y) {
          if (DGifGetLine(gif, indices.data() + static_cast<std::size_t>(y) * fw, fw) ==
              GIF_ERROR) {
            throw Error(ErrorCode::invalid_image, "image: truncated GIF pixel data");
          }
        }
      }
      const int canvas_w = screen_w > 0 ? screen_w : fw;
      const int canvas_h = screen_h > 0 ? screen_h : fh;
      const GifColorType bg = (gif->SColorMap && gif->SBackGroundColor < gif->SColorMap->ColorCount)
                                  ? gif->SColorMap->Colors[gif->SBackGroundColor]
                                  : GifColorType{255, 255, 255};
      cv::Mat canvas(canvas_h, canvas_w, CV_8UC3, cv::Scalar(bg.Blue, bg.Green, bg.Red));
      for (int y = 0; y < fh; ++y) {
        const int cy = desc.Top + y;
        if (cy >= canvas_h) break;
        auto* row = canvas.ptr<cv::Vec3b>(cy);
        for (int x = 0; x < fw; ++x) {
          const int cx = desc.Left + x;
          if (cx >= canvas_w) break;
          const int index = indices[static_cast<std::size_t>(y) * fw + x];
          if (index == transparent || index >= map->ColorCount) continue;
          const GifColorType c = map->Colors[index];
          row[cx] = cv::Vec3b(c.Blue, c.Green, c.Red);
        }
      }
      return canvas;
    }
  } while (record != TERMINATE_RECORD_TYPE);
  throw Error(ErrorCode::invalid_image, "image: GIF contains no frame");
}

cv::Mat apply_orientation(cv::Mat mat, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2:
      cv::flip(mat, out, 1);
      return out;
    case 3:
      cv::rotate(mat, out, cv::ROTATE_180);
      return out;
    case 4:
      cv::flip(mat, out, 0);
      return out;
    case 5:
      cv::transpose(mat, out);
      return out;
    case 6:
      cv::rotate(mat, out, cv::ROTATE_90_CLOCKWISE);
      return out;
    case 7:
      cv::transpose(mat, out);
      cv::flip(out, out, -1);
      return out;
    case 8:
      cv::rotate(mat, out, cv::ROTATE_90_COUNTERCLOCKWISE);
      return out;
    default:
      return mat;
  }
}

}  // namespace

Image decode_image(const std::uint8_t* data, std::size_t size, const ImageLimits& limits) {
  if (data == nullptr) throw Error(ErrorCode::invalid_argument, "image: null data pointer");
  if (size == 0) throw Error(ErrorCode::invalid_image, "image: empty input (0 bytes)");
  if (size > limits.max_encoded_bytes) {
    throw Error(ErrorCode::limit_exceeded, "image: " + std::to_string(size) +
                                               " encoded bytes exceed the limit of " +
                                               std::to_string(limits.max_encoded_bytes));
  }
  const detail::ProbeResult probed = detail::probe(data, size);
  detail::check_image_limits(probed.info, limits);
  check_tiff_tiles(probed, limits);

  cv::Mat decoded;
  if (probed.info.format == ImageFormat::gif) {
    decoded = decode_gif(data, size, limits);
  } else {
    if (probed.info.format == ImageFormat::jpeg) {
      check_jpeg_complete(data, size, probed.jpeg_scan_offset);
    }
    const cv::Mat encoded(1, static_cast<int>(std::min<std::size_t>(size, INT32_MAX)), CV_8UC1,
                          const_cast<std::uint8_t*>(data));  // NOLINT: imdecode only reads
    try {
      decoded = cv::imdecode(encoded, cv::IMREAD_ANYCOLOR | cv::IMREAD_IGNORE_ORIENTATION);
    } catch (const cv::Exception&) {
      decoded.release();
    }
    if (decoded.empty()) {
      throw Error(ErrorCode::invalid_image, std::string("image: corrupt or truncated ") +
                                                image_format_name(probed.info.format) + " data");
    }
    if (decoded.depth() != CV_8U) decoded.convertTo(decoded, CV_8U);
    if (decoded.channels() == 4) cv::cvtColor(decoded, decoded, cv::COLOR_BGRA2BGR);
    if (decoded.channels() == 2) cv::cvtColor(decoded, decoded, cv::COLOR_BGRA2BGR);
  }
  if (decoded.cols != probed.info.width || decoded.rows != probed.info.height) {
    // The header we checked disagrees with what the codec produced; re-check what we got.
    ImageInfo actual = probed.info;
    actual.width = decoded.cols;
    actual.height = decoded.rows;
    detail::check_image_limits(actual, limits);
  }
  // OpenCV's TIFF decoder applies the Orientation tag even with IMREAD_IGNORE_ORIENTATION.
  if (probed.info.format != ImageFormat::tiff) {
    decoded = apply_orientation(std::move(decoded), probed.info.exif_orientation);
  }
  return detail::to_image(decoded, probed.info);
}

namespace detail {

cv::Mat decode_bgr(const ImageInput& input, const ImageLimits& limits) {
  switch (input.kind()) {
    case ImageInput::Kind::view:
      if (input.view().empty()) throw Error(ErrorCode::invalid_argument, "empty image");
      return to_bgr(input.view()).clone();  // owned: the caller's pixels may go away
    case ImageInput::Kind::bytes:
      return to_bgr(decode_image(input.bytes(), input.size(), limits).view()).clone();
    case ImageInput::Kind::path:
      return to_bgr(load_image(input.path(), limits).view()).clone();
  }
  throw Error(ErrorCode::invalid_argument, "unknown image input kind");
}

}  // namespace detail

Image load_image(const std::string& path, const ImageLimits& limits) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw Error(ErrorCode::io_error, "image: cannot open file '" + path + "'");
  }
  if (!S_ISREG(st.st_mode)) {
    throw Error(ErrorCode::io_error, "image: '" + path + "' is not a regular file");
  }
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) throw Error(ErrorCode::io_error, "image: cannot open file '" + path + "'");
  const std::streamoff length = file.tellg();
  if (length < 0) throw Error(ErrorCode::io_error, "image: cannot read file '" + path + "'");
  if (length == 0) throw Error(ErrorCode::invalid_image, "image: file '" + path + "' is empty");
  if (static_cast<std::uint64_t>(length) > limits.max_encoded_bytes) {
    throw Error(ErrorCode::limit_exceeded,
                "image: file '" + path + "' has " + std::to_string(length) +
                    " bytes, over the limit of " + std::to_string(limits.max_encoded_bytes));
  }
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(length));
  file.seekg(0);
  if (!file.read(reinterpret_cast<char*>(bytes.data()), length)) {
    throw Error(ErrorCode::io_error, "image: cannot read file '" + path + "'");
  }
  return decode_image(bytes.data(), bytes.size(), limits);
}

}  // namespace kyc
