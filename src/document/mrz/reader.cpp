// MrzReader: find the MRZ band (OpenCV morphology), deskew it, OCR it (Tesseract, MRZ
// alphabet only) and parse it.
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "document/mrz/parse_internal.hpp"
#include "document/ocr/tesseract.hpp"
#include "image/convert.hpp"
#include "kyc/error.hpp"
#include "kyc/mrz.hpp"

namespace kyc {
namespace {

constexpr int kDetectWidth = 900;      // band search runs on this width
constexpr float kOcrBandWidth = 1100;  // the deskewed band is scaled to this width for OCR
constexpr std::size_t kMaxBands = 3;   // candidate bands tried per image

struct Band {
  cv::Point2f center;     // full-resolution coordinates
  cv::Point2f direction;  // unit vector along the text lines
  float length = 0;       // along the lines
  float thickness = 0;    // across the lines
  float score = 0;
};

cv::Mat to_gray(const cv::Mat& bgr) {
  cv::Mat gray;
  if (bgr.channels() == 1) return bgr;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  return gray;
}

// Dark text on light ground, lines of similar characters: black-hat brings out the characters,
// a horizontal gradient keeps the dense vertical strokes of text, closing merges the characters
// of a line and the lines of the zone into one wide blob.
std::vector<Band> find_bands(const cv::Mat& gray) {
  const double scale = static_cast<double>(kDetectWidth) / gray.cols;
  cv::Mat small;
  cv::resize(gray, small, cv::Size(), scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::GaussianBlur(small, small, cv::Size(3, 3), 0);
  std::vector<Band> bands;
  // Both orientations of the kernels, so that a band rotated by 90 degrees is found too.
  for (const bool vertical : {false, true}) {
    const cv::Size rect_size = vertical ? cv::Size(5, 13) : cv::Size(13, 5);
    const cv::Mat rect_kernel = cv::getStructuringElement(cv::MORPH_RECT, rect_size);
    const cv::Mat square_kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(21, 21));
    cv::Mat blackhat, gradient, thresh;
    cv::morphologyEx(small, blackhat, cv::MORPH_BLACKHAT, rect_kernel);
    cv::Sobel(blackhat, gradient, CV_32F, vertical ? 0 : 1, vertical ? 1 : 0, -1);
    gradient = cv::abs(gradient);
    double lo = 0, hi = 0;
    cv::minMaxLoc(gradient, &lo, &hi);
    if (hi <= lo) continue;
    gradient.convertTo(gradient, CV_8U, 255.0 / (hi - lo), -lo * 255.0 / (hi - lo));
    cv::morphologyEx(gradient, gradient, cv::MORPH_CLOSE, rect_kernel);
    cv::threshold(gradient, thresh, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    cv::morphologyEx(thresh, thresh, cv::MORPH_CLOSE, square_kernel);
    cv::erode(thresh, thresh, cv::Mat(), cv::Point(-1, -1), 4);
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(thresh, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    const float extent = static_cast<float>(vertical ? small.rows : small.cols);
    for (const auto& contour : contours) {
      const cv::RotatedRect r = cv::minAreaRect(contour);
      cv::Point2f corners[4];
      r.points(corners);
      cv::Point2f side_a = corners[1] - corners[0];
      cv::Point2f side_b = corners[2] - corners[1];
      float la = std::hypot(side_a.x, side_a.y), lb = std::hypot(side_b.x, side_b.y);
      if (la < lb) {
        std::swap(side_a, side_b);
        std::swap(la, lb);
      }
      if (lb < 4 || la / lb < 4.0f || la < 0.35f * extent) continue;
      Band band;
      band.direction = side_a / la;
      if (std::abs(band.direction.x) >= std::abs(band.direction.y) ? band.direction.x < 0
                                                                   : band.direction.y < 0) {
        band.direction = -band.direction;
      }
      band.center = r.center / static_cast<float>(scale);
      band.length = la / static_cast<float>(scale);
      band.thickness = lb / static_cast<float>(scale);
      // Wide bands win; the MRZ sits at the bottom of an upright page (a mild preference).
      const float position = vertical ? 0.5f : r.center.y / small.rows;
      band.score = la * (1.0f + 0.5f * position);
      bands.push_back(band);
    }
  }
  std::sort(bands.begin(), bands.end(),
            [](const Band& a, const Band& b) { return a.score > b.score; });
  if (bands.size() > kMaxBands) bands.resize(kMaxBands);
  return bands;
}

// The band, rotated so its lines run left to right (direction `u`), with a margin, scaled for
// OCR.
cv::Mat extract(const cv::Mat& gray, const Band& band, const cv::Point2f& u) {
  // A single detected line (very elongated) may be one line of the zone: take in the lines
  // above and below too; OCR and mrz_lines() sort out which lines belong to the MRZ.
  const bool single_line = band.length > 18 * band.thickness;
  const float thickness = single_line ? 6.5f * band.thickness : band.thickness;
  const float margin_x = 0.04f * band.length + 0.3f * thickness;
  const float margin_y = 0.2f * thickness + 4.0f;
  const float w = band.length + 2 * margin_x, h = thickness + 2 * margin_y;
  // About 22 px per character along a 44-character line: the size Tesseract reads best.
  const float s = kOcrBandWidth / w;
  const cv::Point2f v(-u.y, u.x);
  const cv::Point2f c = band.center;
  cv::Mat m = (cv::Mat_<double>(2, 3) << s * u.x, s * u.y, s * (w / 2 - (u.x * c.x + u.y * c.y)),
               s * v.x, s * v.y, s * (h / 2 - (v.x * c.x + v.y * c.y)));
  cv::Mat out;
  cv::warpAffine(gray, out, m, cv::Size(std::max(1, cvRound(w * s)), std::max(1, cvRound(h * s))),
                 s > 1 ? cv::INTER_CUBIC : cv::INTER_AREA, cv::BORDER_REPLICATE);
  return out;
}

std::string clean(const std::string& text) {
  std::string out;
  for (char ch : text) {
    const char up = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if ((up >= 'A' && up <= 'Z') || (up >= '0' && up <= '9') || up == '<') out += up;
  }
  return out;
}

// OCR miscounts runs of fillers and catches specks at the ends of a line. Ways to bring a line
// to the layout's width: in its longest run of fillers, at its end, at its start.
enum class Fit { filler_run, end, start };

std::string fit(std::string line, std::size_t width, Fit how) {
  while (line.size() != width) {
    std::size_t best_end = std::string::npos, best_len = 0;
    for (std::size_t i = 0; i < line.size();) {
      if (line[i] != '<') {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < line.size() && line[j] == '<') ++j;
      if (j - i >= best_len) {
        best_len = j - i;
        best_end = j;
      }
      i = j;
    }
    const bool grow = line.size() < width;
    if (how == Fit::start) {
      grow ? line.insert(line.begin(), '<') : line.erase(line.begin());
    } else if (how == Fit::end || best_end == std::string::npos || (!grow && best_len < 2)) {
      grow ? line.push_back('<') : line.pop_back();
    } else {
      grow ? line.insert(best_end, 1, '<') : line.erase(best_end - 1, 1);
    }
  }
  return line;
}

std::vector<std::string> mrz_lines(const std::vector<detail::OcrLine>& ocr) {
  std::vector<std::string> lines;
  for (const auto& l : ocr) {
    std::string s = clean(l.text);
    if (s.size() >= 20) lines.push_back(s);
  }
  // Printed-zone lines caught with the band rarely contain fillers; MRZ lines nearly always do.
  const auto with_filler = std::count_if(lines.begin(), lines.end(), [](const std::string& l) {
    return l.find("<<") != std::string::npos;
  });
  if (with_filler >= 2 && lines.size() > static_cast<std::size_t>(with_filler)) {
    // Keep the lines from the first with fillers on (line 2 of TD3 may have none).
    auto first = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
      return l.find("<<") != std::string::npos;
    });
    lines.erase(lines.begin(), first);
  }
  if (lines.size() > 3) lines.erase(lines.begin() + 3, lines.end());
  if (lines.size() < 2) return {};
  std::vector<std::size_t> lengths;
  for (const auto& l : lines) lengths.push_back(l.size());
  std::sort(lengths.begin(), lengths.end());
  const std::size_t median = lengths[lengths.size() / 2];
  std::size_t width = 30;
  for (std::size_t candidate : {36u, 44u}) {
    const auto distance = [&](std::size_t w) { return w > median ? w - median : median - w; };
    if (distance(candidate) < distance(width)) width = candidate;
  }
  if (lines.size() == 3 && width != 30) {
    // One line too many: drop the one whose length fits worst.
    auto fits = [&](const std::string& l) {
      return l.size() > width ? l.size() - width : width - l.size();
    };
    lines.erase(fits(lines.front()) > fits(lines.back()) ? lines.begin() : lines.end() - 1);
  }
  if (lines.size() == 2 && width == 30) return {};  // TD1 has three lines
  return lines;  // still of OCR's lengths: read_lines() fits them
}

int score(const MrzResult& r);

// Parses the OCR lines, trying the ways to fit each line to the layout's width; the best
// parse wins (all lines of the right width: one parse).
MrzResult parse_fitted(const std::vector<std::string>& lines, const MrzParseOptions& options) {
  std::size_t width = lines.back().size();
  std::vector<std::size_t> lengths;
  for (const auto& l : lines) lengths.push_back(l.size());
  std::sort(lengths.begin(), lengths.end());
  const std::size_t median = lengths[lengths.size() / 2];
  width = 30;
  for (std::size_t candidate : {36u, 44u}) {
    const auto distance = [&](std::size_t w) { return w > median ? w - median : median - w; };
    if (distance(candidate) < distance(width)) width = candidate;
  }
  std::vector<std::vector<std::string>> options_per_line;
  for (const auto& l : lines) {
    std::vector<std::string> variants;
    for (Fit how : {Fit::filler_run, Fit::end, Fit::start}) {
      std::string v = fit(l, width, how);
      if (std::find(variants.begin(), variants.end(), v) == variants.end()) variants.push_back(v);
    }
    options_per_line.push_back(std::move(variants));
  }
  MrzResult best;
  int best_score = -1000;
  std::vector<std::size_t> pick(lines.size(), 0);
  for (;;) {
    std::vector<std::string> candidate;
    for (std::size_t i = 0; i < lines.size(); ++i)
      candidate.push_back(options_per_line[i][pick[i]]);
    MrzResult r = detail::parse_lines(candidate, options);
    const int sc = score(r);
    if (sc > best_score) {
      best_score = sc;
      best = std::move(r);
    }
    std::size_t i = 0;
    while (i < pick.size() && ++pick[i] == options_per_line[i].size()) pick[i++] = 0;
    if (i == pick.size()) break;
  }
  best.raw_lines = lines;
  return best;
}

int score(const MrzResult& r) {
  if (r.status == MrzStatus::unrecognized) return -1;
  int valid_checks = 0;
  for (const auto& c : r.check_digits) valid_checks += c.valid ? 1 : 0;
  return (r.valid ? 100 : 0) + 10 * valid_checks - static_cast<int>(r.problems.size());
}

}  // namespace

struct MrzReader::Impl {
  MrzReaderOptions options;
  std::string traineddata;
  std::unique_ptr<detail::TesseractPool> ocr;
};

MrzReader::MrzReader(MrzReaderOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  const std::string dir =
      detail::locate_tessdata_dir(impl_->options.model, impl_->options.tessdata_dir);
  impl_->traineddata = dir + "/" + impl_->options.model + ".traineddata";
  detail::TesseractSettings settings;
  settings.tessdata_dir = dir;
  settings.model = impl_->options.model;
  settings.page_segmentation = 6;  // a uniform block of text: the two or three MRZ lines
  settings.variables = {{"tessedit_char_whitelist", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"},
                        {"load_system_dawg", "0"},
                        {"load_freq_dawg", "0"},
                        {"user_defined_dpi", "300"}};
  impl_->ocr = std::make_unique<detail::TesseractPool>(std::move(settings));
}

MrzReader::~MrzReader() = default;
MrzReader::MrzReader(MrzReader&&) noexcept = default;
MrzReader& MrzReader::operator=(MrzReader&&) noexcept = default;

const std::string& MrzReader::traineddata_path() const noexcept {
  return impl_->traineddata;
}

namespace {

cv::Mat decode_gray(const ImageInput& input, const ImageLimits& limits) {
  return to_gray(detail::decode_bgr(input, limits));
}

}  // namespace

std::vector<std::string> MrzReader::recognise(const ImageInput& crop, bool single_line) const {
  if (impl_ == nullptr) throw Error(ErrorCode::invalid_argument, "MrzReader was moved from");
  cv::Mat gray = decode_gray(crop, impl_->options.limits);
  // Small crops are upscaled: Tesseract wants characters a few tens of pixels high.
  const int min_height = single_line ? 48 : 96;
  if (gray.rows < min_height) {
    const double s = static_cast<double>(min_height) / gray.rows;
    cv::resize(gray, gray, cv::Size(), s, s, cv::INTER_CUBIC);
  }
  std::vector<std::string> lines;
  for (const auto& l : impl_->ocr->recognise(gray.data, gray.cols, gray.rows,
                                             static_cast<int>(gray.step), single_line ? 7 : 6)) {
    const std::string text = clean(l.text);
    if (!text.empty()) lines.push_back(text);
  }
  return lines;
}

MrzResult MrzReader::read(const ImageInput& input) const {
  if (impl_ == nullptr) throw Error(ErrorCode::invalid_argument, "MrzReader was moved from");
  const cv::Mat gray = decode_gray(input, impl_->options.limits);

  MrzResult best;
  best.status = MrzStatus::not_found;
  best.message = "no MRZ band found";
  int best_score = -2;
  bool settled = false;  // a band read in the right orientation: stop searching
  for (const Band& band : find_bands(gray)) {
    if (settled) break;
    std::vector<cv::Point2f> directions = {band.direction};
    if (impl_->options.try_rotations) directions.push_back(-band.direction);
    for (const auto& u : directions) {
      if (settled) break;
      const cv::Mat crop = extract(gray, band, u);
      const auto ocr =
          impl_->ocr->recognise(crop.data, crop.cols, crop.rows, static_cast<int>(crop.step));
      const auto lines = mrz_lines(ocr);
      if (lines.empty()) continue;
      MrzResult r = parse_fitted(lines, impl_->options.parse);
      // raw_lines: what OCR read (cleaned), before the width fit and repairs.
      float confidence = 0;
      for (const auto& l : ocr) confidence += l.confidence;
      r.ocr_confidence = ocr.empty() ? 0 : confidence / ocr.size();
      const int s = score(r);
      // All check digits but one verified do not happen by chance: this is the MRZ, upright;
      // other bands or the flipped reading would not do better.
      int verified = 0;
      for (const auto& c : r.check_digits) verified += c.valid ? 1 : 0;
      if (r.check_digits.size() >= 3 && verified + 1 >= static_cast<int>(r.check_digits.size())) {
        settled = true;
      }
      if (s <= best_score) continue;
      best_score = s;
      const float angle = std::atan2(u.y, u.x) * 180.0f / static_cast<float>(CV_PI);
      int rotation = static_cast<int>(std::lround(angle / 90.0f)) * 90;
      const float residual = angle - static_cast<float>(rotation);
      rotation = ((rotation % 360) + 360) % 360;
      cv::RotatedRect rect(band.center, cv::Size2f(band.length, band.thickness), angle);
      const cv::Rect2f box = rect.boundingRect2f();
      r.geometry.found = true;
      r.geometry.box = {box.x, box.y, box.width, box.height};
      r.geometry.angle_degrees = -residual;
      r.geometry.rotation = rotation;
      best = std::move(r);
      if (best.valid) return best;
    }
  }
  if (best.status == MrzStatus::not_found) best.message = "no MRZ band found";
  return best;
}

}  // namespace kyc
