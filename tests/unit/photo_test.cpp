// Passport-photo compliance (Engine::check_photo) on real photographs from ../shared/data/faces:
//   - metamorphic tests: a known transform of a real frontal photo (rotation, shift, zoom, blur,
//     exposure, background, a second face, JPEG quality, greyscale) must move exactly the rule it
//     stresses, by the expected amount;
//   - the Yale labelled set (wink, happy, surprised, left/right light against the nominal photos);
//   - golden photos with checked expectations (photo_golden.json, paths only);
//   - bad input, profiles, annotation and threads.
// Transformed images are made in memory at test time; nothing from ../shared is copied here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <kyc/kyc.hpp>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "support/shared_data.hpp"

namespace {

using kyc::RuleStatus;
using nlohmann::json;

// --- fixtures and helpers ----------------------------------------------------------------------

// One Engine for the whole executable (model loading is the expensive part); every suite's
// SetUpTestSuite makes sure it exists.
class PhotoTest : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    if (!engine_) engine_ = std::make_unique<kyc::Engine>();
  }
  static const kyc::Engine& engine() { return *engine_; }

 private:
  static std::unique_ptr<kyc::Engine> engine_;
};
std::unique_ptr<kyc::Engine> PhotoTest::engine_;

// A decoded photo as an OpenCV matrix (BGR or single-channel), owning its pixels.
cv::Mat load_mat(const std::string& path) {
  const kyc::Image img = kyc::load_image(path);
  const int type = img.format() == kyc::PixelFormat::gray ? CV_8UC1 : CV_8UC3;
  return cv::Mat(img.height(), img.width(), type, const_cast<std::uint8_t*>(img.view().data()),
                 static_cast<std::size_t>(img.view().row_stride()))
      .clone();
}

kyc::PixelFormat format_of(const cv::Mat& m) {
  switch (m.channels()) {
    case 1:
      return kyc::PixelFormat::gray;
    case 4:
      return kyc::PixelFormat::bgra;
    default:
      return kyc::PixelFormat::bgr;
  }
}

kyc::ImageView view_of(const cv::Mat& m) {
  return kyc::ImageView(m.data, m.cols, m.rows, format_of(m), static_cast<std::ptrdiff_t>(m.step));
}

std::vector<std::uint8_t> encode(const cv::Mat& m, const std::string& ext = ".png",
                                 std::vector<int> params = {}) {
  std::vector<std::uint8_t> bytes;
  if (!cv::imencode(ext, m, bytes, params)) throw std::runtime_error("encode failed");
  return bytes;
}

// Checks an image as an encoded PNG (the normal case: a lossless file).
kyc::PhotoCheckResult check_png(const kyc::Engine& e, const cv::Mat& m,
                                const std::string& profile = "icao") {
  const auto bytes = encode(m);
  return e.check_photo(kyc::ImageInput::from_bytes(bytes.data(), bytes.size()), profile);
}

const kyc::RuleResult& rule_of(const kyc::PhotoCheckResult& r, const std::string& id) {
  const kyc::RuleResult* rule = r.rule(id);
  if (rule == nullptr) throw std::runtime_error("rule missing from result: " + id);
  return *rule;
}

std::string describe(const kyc::RuleResult& r) {
  std::ostringstream out;
  out << r.id << "=" << kyc::rule_status_name(r.status) << " (" << r.value << ", " << r.reason
      << ")";
  return out.str();
}

// The report without anything that depends on timing.
json without_timings(const kyc::PhotoCheckResult& r) {
  json j = json::parse(r.to_json());
  j.erase("timings_ms");
  for (auto& rule : j["rules"]) rule.erase("ms");
  return j;
}

// --- metamorphic tests --------------------------------------------------------------------------

// A real frontal portrait cropped to the 35x45 format (paths only; the crop is made here).
struct Source {
  const char* name;
  const char* path;  // under data/faces
  cv::Rect crop;     // empty: the whole photo
};

std::ostream& operator<<(std::ostream& out, const Source& s) {
  return out << s.name;
}

// alex: a frontal portrait on a light, plain background; its geometry rules pass (it smiles).
// obama: the official portrait, cropped to 35x45 around the head; busy office background, so
// only the geometry, tone and encoding transforms apply to it.
// yale_s02: a small greyscale frontal photo on a light background (Yale, subject 02 normal).
const Source kSources[] = {
    {"alex", "face_recognition/examples/knn_examples/train/alex_lacamoire/img1.jpg",
     cv::Rect(153, 0, 568, 730)},
    {"obama", "face_recognition/examples/obama.jpg", cv::Rect(289, 0, 414, 532)},
    {"yale_s02", "yale/subject02.normal.gif", cv::Rect()},
};

// Metamorphic cases that fail because of a known measurement problem in src/photo
// (source/case/rule -> the problem). Strict: a case listed here that passes fails the test.
// (Empty: the last entry, a window behind the head read as the crown, was fixed by bounding the
// crown edge to 0.6-1.5 eye-to-chin distances above the eyes.)
const std::map<std::string, std::string> kKnownIssues = {};

// One assertion of a metamorphic case on one rule.
struct Check {
  Check(std::string rule_id, std::string expected)
      : rule(std::move(rule_id)), expectation(std::move(expected)) {}
  std::string rule;
  std::string expectation;  // human-readable
  bool ok = false;
  std::string got;
};

// Per-rule tally across cases.
struct Tally {
  int cases = 0;
  int correct = 0;
  std::vector<std::string> wrong;
};

