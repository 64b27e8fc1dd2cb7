// Image decoding: formats by content, limits before allocation, corrupt/truncated input, EXIF.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <kyc/kyc.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "support/shared_data.hpp"

namespace {

using kyc::ErrorCode;

// A test pattern with distinct quadrants, so orientation and channel order can be checked.
cv::Mat pattern(int w = 64, int h = 48) {
  cv::Mat m(h, w, CV_8UC3, cv::Scalar(0, 0, 0));
  m(cv::Rect(0, 0, w / 2, h / 2)).setTo(cv::Scalar(255, 0, 0));      // top-left blue
  m(cv::Rect(w / 2, 0, w / 2, h / 2)).setTo(cv::Scalar(0, 255, 0));  // top-right green
  m(cv::Rect(0, h / 2, w / 2, h / 2)).setTo(cv::Scalar(0, 0, 255));  // bottom-left red
  return m;
}

std::vector<std::uint8_t> encode(const std::string& ext, const cv::Mat& m) {
  std::vector<std::uint8_t> out;
  EXPECT_TRUE(cv::imencode(ext, m, out));
  return out;
}

ErrorCode decode_error(const std::vector<std::uint8_t>& bytes,
                       const kyc::ImageLimits& limits = {}) {
  try {
    kyc::decode_image(bytes.data(), bytes.size(), limits);
  } catch (const kyc::Error& e) {
    EXPECT_NE(std::string(e.what()), "");
    return e.code();
  }
  ADD_FAILURE() << "decoding succeeded";
  return ErrorCode::internal;
}

cv::Vec3b pixel(const kyc::Image& image, int x, int y) {
  const std::uint8_t* p = image.view().row(y) + x * 3;
  return {p[0], p[1], p[2]};
}

TEST(Decode, EveryFormatByContent) {
  const cv::Mat m = pattern();
  const std::vector<std::pair<std::string, kyc::ImageFormat>> formats = {
      {".jpg", kyc::ImageFormat::jpeg},  {".png", kyc::ImageFormat::png},
      {".webp", kyc::ImageFormat::webp}, {".bmp", kyc::ImageFormat::bmp},
      {".ppm", kyc::ImageFormat::pnm},   {".tiff", kyc::ImageFormat::tiff}};
  for (const auto& [ext, format] : formats) {
    SCOPED_TRACE(ext);
    const auto bytes = encode(ext, m);
    const kyc::Image image = kyc::decode_image(bytes.data(), bytes.size());
    EXPECT_EQ(image.info().format, format);
    EXPECT_EQ(image.width(), 64);
    EXPECT_EQ(image.height(), 48);
    EXPECT_EQ(image.format(), kyc::PixelFormat::bgr);
    const cv::Vec3b tl = pixel(image, 8, 8);
    EXPECT_GT(tl[0], 200);  // blue stays blue: channel order is BGR
    EXPECT_LT(tl[2], 60);
  }
}

TEST(Decode, GrayStaysGray) {
  cv::Mat gray(40, 30, CV_8UC1, cv::Scalar(77));
  const auto bytes = encode(".pgm", gray);
  const kyc::Image image = kyc::decode_image(bytes.data(), bytes.size());
  EXPECT_EQ(image.format(), kyc::PixelFormat::gray);
  EXPECT_EQ(image.info().format, kyc::ImageFormat::pnm);
  EXPECT_EQ(image.view().row(10)[10], 77);
}

TEST(Decode, RgbaPngDropsAlpha) {
  cv::Mat rgba(20, 20, CV_8UC4, cv::Scalar(10, 20, 30, 128));
  const auto bytes = encode(".png", rgba);
  const kyc::Image image = kyc::decode_image(bytes.data(), bytes.size());
  EXPECT_EQ(image.format(), kyc::PixelFormat::bgr);
  EXPECT_EQ(pixel(image, 5, 5), cv::Vec3b(10, 20, 30));
}

TEST(Decode, GifFirstFrameFromRealFile) {
  KYC_FACE(path, "yale/subject01.normal.gif");
  const kyc::Image image = kyc::load_image(path);
  EXPECT_EQ(image.info().format, kyc::ImageFormat::gif);
  EXPECT_EQ(image.width(), 320);
  EXPECT_EQ(image.height(), 243);
}

TEST(Decode, ExtensionThatLiesIsIgnored) {
  const auto png = encode(".png", pattern());
  const std::string path = ::testing::TempDir() + "/actually_png.jpg";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(png.data()), png.size());
  const kyc::Image image = kyc::load_image(path);
  EXPECT_EQ(image.info().format, kyc::ImageFormat::png);
  std::remove(path.c_str());
}

