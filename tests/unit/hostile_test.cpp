// Hostile inputs (issue 7): invalid UTF-8 in string inputs, non-finite and out-of-range
// thresholds, numbers beyond double in JSON, decompression bombs with huge declared dimensions
// and corrupt or truncated images at many offsets. Each must give a clear kyc::Error (or a
// result whose JSON report is still valid UTF-8) quickly and without large allocations.
// ZIP bombs, zip-slip, symlinks and CSV bombs are covered in package_test / applicant_test.
#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <string>
#include <vector>

#include "kyc/aamva.hpp"
#include "kyc/applicant.hpp"
#include "kyc/config.hpp"
#include "kyc/consistency.hpp"
#include "kyc/engine.hpp"
#include "kyc/error.hpp"
#include "kyc/image.hpp"
#include "kyc/mrz.hpp"
#include "kyc/photo.hpp"
#include "support/shared_data.hpp"

namespace {

using kyc::ErrorCode;
using Clock = std::chrono::steady_clock;

constexpr double kMaxMillis = 100.0;
// Peak resident memory an input may add. Far below what the declared dimensions would need
// (a 16384^2 BGR canvas is 768 MiB), above what decoding a small real image needs.
constexpr long kMaxPeakGrowthKiB = 64 * 1024;

// ---- peak memory: VmHWM from /proc/self/status, reset through /proc/self/clear_refs ----------

long status_kib(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::string(key).size()));
  }
  return -1;
}

// Resets the peak to the current RSS; false when the kernel refuses (then peaks are not
// measured and the test says so in its output).
bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

struct Outcome {
  std::optional<ErrorCode> error;  // empty: no exception
  std::string message;
  double millis = 0;
  long peak_growth_kib = -1;  // -1: not measurable here
};

Outcome measure(const std::function<void()>& action) {
  Outcome outcome;
  const bool peak_resettable = reset_peak_rss();
  const long before = status_kib("VmRSS:");
  const auto start = Clock::now();
  try {
    action();
  } catch (const kyc::Error& e) {
    outcome.error = e.code();
    outcome.message = e.what();
  }
  outcome.millis = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (peak_resettable && before > 0) outcome.peak_growth_kib = status_kib("VmHWM:") - before;
  return outcome;
}

void expect_fast_and_small(const Outcome& outcome, const std::string& what) {
  EXPECT_LT(outcome.millis, kMaxMillis) << what;
  if (outcome.peak_growth_kib >= 0) {
    EXPECT_LT(outcome.peak_growth_kib, kMaxPeakGrowthKiB) << what;
  }
}

bool is_valid_json(const std::string& text) {
  return nlohmann::json::accept(text);  // also rejects invalid UTF-8 in strings
}

std::vector<std::uint8_t> encode(const std::string& ext, const cv::Mat& image,
                                 const std::vector<int>& params = {}) {
  std::vector<std::uint8_t> out;
  EXPECT_TRUE(cv::imencode(ext, image, out, params));
  return out;
}

cv::Mat textured(int width, int height) {
  cv::Mat image(height, width, CV_8UC3);
  cv::RNG rng(7);
  rng.fill(image, cv::RNG::UNIFORM, 0, 255);
  cv::GaussianBlur(image, image, cv::Size(5, 5), 0);
  cv::rectangle(image, {width / 4, height / 4}, {width / 2, height / 2}, {0, 0, 255}, -1);
  return image;
}

// Bytes that are not UTF-8: a lone continuation byte, an overlong '/', a truncated sequence, a
// surrogate, and 0xFF.
const std::string kBadUtf8[] = {"\x80", "\xC0\xAF", "\xE2\x82", "\xED\xA0\x80", "\xFF\xFE"};

// The memory bound can fail: a 100 MiB allocation that is touched shows up in the peak.
TEST(HostileMemoryProbe, PeakGrowthIsMeasured) {
  const Outcome outcome = measure([] {
    std::vector<std::uint8_t> block(100u << 20);
    for (std::size_t i = 0; i < block.size(); i += 4096) block[i] = 1;
    EXPECT_EQ(block[4096], 1);
  });
  if (outcome.peak_growth_kib < 0) {
    // Kernels without clear_refs: the time bounds still apply; say so instead of skipping.
    std::printf("peak RSS not measurable here (/proc/self/clear_refs refused)\n");
    return;
  }
  EXPECT_GE(outcome.peak_growth_kib, 90 * 1024);
}

// ---- invalid UTF-8 ---------------------------------------------------------------------------