class Metamorphic : public PhotoTest, public ::testing::WithParamInterface<Source> {
 protected:
  void record(const std::string& case_name, const Check& c) {
    Tally& t = tally_[c.rule];
    ++t.cases;
    if (c.ok) {
      ++t.correct;
    } else {
      t.wrong.push_back(case_name + ": " + c.got);
    }
    log_.push_back((c.ok ? "  ok     " : "  WRONG  ") + case_name + ": " + c.got + "  [expected " +
                   c.expectation + "]");
    const std::string key = std::string(GetParam().name) + "/" + case_name + "/" + c.rule;
    const auto known = kKnownIssues.find(key);
    if (known != kKnownIssues.end()) {
      // A known measurement problem, reported to src/photo: it must still be wrong (strict), so
      // that a fix shows up here and the entry gets removed.
      EXPECT_FALSE(c.ok) << key << " is listed as a known issue (" << known->second
                         << ") but is now correct: remove it from kKnownIssues";
      if (!c.ok) t.wrong.back() += "  [known issue: " + known->second + "]";
      return;
    }
    EXPECT_TRUE(c.ok) << GetParam().name << " / " << case_name << ": " << c.rule << " expected "
                      << c.expectation << ", got " << c.got;
  }
  void skipped(const std::string& case_name, const std::string& rule, const std::string& why) {
    skipped_.push_back(case_name + " (" + rule + "): " + why);
  }
  void print_table() {
    std::ostringstream out;
    out << "\nmetamorphic cases on " << GetParam().name << "\n"
        << std::left << std::setw(24) << "rule" << std::right << std::setw(7) << "cases"
        << std::setw(9) << "correct" << std::setw(10) << "accuracy"
        << "\n";
    int cases = 0, correct = 0;
    for (const auto& [rule, t] : tally_) {
      out << std::left << std::setw(24) << rule << std::right << std::setw(7) << t.cases
          << std::setw(9) << t.correct << std::setw(9) << std::fixed << std::setprecision(1)
          << 100.0 * t.correct / t.cases << "%\n";
      for (const auto& w : t.wrong) out << "    wrong: " << w << "\n";
      cases += t.cases;
      correct += t.correct;
    }
    out << std::left << std::setw(24) << "all" << std::right << std::setw(7) << cases
        << std::setw(9) << correct << std::setw(9) << std::fixed << std::setprecision(1)
        << (cases ? 100.0 * correct / cases : 0) << "%\n";
    for (const auto& s : skipped_) out << "  not applicable: " << s << "\n";
    out << "cases:\n";
    for (const auto& line : log_) out << line << "\n";
    std::cout << out.str();
    RecordProperty("metamorphic_cases", cases);
    RecordProperty("metamorphic_correct", correct);
  }

  std::map<std::string, Tally> tally_;
  std::vector<std::string> skipped_;
  std::vector<std::string> log_;
};

Check near(const kyc::RuleResult& r, double expected, double tolerance) {
  Check c(r.id, "value " + std::to_string(expected) + " +- " + std::to_string(tolerance));
  c.ok = r.status != RuleStatus::unable_to_assess && std::abs(r.value - expected) <= tolerance;
  c.got = describe(r);
  return c;
}

Check status_is(const kyc::RuleResult& r, RuleStatus status, const std::string& reason = "") {
  Check c(r.id, std::string(kyc::rule_status_name(status)) + (reason.empty() ? "" : " " + reason));
  c.ok = r.status == status && (reason.empty() || r.reason == reason);
  c.got = describe(r);
  return c;
}

