// MRZ from images: Utopia specimens against PassportEye's expected values, the 34 PassportEye
// specimens (counted by check-digit validity), line-level character error rate on real MRZ line
// crops, rotation/skew, threads, no-MRZ images and a missing model.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <dirent.h>
#include <chrono>
#include <fstream>
#include <kyc/kyc.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "support/shared_data.hpp"

namespace {

using nlohmann::json;

// Measured CER (docs/mrz.md), rounded up a little: a regression fails, an improvement passes.
constexpr double kLineCerRatchetPercent = 0.35;  // measured 0.26 % (4 / 1561)

std::string docs_dir() {
  return kyc_test::shared_dir() + "/data/docs";
}

const kyc::MrzReader& reader() {
  static const kyc::MrzReader instance([] {
    kyc::MrzReaderOptions options;
    options.tessdata_dir = kyc_test::shared_dir() + "/models/tessdata";
    options.parse.reference_date = "2026-06-01";
    return options;
  }());
  return instance;
}

#define REQUIRE_MRZ_MODEL() KYC_SHARED_FILE(model_file_, "models/tessdata/mrz.traineddata")

std::vector<std::string> list_dir(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name.size() > suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        out.push_back(name);
      }
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string raw_field(const kyc::MrzResult& r, const std::string& name) {
  for (const auto& [n, v] : r.raw_fields) {
    if (n == name) return v;
  }
  return {};
}

TEST(MrzImage, UtopiaSpecimensMatchPassportEyeExpectations) {
  REQUIRE_MRZ_MODEL();
  KYC_SHARED_FILE(expected_path, "data/docs/passporteye/expected.json");
  std::ifstream in(expected_path);
  const json expected = json::parse(in);
  int checked = 0;
  for (const auto& [relative, e] : expected["images"].items()) {
    SCOPED_TRACE(relative);
    const auto r = reader().read(kyc::ImageInput::from_path(docs_dir() + "/" + relative));
    ASSERT_TRUE(r.valid) << r.to_json();
    EXPECT_EQ(kyc::mrz_format_name(r.format), e["format"].get<std::string>());
    EXPECT_EQ(r.lines, e["image_mrz_curator_read"]["lines"].get<std::vector<std::string>>());
    const auto& f = e["expected_fields_normalized"];
    std::string type = f["document_type"];
    type.erase(std::remove(type.begin(), type.end(), '<'), type.end());
    EXPECT_EQ(r.fields.document_type, type);
    EXPECT_EQ(r.fields.issuing_country, f["issuing_country"]);
    EXPECT_EQ(r.fields.document_number, f["document_number"]);
    EXPECT_EQ(r.fields.nationality, f["nationality"]);
    EXPECT_EQ(raw_field(r, "date_of_birth"), f["birth_date"]);
    EXPECT_EQ(raw_field(r, "date_of_expiry"), f["expiry_date"]);
    EXPECT_EQ(r.fields.date_of_birth, "1974-08-12");
    EXPECT_EQ(r.fields.date_of_expiry, "2012-04-15");
    EXPECT_EQ(r.fields.sex, f["sex"]);
    EXPECT_EQ(r.fields.surname, f["surname"]);
    EXPECT_EQ(r.fields.given_names, f["given_names"]);
    EXPECT_EQ(raw_field(r, "optional_data"), f["optional_data"]);
    EXPECT_TRUE(r.flags.specimen_state);
    // Every printed check digit as PassportEye's curator read it.
    for (const auto& c : e["image_mrz_curator_read"]["check_digit_report"]) {
      std::string field = c["field"];
      if (field == "birth_date") field = "date_of_birth";
      if (field == "expiry_date") field = "date_of_expiry";
      bool found = false;
      for (const auto& d : r.check_digits) {
        if (d.field != field) continue;
        found = true;
        EXPECT_EQ(std::string(1, d.found), c["printed"].get<std::string>()) << field;
        EXPECT_EQ(d.expected, '0' + c["computed"].get<int>()) << field;
        EXPECT_TRUE(d.valid);
      }
      EXPECT_TRUE(found) << field;
    }
    EXPECT_TRUE(r.geometry.found);
    EXPECT_GT(r.ocr_confidence, 50.0f);
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST(MrzImage, PassportEyeSpecimensCountedByCheckDigits) {
  REQUIRE_MRZ_MODEL();
  const std::string dir = docs_dir() + "/passporteye/passporteye/mrz/testdata";
  const auto files = [&] {
    auto jpg = list_dir(dir, ".jpg");
    const auto png = list_dir(dir, ".png");
    jpg.insert(jpg.end(), png.begin(), png.end());
    return jpg;
  }();
  if (files.empty()) {
    KYC_SHARED_FILE(missing, "data/docs/passporteye/passporteye/mrz/testdata/100_pass-uto.jpg");
  }
  ASSERT_EQ(files.size(), 34u);
  int all_valid = 0, found = 0;
  double total_ms = 0;
  for (const auto& name : files) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = reader().read(kyc::ImageInput::from_path(dir + "/" + name));
    total_ms +=
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    all_valid += r.valid ? 1 : 0;
    found += r.status != kyc::MrzStatus::not_found ? 1 : 0;
  }
  std::printf(
      "[ passporteye ] %d/34 with every check digit valid, %d/34 MRZ found, %.0f ms/image\n",
      all_valid, found, total_ms / files.size());
  EXPECT_GE(all_valid, 24);  // ratchet: measured 25 (docs/mrz.md)
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

TEST(MrzImage, LineCharacterErrorRate) {
  REQUIRE_MRZ_MODEL();
  const std::string dir = docs_dir() + "/mrz_lines";
  const auto crops = list_dir(dir, ".tif");
  if (crops.empty()) {
    KYC_SHARED_FILE(missing, "data/docs/mrz_lines");
  }
  std::size_t errors = 0, characters = 0, exact = 0;
  for (const auto& name : crops) {
    std::ifstream gt_in(dir + "/" + name.substr(0, name.size() - 4) + ".gt.txt");
    std::string truth;
    std::getline(gt_in, truth);
    while (!truth.empty() && (truth.back() == '\r' || truth.back() == ' ')) truth.pop_back();
    const auto lines = reader().recognise(kyc::ImageInput::from_path(dir + "/" + name), true);
    std::string read;
    for (const auto& l : lines) read += l;
    const std::size_t e = edit_distance(read, truth);
    errors += e;
    characters += truth.size();
    exact += e == 0 ? 1 : 0;
  }
  const double cer = 100.0 * errors / std::max<std::size_t>(characters, 1);
  std::printf("[ mrz lines ] %zu crops, CER %.2f %% (%zu errors / %zu chars), %zu exact lines\n",
              crops.size(), cer, errors, characters, exact);
  EXPECT_EQ(crops.size(), 42u);
  EXPECT_LE(cer, kLineCerRatchetPercent);
}

cv::Mat load(const std::string& path) {
  return cv::imread(path, cv::IMREAD_COLOR);
}

kyc::ImageView view_of(const cv::Mat& m) {
  return kyc::ImageView(m.data, m.cols, m.rows, kyc::PixelFormat::bgr, static_cast<int>(m.step));
}

TEST(MrzImage, AnyRightAngleRotationAndSkew) {
  REQUIRE_MRZ_MODEL();
  KYC_SHARED_FILE(path, "data/docs/passporteye/tests/data/passport-td3.png");
  const cv::Mat upright = load(path);
  ASSERT_FALSE(upright.empty());
  const std::vector<std::string> truth = {"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                                          "L898902C36UTO7408122F1204159ZE184226B<<<<<10"};
  for (const auto& [code, rotation] :
       std::vector<std::pair<int, int>>{{cv::ROTATE_90_CLOCKWISE, 270},
                                        {cv::ROTATE_180, 180},
                                        {cv::ROTATE_90_COUNTERCLOCKWISE, 90}}) {
    cv::Mat turned;
    cv::rotate(upright, turned, code);
    const auto r = reader().read(view_of(turned));
    EXPECT_TRUE(r.valid) << rotation;
    EXPECT_EQ(r.lines, truth) << rotation;
    EXPECT_TRUE(r.geometry.found);
  }
  for (const double angle : {-8.0, 6.0}) {
    const cv::Point2f center(upright.cols / 2.0f, upright.rows / 2.0f);
    cv::Mat skewed;
    cv::warpAffine(upright, skewed, cv::getRotationMatrix2D(center, angle, 1.0), upright.size(),
                   cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    const auto r = reader().read(view_of(skewed));
    EXPECT_TRUE(r.valid) << angle;
    EXPECT_EQ(r.lines, truth) << angle;
    EXPECT_NEAR(std::abs(r.geometry.angle_degrees), std::abs(angle), 2.0) << angle;
  }
}

TEST(MrzImage, FourThreadsReadTheSameImageIdentically) {
  REQUIRE_MRZ_MODEL();
  KYC_SHARED_FILE(path, "data/docs/passporteye/tests/data/passport-td2.jpg");
  const auto bytes = kyc_test::read_file(path);
  const std::string single =
      reader().read(kyc::ImageInput::from_bytes(bytes.data(), bytes.size())).to_json();
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2; ++i) {
        results[t] =
            reader().read(kyc::ImageInput::from_bytes(bytes.data(), bytes.size())).to_json();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r, single);
  EXPECT_TRUE(json::parse(single)["valid"].get<bool>());
}

TEST(MrzImage, NoMrzIsAResultNotAnException) {
  REQUIRE_MRZ_MODEL();
  const cv::Mat blank(400, 600, CV_8UC3, cv::Scalar(255, 255, 255));
  const auto r = reader().read(view_of(blank));
  EXPECT_EQ(r.status, kyc::MrzStatus::not_found);
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(json::parse(r.to_json())["status"], "not_found");
  cv::Mat noise(400, 600, CV_8UC3);
  cv::randu(noise, 0, 255);
  const auto n = reader().read(view_of(noise));
  EXPECT_FALSE(n.valid);
  // Undecodable bytes are unusable input: an exception with a code.
  const std::uint8_t junk[] = {1, 2, 3, 4, 5};
  try {
    reader().read(kyc::ImageInput::from_bytes(junk, sizeof junk));
    ADD_FAILURE() << "no exception";
  } catch (const kyc::Error& e) {
    EXPECT_NE(e.code(), kyc::ErrorCode::internal);
  }
}

TEST(MrzReaderModel, MissingTraineddataNamesFileAndEveryPlace) {
  const char* saved = std::getenv("KYC_TESSDATA_DIR");
  const std::string saved_value = saved ? saved : "";
  setenv("KYC_TESSDATA_DIR", "/nonexistent/env-tessdata", 1);
  kyc::MrzReaderOptions options;
  options.tessdata_dir = "/nonexistent/option-tessdata";
  options.model = "no_such_model";
  try {
    kyc::MrzReader r(options);
    ADD_FAILURE() << "no exception";
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), kyc::ErrorCode::model_not_found);
    const std::string what = e.what();
    EXPECT_NE(what.find("no_such_model.traineddata"), std::string::npos) << what;
    EXPECT_NE(what.find("/nonexistent/option-tessdata"), std::string::npos) << what;
    EXPECT_NE(what.find("/nonexistent/env-tessdata"), std::string::npos) << what;
    EXPECT_NE(what.find("/usr/share/tesseract-ocr/5/tessdata"), std::string::npos) << what;
  }
  options.model = "../eng";
  EXPECT_THROW(kyc::MrzReader{options}, kyc::Error);
  if (saved) {
    setenv("KYC_TESSDATA_DIR", saved_value.c_str(), 1);
  } else {
    unsetenv("KYC_TESSDATA_DIR");
  }
}

TEST(MrzReaderModel, EnvironmentVariableLocatesTheModel) {
  REQUIRE_MRZ_MODEL();
  const std::string dir = kyc_test::shared_dir() + "/models/tessdata";
  setenv("KYC_TESSDATA_DIR", dir.c_str(), 1);
  const kyc::MrzReader r{kyc::MrzReaderOptions{}};
  EXPECT_EQ(r.traineddata_path(), dir + "/mrz.traineddata");
  unsetenv("KYC_TESSDATA_DIR");
}

}  // namespace