TEST(HostileUtf8, MrzReportStaysValidJson) {
  const std::string td3 =
      "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
      "L898902C36UTO7408122F1204159ZE184226B<<<<<10\n";
  for (const std::string& bad : kBadUtf8) {
    for (const std::size_t at : {std::size_t{0}, std::size_t{5}, std::size_t{50}, td3.size()}) {
      std::string text = td3;
      text.insert(at, bad);
      kyc::MrzResult result;
      const Outcome outcome = measure([&] { result = kyc::parse_mrz(text); });
      EXPECT_FALSE(outcome.error) << outcome.message;  // parse_mrz never throws for bad text
      std::string json;
      EXPECT_NO_THROW(json = result.to_json()) << "insert at " << at;
      EXPECT_TRUE(is_valid_json(json)) << "insert at " << at;
      expect_fast_and_small(outcome, "mrz");
    }
  }
}

TEST(HostileUtf8, AamvaReportStaysValidJson) {
  const std::string elements = "DAQT16700185\nDCSSAMPLE\nDACPAT\nDBB07041980\nDBA01312030\r";
  for (const std::string& bad : kBadUtf8) {
    const std::string body = "DL" + std::string("DCS") + bad + "\n" + elements;
    char designator[16];
    std::snprintf(designator, sizeof designator, "DL%04d%04zu", 31, body.size());
    const std::string payload = std::string("@\n\x1e\rANSI 636000100001") + designator + body;
    kyc::AamvaResult result;
    const Outcome outcome = measure([&] { result = kyc::parse_aamva(payload); });
    EXPECT_FALSE(outcome.error) << outcome.message;
    std::string json;
    EXPECT_NO_THROW(json = result.to_json());
    EXPECT_TRUE(is_valid_json(json));
    // ...and when those fields flow into the consistency check, its report too.
    kyc::ConsistencyOptions options;
    options.as_of = "2026-01-31";
    const kyc::ConsistencyResult consistency =
        kyc::check_consistency(result.to_document_read(), {result.to_document_read()}, options);
    EXPECT_NO_THROW(json = consistency.to_json());
    EXPECT_TRUE(is_valid_json(json));
    expect_fast_and_small(outcome, "aamva");
  }
}

TEST(HostileUtf8, ConfigJsonIsInvalidConfig) {
  for (const std::string& bad : kBadUtf8) {
    for (const std::string& json : {"{\"model_dir\": \"" + bad + "\"}", "{\"" + bad + "\": 1}",
                                    "{\"face\": {\"detector\": \"hog" + bad + "\"}}",
                                    "{\"document\": {\"as_of\": \"" + bad + "\"}}",
                                    "{\"verifier\": {\"auth_header\": \"" + bad + "\"}}"}) {
      const Outcome outcome = measure([&] { (void)kyc::Config::from_json(json); });
      ASSERT_TRUE(outcome.error) << json;
      EXPECT_EQ(*outcome.error, ErrorCode::invalid_config) << outcome.message;
      expect_fast_and_small(outcome, "config");
    }
  }
}

TEST(HostileUtf8, ConfigSetInCodeSerialisesAsValidJson) {
  kyc::Config config;
  config.model_dir = "/models/\xFF\xFE";
  config.document.tessdata_dir = "\xC0\xAF";
  std::string json;
  EXPECT_NO_THROW(json = config.to_json());
  EXPECT_TRUE(is_valid_json(json));
}

TEST(HostileUtf8, PhotoProfileJsonIsInvalidConfig) {
  for (const std::string& bad : kBadUtf8) {
    for (const std::string& json :
         {"{\"name\": \"" + bad + "\", \"rules\": {}}", "{\"rules\": {\"" + bad + "\": {}}}",
          "{\"name\": \"x\", \"description\": \"" + bad + "\", \"rules\": {}}"}) {
      const Outcome outcome = measure([&] { (void)kyc::PhotoProfile::from_json(json); });
      ASSERT_TRUE(outcome.error) << json;
      EXPECT_EQ(*outcome.error, ErrorCode::invalid_config) << outcome.message;
    }
  }
}

TEST(HostileUtf8, ApplicantJsonIsInvalidArgument) {
  for (const std::string& bad : kBadUtf8) {
    for (const std::string& json :
         {"{\"surname\": \"" + bad + "\"}", "{\"" + bad + "\": \"x\"}",
          "{\"applicant\": {\"address\": {\"city\": \"" + bad + "\"}}}"}) {
      const Outcome outcome = measure([&] { (void)kyc::load_applicant_json(json); });
      ASSERT_TRUE(outcome.error) << json;
      EXPECT_EQ(*outcome.error, ErrorCode::invalid_argument) << outcome.message;
    }
  }
}