// Pads (BORDER_REPLICATE) and crops so that the image is `m` shifted by (dx, dy).
cv::Mat translate(const cv::Mat& m, double dx, double dy) {
  const cv::Matx23d t(1, 0, dx, 0, 1, dy);
  cv::Mat out;
  cv::warpAffine(m, out, t, m.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  return out;
}

// Zooms by `s` about `centre`, keeping the size; uncovered areas repeat the edge colour.
cv::Mat zoom(const cv::Mat& m, double s, cv::Point2f centre) {
  const cv::Mat t = cv::getRotationMatrix2D(centre, 0, s);
  cv::Mat out;
  cv::warpAffine(m, out, t, m.size(), s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR,
                 cv::BORDER_REPLICATE);
  return out;
}

cv::Mat scale_intensity(const cv::Mat& m, double factor) {
  cv::Mat out;
  m.convertTo(out, -1, factor, 0);  // saturating
  return out;
}

// Draws random rectangles and lines in the top corners only (away from the head).
cv::Mat add_clutter(const cv::Mat& m, const kyc::HeadGeometry& head) {
  cv::Mat out = m.clone();
  std::mt19937 rng(7);
  const int bottom = std::max(8, static_cast<int>(head.eye_right.y * 0.6f));
  const int left_edge = std::max(8, static_cast<int>(head.head_left * 0.6f));
  const int right_edge =
      std::min(m.cols - 8, static_cast<int>(m.cols - (m.cols - head.head_right) * 0.6f));
  const cv::Rect corners[2] = {cv::Rect(0, 0, left_edge, bottom),
                               cv::Rect(right_edge, 0, m.cols - right_edge, bottom)};
  for (const cv::Rect& area : corners) {
    cv::Mat roi = out(area);
    std::uniform_int_distribution<int> x(0, area.width - 1), y(0, area.height - 1), v(0, 255);
    for (int i = 0; i < 25; ++i) {
      const cv::Scalar colour(v(rng), v(rng), v(rng));
      const cv::Point a(x(rng), y(rng)), b(x(rng), y(rng));
      if (i % 2 == 0) {
        cv::rectangle(roi, a, b, colour, 2);
      } else {
        cv::line(roi, a, b, colour, 2);
      }
    }
  }
  return out;
}

// Tints the light background above the eyes and beside the head strongly blue-green.
cv::Mat tint_background(const cv::Mat& m, const kyc::HeadGeometry& head) {
  cv::Mat out = m.clone();
  cv::Mat gray;
  cv::cvtColor(m, gray, cv::COLOR_BGR2GRAY);
  const int bottom = static_cast<int>((head.eye_right.y + head.chin.y) / 2);
  for (int y = 0; y < bottom; ++y) {
    for (int x = 0; x < m.cols; ++x) {
      if (gray.at<std::uint8_t>(y, x) < 170) continue;  // keyed on the light background
      cv::Vec3b& p = out.at<cv::Vec3b>(y, x);
      p = cv::Vec3b(static_cast<std::uint8_t>(std::min(255, p[0] + 40)),
                    static_cast<std::uint8_t>(p[1] * 0.85), static_cast<std::uint8_t>(p[2] * 0.35));
    }
  }
  return out;
}

// A second, smaller real face (Biden, cropped around his head) pasted into the lower-left corner.
cv::Mat paste_second_face(const cv::Mat& m, const cv::Mat& other_face) {
  cv::Mat out = m.clone();
  const int w = std::max(120, m.cols / 3);
  cv::Mat small;
  cv::resize(other_face, small, cv::Size(w, w * other_face.rows / other_face.cols), 0, 0,
             cv::INTER_AREA);
  if (m.channels() == 1 && small.channels() == 3) cv::cvtColor(small, small, cv::COLOR_BGR2GRAY);
  const cv::Rect where(0, m.rows - small.rows, small.cols, small.rows);
  small.copyTo(out(where));
  return out;
}

TEST_P(Metamorphic, RulesMoveAsTheTransformSays) {
  const Source& source = GetParam();
  KYC_FACE(path, source.path);
  KYC_FACE(other_path, "face_recognition/examples/knn_examples/train/biden/biden2.jpg");
  cv::Mat photo = load_mat(path);
  if (!source.crop.empty()) photo = photo(source.crop).clone();
  const bool colour = photo.channels() == 3;
  const kyc::Engine& e = engine();

  const auto base = check_png(e, photo);
  ASSERT_EQ(base.face_count, 1) << source.name;
  ASSERT_TRUE(base.head.has_value());
  ASSERT_EQ(base.landmarks, kyc::LandmarkScheme::dlib68);
  const kyc::HeadGeometry& head = *base.head;
  const cv::Point2f eye_mid((head.eye_right.x + head.eye_left.x) / 2,
                            (head.eye_right.y + head.eye_left.y) / 2);
  const auto base_rule = [&](const std::string& id) { return rule_of(base, id); };
  // A case that tests whether a rule fails is only informative when the rule passes untouched.
  const auto passes_untouched = [&](const std::string& case_name, const std::string& id) {
    if (base_rule(id).status == RuleStatus::pass) return true;
    skipped(case_name, id, "fails on the untransformed photo: " + describe(base_rule(id)));
    return false;
  };

  // Rotation about the eye midpoint so that the eye line ends at theta degrees.
  for (double theta : {-12.0, -6.0, 6.0, 12.0}) {
    const double turn = theta - base_rule("roll").value;
    // getRotationMatrix2D turns counter-clockwise on screen for a positive angle, which lifts
    // the image-right (subject's left) eye: roll decreases.
    const cv::Mat t = cv::getRotationMatrix2D(eye_mid, -turn, 1.0);
    cv::Mat rotated;
    cv::warpAffine(photo, rotated, t, photo.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    const auto r = check_png(e, rotated);
    const std::string name = "rotate " + std::to_string(static_cast<int>(theta)) + " deg";
    record(name, near(rule_of(r, "roll"), theta, 1.5));
    record(name, status_is(rule_of(r, "roll"),
                           std::abs(theta) > 8 ? RuleStatus::fail : RuleStatus::pass));
  }

  // Shift (the edge colour fills the uncovered strip).
  // The face ends 10 % of the width off centre, whichever way.
  for (double fraction : {-0.10, 0.10}) {
    const double move = fraction - base_rule("horizontal_centre").value;
    const auto r = check_png(e, translate(photo, move * photo.cols, 0));
    const std::string name = std::string("shift ") + (fraction > 0 ? "+" : "-") + "10% width";
    record(name, near(rule_of(r, "horizontal_centre"), fraction, 0.02));
    record(name, status_is(rule_of(r, "horizontal_centre"), RuleStatus::fail, "too_large"));
  }

  // Zoom out about the image centre (padding with the edge colour) and zoom in about the head.
  const double base_head = base_rule("head_height").value;
  const auto& band = base_rule("head_height").thresholds;
  for (double s : {0.7, 0.85}) {
    const auto r = check_png(e, zoom(photo, s, cv::Point2f(photo.cols / 2.0f, photo.rows / 2.0f)));
    const std::string name = "zoom " + std::to_string(s).substr(0, 4);
    const double expected = base_head * s;
    // 7 %: edge padding can hide the background edge above the hair, and the crown then comes
    // from the anthropometric estimate (eye line at half the head height), whose spread across
    // people is about that much.
    record(name, near(rule_of(r, "head_height"), expected, 0.07 * expected));
    const bool inside = expected >= *band.min && expected <= *band.max;
    if (std::min(std::abs(expected - *band.min), std::abs(expected - *band.max)) > 0.05 * expected)
      record(name,
             status_is(rule_of(r, "head_height"), inside ? RuleStatus::pass : RuleStatus::fail));
  }
  {
    // Zooming in on the head centre by 1.2 makes the head 20 % taller than the band allows (or
    // cuts it off at the top: then crop_margin must say so).
    const cv::Point2f head_centre(eye_mid.x, (head.crown.y + head.chin.y) / 2);
    const auto r = check_png(e, zoom(photo, 1.2, head_centre));
    const auto& hh = rule_of(r, "head_height");
    const auto& margin = rule_of(r, "crop_margin");
    Check c("head_height", "fail too_large, or crop_margin fail (head cut off)");
    c.ok = (hh.status == RuleStatus::fail && hh.reason == "too_large") ||
           margin.status == RuleStatus::fail;
    c.got = describe(hh) + ", " + describe(margin);
    record("zoom 1.2", c);
  }

  // Focus: sigma 0 leaves the photo as it is; sigma 3 blurs it.
  if (passes_untouched("blur", "sharpness")) {
    record("blur sigma 0", status_is(rule_of(check_png(e, photo), "sharpness"), RuleStatus::pass));
    cv::Mat blurred;
    cv::GaussianBlur(photo, blurred, cv::Size(), 3.0);
    record("blur sigma 3",
           status_is(rule_of(check_png(e, blurred), "sharpness"), RuleStatus::fail, "too_small"));
  }

  // Exposure: x0.3 is too dark; x2.5 (saturating) is too bright or clips.
  if (passes_untouched("darken", "exposure")) {
    record("darken x0.3", status_is(rule_of(check_png(e, scale_intensity(photo, 0.3)), "exposure"),
                                    RuleStatus::fail, "too_small"));
  }
  {
    const auto r = check_png(e, scale_intensity(photo, 2.5));
    const auto& exposure = rule_of(r, "exposure");
    const auto& clipping = rule_of(r, "clipping");
    Check c("exposure", "exposure or clipping fail");
    c.ok = exposure.status == RuleStatus::fail || clipping.status == RuleStatus::fail;
    c.got = describe(exposure) + ", " + describe(clipping);
    record("brighten x2.5", c);
  }

  // Background: clutter in the top corners; a strong blue-green tint.
  if (colour && passes_untouched("clutter", "background_clutter")) {
    const auto r = check_png(e, add_clutter(photo, head));
    const auto& clutter = rule_of(r, "background_clutter");
    const auto& uniformity = rule_of(r, "background_uniformity");
    Check c("background_clutter", "background_clutter or background_uniformity fail");
    c.ok = clutter.status == RuleStatus::fail ||
           (uniformity.status == RuleStatus::fail &&
            base_rule("background_uniformity").status == RuleStatus::pass);
    c.got = describe(clutter) + ", " + describe(uniformity);
    record("clutter", c);
  }
  if (colour && passes_untouched("tint", "background_colour_cast")) {
    record("tint background",
           status_is(rule_of(check_png(e, tint_background(photo, head)), "background_colour_cast"),
                     RuleStatus::fail, "too_large"));
  }

  // A second face.
  {
    const cv::Mat other = load_mat(other_path)(cv::Rect(400, 100, 520, 760)).clone();
    const auto r = check_png(e, paste_second_face(photo, other));
    record("second face", near(rule_of(r, "single_face"), 2, 0));
    record("second face", status_is(rule_of(r, "single_face"), RuleStatus::fail, "too_large"));
  }

  // Encoding: JPEG quality is read back from the bytes; raw pixels have no encoding.
  for (int quality : {15, 95}) {
    const auto bytes = encode(photo, ".jpg", {cv::IMWRITE_JPEG_QUALITY, quality});
    const auto r = e.check_photo(kyc::ImageInput::from_bytes(bytes.data(), bytes.size()));
    const std::string name = "jpeg q" + std::to_string(quality);
    record(name, near(rule_of(r, "compression"), quality, 5));
    record(name, status_is(rule_of(r, "compression"),
                           quality < 60 ? RuleStatus::fail : RuleStatus::pass));
  }
  {
    const auto r = e.check_photo(view_of(photo));
    record("raw pixels",
           status_is(rule_of(r, "compression"), RuleStatus::unable_to_assess, "encoding_unknown"));
  }

  // Greyscale, as one channel and as three equal channels.
  if (colour && passes_untouched("greyscale", "colour")) {
    cv::Mat gray, gray3;
    cv::cvtColor(photo, gray, cv::COLOR_BGR2GRAY);
    cv::cvtColor(gray, gray3, cv::COLOR_GRAY2BGR);
    record("greyscale 1ch", status_is(rule_of(check_png(e, gray), "colour"), RuleStatus::fail));
    record("greyscale 3ch", status_is(rule_of(check_png(e, gray3), "colour"), RuleStatus::fail));
  }

  print_table();
}

INSTANTIATE_TEST_SUITE_P(Photos, Metamorphic, ::testing::ValuesIn(kSources),
                         [](const auto& p) { return std::string(p.param.name); });

// --- Yale labelled evaluation -------------------------------------------------------------------

struct Confusion {
  int tp = 0, fp = 0, tn = 0, fn = 0;
  int unable_positive = 0, unable_negative = 0;  // counted as wrong (fn / fp) as well
  int total() const { return tp + fp + tn + fn; }
  double accuracy() const { return total() ? static_cast<double>(tp + tn) / total() : 0; }
};

class YaleEvaluation : public PhotoTest {};

// Ratchets at what kyc measures (see the test's output), rounded down a few points.
// Measured: eyes_open 35/39 (89.7 %), neutral_expression 39/39, mouth_closed 36/39 (92.3 %),
// illumination_evenness 48/48; no face found in subject08.rightlight.
constexpr std::size_t kYaleMaxNoFace = 1;
const std::map<std::string, double> kYaleAccuracyFloor = {
    {"eyes_open", 0.85},
    {"neutral_expression", 0.95},
    {"mouth_closed", 0.88},
    {"illumination_evenness", 0.95},
};

// Each stressed condition is a positive for one rule (the rule must fail); the nominal photos
// (normal, noglasses, centerlight) are negatives for all four (they must pass). "Unable to
// assess" is never right: on a positive it counts as FN, on a negative as FP.
TEST_F(YaleEvaluation, ConditionsFailTheirRule) {
  KYC_FACE(table_path, "tables/yale_conditions.tsv");
  const std::map<std::string, std::string> positive_rule = {
      {"wink", "eyes_open"},
      {"happy", "neutral_expression"},
      {"surprised", "mouth_closed"},
      {"leftlight", "illumination_evenness"},
      {"rightlight", "illumination_evenness"},
  };
  const std::vector<std::string> rules = {"eyes_open", "neutral_expression", "mouth_closed",
                                          "illumination_evenness"};
  const std::vector<std::string> nominal = {"normal", "noglasses", "centerlight"};

  std::map<std::string, Confusion> confusion;
  std::map<std::string, std::vector<std::string>> errors;
  std::vector<std::string> no_face;
  int evaluated = 0;
  std::ifstream table(table_path);
  std::string line;
  std::getline(table, line);  // header
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string path, subject, condition;
    std::getline(fields, path, '\t');
    std::getline(fields, subject, '\t');
    std::getline(fields, condition, '\t');
    const bool is_nominal = std::find(nominal.begin(), nominal.end(), condition) != nominal.end();
    const auto positive = positive_rule.find(condition);
    if (!is_nominal && positive == positive_rule.end()) continue;  // glasses, sad, sleepy
    KYC_FACE(image, path);
    const auto r = engine().check_photo(kyc::ImageInput::from_path(image));
    if (r.face_count == 0) {
      no_face.push_back(path);
      continue;
    }
    ++evaluated;
    for (const auto& id : rules) {
      const bool is_positive = positive != positive_rule.end() && positive->second == id;
      if (!is_positive && !is_nominal) continue;
      const auto& rule = rule_of(r, id);
      Confusion& c = confusion[id];
      const bool failed = rule.status == RuleStatus::fail;
      const bool passed = rule.status == RuleStatus::pass;
      if (is_positive) {
        failed ? ++c.tp : ++c.fn;
        if (rule.status == RuleStatus::unable_to_assess) ++c.unable_positive;
      } else {
        passed ? ++c.tn : ++c.fp;
        if (rule.status == RuleStatus::unable_to_assess) ++c.unable_negative;
      }
      if ((is_positive && !failed) || (!is_positive && !passed)) {
        std::ostringstream out;
        out << path << " (" << condition << "): " << describe(rule);
        errors[id].push_back(out.str());
      }
    }
  }

  std::ostringstream out;
  out << "\nYale: " << evaluated << " photos with a face evaluated, " << no_face.size()
      << " without a face found\n";
  for (const auto& p : no_face) out << "  no face found: " << p << "\n";
  out << std::left << std::setw(24) << "rule" << std::right << std::setw(5) << "TP" << std::setw(5)
      << "FP" << std::setw(5) << "TN" << std::setw(5) << "FN" << std::setw(8) << "unable"
      << std::setw(10) << "accuracy\n";
  for (const auto& id : rules) {
    const Confusion& c = confusion[id];
    out << std::left << std::setw(24) << id << std::right << std::setw(5) << c.tp << std::setw(5)
        << c.fp << std::setw(5) << c.tn << std::setw(5) << c.fn << std::setw(8)
        << c.unable_positive + c.unable_negative << std::setw(8) << std::fixed
        << std::setprecision(1) << 100 * c.accuracy() << "%\n";
    for (const auto& e : errors[id]) out << "    wrong: " << e << "\n";
    RecordProperty("yale_accuracy_" + id, std::to_string(c.accuracy()));
  }
  std::cout << out.str();

  // 50 labelled photos (10 per condition group but centerlight 9): all must be analysed.
  EXPECT_EQ(evaluated + static_cast<int>(no_face.size()), 79);
  EXPECT_LE(no_face.size(), kYaleMaxNoFace);
  // Ratchets: what kyc measures today, rounded down a few points. Raise them as rules improve.
  for (const auto& [id, floor] : kYaleAccuracyFloor) {
    EXPECT_GE(confusion[id].accuracy(), floor) << id;
  }
}

// --- golden photos
// --------------------------------------------------------------------------------

class Golden : public PhotoTest {};

TEST_F(Golden, PhotosGiveTheCheckedOutcomes) {
  std::ifstream in(KYC_PHOTO_GOLDEN);
  ASSERT_TRUE(in) << KYC_PHOTO_GOLDEN;
  const json golden = json::parse(in);
  const std::string profile = golden["profile"];
  int asserted = 0;
  for (const auto& photo : golden["photos"]) {
    const std::string relative = photo["path"];
    KYC_FACE(path, relative);
    SCOPED_TRACE(relative);
    kyc::PhotoCheckResult r;
    if (photo.contains("crop")) {
      const auto& c = photo["crop"];
      const cv::Mat crop = load_mat(path)(cv::Rect(c[0], c[1], c[2], c[3])).clone();
      r = check_png(engine(), crop, profile);
    } else {
      r = engine().check_photo(kyc::ImageInput::from_path(path), profile);
    }
    const json known = photo.value("known_issues", json::object());
    std::ostringstream table;
    table << relative << ": " << kyc::photo_verdict_name(r.verdict) << "\n";
    for (const auto& [id, expected] : photo["rules"].items()) {
      const auto& rule = rule_of(r, id);
      const std::string got = kyc::rule_status_name(rule.status);
      table << "  " << std::left << std::setw(24) << id << std::setw(18) << got << rule.value
            << (got == expected.get<std::string>() ? ""
                                                   : "   expected " + expected.get<std::string>())
            << "\n";
      if (known.contains(id)) {
        EXPECT_NE(got, expected.get<std::string>())
            << id << " is a known issue but now gives the expected outcome: remove it from "
            << "known_issues (" << known[id].get<std::string>() << ")";
      } else {
        EXPECT_EQ(got, expected.get<std::string>()) << id << ": " << describe(rule);
        ++asserted;
      }
    }
    std::cout << table.str();
    EXPECT_EQ(kyc::photo_verdict_name(r.verdict), photo["verdict"].get<std::string>());
  }
  EXPECT_GT(asserted, 50);
}

// --- bad input, profiles, annotation
// ---------------------------------------------------------------

class PhotoInput : public PhotoTest {};

const std::vector<std::string> kFaceRules = {"head_height",
                                             "head_width",
                                             "eye_line",
                                             "horizontal_centre",
                                             "crop_margin",
                                             "inter_eye_distance",
                                             "yaw",
                                             "pitch",
                                             "roll",
                                             "eyes_open",
                                             "mouth_closed",
                                             "neutral_expression",
                                             "background_uniformity",
                                             "illumination_evenness",
                                             "exposure",
                                             "sharpness",
                                             "red_eye",
                                             "glasses_glare",
                                             "dark_lenses"};

TEST_F(PhotoInput, NoFaceIsNonCompliantAndFaceRulesSayNoFace) {
  cv::Mat gradient(600, 450, CV_8UC3);
  for (int y = 0; y < gradient.rows; ++y)
    for (int x = 0; x < gradient.cols; ++x)
      gradient.at<cv::Vec3b>(y, x) =
          cv::Vec3b(static_cast<std::uint8_t>(x / 2), static_cast<std::uint8_t>(y / 3), 128);
  cv::Mat noise(600, 450, CV_8UC3);
  cv::RNG rng(3);
  rng.fill(noise, cv::RNG::UNIFORM, 0, 256);
  for (const cv::Mat& m : {gradient, noise}) {
    const auto r = check_png(engine(), m);
    EXPECT_EQ(r.face_count, 0);
    EXPECT_EQ(r.verdict, kyc::PhotoVerdict::non_compliant);
    EXPECT_EQ(r.decided_by, "single_face");
    EXPECT_EQ(rule_of(r, "single_face").status, RuleStatus::fail);
    EXPECT_EQ(rule_of(r, "single_face").value, 0);
    EXPECT_EQ(rule_of(r, "single_face").reason, "too_small");
    for (const auto& id : kFaceRules) {
      EXPECT_EQ(rule_of(r, id).status, RuleStatus::unable_to_assess) << id;
      EXPECT_EQ(rule_of(r, id).reason, "no_face") << id;
      EXPECT_TRUE(std::isnan(rule_of(r, id).value)) << id;
    }
    // Rules that need no face still measure.
    EXPECT_EQ(rule_of(r, "image_width").status, RuleStatus::pass);
    EXPECT_EQ(rule_of(r, "compression").value, 100);
    EXPECT_FALSE(r.head.has_value());
    const json j = json::parse(r.to_json());
    EXPECT_TRUE(j["head"].is_null());
    EXPECT_TRUE(j["rules"][4]["value"].is_null());
  }
}

TEST_F(PhotoInput, TinyImageGivesAClearResult) {
  cv::Mat tiny(20, 20, CV_8UC3, cv::Scalar(200, 180, 160));
  const auto r = check_png(engine(), tiny);
  EXPECT_EQ(r.verdict, kyc::PhotoVerdict::non_compliant);
  EXPECT_EQ(rule_of(r, "image_width").status, RuleStatus::fail);
  EXPECT_EQ(rule_of(r, "image_width").reason, "too_small");
  EXPECT_EQ(rule_of(r, "image_height").status, RuleStatus::fail);
  EXPECT_EQ(rule_of(r, "single_face").status, RuleStatus::fail);
  const cv::Mat pixel = tiny(cv::Rect(0, 0, 1, 1)).clone();
  const auto one = engine().check_photo(view_of(pixel));
  EXPECT_EQ(one.verdict, kyc::PhotoVerdict::non_compliant);
}

TEST_F(PhotoInput, HugeDeclaredDimensionsAreLimitExceeded) {
  // A PNG whose header declares 100000 x 100000 pixels: refused before anything is allocated.
  auto png = encode(cv::Mat(8, 8, CV_8UC3, cv::Scalar(1, 2, 3)));
  const std::uint8_t big[4] = {0x00, 0x01, 0x86, 0xA0};
  std::copy(big, big + 4, png.begin() + 16);  // IHDR width
  std::copy(big, big + 4, png.begin() + 20);  // IHDR height
  try {
    engine().check_photo(kyc::ImageInput::from_bytes(png.data(), png.size()));
    FAIL() << "no exception";
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), kyc::ErrorCode::limit_exceeded) << e.what();
  }
}

