// KYC package reading: normal packages (roles by content, names as hints only) and hostile
// archives (zip bombs, lying sizes, zip slip, symlinks, encryption, bad names, truncation). Every
// archive is built here at test time with libzip's writing API; images come from real photos in
// ../shared (read in place) and from cards drawn with OpenCV, the licence back carrying a PDF417
// rendered by zxing-cpp's writer. Expected roles are known by construction.
#define ZX_USE_UTF8 1
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <gtest/gtest.h>
#include <zip.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string>
#include <vector>

#include "kyc/error.hpp"
#include "kyc/package.hpp"
#include "support/shared_data.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;
using kyc::ErrorCode;
using kyc::PackageRole;

// ---------------------------------------------------------------------------------------------
// Building archives with libzip

// A source of `size` zero bytes that never holds them in memory, so that a 200 MB bomb costs
// the test no 200 MB buffer (which would also spoil the peak-RSS measurement).
struct ZeroSource {
  std::uint64_t size = 0;
  std::uint64_t offset = 0;
  zip_error_t error{};
};

zip_int64_t zero_source_callback(void* userdata, void* data, zip_uint64_t len,
                                 zip_source_cmd_t cmd) {
  auto* z = static_cast<ZeroSource*>(userdata);
  switch (cmd) {
    case ZIP_SOURCE_OPEN:
      z->offset = 0;
      return 0;
    case ZIP_SOURCE_READ: {
      const std::uint64_t n = std::min<std::uint64_t>(len, z->size - z->offset);
      std::memset(data, 0, n);
      z->offset += n;
      return static_cast<zip_int64_t>(n);
    }
    case ZIP_SOURCE_CLOSE:
      return 0;
    case ZIP_SOURCE_STAT: {
      auto* st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &z->error);
      if (st == nullptr) return -1;
      zip_stat_init(st);
      st->size = z->size;
      st->valid |= ZIP_STAT_SIZE;
      return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_ERROR:
      return zip_error_to_data(&z->error, data, len);
    case ZIP_SOURCE_FREE:
      delete z;
      return 0;
    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                            ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
    default:
      zip_error_set(&z->error, ZIP_ER_OPNOTSUPP, 0);
      return -1;
  }
}

class ZipBuilder {
 public:
  ZipBuilder() {
    zip_error_t error;
    zip_error_init(&error);
    buffer_ = zip_source_buffer_create(nullptr, 0, 0, &error);
    EXPECT_NE(buffer_, nullptr);
    zip_source_keep(buffer_);  // keep it after zip_close to read the archive back
    archive_ = zip_open_from_source(buffer_, ZIP_TRUNCATE, &error);
    EXPECT_NE(archive_, nullptr) << zip_error_strerror(&error);
    zip_error_fini(&error);
  }
  ~ZipBuilder() {
    if (archive_ != nullptr) zip_discard(archive_);
    zip_source_free(buffer_);
  }
  ZipBuilder(const ZipBuilder&) = delete;
  ZipBuilder& operator=(const ZipBuilder&) = delete;

  zip_int64_t add(const std::string& name, Bytes content, zip_int32_t method = ZIP_CM_DEFLATE) {
    contents_.push_back(std::move(content));
    zip_source_t* src =
        zip_source_buffer(archive_, contents_.back().data(), contents_.back().size(), 0);
    return add_source(name, src, method);
  }
  zip_int64_t add(const std::string& name, const std::string& text) {
    return add(name, Bytes(text.begin(), text.end()));
  }
  zip_int64_t add_zeros(const std::string& name, std::uint64_t size) {
    auto* z = new ZeroSource;
    z->size = size;
    zip_error_init(&z->error);
    zip_source_t* src = zip_source_function(archive_, zero_source_callback, z);
    return add_source(name, src, ZIP_CM_DEFLATE);
  }
  zip_int64_t add_dir(const std::string& name) {
    const zip_int64_t index = zip_dir_add(archive_, name.c_str(), ZIP_FL_ENC_GUESS);
    EXPECT_GE(index, 0) << zip_strerror(archive_);
    return index;
  }
  zip_t* archive() { return archive_; }

  Bytes finish() {
    EXPECT_EQ(zip_close(archive_), 0) << zip_strerror(archive_);
    archive_ = nullptr;
    Bytes out;
    if (zip_source_open(buffer_) != 0) return out;
    zip_source_seek(buffer_, 0, SEEK_END);
    out.resize(static_cast<std::size_t>(zip_source_tell(buffer_)));
    zip_source_seek(buffer_, 0, SEEK_SET);
    EXPECT_EQ(zip_source_read(buffer_, out.data(), out.size()),
              static_cast<zip_int64_t>(out.size()));
    zip_source_close(buffer_);
    return out;
  }

 private:
  zip_int64_t add_source(const std::string& name, zip_source_t* src, zip_int32_t method) {
    EXPECT_NE(src, nullptr);
    const zip_int64_t index = zip_file_add(archive_, name.c_str(), src, ZIP_FL_ENC_GUESS);
    EXPECT_GE(index, 0) << "zip_file_add(" << name << "): " << zip_strerror(archive_);
    if (index < 0) {
      zip_source_free(src);
      return index;
    }
    EXPECT_EQ(zip_set_file_compression(archive_, static_cast<zip_uint64_t>(index), method, 0), 0);
    return index;
  }