// ---- numbers: beyond double, NaN, infinities, out of range -----------------------------------

TEST(HostileNumbers, JsonNumbersBeyondDoubleAreClearErrors) {
  // nlohmann reports 1e400 as out_of_range (not parse_error); it used to escape as a non-kyc
  // exception.
  for (const char* number : {"1e400", "-1e400"}) {
    const std::string n = number;
    Outcome outcome = measure(
        [&] { (void)kyc::Config::from_json("{\"document\": {\"name_threshold\": " + n + "}}"); });
    ASSERT_TRUE(outcome.error) << number;
    EXPECT_EQ(*outcome.error, ErrorCode::invalid_config) << outcome.message;

    outcome = measure([&] {
      (void)kyc::PhotoProfile::from_json(
          "{\"name\": \"x\", \"rules\": {\"image_width\": "
          "{\"min\": " +
          n + "}}}");
    });
    ASSERT_TRUE(outcome.error) << number;
    EXPECT_EQ(*outcome.error, ErrorCode::invalid_config) << outcome.message;

    outcome = measure([&] { (void)kyc::load_applicant_json("{\"surname\": " + n + "}"); });
    ASSERT_TRUE(outcome.error) << number;
    EXPECT_EQ(*outcome.error, ErrorCode::invalid_argument) << outcome.message;
  }
}

const double kNonFinite[] = {std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity()};

TEST(HostileNumbers, ConsistencyThresholdsOutsideZeroToOne) {
  kyc::ApplicantRecord applicant = kyc::load_applicant_json("{\"surname\": \"Sample\"}");
  std::vector<double> bad(std::begin(kNonFinite), std::end(kNonFinite));
  bad.push_back(-0.01);
  bad.push_back(1.01);
  for (const double value : bad) {
    for (const bool name : {true, false}) {
      kyc::ConsistencyOptions options;
      options.as_of = "2026-01-31";
      (name ? options.name_threshold : options.address_threshold) = value;
      const Outcome outcome =
          measure([&] { (void)kyc::check_consistency(applicant, {}, options); });
      ASSERT_TRUE(outcome.error) << value;
      EXPECT_EQ(*outcome.error, ErrorCode::invalid_argument) << outcome.message;
    }
  }
}

TEST(HostileNumbers, ConfigThresholdsOutOfRangeAreInvalidConfig) {
  std::vector<double> bad(std::begin(kNonFinite), std::end(kNonFinite));
  bad.push_back(-1);
  bad.push_back(2);
  for (const double value : bad) {
    kyc::Config name;
    name.document.name_threshold = value;
    kyc::Config address;
    address.document.address_threshold = value;
    for (const kyc::Config* config : {&name, &address}) {
      try {
        config->validate();
        ADD_FAILURE() << "accepted threshold " << value;
      } catch (const kyc::Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::invalid_config);
      }
    }
  }
  for (const double value : kNonFinite) {
    kyc::Config config;
    config.face.detection_threshold = value;
    EXPECT_THROW(config.validate(), kyc::Error) << value;
  }
}

TEST(HostileNumbers, PhotoProfileThresholdsMustBeFiniteNumbers) {
  for (const char* rule : {"{\"min\": \"1\"}", "{\"min\": null, \"max\": true}",
                           "{\"min\": 2, \"max\": 1}", "{\"min\": [1]}"}) {
    const std::string json =
        std::string("{\"name\": \"x\", \"rules\": {\"image_width\": ") + rule + "}}";
    const Outcome outcome = measure([&] { (void)kyc::PhotoProfile::from_json(json); });
    ASSERT_TRUE(outcome.error) << json;
    EXPECT_EQ(*outcome.error, ErrorCode::invalid_config) << outcome.message;
  }
}