TEST_F(PhotoInput, GreyscaleAndRgbaViewsWork) {
  KYC_FACE(path, "face_recognition/examples/knn_examples/train/alex_lacamoire/img1.jpg");
  const cv::Mat bgr = load_mat(path)(cv::Rect(153, 0, 568, 730)).clone();
  const auto reference = engine().check_photo(view_of(bgr));
  cv::Mat gray, rgba;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::cvtColor(bgr, rgba, cv::COLOR_BGR2RGBA);
  const auto g = engine().check_photo(view_of(gray));
  const auto a =
      engine().check_photo(kyc::ImageView(rgba.data, rgba.cols, rgba.rows, kyc::PixelFormat::rgba));
  for (const auto* r : {&g, &a}) {
    EXPECT_EQ(r->face_count, 1);
    EXPECT_EQ(r->image.width, 568);
    EXPECT_EQ(r->image.format, kyc::ImageFormat::raw);
    EXPECT_EQ(rule_of(*r, "head_height").status, RuleStatus::pass);
    EXPECT_NEAR(rule_of(*r, "roll").value, rule_of(reference, "roll").value, 1.0);
  }
  EXPECT_EQ(rule_of(g, "colour").status, RuleStatus::fail);
  EXPECT_EQ(rule_of(g, "red_eye").reason, "no_colour");
  // RGBA is the same photo as BGR: every rule agrees.
  for (const auto& rule : reference.rules) {
    EXPECT_EQ(rule_of(a, rule.id).status, rule.status) << rule.id;
  }
}

