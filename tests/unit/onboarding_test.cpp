// The engine's document and onboarding flow end to end, on real photos and real readers:
// read_document on the ICAO specimen passports (MRZ + printed zone), and verify_package on KYC
// packages built here (a licence front with a real face, a back with a PDF417 rendered by
// zxing-cpp, a selfie, a CSV form), against a real local registry server.
#include <ZXing/BarcodeFormat.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/CharacterSet.h>
#include <ZXing/MultiFormatWriter.h>
#include <gtest/gtest.h>
#include <zip.h>

#include <kyc/kyc.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "support/registry_server.hpp"
#include "support/shared_data.hpp"
#include "support/zip_writer.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;

// An AAMVA 2016 (version 08) licence of a made-up holder, Virginia IIN, in the standard layout.
const std::string kAamva =
    "@\n\x1e\rANSI 636000080002DL00410266ZV03070008DL"
    "DAQT64235789\nDCSMARSH\nDDEN\nDACJORDAN\nDDFN\nDADLEE\nDDGN\nDCAD\nDCBK\nDCDPH\n"
    "DBD06062016\nDBB06061986\nDBA12102030\nDBC1\nDAU068 in\nDAYBRO\nDAG2300 WEST BROAD STREET\n"
    "DAIRICHMOND\nDAJVA\nDAK232690000  \nDCF2424244747474786102204\nDCGUSA\nDCK123456789\n"
    "DDAF\nDDB06062008\nDDC06062009\nDDD1\rZVZVA01\r";

Bytes encode(const cv::Mat& image, const char* ext) {
  std::vector<uchar> buf;
  cv::imencode(ext, image, buf);
  return Bytes(buf.begin(), buf.end());
}

cv::Mat pdf417(const std::string& text) {
  ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::PDF417);
  writer.setEncoding(ZXing::CharacterSet::ISO8859_1).setMargin(10);
  const ZXing::BitMatrix m = writer.encode(std::wstring(text.begin(), text.end()), 900, 300);
  cv::Mat img(m.height(), m.width(), CV_8UC3);
  for (int y = 0; y < m.height(); ++y) {
    for (int x = 0; x < m.width(); ++x) {
      img.at<cv::Vec3b>(y, x) = m.get(x, y) ? cv::Vec3b(0, 0, 0) : cv::Vec3b(255, 255, 255);
    }
  }
  return img;
}

// An ID-1 card (856x540) with the holder's portrait cut from a real photo.
Bytes licence_front(const std::string& photo) {
  cv::Mat card(540, 856, CV_8UC3, cv::Scalar(235, 215, 190));
  const cv::Mat portrait = cv::imread(photo);
  const int side = std::min(portrait.cols, portrait.rows * 4 / 5);
  cv::Mat face = portrait(cv::Rect((portrait.cols - side) / 2, 0, side, side * 5 / 4));
  cv::resize(face, face, cv::Size(240, 300));
  face.copyTo(card(cv::Rect(40, 150, 240, 300)));
  cv::putText(card, "DRIVER LICENSE", cv::Point(320, 90), cv::FONT_HERSHEY_DUPLEX, 1.6,
              cv::Scalar(80, 40, 20), 3);
  return encode(card, ".jpg");
}

Bytes licence_back() {
  cv::Mat back(638, 1012, CV_8UC3, cv::Scalar(235, 225, 215));
  const cv::Mat code = pdf417(kAamva);
  code.copyTo(back(cv::Rect(56, 300, code.cols, code.rows)));
  return encode(back, ".png");
}

Bytes zip(const std::vector<std::pair<std::string, Bytes>>& files) {
  const Bytes out = kyc_test::make_zip(files);
  EXPECT_FALSE(out.empty());
  return out;
}

Bytes text(const std::string& s) {
  return Bytes(s.begin(), s.end());
}

const std::string kForm =
    "first_name,last_name,date_of_birth,license_number,address,city,state,zip\r\n"
    "Jordan,Marsh,06/06/1986,T64235789,2300 W Broad St,Richmond,VA,23269\r\n";

kyc::Config config_for(const std::string& verifier_url = {}) {
  kyc::Config config;
  config.document.as_of = "2026-01-15";
  config.document.tessdata_dir = kyc_test::shared_dir() + "/models/tessdata";
  config.verifier.url = verifier_url;
  config.verifier.max_attempts = 1;
  return config;
}

// One engine for the suite, destroyed before exit: Tesseract's process-wide model cache would
// otherwise be torn down first and warn about the handles the engine still holds.
std::unique_ptr<kyc::Engine> g_engine;

class EngineEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { g_engine.reset(); }
};
const auto* const g_environment = ::testing::AddGlobalTestEnvironment(new EngineEnvironment);

const kyc::Engine& engine() {
  if (!g_engine) g_engine = std::make_unique<kyc::Engine>(config_for());
  return *g_engine;
}

#define KYC_PACKAGE_PHOTOS()                                    \
  KYC_FACE(obama, "face_recognition/examples/obama.jpg");       \
  KYC_FACE(obama2, "face_recognition/examples/obama2.jpg");     \
  KYC_FACE(biden, "face_recognition/examples/biden.jpg");       \
  KYC_SHARED_FILE(tessdata, "models/tessdata/mrz.traineddata"); \
  (void)tessdata