TEST(Decode, GarbageIsInvalidAndKnownOtherFormatsAreUnsupported) {
  std::vector<std::uint8_t> garbage(1000);
  for (std::size_t i = 0; i < garbage.size(); ++i)
    garbage[i] = static_cast<std::uint8_t>(i * 31 + 7);
  EXPECT_EQ(decode_error(garbage), ErrorCode::invalid_image);
  const std::string pdf = "%PDF-1.7\n%...";
  EXPECT_EQ(decode_error({pdf.begin(), pdf.end()}), ErrorCode::unsupported_format);
  const std::vector<std::uint8_t> heic = {0,   0,   0,   24,  'f', 't', 'y',
                                          'p', 'h', 'e', 'i', 'c', 0,   0};
  EXPECT_EQ(decode_error(heic), ErrorCode::unsupported_format);
}

TEST(Decode, EmptyInputIsInvalidImageEverywhere) {
  const std::uint8_t byte = 0;
  try {
    kyc::decode_image(&byte, 0);
    FAIL();
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_image);
  }
  const std::string path = ::testing::TempDir() + "/kyc_empty.jpg";
  std::ofstream(path).close();
  try {
    kyc::load_image(path);
    FAIL();
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_image);
  }
  std::remove(path.c_str());
}

TEST(Decode, DirectoryIsIoError) {
  try {
    kyc::load_image(::testing::TempDir());
    FAIL();
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::io_error);
  }
}

TEST(Decode, TruncatedJpegIsRejected) {
  auto bytes = encode(".jpg", pattern(200, 150));
  bytes.resize(bytes.size() / 2);
  EXPECT_EQ(decode_error(bytes), ErrorCode::invalid_image);
  bytes.resize(10);  // cut inside the headers
  EXPECT_EQ(decode_error(bytes), ErrorCode::invalid_image);
}

TEST(Decode, TruncatedPngAndWebpAreRejected) {
  for (const char* ext : {".png", ".webp"}) {
    SCOPED_TRACE(ext);
    cv::Mat noise(120, 160, CV_8UC3);
    cv::randu(noise, 0, 255);
    auto bytes = encode(ext, noise);
    bytes.resize(bytes.size() * 2 / 3);
    EXPECT_EQ(decode_error(bytes), ErrorCode::invalid_image);
  }
}

TEST(Decode, CorruptJpegBodyIsRejectedOrDecodedSafely) {
  auto bytes = encode(".jpg", pattern(200, 150));
  // Overwrite the middle of the entropy-coded data; must never crash.
  for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64; ++i) bytes[i] = 0xFF;
  try {
    const kyc::Image image = kyc::decode_image(bytes.data(), bytes.size());
    EXPECT_EQ(image.width(), 200);
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_image);
  }
}

// Headers that declare enormous images: rejected from the header, before any allocation.
TEST(Decode, HugeDeclaredDimensionsAreRejectedBeforeAllocation) {
  auto png = encode(".png", pattern(8, 8));
  png[16] = 0x00;
  png[17] = 0x01;
  png[18] = 0x86;
  png[19] = 0xA0;  // width 100000
  png[20] = 0x00;
  png[21] = 0x01;
  png[22] = 0x86;
  png[23] = 0xA0;  // height 100000
  EXPECT_EQ(decode_error(png), ErrorCode::limit_exceeded);

  auto jpeg = encode(".jpg", pattern(8, 8));
  for (std::size_t i = 2; i + 8 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {  // SOF0: length(2) precision(1) h(2) w(2)
      jpeg[i + 5] = jpeg[i + 6] = jpeg[i + 7] = jpeg[i + 8] = 0xFF;
      break;
    }
  }
  EXPECT_EQ(decode_error(jpeg), ErrorCode::limit_exceeded);

  // GIF89a, logical screen 65535 x 65535, nothing else.
  std::vector<std::uint8_t> gif = {'G', 'I', 'F', '8', '9', 'a', 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0};
  EXPECT_EQ(decode_error(gif), ErrorCode::limit_exceeded);
}

