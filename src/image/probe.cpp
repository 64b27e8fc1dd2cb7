// Format identification and header parsing without decoding pixels. Every read is bounds-checked:
// this code sees hostile bytes first.
#include "image/probe.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstring>
#include <string>

#include "kyc/error.hpp"

namespace kyc::detail {
namespace {

[[noreturn]] void corrupt(const char* format, const char* what) {
  throw Error(ErrorCode::invalid_image,
              std::string("image: corrupt ") + format + " header (" + what + ")");
}

std::uint32_t be16(const std::uint8_t* p) {
  return (p[0] << 8) | p[1];
}
std::uint32_t le16(const std::uint8_t* p) {
  return p[0] | (p[1] << 8);
}
std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}
std::uint32_t le32(const std::uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t(p[3]) << 24);
}
std::uint32_t le24(const std::uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16);
}

bool starts_with(const std::uint8_t* data, std::size_t size, const char* magic, std::size_t n) {
  return size >= n && std::memcmp(data, magic, n) == 0;
}

bool is_sof(std::uint8_t marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

// The IJG reference luminance table (ITU-T T.81 Annex K.1); libjpeg scales it by
// 5000/q (q < 50) or 200 - 2q percent. Summing both tables inverts the scaling regardless of the
// zig-zag order, so an encoder's quality setting is recovered to within about 1.
constexpr int kStdLuminanceSum = 16 + 11 + 10 + 16 + 24 + 40 + 51 + 61 + 12 + 12 + 14 + 19 + 26 +
                                 58 + 60 + 55 + 14 + 13 + 16 + 24 + 40 + 57 + 69 + 56 + 14 + 17 +
                                 22 + 29 + 51 + 87 + 80 + 62 + 18 + 22 + 37 + 56 + 68 + 109 + 103 +
                                 77 + 24 + 35 + 55 + 64 + 81 + 104 + 113 + 92 + 49 + 64 + 78 + 87 +
                                 103 + 121 + 120 + 101 + 72 + 92 + 95 + 98 + 112 + 100 + 103 + 99;

int quality_from_dqt(const std::uint8_t* seg, std::size_t len) {
  std::size_t pos = 0;
  while (pos < len) {
    const int precision = seg[pos] >> 4;
    const int id = seg[pos] & 0x0F;
    const std::size_t size = precision == 0 ? 64 : 128;
    if (pos + 1 + size > len) return 0;
    if (id == 0) {
      double sum = 0;
      for (std::size_t i = 0; i < 64; ++i) {
        sum += precision == 0 ? seg[pos + 1 + i] : be16(seg + pos + 1 + 2 * i) / 256.0;
      }
      const double scale = sum * 100.0 / kStdLuminanceSum;  // percent of the reference table
      const double q = scale <= 100.0 ? (200.0 - scale) / 2.0 : 5000.0 / scale;
      return std::clamp(static_cast<int>(std::lround(q)), 1, 100);
    }
    pos += 1 + size;
  }
  return 0;
}

void probe_jpeg(const std::uint8_t* d, std::size_t n, ProbeResult& r) {
  std::size_t pos = 2;
  bool have_size = false;
  while (pos < n) {
    if (d[pos] != 0xFF) corrupt("JPEG", "expected a marker");
    while (pos < n && d[pos] == 0xFF) ++pos;  // fill bytes
    if (pos >= n) break;
    const std::uint8_t marker = d[pos++];
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;
    if (marker == 0xD9) break;  // EOI before any scan
    if (pos + 2 > n) break;
    const std::size_t len = be16(d + pos);
    if (len < 2 || pos + len > n) corrupt("JPEG", "segment runs past the end");
    const std::uint8_t* seg = d + pos + 2;
    const std::size_t seg_len = len - 2;
    if (is_sof(marker)) {
      if (seg_len < 6) corrupt("JPEG", "short SOF");
      r.info.height = static_cast<int>(be16(seg + 1));
      r.info.width = static_cast<int>(be16(seg + 3));
      if (r.info.width == 0 || r.info.height == 0) corrupt("JPEG", "zero dimension");
      have_size = true;
    } else if (marker == 0xE1 && r.exif_offset == 0 && seg_len > 6 &&
               std::memcmp(seg, "Exif\0\0", 6) == 0) {
      r.exif_offset = static_cast<std::size_t>(seg + 6 - d);
      r.exif_size = seg_len - 6;
    } else if (marker == 0xDB && r.info.jpeg_quality == 0) {
      r.info.jpeg_quality = quality_from_dqt(seg, seg_len);
    } else if (marker == 0xDA) {
      if (!have_size) corrupt("JPEG", "scan before frame header");
      r.jpeg_scan_offset = pos + len;
      return;
    }
    pos += len;
  }
  if (!have_size) corrupt("JPEG", "no frame header");
  throw Error(ErrorCode::invalid_image, "image: truncated JPEG (no image data)");
}

void probe_png(const std::uint8_t* d, std::size_t n, ProbeResult& r) {
  if (n < 33 || std::memcmp(d + 12, "IHDR", 4) != 0) corrupt("PNG", "missing IHDR");
  r.info.width = static_cast<int>(std::min<std::uint32_t>(be32(d + 16), 0x7FFFFFFF));
  r.info.height = static_cast<int>(std::min<std::uint32_t>(be32(d + 20), 0x7FFFFFFF));
  if (r.info.width == 0 || r.info.height == 0) corrupt("PNG", "zero dimension");
  // eXIf carries orientation in PNG; it precedes IDAT.
  std::size_t pos = 8;
  while (pos + 12 <= n) {
    const std::size_t len = be32(d + pos);
    const std::uint8_t* type = d + pos + 4;
    if (len > n - pos - 12) break;
    if (std::memcmp(type, "eXIf", 4) == 0) {
      r.exif_offset = pos + 8;
      r.exif_size = len;
      break;
    }
    if (std::memcmp(type, "IDAT", 4) == 0) break;
    pos += 12 + len;
  }
}

void probe_gif(const std::uint8_t* d, std::size_t n, ProbeResult& r) {
  if (n < 10) corrupt("GIF", "short header");
  r.info.width = static_cast<int>(le16(d + 6));
  r.info.height = static_cast<int>(le16(d + 8));
  if (r.info.width == 0 || r.info.height == 0) corrupt("GIF", "zero dimension");
}

void probe_bmp(const std::uint8_t* d, std::size_t n, ProbeResult& r) {
  if (n < 26) corrupt("BMP", "short header");
  const std::uint32_t dib = le32(d + 14);
  if (dib == 12) {
    r.info.width = static_cast<int>(le16(d + 18));
    r.info.height = static_cast<int>(le16(d + 20));
  } else {
    if (n < 26 || dib < 40) corrupt("BMP", "unknown DIB header");
    const auto w = static_cast<std::int32_t>(le32(d + 18));
    const auto h = static_cast<std::int32_t>(le32(d + 22));
    if (w <= 0 || h == 0 || h == INT32_MIN) corrupt("BMP", "bad dimensions");
    r.info.width = w;
    r.info.height = h < 0 ? -h : h;
  }
  if (r.info.width == 0 || r.info.height == 0) corrupt("BMP", "zero dimension");
}

void probe_webp(const std::uint8_t* d, std::size_t n, ProbeResult& r) {
  if (n < 30) corrupt("WebP", "short header");
  const std::uint8_t* chunk = d + 12;
  if (std::memcmp(chunk, "VP8X", 4) == 0) {
    r.info.width = static_cast<int>(le24(chunk + 12) + 1);
    r.info.height = static_cast<int>(le24(chunk + 15) + 1);
    // Look for an EXIF chunk among the following chunks.
    std::size_t pos = 12;
    while (pos + 8 <= n) {
      const std::size_t len = le32(d + pos + 4);
      if (len > n - pos - 8) break;
      if (std::memcmp(d + pos, "EXIF", 4) == 0) {
        r.exif_offset = pos + 8;
        r.exif_size = len;
        // Some writers keep the JPEG "Exif\0\0" prefix.
        if (len > 6 && std::memcmp(d + pos + 8, "Exif\0\0", 6) == 0) {
          r.exif_offset += 6;
          r.exif_size -= 6;
        }
        break;
      }
      pos += 8 + len + (len & 1);
    }
  } else if (std::memcmp(chunk, "VP8 ", 4) == 0) {
    const std::uint8_t* f = chunk + 8;
    if (f[3] != 0x9D || f[4] != 0x01 || f[5] != 0x2A) corrupt("WebP", "bad VP8 start code");
    r.info.width = static_cast<int>(le16(f + 6) & 0x3FFF);
    r.info.height = static_cast<int>(le16(f + 8) & 0x3FFF);
  } else if (std::memcmp(chunk, "VP8L", 4) == 0) {
    const std::uint8_t* f = chunk + 8;
    if (f[0] != 0x2F) corrupt("WebP", "bad VP8L signature");
    const std::uint32_t bits = le32(f + 1);
    r.info.width = static_cast<int>((bits & 0x3FFF) + 1);
    r.info.height = static_cast<int>(((bits >> 14) & 0x3FFF) + 1);
  } else {
    corrupt("WebP", "unknown first chunk");
  }
  if (r.info.width == 0 || r.info.height == 0) corrupt("WebP", "zero dimension");
}

// Netpbm: "P5 <w> <h> <max>" with whitespace and '#' comments between tokens.
void probe_pnm(const std::uint8_t* d, std::size_t n, ProbeResult& r) {
  std::size_t pos = 2;
  auto next_number = [&]() -> long {
    for (;;) {
      while (pos < n && std::isspace(d[pos])) ++pos;
      if (pos < n && d[pos] == '#') {
        while (pos < n && d[pos] != '\n') ++pos;
        continue;
      }
      break;
    }
    if (pos >= n || !std::isdigit(d[pos])) corrupt("PNM", "expected a number");
    long value = 0;
    while (pos < n && std::isdigit(d[pos])) {
      value = value * 10 + (d[pos++] - '0');
      if (value > 1'000'000) corrupt("PNM", "dimension too large");
    }
    return value;
  };
  r.info.width = static_cast<int>(next_number());
  r.info.height = static_cast<int>(next_number());
  if (r.info.width == 0 || r.info.height == 0) corrupt("PNM", "zero dimension");
}

void probe_tiff(const std::uint8_t* d, std::size_t n, ProbeResult& r) {
  const bool little = d[0] == 'I';
  auto u16 = [&](std::size_t off) { return little ? le16(d + off) : be16(d + off); };
  auto u32 = [&](std::size_t off) { return little ? le32(d + off) : be32(d + off); };
  if (n < 8) corrupt("TIFF", "short header");
  const std::size_t ifd = u32(4);
  if (ifd < 8 || ifd + 2 > n) corrupt("TIFF", "IFD offset out of range");
  const std::size_t count = u16(ifd);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t e = ifd + 2 + i * 12;
    if (e + 12 > n) corrupt("TIFF", "IFD runs past the end");
    const std::uint32_t tag = u16(e);
    const std::uint32_t type = u16(e + 2);
    const std::uint32_t value = type == 3 ? u16(e + 8) : u32(e + 8);
    if (tag == 256) r.info.width = static_cast<int>(std::min<std::uint32_t>(value, 0x7FFFFFFF));
    if (tag == 257) r.info.height = static_cast<int>(std::min<std::uint32_t>(value, 0x7FFFFFFF));
    if (tag == 274 && type == 3 && value >= 1 && value <= 8) {
      r.info.exif_orientation = static_cast<int>(value);
    }
    if (tag == 322) r.tiff_tile_width = value;
    if (tag == 323) r.tiff_tile_height = value;
  }
  if (r.info.width == 0 || r.info.height == 0) corrupt("TIFF", "missing dimensions");
}