  zip_source_t* buffer_ = nullptr;
  zip_t* archive_ = nullptr;
  std::deque<Bytes> contents_;
};

std::uint32_t le32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
void put_le32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// Offsets of every record with this 4-byte signature (PK\1\2 central, PK\3\4 local headers).
std::vector<std::size_t> find_records(const Bytes& zip, std::uint8_t kind_a, std::uint8_t kind_b) {
  std::vector<std::size_t> at;
  for (std::size_t i = 0; i + 4 <= zip.size(); ++i) {
    if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == kind_a && zip[i + 3] == kind_b) {
      at.push_back(i);
    }
  }
  return at;
}

// ---------------------------------------------------------------------------------------------
// Package content

Bytes encode(const cv::Mat& image, const std::string& ext) {
  std::vector<uchar> buf;
  EXPECT_TRUE(cv::imencode(ext, image, buf));
  return Bytes(buf.begin(), buf.end());
}

cv::Mat render_pdf417(const std::string& text, int width, int height) {
  std::wstring wide(text.begin(), text.end());
  ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::PDF417);
  writer.setEncoding(ZXing::CharacterSet::ISO8859_1).setMargin(10);
  const ZXing::BitMatrix m = writer.encode(wide, width, height);
  cv::Mat img(m.height(), m.width(), CV_8UC3);
  for (int y = 0; y < m.height(); ++y) {
    for (int x = 0; x < m.width(); ++x) {
      img.at<cv::Vec3b>(y, x) = m.get(x, y) ? cv::Vec3b(0, 0, 0) : cv::Vec3b(255, 255, 255);
    }
  }
  return img;
}

struct Images {
  Bytes selfie;       // obama.jpg, 910 x 1137 portrait
  Bytes wide_selfie;  // obama-720p.jpg, 1280 x 720 (16:9, a selfie from a landscape camera)
  Bytes front;        // ID-1 card 856 x 540, a face photo on it, no barcode
  Bytes back;         // ID-1 card 1012 x 638 with a PDF417
  std::string error;  // why the shared photos are missing
};

const Images& images() {
  static const Images built = [] {
    Images im;
    const std::string dir = kyc_test::shared_dir() + "/data/faces/face_recognition/examples/";
    for (const char* f : {"obama.jpg", "obama-720p.jpg", "biden.jpg"}) {
      if (!kyc_test::exists(dir + f)) im.error = "test data missing: " + dir + f;
    }
    if (!im.error.empty()) return im;
    im.selfie = kyc_test::read_file(dir + "obama.jpg");
    im.wide_selfie = kyc_test::read_file(dir + "obama-720p.jpg");

    cv::Mat card(540, 856, CV_8UC3, cv::Scalar(235, 215, 190));
    cv::Mat portrait = cv::imread(dir + "biden.jpg");
    cv::Mat face = portrait(cv::Rect(0, 0, portrait.cols, portrait.cols * 5 / 4));
    cv::resize(face, face, cv::Size(240, 300));
    face.copyTo(card(cv::Rect(40, 150, 240, 300)));
    cv::putText(card, "DRIVER LICENSE", cv::Point(320, 90), cv::FONT_HERSHEY_DUPLEX, 1.6,
                cv::Scalar(80, 40, 20), 3);
    cv::putText(card, "DL D123-456-789", cv::Point(320, 200), cv::FONT_HERSHEY_SIMPLEX, 1.0,
                cv::Scalar(0, 0, 0), 2);
    im.front = encode(card, ".jpg");

    cv::Mat back(638, 1012, CV_8UC3, cv::Scalar(235, 225, 215));
    const cv::Mat code = render_pdf417(
        "@\n\x1e\rANSI 636000100002DL00410278ZV03190008DLDAQT64235789\nDCSSAMPLE\nDACJANE\n", 900,
        300);
    code.copyTo(back(cv::Rect(56, 300, code.cols, code.rows)));
    cv::putText(back, "ENDORSEMENTS NONE", cv::Point(56, 120), cv::FONT_HERSHEY_SIMPLEX, 1.0,
                cv::Scalar(0, 0, 0), 2);
    im.back = encode(back, ".png");
    return im;
  }();
  return built;
}

#define KYC_NEED_IMAGES()                                  \
  if (!images().error.empty()) {                           \
    if (kyc_test::in_ci()) FAIL() << images().error;       \
    GTEST_SKIP() << images().error << " (set KYC_SHARED)"; \
  }

const std::string kApplicantCsv =
    "first_name,last_name,date_of_birth,license_number\r\nJane,Sample,1980-01-02,T64235789\r\n";
const std::string kApplicantJson =
    R"({"first_name": "Jane", "last_name": "Sample", "date_of_birth": "1980-01-02"})";

kyc::Package read(const Bytes& zip, const kyc::PackageLimits& limits = {},
                  const kyc::PackageFaceHint& has_face = nullptr) {
  return kyc::read_package(zip.data(), zip.size(), limits, has_face);
}