TEST_F(PhotoInput, UnknownProfileNamesTheBuiltIns) {
  cv::Mat m(60, 40, CV_8UC3, cv::Scalar(200, 200, 200));
  try {
    engine().check_photo(view_of(m), "nowhere");
    FAIL() << "no exception";
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), kyc::ErrorCode::invalid_argument);
    const std::string what = e.what();
    EXPECT_NE(what.find("nowhere"), std::string::npos) << what;
    for (const char* name : {"icao", "us", "uk", "schengen"}) {
      EXPECT_NE(what.find(name), std::string::npos) << what;
    }
  }
}

kyc::ErrorCode profile_error(const std::string& text) {
  try {
    kyc::PhotoProfile::from_json(text);
  } catch (const kyc::Error& e) {
    return e.code();
  }
  return kyc::ErrorCode::internal;
}

TEST_F(PhotoInput, BadProfilesAreInvalidConfig) {
  EXPECT_EQ(profile_error(R"({"name": "x", "rules": {"smile_detector": {"max": 1}}})"),
            kyc::ErrorCode::invalid_config);
  EXPECT_EQ(profile_error(R"({"name": "x", "rules": {"roll": {"min": 9, "max": 1}}})"),
            kyc::ErrorCode::invalid_config);
  EXPECT_EQ(profile_error(R"({"name": "x", "rules": {"roll": {"mn": 1}}})"),
            kyc::ErrorCode::invalid_config);
  EXPECT_EQ(profile_error(R"({"name": "x", "rules": {"roll": {"max": "8"}}})"),
            kyc::ErrorCode::invalid_config);
  EXPECT_EQ(profile_error(R"({"name": "x", "rules": {}})"), kyc::ErrorCode::invalid_config);
  EXPECT_EQ(profile_error("not json"), kyc::ErrorCode::invalid_config);
  try {
    kyc::PhotoProfile::from_json(R"({"name": "x", "rules": {"smile_detector": {"max": 1}}})");
  } catch (const kyc::Error& e) {
    EXPECT_NE(std::string(e.what()).find("smile_detector"), std::string::npos) << e.what();
  }
  // A caller's profile with one rule checks only that rule.
  const auto one =
      kyc::PhotoProfile::from_json(R"({"name": "mine", "rules": {"colour": {"min": 3}}})");
  cv::Mat m(60, 40, CV_8UC3, cv::Scalar(200, 100, 50));
  const auto r = engine().check_photo(view_of(m), one);
  ASSERT_EQ(r.rules.size(), 1u);
  EXPECT_EQ(r.rules[0].id, "colour");
  EXPECT_EQ(r.profile, "mine");
}