// Formats we can name but not decode: the caller gets "unsupported", not "corrupt".
const char* recognised_unsupported(const std::uint8_t* d, std::size_t n) {
  if (n >= 12 && std::memcmp(d + 4, "ftyp", 4) == 0) {
    if (std::memcmp(d + 8, "avif", 4) == 0) return "AVIF";
    if (std::memcmp(d + 8, "heic", 4) == 0 || std::memcmp(d + 8, "heix", 4) == 0 ||
        std::memcmp(d + 8, "mif1", 4) == 0) {
      return "HEIF/HEIC";
    }
    return "an ISO media file (MP4/QuickTime)";
  }
  if (starts_with(d, n, "\x00\x00\x00\x0CjP  ", 8) || starts_with(d, n, "\xFF\x4F\xFF\x51", 4)) {
    return "JPEG 2000";
  }
  if (starts_with(d, n, "%PDF", 4)) return "PDF";
  if (starts_with(d, n, "\xFF\x0A", 2)) return "JPEG XL";
  if (starts_with(d, n, "8BPS", 4)) return "Photoshop PSD";
  if (starts_with(d, n, "\x76\x2F\x31\x01", 4)) return "OpenEXR";
  return nullptr;
}

}  // namespace

int exif_orientation(const std::uint8_t* t, std::size_t n) {
  if (t == nullptr || n < 8) return 1;
  bool little;
  if (t[0] == 'I' && t[1] == 'I') {
    little = true;
  } else if (t[0] == 'M' && t[1] == 'M') {
    little = false;
  } else {
    return 1;
  }
  auto u16 = [&](std::size_t off) { return little ? le16(t + off) : be16(t + off); };
  auto u32 = [&](std::size_t off) { return little ? le32(t + off) : be32(t + off); };
  if (u16(2) != 42) return 1;
  const std::size_t ifd = u32(4);
  if (ifd < 8 || ifd > n - 2) return 1;
  const std::size_t count = u16(ifd);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t e = ifd + 2 + i * 12;
    if (e + 12 > n) return 1;
    if (u16(e) == 0x0112) {  // Orientation, SHORT
      const std::uint32_t v = u16(e + 8);
      return (v >= 1 && v <= 8) ? static_cast<int>(v) : 1;
    }
  }
  return 1;
}