std::string name_of(const kyc::Package& p, PackageRole role) {
  const kyc::PackageEntry* e = p.find(role);
  return e == nullptr ? "<none>" : e->name;
}

// ---------------------------------------------------------------------------------------------
// Hostile-input harness: the error code, the reason, the message, < 100 ms, bounded peak RSS.

long status_kib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string key = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(key.size()));
  }
  return -1;
}

// Resets VmHWM to the current RSS (Linux >= 4.0), so that the peak measured afterwards is the
// peak of the call alone. False when the kernel does not allow it.
bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return out.good();
}

constexpr long kMaxPeakGrowthKib = 16 * 1024;  // libzip's tables and one entry's read buffer
constexpr double kMaxMillis = 100.0;

void expect_rejected(const Bytes& zip, ErrorCode code, const char* reason,
                     const std::string& message_part, const kyc::PackageLimits& limits = {}) {
  const bool peak_reset = reset_peak_rss();
  const long rss_before = status_kib("VmRSS");
  const auto start = std::chrono::steady_clock::now();
  try {
    (void)kyc::read_package(zip.data(), zip.size(), limits);
    ADD_FAILURE() << "accepted; expected reason " << reason;
  } catch (const kyc::PackageError& e) {
    EXPECT_EQ(e.code(), code) << kyc::error_code_name(e.code()) << ": " << e.what();
    EXPECT_STREQ(e.reason(), reason) << e.what();
    EXPECT_NE(std::string(e.what()).find(message_part), std::string::npos)
        << "message \"" << e.what() << "\" should mention \"" << message_part << "\"";
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception type: " << e.what();
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(ms, kMaxMillis) << reason;
  long growth = -1;
  if (peak_reset) {
    growth = status_kib("VmHWM") - rss_before;
    EXPECT_LT(growth, kMaxPeakGrowthKib) << reason << ": peak RSS grew by " << growth << " KiB";
  }
  std::cout << "[ hostile ] " << reason << ": " << ms << " ms, peak RSS +" << growth << " KiB\n";
}

// ---------------------------------------------------------------------------------------------
// Normal packages

struct NamedSet {
  const char* form;
  const char* selfie;
  const char* front;
  const char* back;
};

TEST(PackageRead, RolesAcrossNameVariants) {
  KYC_NEED_IMAGES();
  const NamedSet sets[] = {
      {"applicant.csv", "selfie.jpg", "license_front.jpg", "license_back.png"},
      {"kyc/data.csv", "kyc/face.jpeg", "kyc/dl-front.jpg", "kyc/dl-back.png"},
      {"Applicant Form.CSV", "Photo.PNG.jpg", "id_front.jpeg", "id_back.jpg"},
      {"form.csv", "me.jpg", "licence-front.jpg", "licence-rear.jpg"},
      // No usable names at all: roles come from content only.
      {"data.txt", "b.jpg", "c.jpg", "a.jpg"},
      {"1", "2", "3", "4"},
      // Names that lie: content wins (the barcode, the aspect ratios).
      {"selfie.jpg", "back.jpeg", "selfie2.jpg", "front.png"},
  };
  for (const NamedSet& s : sets) {
    SCOPED_TRACE(std::string(s.selfie) + " / " + s.front + " / " + s.back);
    ZipBuilder zip;
    if (std::string(s.form).find("kyc/") == 0) zip.add_dir("kyc/");
    zip.add(s.back, images().back);  // archive order must not matter either
    zip.add(s.form, kApplicantCsv);
    zip.add(s.front, images().front, ZIP_CM_STORE);
    zip.add(s.selfie, images().selfie);
    const Bytes archive = zip.finish();
    const auto start = std::chrono::steady_clock::now();
    const kyc::Package p = read(archive);
    std::cout << "[ package ] 4 files (" << archive.size() / 1024 << " KiB) read and identified in "
              << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count()
              << " ms\n";
    ASSERT_EQ(p.entries.size(), 4u);
    EXPECT_EQ(name_of(p, PackageRole::applicant_form), s.form);
    EXPECT_EQ(name_of(p, PackageRole::selfie), s.selfie);
    EXPECT_EQ(name_of(p, PackageRole::document_front), s.front);
    EXPECT_EQ(name_of(p, PackageRole::document_back), s.back);
    const kyc::PackageEntry* back = p.find(PackageRole::document_back);
    ASSERT_NE(back, nullptr);
    EXPECT_TRUE(back->has_pdf417);
    EXPECT_EQ(back->detected_type, "png");
    EXPECT_NE(back->role_reason.find("PDF417"), std::string::npos) << back->role_reason;
    const kyc::PackageEntry* form = p.find(PackageRole::applicant_form);
    ASSERT_NE(form, nullptr);
    EXPECT_EQ(form->detected_type, "csv");
    EXPECT_EQ(std::string(form->bytes.begin(), form->bytes.end()), kApplicantCsv);
    const kyc::PackageEntry* selfie = p.find(PackageRole::selfie);
    ASSERT_NE(selfie, nullptr);
    EXPECT_EQ(selfie->bytes, images().selfie);  // the bytes round-trip exactly
    EXPECT_EQ(selfie->detected_type, "jpeg");
    EXPECT_EQ(selfie->width, 910);
    EXPECT_EQ(selfie->height, 1137);
    EXPECT_FALSE(selfie->has_pdf417);
    EXPECT_FALSE(p.find(PackageRole::document_front)->has_pdf417);
    for (const auto& e : p.entries) EXPECT_FALSE(e.role_reason.empty()) << e.name;
  }
}

TEST(PackageRead, JsonFormDirectoriesAndMacMetadataAreReported) {
  KYC_NEED_IMAGES();
  ZipBuilder zip;
  zip.add_dir("Package/");
  zip.add("Package/applicant.json", kApplicantJson);
  zip.add("Package/selfie.jpg", images().selfie);
  zip.add("Package/front.jpg", images().front);
  zip.add("Package/back.png", images().back);
  zip.add_dir("__MACOSX/");
  // 16 bytes: the literal's length (18 read past its end).
  zip.add("__MACOSX/Package/._selfie.jpg", std::string("\0\5\26\7 AppleDouble", 16));
  zip.add("Package/.DS_Store", std::string("\0\0\0\1Bud1", 8));
  zip.add("Package/notes.txt", "taken on the phone\n");
  const kyc::Package p = read(zip.finish());
  ASSERT_EQ(p.entries.size(), 5u);  // 4 files + notes.txt
  EXPECT_EQ(name_of(p, PackageRole::applicant_form), "Package/applicant.json");
  EXPECT_EQ(p.find(PackageRole::applicant_form)->detected_type, "json");
  EXPECT_EQ(name_of(p, PackageRole::selfie), "Package/selfie.jpg");
  EXPECT_EQ(name_of(p, PackageRole::document_front), "Package/front.jpg");
  EXPECT_EQ(name_of(p, PackageRole::document_back), "Package/back.png");
  const kyc::PackageEntry& notes = p.entries.back();
  EXPECT_EQ(notes.detected_type, "text");
  EXPECT_EQ(notes.role, PackageRole::unknown);
  std::string all;
  for (const auto& w : p.warnings) all += w + "\n";
  EXPECT_NE(all.find("\"Package/\": a directory"), std::string::npos) << all;
  EXPECT_NE(all.find("\"__MACOSX/Package/._selfie.jpg\": macOS"), std::string::npos) << all;
  EXPECT_NE(all.find("\"Package/.DS_Store\": macOS folder metadata"), std::string::npos) << all;

  const nlohmann::json j = nlohmann::json::parse(p.to_json());
  EXPECT_EQ(j["schema"], "kyc.package");
  EXPECT_EQ(j["schema_version"], 1);
  ASSERT_EQ(j["entries"].size(), 5u);
  EXPECT_EQ(j["entries"][1]["role"], "selfie");
  EXPECT_EQ(j["entries"][1]["bytes"], images().selfie.size());
  EXPECT_EQ(j["entries"][1]["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(j["entries"][3]["has_pdf417"], true);
  EXPECT_EQ(p.to_json().find("Sample"), std::string::npos) << "contents never go in the report";
}

TEST(PackageRead, SingleDocumentImageIsTheDocument) {
  KYC_NEED_IMAGES();
  ZipBuilder zip;
  zip.add("applicant.csv", kApplicantCsv);
  zip.add("selfie.jpg", images().selfie);
  zip.add("passport.jpg", images().front);
  const kyc::Package p = read(zip.finish());
  EXPECT_EQ(name_of(p, PackageRole::document), "passport.jpg");
  EXPECT_EQ(p.find(PackageRole::document_front), nullptr);
  EXPECT_EQ(p.find(PackageRole::document_back), nullptr);
}

TEST(PackageRead, FaceHintSettlesALandscapeSelfie) {
  KYC_NEED_IMAGES();
  ZipBuilder zip;
  zip.add("1.jpg", images().wide_selfie);
  zip.add("2.jpg", images().front);
  zip.add("3.png", images().back);
  zip.add("4.csv", kApplicantCsv);
  const Bytes archive = zip.finish();

  // Without a face cue a 16:9 selfie looks like nothing in particular: it stays unknown, with a
  // warning, rather than being guessed.
  const kyc::Package plain = read(archive);
  EXPECT_EQ(name_of(plain, PackageRole::document_front), "2.jpg");
  EXPECT_EQ(name_of(plain, PackageRole::document_back), "3.png");
  EXPECT_EQ(plain.find(PackageRole::selfie), nullptr);
  EXPECT_EQ(plain.entries[0].role, PackageRole::unknown);
  bool warned = false;
  for (const auto& w : plain.warnings) warned = warned || w.find("no selfie") != std::string::npos;
  EXPECT_TRUE(warned);

  // The caller's face detector (here: what the test put in each image) fixes it.
  int calls = 0;
  const kyc::PackageFaceHint has_face = [&](const kyc::PackageEntry& e) {
    ++calls;
    return e.name == "1.jpg" || e.name == "2.jpg";
  };
  const kyc::Package hinted = read(archive, {}, has_face);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(name_of(hinted, PackageRole::selfie), "1.jpg");
  EXPECT_NE(hinted.find(PackageRole::selfie)->role_reason.find("face"), std::string::npos);
  EXPECT_EQ(name_of(hinted, PackageRole::document_front), "2.jpg");
  EXPECT_EQ(name_of(hinted, PackageRole::document_back), "3.png");

  // assign_package_roles re-runs on an existing package and replaces the role warnings.
  kyc::Package refined = read(archive);
  kyc::assign_package_roles(refined, has_face);
  EXPECT_EQ(name_of(refined, PackageRole::selfie), "1.jpg");
  EXPECT_EQ(refined.warnings, hinted.warnings);
}

TEST(PackageRead, SecondFormAndPdfAreWarnedAbout) {
  KYC_NEED_IMAGES();
  ZipBuilder zip;
  zip.add("a.csv", kApplicantCsv);
  zip.add("b.json", kApplicantJson);
  zip.add("scan.pdf", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n");
  zip.add("selfie.jpg", images().selfie);
  const kyc::Package p = read(zip.finish());
  EXPECT_EQ(name_of(p, PackageRole::applicant_form), "a.csv");
  EXPECT_EQ(p.entries[1].role, PackageRole::unknown);
  EXPECT_EQ(p.entries[2].detected_type, "pdf");
  std::string all;
  for (const auto& w : p.warnings) all += w + "\n";
  EXPECT_NE(all.find("\"b.json\" is a second applicant form"), std::string::npos) << all;
  EXPECT_NE(all.find("\"scan.pdf\" is a PDF"), std::string::npos) << all;
  EXPECT_NE(all.find("no document image"), std::string::npos) << all;
}

TEST(PackageRead, SmallRepetitiveFileIsNotABomb) {
  // 60 KiB of padding deflates ~1000:1 but is below min_bytes_for_ratio_check.
  ZipBuilder zip;
  zip.add("form.csv", "name,dob\nJane,1980-01-02\n" + std::string(60 * 1024, ' '));
  const kyc::Package p = read(zip.finish());
  ASSERT_EQ(p.entries.size(), 1u);
  EXPECT_GT(static_cast<double>(p.entries[0].bytes.size()) /
                static_cast<double>(p.entries[0].compressed_bytes),
            100.0);
}

// ---------------------------------------------------------------------------------------------
// Hostile archives

TEST(PackageHostile, ZipBombByRatio) {
  ZipBuilder zip;
  zip.add("selfie.jpg", std::string(1000, 'x'));
  zip.add_zeros("front.jpg", 20u * 1024u * 1024u);  // 20 MiB -> ~20 KiB
  expect_rejected(zip.finish(), ErrorCode::limit_exceeded, "compression_ratio",
                  "\"front.jpg\" has compression ratio");
}

TEST(PackageHostile, ZipBombByDeclaredSize) {
  ZipBuilder zip;
  zip.add_zeros("selfie.jpg", 200u * 1024u * 1024u);  // 200 MiB of zeros
  const Bytes archive = zip.finish();
  EXPECT_LT(archive.size(), 1024u * 1024u);
  expect_rejected(archive, ErrorCode::limit_exceeded, "entry_too_large",
                  "\"selfie.jpg\" declares 209715200 bytes");
  // With the ratio check relaxed the entry size limit still holds.
  kyc::PackageLimits relaxed;
  relaxed.max_compression_ratio = 1e9;
  expect_rejected(archive, ErrorCode::limit_exceeded, "entry_too_large", "limit 26214400", relaxed);
}

TEST(PackageHostile, TotalSizeLimit) {
  std::mt19937 rng(7);
  ZipBuilder zip;
  for (const char* name : {"a.jpg", "b.jpg", "c.jpg"}) {
    Bytes noise(400 * 1024);
    for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
    zip.add(name, std::move(noise), ZIP_CM_STORE);
  }
  kyc::PackageLimits limits;
  limits.max_total_bytes = 1024 * 1024;
  expect_rejected(zip.finish(), ErrorCode::limit_exceeded, "total_too_large",
                  "declare 1228800 bytes together", limits);
}

// The central and local headers claim 1000 bytes; the deflate stream holds 20 MiB. Reading must
// stop right after the declared size instead of trusting it or inflating everything.
TEST(PackageHostile, DeclaredSizeLie) {
  ZipBuilder zip;
  zip.add_zeros("selfie.jpg", 20u * 1024u * 1024u);
  Bytes archive = zip.finish();
  const auto central = find_records(archive, 1, 2);
  const auto local = find_records(archive, 3, 4);
  ASSERT_EQ(central.size(), 1u);
  ASSERT_EQ(local.size(), 1u);
  ASSERT_EQ(le32(&archive[central[0] + 24]), 20u * 1024u * 1024u);
  ASSERT_EQ(le32(&archive[local[0] + 22]), 20u * 1024u * 1024u);
  put_le32(&archive[central[0] + 24], 1000);
  put_le32(&archive[local[0] + 22], 1000);
  expect_rejected(archive, ErrorCode::invalid_argument, "size_mismatch",
                  "\"selfie.jpg\" inflates beyond its declared size of 1000 bytes");
  // Even with every limit relaxed, memory stays bounded by the (lying) declared size.
  kyc::PackageLimits relaxed;
  relaxed.max_compression_ratio = 1e9;
  relaxed.max_entry_bytes = relaxed.max_total_bytes = std::size_t(1) << 40;
  expect_rejected(archive, ErrorCode::invalid_argument, "size_mismatch", "declared size", relaxed);
}

TEST(PackageHostile, TooManyEntries) {
  ZipBuilder zip;
  for (int i = 0; i < 10000; ++i) zip.add("f" + std::to_string(i) + ".txt", "x");
  const Bytes archive = zip.finish();
  expect_rejected(archive, ErrorCode::limit_exceeded, "too_many_entries",
                  "declares 10000 entries (limit 64)");
  // Also when the end record understates the count: libzip reads only what is declared, and
  // a central directory that holds more is inconsistent.
  Bytes lying = archive;
  const auto eocd = find_records(lying, 5, 6);
  ASSERT_FALSE(eocd.empty());
  lying[eocd.back() + 8] = lying[eocd.back() + 10] = 3;
  lying[eocd.back() + 9] = lying[eocd.back() + 11] = 0;
  expect_rejected(lying, ErrorCode::invalid_argument, "corrupt", "truncated or corrupt");
}

TEST(PackageHostile, ArchiveTooLarge) {
  ZipBuilder zip;
  zip.add("form.csv", kApplicantCsv);
  kyc::PackageLimits limits;
  limits.max_archive_bytes = 100;
  expect_rejected(zip.finish(), ErrorCode::limit_exceeded, "archive_too_large", "(limit 100)",
                  limits);
}

TEST(PackageHostile, NestedArchive) {
  ZipBuilder inner;
  inner.add_zeros("bomb.bin", 1024 * 1024);
  const Bytes inner_zip = inner.finish();
  {
    ZipBuilder zip;
    zip.add("form.csv", kApplicantCsv);
    zip.add("more.zip", inner_zip, ZIP_CM_STORE);
    expect_rejected(zip.finish(), ErrorCode::invalid_argument, "nested_archive",
                    "\"more.zip\" is a ZIP archive");
  }
  {  // identified by content, whatever the name
    ZipBuilder zip;
    zip.add("selfie.jpg", inner_zip);
    expect_rejected(zip.finish(), ErrorCode::invalid_argument, "nested_archive",
                    "\"selfie.jpg\" is a ZIP archive");
  }
  {
    ZipBuilder zip;
    zip.add("form.csv.gz", Bytes{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    expect_rejected(zip.finish(), ErrorCode::invalid_argument, "nested_archive", "gzip");
  }
}

TEST(PackageHostile, ZipSlipAndAbsolutePaths) {
  const struct {
    const char* name;
    const char* says;
  } cases[] = {
      {"../../etc/passwd", "'..' component"}, {"a/../../b", "'..' component"},
      {"kyc/..", "'..' component"},           {"/abs", "absolute path"},
      {"/etc/cron.d/x", "absolute path"},     {"C:\\x", "backslash"},
      {"dir\\..\\x.jpg", "backslash"},        {"C:/Windows/x.jpg", "drive letter"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ZipBuilder zip;
    zip.add("selfie.jpg", std::string(100, 'x'));
    zip.add(c.name, "evil");
    expect_rejected(zip.finish(), ErrorCode::invalid_argument, "unsafe_path", c.says);
  }
  ZipBuilder zip;  // the sanitised name is quoted in the message, backslashes escaped
  zip.add("..\\..\\x", "evil");
  expect_rejected(zip.finish(), ErrorCode::invalid_argument, "unsafe_path", "\"..\\\\..\\\\x\"");
}

TEST(PackageHostile, SymlinkAndSpecialFiles) {
  {
    ZipBuilder zip;
    zip.add("selfie.jpg", std::string(100, 'x'));
    const zip_int64_t i = zip.add("front.jpg", "/etc/passwd");
    ASSERT_EQ(zip_file_set_external_attributes(zip.archive(), static_cast<zip_uint64_t>(i), 0,
                                               ZIP_OPSYS_UNIX, (S_IFLNK | 0777u) << 16),
              0);
    expect_rejected(zip.finish(), ErrorCode::invalid_argument, "symlink",
                    "\"front.jpg\" is a symbolic link");
  }
  {
    ZipBuilder zip;
    const zip_int64_t i = zip.add("fifo", "");
    ASSERT_EQ(zip_file_set_external_attributes(zip.archive(), static_cast<zip_uint64_t>(i), 0,
                                               ZIP_OPSYS_UNIX, (S_IFIFO | 0644u) << 16),
              0);
    expect_rejected(zip.finish(), ErrorCode::invalid_argument, "special_file",
                    "not a regular file");
  }
  {  // the same mode bits from a DOS creator mean nothing: accepted as a regular file
    ZipBuilder zip;
    const zip_int64_t i = zip.add("form.csv", kApplicantCsv);
    ASSERT_EQ(zip_file_set_external_attributes(zip.archive(), static_cast<zip_uint64_t>(i), 0,
                                               ZIP_OPSYS_DOS, (S_IFLNK | 0777u) << 16),
              0);
    const Bytes archive = zip.finish();
    EXPECT_EQ(read(archive).entries.size(), 1u);
  }
}

TEST(PackageHostile, EncryptedEntry) {
  const zip_uint16_t method =
      zip_encryption_method_supported(ZIP_EM_AES_256, 1) != 0 ? ZIP_EM_AES_256 : ZIP_EM_TRAD_PKWARE;
  if (zip_encryption_method_supported(method, 1) == 0) {
    GTEST_SKIP() << "this libzip cannot write encrypted entries";
  }
  ZipBuilder zip;
  zip.add("form.csv", kApplicantCsv);
  const zip_int64_t i = zip.add("selfie.jpg", std::string(5000, 'x'));
  ASSERT_EQ(zip_file_set_encryption(zip.archive(), static_cast<zip_uint64_t>(i), method, "secret"),
            0);
  expect_rejected(zip.finish(), ErrorCode::invalid_argument, "encrypted",
                  "\"selfie.jpg\" is encrypted");
}

TEST(PackageHostile, BadNames) {
  {
    ZipBuilder zip;
    zip.add("bad\xff\xfe.jpg", "x");
    expect_rejected(zip.finish(), ErrorCode::invalid_argument, "invalid_name",
                    "\"bad\\xff\\xfe.jpg\" is not valid UTF-8");
  }
  {  // an overlong encoding of '/' is not UTF-8 either
    ZipBuilder zip;
    zip.add("a\xc0\xafpasswd", "x");
    expect_rejected(zip.finish(), ErrorCode::invalid_argument, "invalid_name", "not valid UTF-8");
  }
  {
    ZipBuilder zip;
    zip.add("line\nbreak.jpg", "x");
    expect_rejected(zip.finish(), ErrorCode::invalid_argument, "invalid_name",
                    "\"line\\x0abreak.jpg\" contains a control character");
  }
  {
    ZipBuilder zip;
    zip.add(std::string(300, 'n') + ".jpg", "x");
    expect_rejected(zip.finish(), ErrorCode::limit_exceeded, "name_too_long",
                    "is 304 bytes (limit 255)");
  }
  {  // UTF-8 names are fine
    ZipBuilder zip;
    zip.add("Führerschein_vorne_\xe6\x97\xa5\xe6\x9c\xac.csv", kApplicantCsv);
    EXPECT_EQ(read(zip.finish()).entries.at(0).name,
              "Führerschein_vorne_\xe6\x97\xa5\xe6\x9c\xac.csv");
  }
}

TEST(PackageHostile, DuplicateNames) {
  {
    ZipBuilder zip;
    zip.add("Selfie.jpg", "x");
    zip.add("selfie.JPG", "y");
    expect_rejected(zip.finish(), ErrorCode::invalid_argument, "duplicate_name",
                    "\"selfie.JPG\" appears twice");
  }
  {  // exact duplicates cannot be written with libzip: patch the second name
    ZipBuilder zip;
    zip.add("selfie.jpg", "x");
    zip.add("xelfie.jpg", "y");
    Bytes archive = zip.finish();
    for (std::size_t i = 0; i + 10 <= archive.size(); ++i) {
      if (std::memcmp(&archive[i], "xelfie.jpg", 10) == 0) archive[i] = 's';
    }
    try {
      (void)read(archive);
      ADD_FAILURE() << "duplicate names accepted";
    } catch (const kyc::PackageError& e) {
      // libzip itself refuses an archive with two identical names as inconsistent; either way
      // the package is rejected with a clear error.
      EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
      EXPECT_TRUE(std::string(e.reason()) == "duplicate_name" ||
                  std::string(e.reason()) == "corrupt")
          << e.reason() << ": " << e.what();
    }
  }
}

TEST(PackageHostile, EmptyArchives) {
  const Bytes eocd_only = {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  expect_rejected(eocd_only, ErrorCode::invalid_argument, "empty", "holds no files");
  ZipBuilder zip;
  zip.add_dir("kyc/");
  zip.add("__MACOSX/._x", "x");
  expect_rejected(zip.finish(), ErrorCode::invalid_argument, "empty", "holds no files");
  expect_rejected(Bytes{}, ErrorCode::invalid_argument, "not_zip", "empty (0 bytes)");
  try {
    (void)kyc::read_package(nullptr, 10);
    ADD_FAILURE() << "null accepted";
  } catch (const kyc::PackageError& e) {
    EXPECT_STREQ(e.reason(), "null_input");
  }
}

// A 42-byte file: a ZIP64 locator pointing at a "ZIP64 end record" signature 16 bytes from the
// start, whose fields would lie past the end of the input. (Under ASan an out-of-bounds read
// here fails the test.)
TEST(PackageHostile, Zip64LocatorPointingPastTheEnd) {
  Bytes tiny(42, 0);
  const std::uint8_t locator[4] = {'P', 'K', 6, 7};
  std::memcpy(&tiny[0], locator, 4);
  tiny[8] = 16;  // offset of the ZIP64 end record
  const std::uint8_t record[4] = {'P', 'K', 6, 6};
  std::memcpy(&tiny[16], record, 4);
  const std::uint8_t eocd[4] = {'P', 'K', 5, 6};
  std::memcpy(&tiny[20], eocd, 4);
  tiny[28] = tiny[29] = tiny[30] = tiny[31] = 0xFF;  // entry counts: "see ZIP64"
  try {
    (void)read(tiny);
    ADD_FAILURE() << "accepted";
  } catch (const kyc::PackageError& e) {
    EXPECT_EQ(e.code(), ErrorCode::limit_exceeded) << e.what();  // 0xFFFF declared entries
    EXPECT_STREQ(e.reason(), "too_many_entries");
  }
}

TEST(PackageHostile, NotAZip) {
  KYC_NEED_IMAGES();
  expect_rejected(images().selfie, ErrorCode::invalid_argument, "not_zip", "not a ZIP archive");
  const std::string csv = kApplicantCsv;
  expect_rejected(Bytes(csv.begin(), csv.end()), ErrorCode::invalid_argument, "not_zip",
                  "not a ZIP archive");
  std::mt19937 rng(11);
  Bytes noise(100000);
  for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
  expect_rejected(noise, ErrorCode::invalid_argument, "not_zip", "not a ZIP archive");
}

TEST(PackageHostile, EveryPrefixOfAnArchiveIsRejected) {
  ZipBuilder zip;
  zip.add("form.csv", kApplicantCsv);
  zip.add("kyc/notes.txt", std::string(3000, 'n'));
  zip.add("b.bin", Bytes(500, 7), ZIP_CM_STORE);
  const Bytes archive = zip.finish();
  ASSERT_EQ(read(archive).entries.size(), 3u);
  int checked = 0;
  for (std::size_t len = 0; len < archive.size(); len += (len < 64 ? 1 : 5)) {
    SCOPED_TRACE(len);
    const Bytes prefix(archive.begin(), archive.begin() + static_cast<std::ptrdiff_t>(len));
    const auto start = std::chrono::steady_clock::now();
    try {
      (void)read(prefix);
      ADD_FAILURE() << "a " << len << "-byte prefix was accepted";
    } catch (const kyc::PackageError& e) {
      EXPECT_EQ(e.code(), ErrorCode::invalid_argument) << e.what();
      EXPECT_TRUE(std::string(e.reason()) == "not_zip" || std::string(e.reason()) == "corrupt")
          << e.reason();
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(ms, kMaxMillis);
    ++checked;
  }
  EXPECT_GT(checked, 100);
}

TEST(PackageHostile, UnsupportedCompression) {
  if (zip_compression_method_supported(ZIP_CM_BZIP2, 1) == 0) {
    GTEST_SKIP() << "this libzip cannot write bzip2 entries";
  }
  ZipBuilder zip;
  zip.add("form.csv", Bytes(kApplicantCsv.begin(), kApplicantCsv.end()), ZIP_CM_BZIP2);
  expect_rejected(zip.finish(), ErrorCode::unsupported_format, "unsupported_compression",
                  "\"form.csv\" uses compression method 12");
}

// A PNG declaring 32 megapixels of white stores in ~100 KiB; decoding and scanning it for a
// barcode would cost ~100 MB and seconds. It is identified from its header and left unscanned.
TEST(PackageHostile, PixelBombIsNotDecoded) {
  const cv::Mat canvas(4000, 8000, CV_8UC1, cv::Scalar(255));
  const Bytes png = encode(canvas, ".png");
  ZipBuilder zip;
  zip.add("form.csv", kApplicantCsv);
  zip.add("back.png", png, ZIP_CM_STORE);
  const Bytes archive = zip.finish();
  const bool peak_reset = reset_peak_rss();
  const long rss_before = status_kib("VmRSS");
  const auto start = std::chrono::steady_clock::now();
  const kyc::Package p = read(archive);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(ms, kMaxMillis);
  if (peak_reset) {
    EXPECT_LT(status_kib("VmHWM") - rss_before, kMaxPeakGrowthKib);
  }
  ASSERT_EQ(p.entries.size(), 2u);
  EXPECT_EQ(p.entries[1].detected_type, "png");
  EXPECT_EQ(p.entries[1].width, 8000);
  EXPECT_FALSE(p.entries[1].has_pdf417);
  std::string all;
  for (const auto& w : p.warnings) all += w + "\n";
  EXPECT_NE(all.find("\"back.png\" has 32000000 pixels"), std::string::npos) << all;
}

// Random byte corruption of a valid package: either it still reads, or a kyc::Error says why.
// (Run under ASan/UBSan in CI, this is where memory errors would show.)
TEST(PackageHostile, CorruptedBytesGiveErrorsNotCrashes) {
  ZipBuilder zip;
  zip.add("form.csv", kApplicantCsv);
  zip.add("notes.txt", std::string(2000, 'n'));
  const Bytes archive = zip.finish();
  std::mt19937 rng(3);
  int rejected = 0;
  for (int round = 0; round < 500; ++round) {
    Bytes damaged = archive;
    for (int k = 0; k < 3; ++k) damaged[rng() % damaged.size()] = static_cast<std::uint8_t>(rng());
    try {
      (void)read(damaged);
    } catch (const kyc::Error&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 0);
}

}  // namespace