TEST_F(PhotoInput, BuiltInProfilesLoadAndRoundTrip) {
  const auto names = kyc::PhotoProfile::builtin_names();
  for (const char* expected : {"icao", "us", "uk", "schengen"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
  const auto ids = kyc::photo_rule_ids();
  EXPECT_EQ(ids.size(), 30u);
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    const auto p = kyc::PhotoProfile::builtin(name);
    EXPECT_EQ(p.name, name);
    EXPECT_FALSE(p.rules.empty());
    for (const auto& [id, t] : p.rules) {
      EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
      EXPECT_FALSE(t.source.empty()) << id << " has no source";
      EXPECT_TRUE(t.min || t.max) << id;
    }
    const auto again = kyc::PhotoProfile::from_json(p.to_json());
    EXPECT_EQ(again.to_json(), p.to_json());
    EXPECT_EQ(again.name, p.name);
    EXPECT_EQ(again.description, p.description);
    ASSERT_EQ(again.rules.size(), p.rules.size());
    for (const auto& [id, t] : p.rules) {
      EXPECT_EQ(again.rules.at(id).min, t.min) << id;
      EXPECT_EQ(again.rules.at(id).max, t.max) << id;
      EXPECT_EQ(again.rules.at(id).source, t.source) << id;
    }
  }
}

TEST_F(PhotoInput, UsProfileFailsA35x45PhotoOnAspectRatio) {
  KYC_FACE(path, "face_recognition/examples/knn_examples/train/alex_lacamoire/img1.jpg");
  const cv::Mat photo = load_mat(path)(cv::Rect(153, 0, 568, 730)).clone();
  const auto icao = check_png(engine(), photo, "icao");
  const auto us = check_png(engine(), photo, "us");
  EXPECT_EQ(us.profile, "us");
  EXPECT_EQ(rule_of(icao, "aspect_ratio").status, RuleStatus::pass);
  EXPECT_EQ(rule_of(us, "aspect_ratio").status, RuleStatus::fail);
  EXPECT_EQ(rule_of(us, "aspect_ratio").reason, "too_large");
  EXPECT_NEAR(rule_of(us, "aspect_ratio").value, 730.0 / 568, 1e-9);
  EXPECT_EQ(us.verdict, kyc::PhotoVerdict::non_compliant);
}

// Without the 68-point model the rules run on 5 points: geometry still measured (chin estimated,
// roll exact), the rules that need eye/mouth contours or 3-D pose say so instead of guessing.
TEST_F(PhotoInput, FivePointLandmarksDegradeGracefully) {
  KYC_FACE(path, "face_recognition/examples/knn_examples/train/alex_lacamoire/img1.jpg");
  const cv::Mat photo = load_mat(path)(cv::Rect(153, 0, 568, 730)).clone();
  const kyc::ImageView view = view_of(photo);
  const std::vector<kyc::Face> faces = engine().detect_faces(view);  // 5 points by default
  ASSERT_EQ(faces.size(), 1u);
  ASSERT_EQ(faces.front().scheme, kyc::LandmarkScheme::dlib5);
  const kyc::PhotoCheckResult r =
      kyc::check_photo_faces(view, faces, kyc::PhotoProfile::builtin("icao"));
  EXPECT_EQ(r.landmarks, kyc::LandmarkScheme::dlib5);
  for (const char* id : {"yaw", "pitch", "eyes_open", "mouth_closed", "neutral_expression",
                         "red_eye", "glasses_glare", "dark_lenses"}) {
    EXPECT_EQ(rule_of(r, id).status, RuleStatus::unable_to_assess) << id;
    EXPECT_EQ(rule_of(r, id).reason, "needs_68_landmarks") << id;
  }
  const auto with68 = engine().check_photo(view);
  for (const char* id : {"roll", "eye_line", "horizontal_centre", "head_height"}) {
    EXPECT_NE(rule_of(r, id).status, RuleStatus::unable_to_assess) << id;
    // 5-point geometry agrees with the 68-point one (roll exactly in kind, positions closely).
    EXPECT_NEAR(rule_of(r, id).value, rule_of(with68, id).value,
                std::string(id) == "roll" ? 2.0 : 0.06)
        << id;
  }
  ASSERT_TRUE(r.head.has_value());
  EXPECT_EQ(r.head->chin_method, "anthropometric");
  EXPECT_EQ(r.verdict, kyc::PhotoVerdict::unable_to_assess);
}

TEST_F(PhotoInput, AnnotationIsADecodablePngOfTheSameSize) {
  KYC_FACE(path, "face_recognition/examples/knn_examples/train/alex_lacamoire/img1.jpg");
  const cv::Mat photo = load_mat(path)(cv::Rect(153, 0, 568, 730)).clone();
  const auto r = engine().check_photo(view_of(photo));
  const auto profile = kyc::PhotoProfile::builtin("icao");
  const auto png = kyc::annotate_photo(view_of(photo), r, profile);
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png[1], 'P');
  const cv::Mat decoded = cv::imdecode(png, cv::IMREAD_UNCHANGED);
  ASSERT_FALSE(decoded.empty());
  EXPECT_EQ(decoded.cols, photo.cols);
  EXPECT_EQ(decoded.rows, photo.rows);
  EXPECT_GT(cv::norm(decoded, photo, cv::NORM_L1), 0);  // something was drawn
  const auto jpeg = kyc::annotate_photo(view_of(photo), r, profile, kyc::AnnotationFormat::jpeg);
  ASSERT_GT(jpeg.size(), 2u);
  EXPECT_EQ(jpeg[0], 0xFF);
  EXPECT_EQ(jpeg[1], 0xD8);

  const cv::Mat smaller = photo(cv::Rect(0, 0, 500, 700)).clone();
  try {
    kyc::annotate_photo(view_of(smaller), r, profile);
    FAIL() << "no exception";
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), kyc::ErrorCode::invalid_argument);
  }
  // No face: still an annotated picture.
  cv::Mat blank(600, 450, CV_8UC3, cv::Scalar(230, 230, 230));
  const auto none = engine().check_photo(view_of(blank));
  EXPECT_FALSE(
      cv::imdecode(kyc::annotate_photo(view_of(blank), none, profile), cv::IMREAD_UNCHANGED)
          .empty());
}

