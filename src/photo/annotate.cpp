// The annotated photo: what a clerk or applicant looks at instead of reading the report.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "image/convert.hpp"
#include "kyc/error.hpp"
#include "kyc/photo.hpp"

namespace kyc {
namespace {

const cv::Scalar kGreen(60, 190, 60);
const cv::Scalar kRed(40, 40, 230);
const cv::Scalar kAmber(0, 170, 255);
const cv::Scalar kCyan(220, 200, 0);

void band(cv::Mat& img, int y0, int y1, const cv::Scalar& colour, double alpha) {
  y0 = std::clamp(y0, 0, img.rows);
  y1 = std::clamp(y1, 0, img.rows);
  if (y1 <= y0) return;
  cv::Mat roi = img(cv::Rect(0, y0, img.cols, y1 - y0));
  cv::Mat overlay(roi.size(), roi.type(), colour);
  cv::addWeighted(overlay, alpha, roi, 1 - alpha, 0, roi);
}

const RuleThresholds* thresholds(const PhotoProfile& profile, const char* id) {
  const auto it = profile.rules.find(id);
  return it == profile.rules.end() ? nullptr : &it->second;
}

}  // namespace

std::vector<std::uint8_t> annotate_photo(const ImageView& photo, const PhotoCheckResult& result,
                                         const PhotoProfile& profile, AnnotationFormat format) {
  if (photo.empty()) throw Error(ErrorCode::invalid_argument, "annotate: empty image");
  if (photo.width() != result.image.width || photo.height() != result.image.height) {
    throw Error(ErrorCode::invalid_argument,
                "annotate: the image is not the one the result was computed on (size differs)");
  }
  cv::Mat img = detail::to_bgr(photo).clone();
  const int w = img.cols, h = img.rows;
  const double unit = std::max(1.0, std::min(w, h) / 400.0);  // line and text scale
  const int thick = std::max(1, static_cast<int>(unit));

  if (result.head) {
    const HeadGeometry& head = *result.head;
    // Allowed bands: where the crown may be given the chin, where the chin may be given the
    // crown, and where the eye line must lie.
    if (const RuleThresholds* t = thresholds(profile, "head_height"); t && t->min && t->max) {
      band(img, static_cast<int>(head.chin.y - *t->max * h),
           static_cast<int>(head.chin.y - *t->min * h), kGreen, 0.25);
      band(img, static_cast<int>(head.crown.y + *t->min * h),
           static_cast<int>(head.crown.y + *t->max * h), kGreen, 0.25);
    }
    if (const RuleThresholds* t = thresholds(profile, "eye_line"); t && t->min && t->max) {
      band(img, static_cast<int>(h - *t->max * h), static_cast<int>(h - *t->min * h), kCyan, 0.2);
    }
    cv::line(img, {0, static_cast<int>(head.crown.y)}, {w, static_cast<int>(head.crown.y)}, kAmber,
             thick);
    cv::line(img, {0, static_cast<int>(head.chin.y)}, {w, static_cast<int>(head.chin.y)}, kAmber,
             thick);
    cv::line(img, {static_cast<int>(head.eye_right.x), static_cast<int>(head.eye_right.y)},
             {static_cast<int>(head.eye_left.x), static_cast<int>(head.eye_left.y)}, kCyan, thick);
  }
  // Centre line of the image.
  cv::line(img, {w / 2, 0}, {w / 2, h}, cv::Scalar(255, 255, 255), thick, cv::LINE_8);

  if (result.face) {
    const Face& f = *result.face;
    cv::rectangle(img, cv::Rect2f(f.box.x, f.box.y, f.box.width, f.box.height),
                  result.verdict == PhotoVerdict::compliant ? kGreen : kAmber, thick);
    for (const auto& p : f.landmarks) {
      cv::circle(img, {static_cast<int>(p.x), static_cast<int>(p.y)}, thick + 1, kCyan, cv::FILLED);
    }
  }

  // Failing rules: their measured region in red, and a numbered legend at the top left.
  std::vector<std::string> lines;
  lines.push_back(std::string(photo_verdict_name(result.verdict)) + " (" + result.profile + ")");
  for (const auto& r : result.rules) {
    if (r.status != RuleStatus::fail) continue;
    lines.push_back(std::to_string(lines.size()) + ". " + r.id);
    if (r.geometry.region) {
      const Rect& b = *r.geometry.region;
      cv::rectangle(img, cv::Rect2f(b.x, b.y, b.width, b.height), kRed, thick);
      cv::putText(
          img, std::to_string(lines.size() - 1),
          {static_cast<int>(b.x) + 3 * thick, static_cast<int>(b.y) + static_cast<int>(14 * unit)},
          cv::FONT_HERSHEY_SIMPLEX, 0.45 * unit, kRed, thick);
    }
  }
  const double scale = 0.45 * unit;
  int baseline = 0;
  int y = static_cast<int>(4 * unit);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const cv::Size size =
        cv::getTextSize(lines[i], cv::FONT_HERSHEY_SIMPLEX, scale, thick, &baseline);
    const cv::Rect box(static_cast<int>(3 * unit), y, size.width + static_cast<int>(6 * unit),
                       size.height + baseline + static_cast<int>(4 * unit));
    cv::Mat roi = img(box & cv::Rect(0, 0, w, h));
    roi *= 0.35;
    cv::putText(
        img, lines[i],
        {box.x + static_cast<int>(3 * unit), box.y + size.height + static_cast<int>(2 * unit)},
        cv::FONT_HERSHEY_SIMPLEX, scale,
        i == 0 ? (result.verdict == PhotoVerdict::compliant ? kGreen : kAmber) : kRed, thick,
        cv::LINE_AA);
    y += box.height + static_cast<int>(2 * unit);
  }

  std::vector<std::uint8_t> out;
  const bool ok = format == AnnotationFormat::png
                      ? cv::imencode(".png", img, out)
                      : cv::imencode(".jpg", img, out, {cv::IMWRITE_JPEG_QUALITY, 90});
  if (!ok) throw Error(ErrorCode::internal, "annotate: encoding failed");
  return out;
}

}  // namespace kyc