// Face-match thresholds are validated before any image is decoded, so no face is needed; the
// engine does need its models.
TEST(HostileNumbers, FaceMatchThresholdsNaNNegativeInfinite) {
  std::optional<kyc::Engine> engine;
  try {
    engine.emplace();
  } catch (const kyc::Error& e) {
    if (kyc_test::in_ci()) FAIL() << "face models missing in CI: " << e.what();
    GTEST_SKIP() << "face models not installed: " << e.what();
  }
  std::vector<std::uint8_t> pixels(32 * 32, 128);
  const kyc::ImageView image(pixels.data(), pixels.size(), 32, 32, kyc::PixelFormat::gray);
  std::vector<double> bad(std::begin(kNonFinite), std::end(kNonFinite));
  bad.push_back(-0.5);
  bad.push_back(0);
  for (const double value : bad) {
    kyc::FaceMatchOptions distance;
    distance.distance_threshold = value;
    kyc::FaceMatchOptions similarity;
    similarity.similarity_threshold =
        value < 0 || std::isnan(value) || std::isinf(value) ? value : 100.5;
    for (const kyc::FaceMatchOptions* options : {&distance, &similarity}) {
      const Outcome outcome = measure([&] { (void)engine->face_match(image, image, *options); });
      ASSERT_TRUE(outcome.error) << value;
      EXPECT_EQ(*outcome.error, ErrorCode::invalid_argument) << outcome.message;
      EXPECT_LT(outcome.millis, kMaxMillis);
    }
  }
}

// ---- images: decompression bombs and corrupt bytes -------------------------------------------

Outcome decode_outcome(const std::vector<std::uint8_t>& bytes) {
  return measure([&] { (void)kyc::decode_image(bytes.data(), bytes.size()); });
}

void put_be32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 24);
  b[at + 1] = static_cast<std::uint8_t>(v >> 16);
  b[at + 2] = static_cast<std::uint8_t>(v >> 8);
  b[at + 3] = static_cast<std::uint8_t>(v);
}

void put_le(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

void append_be32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  b.resize(b.size() + 4);
  put_be32(b, b.size() - 4, v);
}

// A complete, valid PNG of width x height gray pixels whose IDAT holds only the compressed
// zero rows that fit in `budget` bytes of output: the classic PNG bomb (tiny file, huge canvas).
std::vector<std::uint8_t> png_bomb(std::uint32_t width, std::uint32_t height) {
  std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  auto chunk = [&png](const char* type, const std::vector<std::uint8_t>& data) {
    append_be32(png, static_cast<std::uint32_t>(data.size()));
    const std::size_t type_at = png.size();
    png.insert(png.end(), type, type + 4);
    png.insert(png.end(), data.begin(), data.end());
    const uLong crc = crc32(0, png.data() + type_at, static_cast<uInt>(4 + data.size()));
    append_be32(png, static_cast<std::uint32_t>(crc));
  };
  std::vector<std::uint8_t> ihdr(13, 0);
  put_be32(ihdr, 0, width);
  put_be32(ihdr, 4, height);
  ihdr[8] = 8;  // bit depth; colour type 0 (gray)
  chunk("IHDR", ihdr);
  // 4 MiB of zeros deflate to ~4 KiB: far fewer rows than declared, as a bomb is cut short.
  std::vector<std::uint8_t> raw(4u << 20, 0);
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::vector<std::uint8_t> idat(size);
  EXPECT_EQ(compress2(idat.data(), &size, raw.data(), static_cast<uLong>(raw.size()), 9), Z_OK);
  idat.resize(size);
  chunk("IDAT", idat);
  chunk("IEND", {});
  return png;
}

TEST(HostileImages, PngBombsWithHugeCanvases) {
  for (const auto& [w, h] : std::vector<std::pair<std::uint32_t, std::uint32_t>>{
           {16384, 16384}, {100000, 1}, {1, 100000}, {0x7FFFFFFF, 0x7FFFFFFF}, {10000, 10000}}) {
    const Outcome outcome = decode_outcome(png_bomb(w, h));
    ASSERT_TRUE(outcome.error) << w << "x" << h;
    EXPECT_EQ(*outcome.error, ErrorCode::limit_exceeded) << outcome.message;
    expect_fast_and_small(outcome, "png bomb");
  }
}