ProbeResult probe(const std::uint8_t* data, std::size_t size) {
  if (data == nullptr || size == 0) throw Error(ErrorCode::invalid_image, "image: no data");
  ProbeResult r;
  r.info.encoded_bytes = size;
  if (starts_with(data, size, "\xFF\xD8\xFF", 3)) {
    r.info.format = ImageFormat::jpeg;
    probe_jpeg(data, size, r);
  } else if (starts_with(data, size, "\x89PNG\r\n\x1A\n", 8)) {
    r.info.format = ImageFormat::png;
    probe_png(data, size, r);
  } else if (starts_with(data, size, "GIF87a", 6) || starts_with(data, size, "GIF89a", 6)) {
    r.info.format = ImageFormat::gif;
    probe_gif(data, size, r);
  } else if (starts_with(data, size, "BM", 2) && size >= 14) {
    r.info.format = ImageFormat::bmp;
    probe_bmp(data, size, r);
  } else if (size >= 12 && std::memcmp(data, "RIFF", 4) == 0 &&
             std::memcmp(data + 8, "WEBP", 4) == 0) {
    r.info.format = ImageFormat::webp;
    probe_webp(data, size, r);
  } else if (size >= 3 && data[0] == 'P' && data[1] >= '1' && data[1] <= '6' &&
             std::isspace(data[2])) {
    r.info.format = ImageFormat::pnm;
    probe_pnm(data, size, r);
  } else if (starts_with(data, size, "II*\0", 4) || starts_with(data, size, "MM\0*", 4)) {
    r.info.format = ImageFormat::tiff;
    probe_tiff(data, size, r);
  } else if (const char* other = recognised_unsupported(data, size)) {
    throw Error(ErrorCode::unsupported_format,
                std::string("image: ") + other +
                    " is not supported (supported: JPEG, PNG, WebP, BMP, PGM/PPM, TIFF, GIF)");
  } else {
    throw Error(ErrorCode::invalid_image,
                "image: not an image (no known signature; supported: JPEG, PNG, WebP, BMP, "
                "PGM/PPM, TIFF, GIF)");
  }
  if (r.exif_offset != 0) {
    r.info.exif_orientation = exif_orientation(data + r.exif_offset, r.exif_size);
  }
  return r;
}

}  // namespace kyc::detail

namespace kyc {
ImageInfo probe_image(const std::uint8_t* data, std::size_t size) {
  return detail::probe(data, size).info;
}
}  // namespace kyc