std::vector<std::string> reasons(const kyc::PackageReport& r) {
  return r.reasons;
}

TEST(Onboarding, ConsistentPackageIsApproved) {
  KYC_PACKAGE_PHOTOS();
  const Bytes package = zip({{"form.csv", text(kForm)},
                             {"selfie.jpg", kyc_test::read_file(obama2)},
                             {"licence_front.jpg", licence_front(obama)},
                             {"licence_back.png", licence_back()}});
  const kyc::PackageReport r = engine().verify_package(package.data(), package.size());
  EXPECT_EQ(r.verdict, kyc::PackageVerdict::approved) << r.to_json(2);
  ASSERT_TRUE(r.face_match.has_value());
  EXPECT_TRUE(r.face_match->is_match());
  ASSERT_TRUE(r.document.has_value());
  ASSERT_TRUE(r.document->barcode.has_value());
  EXPECT_TRUE(r.document->barcode->valid);
  EXPECT_EQ(r.document->barcode->fields.surname, "MARSH");
  // A valid AAMVA barcode means a licence: the MRZ search is skipped, and says so.
  EXPECT_FALSE(r.document->mrz.has_value());
  ASSERT_TRUE(r.consistency.has_value());
  EXPECT_TRUE(r.consistency->is_consistent()) << r.consistency->to_json(2);
  const auto j = nlohmann::json::parse(r.to_json());
  EXPECT_EQ(j["schema"], "kyc.package_report");
  EXPECT_EQ(j["verdict"], "approved");
  EXPECT_EQ(j["package"]["entries"].size(), 4u);
}

TEST(Onboarding, SomeoneElsesSelfieIsRejected) {
  KYC_PACKAGE_PHOTOS();
  const Bytes package = zip({{"form.csv", text(kForm)},
                             {"selfie.jpg", kyc_test::read_file(biden)},
                             {"front.jpg", licence_front(obama)},
                             {"back.png", licence_back()}});
  const kyc::PackageReport r = engine().verify_package(package.data(), package.size());
  EXPECT_EQ(r.verdict, kyc::PackageVerdict::rejected);
  EXPECT_EQ(reasons(r), std::vector<std::string>{"face_mismatch"}) << r.to_json(2);
}

TEST(Onboarding, FormDisagreeingWithTheLicenceIsRejected) {
  KYC_PACKAGE_PHOTOS();
  std::string form = kForm;
  form.replace(form.find("Marsh"), 5, "Walsh");
  form.replace(form.find("06/06/1986"), 10, "07/06/1986");
  const Bytes package = zip({{"applicant.csv", text(form)},
                             {"me.jpg", kyc_test::read_file(obama2)},
                             {"dl-front.jpg", licence_front(obama)},
                             {"dl-back.png", licence_back()}});
  const kyc::PackageReport r = engine().verify_package(package.data(), package.size());
  EXPECT_EQ(r.verdict, kyc::PackageVerdict::rejected);
  EXPECT_EQ(reasons(r), std::vector<std::string>{"data_inconsistent"}) << r.to_json(2);
}

TEST(Onboarding, MissingPiecesGoToReview) {
  KYC_PACKAGE_PHOTOS();
  const Bytes package = zip({{"form.csv", text(kForm)}, {"back.png", licence_back()}});
  const kyc::PackageReport r = engine().verify_package(package.data(), package.size());
  EXPECT_EQ(r.verdict, kyc::PackageVerdict::review);
  const auto& why = r.reasons;
  EXPECT_NE(std::find(why.begin(), why.end(), "missing_selfie"), why.end()) << r.to_json(2);
  EXPECT_FALSE(r.face_match.has_value());
}

TEST(Onboarding, UnsafeArchiveIsAnError) {
  const Bytes package = zip({{"../../etc/passwd", text("x")}});
  try {
    (void)engine().verify_package(package.data(), package.size());
    FAIL() << "zip-slip accepted";
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), kyc::ErrorCode::invalid_argument);
    EXPECT_NE(std::string(e.what()).find(".."), std::string::npos) << e.what();
  }
}