TEST(Decode, ConfiguredLimitsApply) {
  const auto bytes = encode(".png", pattern(64, 48));
  kyc::ImageLimits small_bytes;
  small_bytes.max_encoded_bytes = 10;
  EXPECT_EQ(decode_error(bytes, small_bytes), ErrorCode::limit_exceeded);
  kyc::ImageLimits small_pixels;
  small_pixels.max_pixels = 64 * 48 - 1;
  EXPECT_EQ(decode_error(bytes, small_pixels), ErrorCode::limit_exceeded);
  kyc::ImageLimits small_side;
  small_side.max_dimension = 63;
  EXPECT_EQ(decode_error(bytes, small_side), ErrorCode::limit_exceeded);
}

TEST(Decode, MissingFileIsIoError) {
  try {
    kyc::load_image("/nonexistent/kyc/photo.jpg");
    FAIL();
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::io_error);
  }
}

// Inserts an APP1 EXIF segment carrying only an Orientation tag after SOI.
std::vector<std::uint8_t> with_orientation(std::vector<std::uint8_t> jpeg, int orientation) {
  const std::vector<std::uint8_t> tiff = {'I',
                                          'I',
                                          42,
                                          0,
                                          8,
                                          0,
                                          0,
                                          0,  // header, IFD at 8
                                          1,
                                          0,  // one entry
                                          0x12,
                                          0x01,
                                          3,
                                          0,
                                          1,
                                          0,
                                          0,
                                          0,  // 0x0112 SHORT x1
                                          static_cast<std::uint8_t>(orientation),
                                          0,
                                          0,
                                          0,
                                          0,
                                          0,
                                          0,
                                          0};  // next IFD
  std::vector<std::uint8_t> app1 = {0xFF, 0xE1, 0, 0, 'E', 'x', 'i', 'f', 0, 0};
  app1.insert(app1.end(), tiff.begin(), tiff.end());
  const std::size_t len = app1.size() - 2;
  app1[2] = static_cast<std::uint8_t>(len >> 8);
  app1[3] = static_cast<std::uint8_t>(len & 0xFF);
  jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());
  return jpeg;
}

TEST(Decode, ExifOrientationIsApplied) {
  const auto plain = encode(".jpg", pattern(64, 48));
  {
    const auto bytes = with_orientation(plain, 6);  // rotate 90 degrees clockwise to view
    const kyc::Image image = kyc::decode_image(bytes.data(), bytes.size());
    EXPECT_EQ(image.info().exif_orientation, 6);
    ASSERT_EQ(image.width(), 48);
    ASSERT_EQ(image.height(), 64);
    // The original bottom-left (red) quadrant becomes top-left after a clockwise turn.
    const cv::Vec3b tl = pixel(image, 5, 5);
    EXPECT_GT(tl[2], 200);
    EXPECT_LT(tl[0], 60);
  }
  {
    const auto bytes = with_orientation(plain, 3);  // 180 degrees
    const kyc::Image image = kyc::decode_image(bytes.data(), bytes.size());
    EXPECT_EQ(image.width(), 64);
    const cv::Vec3b br = pixel(image, 60, 44);  // was top-left (blue)
    EXPECT_GT(br[0], 200);
  }
}

TEST(ImageView, RejectsInconsistentBuffers) {
  std::vector<std::uint8_t> buffer(10 * 10 * 3);
  EXPECT_NO_THROW(kyc::ImageView(buffer.data(), buffer.size(), 10, 10, kyc::PixelFormat::bgr));
  auto code_of = [](auto&& make) {
    try {
      make();
    } catch (const kyc::Error& e) {
      return e.code();
    }
    return ErrorCode::internal;
  };
  EXPECT_EQ(code_of([&] { kyc::ImageView(nullptr, 10, 10, kyc::PixelFormat::bgr); }),
            ErrorCode::invalid_argument);
  EXPECT_EQ(code_of([&] { kyc::ImageView(buffer.data(), 0, 10, kyc::PixelFormat::bgr); }),
            ErrorCode::invalid_argument);
  EXPECT_EQ(code_of([&] { kyc::ImageView(buffer.data(), 10, 10, kyc::PixelFormat::bgr, 20); }),
            ErrorCode::invalid_argument);
  EXPECT_EQ(code_of([&] {
              kyc::ImageView(buffer.data(), buffer.size() - 1, 10, 10, kyc::PixelFormat::bgr);
            }),
            ErrorCode::invalid_argument);
  EXPECT_EQ(
      code_of([&] { kyc::ImageView(buffer.data(), 1 << 20, 1 << 20, kyc::PixelFormat::gray); }),
      ErrorCode::invalid_argument);
  // A stride so large that stride * height would wrap around size_t.
  EXPECT_EQ(code_of([&] {
              kyc::ImageView(buffer.data(), buffer.size(), 10, 5, kyc::PixelFormat::bgr,
                             std::ptrdiff_t{1} << 62);
            }),
            ErrorCode::invalid_argument);
}

}  // namespace