// --- threads
// ----------------------------------------------------------------------------------------

class PhotoThreads : public PhotoTest {};

TEST_F(PhotoThreads, ConcurrentChecksEqualSingleThreaded) {
  KYC_FACE(alex, "face_recognition/examples/knn_examples/train/alex_lacamoire/img1.jpg");
  KYC_FACE(obama, "face_recognition/examples/obama.jpg");
  KYC_FACE(yale, "yale/subject03.happy.gif");
  const cv::Mat alex_crop = load_mat(alex)(cv::Rect(153, 0, 568, 730)).clone();
  const auto alex_png = encode(alex_crop);
  std::vector<std::function<kyc::PhotoCheckResult()>> jobs = {
      [&] { return engine().check_photo(view_of(alex_crop)); },
      [&] {
        return engine().check_photo(kyc::ImageInput::from_bytes(alex_png.data(), alex_png.size()),
                                    "uk");
      },
      [&] { return engine().check_photo(kyc::ImageInput::from_path(obama)); },
      [&] { return engine().check_photo(kyc::ImageInput::from_path(yale), "schengen"); },
  };
  std::vector<json> expected;
  for (const auto& job : jobs) expected.push_back(without_timings(job()));

  constexpr int kThreads = 4;
  constexpr int kRounds = 2;
  std::vector<std::vector<json>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        for (std::size_t j = 0; j < jobs.size(); ++j) {
          // Each thread starts at a different job so that different photos run at once.
          got[t].push_back(
              without_timings(jobs[(j + static_cast<std::size_t>(t)) % jobs.size()]()));
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(got[t].size(), jobs.size() * kRounds);
    for (std::size_t i = 0; i < got[t].size(); ++i) {
      const std::size_t j = (i % jobs.size() + static_cast<std::size_t>(t)) % jobs.size();
      EXPECT_EQ(got[t][i], expected[j]) << "thread " << t << " call " << i;
    }
  }
}

}  // namespace