TEST(Onboarding, RegistryAnswerDecides) {
#if !KYC_HAVE_CURL
  GTEST_SKIP() << "built without libcurl: no record verifier (NoCurlBuild tests cover the error)";
#endif
  KYC_PACKAGE_PHOTOS();
  kyc_test::RegistryServer server;
  const Bytes package = zip({{"form.csv", text(kForm)},
                             {"selfie.jpg", kyc_test::read_file(obama2)},
                             {"front.jpg", licence_front(obama)},
                             {"back.png", licence_back()}});
  {
    const kyc::Engine verified(config_for(server.url("/verified")));
    const kyc::PackageReport r = verified.verify_package(package.data(), package.size());
    EXPECT_EQ(r.verdict, kyc::PackageVerdict::approved) << r.to_json(2);
    ASSERT_TRUE(r.verification.has_value());
    EXPECT_TRUE(r.verification->is_verified());
    EXPECT_FALSE(r.verification->reference.empty());
  }
  {
    const kyc::Engine refused(config_for(server.url("/not_verified")));
    const kyc::PackageReport r = refused.verify_package(package.data(), package.size());
    EXPECT_EQ(r.verdict, kyc::PackageVerdict::rejected);
    // The registry's "surname: false" also reaches the consistency check as an external source.
    ASSERT_FALSE(r.reasons.empty());
    EXPECT_EQ(r.reasons.front(), "registry_not_verified") << r.to_json(2);
  }
  {
    const kyc::Engine down(config_for(server.url("/always503")));
    const kyc::PackageReport r = down.verify_package(package.data(), package.size());
    EXPECT_EQ(r.verdict, kyc::PackageVerdict::review);
    EXPECT_EQ(reasons(r), std::vector<std::string>{"registry_unavailable"}) << r.to_json(2);
  }
}

TEST(Onboarding, VerifyRecordNeedsAConfiguredVerifier) {
  try {
    (void)engine().verify_record({});
    FAIL() << "no verifier configured, yet no error";
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), kyc::ErrorCode::backend_unavailable);
  }
}

TEST(DocumentRead, SpecimenPassportReadsItsMrzAndPrintedZone) {
  KYC_SHARED_FILE(expected_path, "data/docs/passporteye/expected.json");
  KYC_SHARED_FILE(td3, "data/docs/passporteye/tests/data/passport-td3.jpg");
  KYC_SHARED_FILE(tessdata, "models/tessdata/mrz.traineddata");
  const auto expected = nlohmann::json::parse(std::string([&] {
    auto b = kyc_test::read_file(expected_path);
    return std::string(b.begin(), b.end());
  }()));
  const kyc::DocumentReadResult r = engine().read_document(kyc::ImageInput::from_path(td3));
  ASSERT_TRUE(r.mrz.has_value());
  EXPECT_EQ(r.mrz->status, kyc::MrzStatus::valid) << r.to_json(2);
  EXPECT_TRUE(r.machine_readable());
  // Expected values from PassportEye's oracle for this specimen.
  const auto& want =
      expected["images"]["passporteye/tests/data/passport-td3.jpg"]["expected_from_test"];
  EXPECT_EQ(r.mrz->fields.surname, want["surname"].get<std::string>());
  EXPECT_EQ(r.mrz->fields.given_names, want["names"].get<std::string>());
  EXPECT_EQ(r.mrz->fields.document_number, want["number"].get<std::string>());
  ASSERT_TRUE(r.viz_mrz.has_value());
  EXPECT_TRUE(r.viz_mrz->consistent) << r.viz_mrz->to_json(2);
  const auto reads = r.reads();
  ASSERT_GE(reads.size(), 1u);
  EXPECT_EQ(reads.front().source, kyc::FieldSource::mrz);
}

TEST(DocumentRead, MissingOcrModelIsAClearError) {
  kyc::Config config = config_for();
  config.document.mrz_model = "no_such_model";
  const kyc::Engine e(config);
  cv::Mat blank(300, 400, CV_8UC3, cv::Scalar(255, 255, 255));
  const Bytes png = encode(blank, ".png");
  try {
    (void)e.read_document(kyc::ImageInput::from_bytes(png.data(), png.size()));
    FAIL() << "no error for a missing traineddata";
  } catch (const kyc::Error& err) {
    EXPECT_EQ(err.code(), kyc::ErrorCode::model_not_found);
    EXPECT_NE(std::string(err.what()).find("no_such_model.traineddata"), std::string::npos)
        << err.what();
  }
}

}  // namespace

namespace {

// Package and applicant limits come from the engine's configuration (JSON, so also C/Python).
TEST(Onboarding, ConfiguredLimitsApply) {
  kyc::Config config = kyc::Config::from_json(
      R"({"package_limits": {"max_entries": 2}, "applicant_limits": {"max_bytes": 16}})");
  EXPECT_EQ(config.package_limits.max_entries, 2u);
  EXPECT_EQ(kyc::Config::from_json(config.to_json()).applicant_limits.max_bytes, 16u);
  const kyc::Engine limited(config);
  const Bytes three = zip({{"a.csv", text(kForm)}, {"b.txt", text("x")}, {"c.txt", text("y")}});
  try {
    (void)limited.verify_package(three.data(), three.size());
    FAIL() << "three entries accepted with max_entries 2";
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), kyc::ErrorCode::limit_exceeded) << e.what();
  }
  const Bytes one = zip({{"form.csv", text(kForm)}});
  try {
    (void)limited.verify_package(one.data(), one.size());
    FAIL() << "a " << kForm.size() << "-byte form accepted with max_bytes 16";
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), kyc::ErrorCode::limit_exceeded) << e.what();
  }
  EXPECT_THROW(kyc::Config::from_json(R"({"package_limits": {"max_entries": "2"}})"), kyc::Error);
  EXPECT_THROW(kyc::Config::from_json(R"({"package_limits": {"max_compression_ratio": 0}})"),
               kyc::Error);
}

}  // namespace