namespace {

// A minimal uncompressed 8-bit grey TIFF with an Orientation tag, and optionally tile tags.
std::vector<std::uint8_t> tiff_gray(const cv::Mat& gray, int orientation, std::uint32_t tile = 0) {
  std::vector<std::uint8_t> out = {'I', 'I', 42, 0, 8, 0, 0, 0};
  struct Entry {
    std::uint16_t tag, type;
    std::uint32_t count, value;
  };
  const std::uint32_t w = gray.cols, h = gray.rows;
  std::vector<Entry> entries = {{256, 4, 1, w},
                                {257, 4, 1, h},
                                {258, 3, 1, 8},
                                {259, 3, 1, 1},
                                {262, 3, 1, 1},
                                {273, 4, 1, 0 /* patched */},
                                {274, 3, 1, static_cast<std::uint32_t>(orientation)},
                                {277, 3, 1, 1},
                                {278, 4, 1, h},
                                {279, 4, 1, w * h}};
  if (tile != 0) {
    entries.push_back({322, 4, 1, tile});
    entries.push_back({323, 4, 1, tile});
  }
  const std::uint32_t pixel_offset = 8 + 2 + static_cast<std::uint32_t>(entries.size()) * 12 + 4;
  entries[5].value = pixel_offset;
  auto put16 = [&](std::uint32_t v) {
    out.push_back(v & 0xFF);
    out.push_back((v >> 8) & 0xFF);
  };
  auto put32 = [&](std::uint32_t v) {
    put16(v & 0xFFFF);
    put16(v >> 16);
  };
  put16(static_cast<std::uint32_t>(entries.size()));
  for (const auto& e : entries) {
    put16(e.tag);
    put16(e.type);
    put32(e.count);
    if (e.type == 3) {
      put16(e.value);
      put16(0);
    } else {
      put32(e.value);
    }
  }
  put32(0);
  for (int y = 0; y < gray.rows; ++y) out.insert(out.end(), gray.ptr(y), gray.ptr(y) + gray.cols);
  return out;
}

TEST(Decode, TiffOrientationIsAppliedOnce) {
  cv::Mat gray(48, 64, CV_8UC1, cv::Scalar(0));
  gray(cv::Rect(0, 0, 32, 24)).setTo(255);  // top-left white
  const auto upright = tiff_gray(gray, 1);
  const kyc::Image plain = kyc::decode_image(upright.data(), upright.size());
  EXPECT_EQ(plain.width(), 64);
  const auto turned = tiff_gray(gray, 6);  // view = rotate 90 degrees clockwise
  const kyc::Image image = kyc::decode_image(turned.data(), turned.size());
  ASSERT_EQ(image.width(), 48);
  ASSERT_EQ(image.height(), 64);
  // The white top-left quadrant ends up top-right after one clockwise turn (not bottom-left, as
  // after two turns).
  EXPECT_GT(image.view().row(5)[40], 200);
  EXPECT_LT(image.view().row(60)[5], 50);
}

TEST(Decode, TiffWithGiantTilesIsRejectedBeforeDecoding) {
  cv::Mat one(1, 1, CV_8UC1, cv::Scalar(9));
  const auto bomb = tiff_gray(one, 1, 16384);  // 1x1 image, 16384x16384 tiles = 1 GiB buffer
  EXPECT_EQ(decode_error(bomb), ErrorCode::limit_exceeded);
}

TEST(Decode, JpegWithThousandsOfScansIsRejected) {
  const auto jpeg = encode(".jpg", pattern(32, 32));
  std::size_t sos = 0;
  for (std::size_t i = 2; i + 1 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xDA) {
      sos = i;
      break;
    }
  }
  ASSERT_GT(sos, 0u);
  std::vector<std::uint8_t> bomb(jpeg.begin(),
                                 jpeg.begin() + static_cast<std::ptrdiff_t>(sos) + 14);
  for (int i = 0; i < 300; ++i) {
    bomb.insert(bomb.end(), {0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x12});
  }
  bomb.insert(bomb.end(), {0xFF, 0xD9});
  EXPECT_EQ(decode_error(bomb), ErrorCode::limit_exceeded);
}

}  // namespace