TEST(HostileImages, WebpWithHugeDeclaredCanvas) {
  // Lossless WebP: RIFF, "WEBPVP8L", size, 0x2F, then 14-bit width-1 and height-1.
  auto lossless = encode(".webp", textured(64, 48), {cv::IMWRITE_WEBP_QUALITY, 101});
  ASSERT_GE(lossless.size(), 25u);
  ASSERT_EQ(std::string(lossless.begin() + 12, lossless.begin() + 16), "VP8L");
  const std::uint32_t bits = (16383u) | (16383u << 14);  // 16384 x 16384
  put_le(lossless, 21, bits | (lossless[24] & 0xF0u) << 24, 4);
  Outcome outcome = decode_outcome(lossless);
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(*outcome.error, ErrorCode::limit_exceeded) << outcome.message;
  expect_fast_and_small(outcome, "webp lossless bomb");

  // Extended WebP (VP8X): a 24-bit canvas width-1 and height-1 of 16777216 each.
  std::vector<std::uint8_t> vp8x = {'R', 'I', 'F', 'F', 0,    0,    0,    0,    'W',  'E',
                                    'B', 'P', 'V', 'P', '8',  'X',  10,   0,    0,    0,
                                    0,   0,   0,   0,   0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  put_le(vp8x, 4, static_cast<std::uint32_t>(vp8x.size() - 8), 4);
  outcome = decode_outcome(vp8x);
  ASSERT_TRUE(outcome.error);
  EXPECT_TRUE(*outcome.error == ErrorCode::limit_exceeded ||
              *outcome.error == ErrorCode::invalid_image)
      << outcome.message;
  expect_fast_and_small(outcome, "webp vp8x bomb");
}

TEST(HostileImages, GifWithHugeFrameInASmallScreen) {
  // Logical screen 16 x 16, then an image descriptor declaring a 65535 x 65535 frame with an
  // LZW stream of a few bytes.
  std::vector<std::uint8_t> gif = {
      'G',  'I', 'F', '8', '9', 'a',  16,   0,    16,   0, 0x80, 0, 0,    0,    0, 0,
      255,  255, 255,  // 2-entry global colour table
      0x2C, 0,   0,   0,   0,   0xFF, 0xFF, 0xFF, 0xFF, 0, 2,    2, 0x4C, 0x01, 0, 0x3B};
  const Outcome outcome = decode_outcome(gif);
  ASSERT_TRUE(outcome.error);
  EXPECT_TRUE(*outcome.error == ErrorCode::limit_exceeded ||
              *outcome.error == ErrorCode::invalid_image)
      << outcome.message;
  expect_fast_and_small(outcome, "gif frame bomb");
}

// Every outcome allowed for a damaged file: a clear error, or a decode of the stated size
// (JPEG decoders conceal damage in entropy-coded data).
void expect_clear_outcome(const Outcome& outcome, const std::string& what) {
  if (outcome.error) {
    EXPECT_TRUE(*outcome.error == ErrorCode::invalid_image ||
                *outcome.error == ErrorCode::unsupported_format ||
                *outcome.error == ErrorCode::limit_exceeded)
        << what << ": " << outcome.message;
    EXPECT_FALSE(outcome.message.empty()) << what;
  }
  expect_fast_and_small(outcome, what);
}

class DamagedImages : public ::testing::TestWithParam<const char*> {};

TEST_P(DamagedImages, TruncatedAtManyOffsets) {
  const std::vector<std::uint8_t> full = encode(GetParam(), textured(160, 120));
  int errors = 0;
  for (int i = 1; i <= 64; ++i) {  // no empty input: that is a null-pointer argument error
    const std::size_t cut = full.size() * static_cast<std::size_t>(i) / 65;
    const std::vector<std::uint8_t> bytes(full.begin(), full.begin() + static_cast<long>(cut));
    const Outcome outcome = decode_outcome(bytes);
    expect_clear_outcome(outcome, std::string(GetParam()) + " cut at " + std::to_string(cut));
    errors += outcome.error.has_value();
  }
  // Truncation must be noticed, not decoded into half a picture (cuts in the first 90%).
  EXPECT_GE(errors, 57) << GetParam();
}

TEST_P(DamagedImages, CorruptedAtManyOffsets) {
  const std::vector<std::uint8_t> full = encode(GetParam(), textured(160, 120));
  for (int i = 0; i < 64; ++i) {
    for (const std::uint8_t value : {std::uint8_t{0x00}, std::uint8_t{0xFF}}) {
      std::vector<std::uint8_t> bytes = full;
      const std::size_t at = bytes.size() * static_cast<std::size_t>(i) / 64;
      for (std::size_t k = at; k < std::min(bytes.size(), at + 8); ++k) bytes[k] = value;
      const std::string what = std::string(GetParam()) + " corrupted at " + std::to_string(at);
      Outcome outcome;
      std::optional<kyc::Image> image;
      outcome = measure([&] { image.emplace(kyc::decode_image(bytes.data(), bytes.size())); });
      expect_clear_outcome(outcome, what);
      if (!outcome.error) {
        ASSERT_TRUE(image);
        // A decode of damaged bytes still honours the limits and gives a usable image.
        EXPECT_GT(image->width(), 0) << what;
        EXPECT_LE(image->width(), 20000) << what;
        EXPECT_GT(image->height(), 0) << what;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, DamagedImages, ::testing::Values(".jpg", ".png", ".webp"),
                         [](const ::testing::TestParamInfo<const char*>& param) {
                           return std::string(param.param + 1);
                         });

}  // namespace
