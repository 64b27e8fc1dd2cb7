// Passport-photo measurements. Each rule measures one thing on the photo from the face's
// landmarks and the pixels, and says how; thresholds come from the profile. A rule that lacks
// what it needs (no face, 5-point landmarks only, no colour, unknown encoding) says
// unable_to_assess with the reason, and the other rules still run.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "engine/timing.hpp"
#include "image/convert.hpp"
#include "kyc/error.hpp"
#include "photo/measure.hpp"

namespace kyc::detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kRadToDeg = 180.0 / 3.14159265358979323846;

// Anthropometric fallbacks (docs/photo-rules.md): eye-midpoint-to-chin over inter-eye distance,
// measured by kyc on 201 near-frontal faces with 68 landmarks; crown-to-eye-line over
// eye-line-to-chin, the portrait canon of eyes at half the head's height (1.01 measured on the
// alex_lacamoire portrait, 0.88 on Obama's).
constexpr double kChinOverIed = 1.83;
constexpr double kCrownOverChin = 1.0;
// An edge found further above the eyes than this (in eye-to-chin units) is not the crown but
// something behind the head (a window, a lamp), and one found closer is not above the hair: the
// estimate is used instead.
constexpr double kMaxCrownOverChin = 1.5;
constexpr double kMinCrownOverChin = 0.6;

std::string format_number(double v, int decimals) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(decimals);
  out << v;
  return out.str();
}

cv::Point2f cvp(Point p) {
  return {p.x, p.y};
}
Point kp(cv::Point2f p) {
  return {p.x, p.y};
}

struct Context {
  cv::Mat bgr;
  cv::Mat gray;
  cv::Mat lab;  // 8-bit Lab: L in 0..255 (L* x 2.55), a/b offset by 128
  bool colour = false;
  const ImageInfo* info = nullptr;
  const std::vector<Face>* faces = nullptr;
  const Face* face = nullptr;
  bool has68 = false;
  HeadGeometry head;
  double ied = 0;
  cv::Mat face_mask;        // face skin region (jaw + brows hull), 8-bit
  cv::Mat background_mask;  // pixels beside and above the head, 8-bit
  int width = 0;
  int height = 0;
};

cv::Point2f landmark(const Face& face, int i) {
  return cvp(face.landmarks[static_cast<std::size_t>(i)]);
}

cv::Point2f centroid(const Face& face, int first, int last) {
  cv::Point2f sum(0, 0);
  for (int i = first; i <= last; ++i) sum += landmark(face, i);
  return sum / static_cast<float>(last - first + 1);
}

std::vector<cv::Point> polygon(const Face& face, std::initializer_list<int> indices) {
  std::vector<cv::Point> out;
  for (int i : indices) out.emplace_back(landmark(face, i));
  return out;
}

// The face skin region: convex hull of the jawline and brows (68) or the detector box (5).
cv::Mat make_face_mask(const Context& c) {
  cv::Mat mask = cv::Mat::zeros(c.height, c.width, CV_8UC1);
  if (c.has68) {
    std::vector<cv::Point> points;
    for (int i = 0; i <= 26; ++i) points.emplace_back(landmark(*c.face, i));
    std::vector<cv::Point> hull;
    cv::convexHull(points, hull);
    cv::fillConvexPoly(mask, hull, 255);
  } else {
    const Rect& b = c.face->box;
    const cv::Rect box(
        cv::Point(static_cast<int>(b.x + 0.15f * b.width), static_cast<int>(b.y + 0.1f * b.height)),
        cv::Point(static_cast<int>(b.x + 0.85f * b.width),
                  static_cast<int>(b.y + 0.95f * b.height)));
    mask(box & cv::Rect(0, 0, c.width, c.height)).setTo(255);
  }
  return mask;
}

// The background: everything above the chin line outside an ellipse generously around the head
// (hair, ears), so that neither hair nor shoulders count as background.
cv::Mat make_background_mask(const Context& c) {
  cv::Mat mask = cv::Mat::zeros(c.height, c.width, CV_8UC1);
  const int chin_row = std::clamp(static_cast<int>(c.head.chin.y), 0, c.height);
  if (chin_row <= 0) return mask;
  mask(cv::Rect(0, 0, c.width, chin_row)).setTo(255);
  const float head_h = c.head.chin.y - c.head.crown.y;
  const float head_w = c.head.head_right - c.head.head_left;
  const cv::Point centre(static_cast<int>((c.head.head_left + c.head.head_right) / 2),
                         static_cast<int>(c.head.crown.y + head_h / 2));
  // Wide enough for full hair beside the face (the jawline is narrower than the hair).
  const cv::Size axes(static_cast<int>(head_w * 0.5f * 1.8f), static_cast<int>(head_h * 0.62f));
  cv::ellipse(mask, centre, axes, 0, 0, 360, 0, cv::FILLED);
  // Below the eyes, the neck and shoulders widen: keep a column as wide as the head free.
  const int neck_top = static_cast<int>(c.head.eye_right.y);
  const int neck_left = std::max(0, static_cast<int>(c.head.head_left - head_w * 0.25f));
  const int neck_right = std::min(c.width, static_cast<int>(c.head.head_right + head_w * 0.25f));
  if (neck_top < chin_row && neck_right > neck_left) {
    mask(cv::Rect(neck_left, neck_top, neck_right - neck_left, chin_row - neck_top)).setTo(0);
  }
  return mask;
}

// The crown is where the head meets the background above it: the background colour is sampled in
// the top corners; scanning down the columns between the eyes, the first row where most pixels
// differ from it is the top of the hair. When the corners are not plain (or the head touches the
// top), the crown is estimated from the eye-to-chin distance instead, and the method says so.
void locate_crown(Context& c) {
  HeadGeometry& h = c.head;
  const float eye_y = (h.eye_right.y + h.eye_left.y) / 2;
  const float chin_drop = h.chin.y - eye_y;
  const float anthropometric = eye_y - static_cast<float>(kCrownOverChin) * chin_drop;
  h.crown = {(h.eye_right.x + h.eye_left.x) / 2, anthropometric};
  h.crown_method = "anthropometric";

  const int corner_w = std::max(2, c.width / 8);
  // Corners above the eyes only; a head cut at the top still has background beside the hair.
  const int corner_h = std::min(c.height / 10, static_cast<int>(eye_y / 3));
  if (corner_h < 2) return;
  cv::Mat corners;
  cv::vconcat(c.lab(cv::Rect(0, 0, corner_w, corner_h)).clone().reshape(3, corner_w * corner_h),
              c.lab(cv::Rect(c.width - corner_w, 0, corner_w, corner_h))
                  .clone()
                  .reshape(3, corner_w * corner_h),
              corners);
  cv::Scalar mean, stddev;
  cv::meanStdDev(corners, mean, stddev);
  if (stddev[0] > 20) return;  // a busy background: no reliable edge to find

  const int x0 = std::clamp(static_cast<int>(h.eye_right.x), 0, c.width - 1);
  const int x1 = std::clamp(static_cast<int>(h.eye_left.x), x0 + 1, c.width);
  const int last_row = std::clamp(static_cast<int>(eye_y), 1, c.height);
  const double tolerance = std::max(18.0, 3.0 * std::max({stddev[0], stddev[1], stddev[2]}));
  int run = 0;
  for (int y = 0; y < last_row; ++y) {
    const cv::Vec3b* row = c.lab.ptr<cv::Vec3b>(y);
    int differing = 0;
    for (int x = x0; x < x1; ++x) {
      const double dl = row[x][0] - mean[0];
      const double da = row[x][1] - mean[1];
      const double db = row[x][2] - mean[2];
      if (std::sqrt(dl * dl + da * da + db * db) > tolerance) ++differing;
    }
    if (differing * 2 > (x1 - x0)) {
      if (++run == 3) {  // three rows in a row: not a stray hair or noise
        const float edge = static_cast<float>(y - 2);
        const double ratio = (eye_y - edge) / chin_drop;
        if (ratio > kMaxCrownOverChin || ratio < kMinCrownOverChin) return;  // not the head
        h.crown.y = edge;
        h.crown_method = edge <= 0 ? "cut_at_top" : "background_edge";
        return;
      }
    } else {
      run = 0;
    }
  }
}

void locate_head(Context& c) {
  const Face& f = *c.face;
  HeadGeometry& h = c.head;
  h.eye_right = f.eye_right();
  h.eye_left = f.eye_left();
  c.ied = f.inter_eye_distance();
  const cv::Point2f eye_mid = (cvp(h.eye_right) + cvp(h.eye_left)) / 2;
  if (c.has68) {
    h.chin = f.landmarks[8];
    h.chin_method = "landmark";
    h.head_left = std::min(f.landmarks[0].x, f.landmarks[1].x);
    h.head_right = std::max(f.landmarks[16].x, f.landmarks[15].x);
  } else {
    h.chin = {eye_mid.x, eye_mid.y + static_cast<float>(kChinOverIed * c.ied)};
    h.chin_method = "anthropometric";
    h.head_left = f.box.x;
    h.head_right = f.box.x + f.box.width;
  }
  locate_crown(c);
}

// --- rule plumbing ----------------------------------------------------------------------------

struct Measurement {
  double value = kNaN;
  std::string unit;
  std::string method;
  RuleGeometry geometry;
  std::string unable;  // non-empty: reason code for unable_to_assess
  std::string unable_message;
};

Measurement unable(std::string reason, std::string message) {
  Measurement m;
  m.unable = std::move(reason);
  m.unable_message = std::move(message);
  return m;
}

// The applicant-facing message for a failed rule: direction 0 = too small, 1 = too large.
using MessageFn = std::function<std::string(double value, int direction, const RuleThresholds&)>;

struct RuleDef {
  const char* id;
  bool needs_face;
  std::function<Measurement(Context&)> measure;
  MessageFn message;
};

std::string range_text(const RuleThresholds& t, double scale, int decimals, const char* unit) {
  if (t.min && t.max) {
    return format_number(*t.min * scale, decimals) + "-" + format_number(*t.max * scale, decimals) +
           unit;
  }
  if (t.min) return "at least " + format_number(*t.min * scale, decimals) + unit;
  if (t.max) return "at most " + format_number(*t.max * scale, decimals) + unit;
  return "";
}

Rect region_of(const cv::Mat& mask) {
  const cv::Rect r = cv::boundingRect(mask);
  return {static_cast<float>(r.x), static_cast<float>(r.y), static_cast<float>(r.width),
          static_cast<float>(r.height)};
}

double masked_fraction(const cv::Mat& mask) {
  return static_cast<double>(cv::countNonZero(mask)) / (static_cast<double>(mask.total()));
}

// Percentile of an 8-bit single-channel image under a mask.
int percentile(const cv::Mat& gray, const cv::Mat& mask, double p) {
  int hist[256] = {0};
  int total = 0;
  for (int y = 0; y < gray.rows; ++y) {
    const auto* g = gray.ptr<std::uint8_t>(y);
    const auto* m = mask.ptr<std::uint8_t>(y);
    for (int x = 0; x < gray.cols; ++x) {
      if (m[x]) {
        ++hist[g[x]];
        ++total;
      }
    }
  }
  if (total == 0) return 0;
  const double target = p * total;
  int acc = 0;
  for (int v = 0; v < 256; ++v) {
    acc += hist[v];
    if (acc >= target) return v;
  }
  return 255;
}

double eye_aspect_ratio(const Face& f, int first) {
  const auto p = [&](int i) { return landmark(f, first + i); };
  const double vertical = cv::norm(p(1) - p(5)) + cv::norm(p(2) - p(4));
  const double horizontal = cv::norm(p(0) - p(3));
  return horizontal > 0 ? vertical / (2.0 * horizontal) : kNaN;
}

// A box around one eye's contour (68 points), grown to where a spectacle lens would be.
cv::Rect lens_box(const Context& c, int first) {
  std::vector<cv::Point> pts;
  for (int i = first; i < first + 6; ++i) pts.emplace_back(landmark(*c.face, i));
  cv::Rect r = cv::boundingRect(pts);
  const int grow_x = r.width / 3;
  const int grow_y = std::max(r.height, r.width / 2);
  r.x -= grow_x;
  r.width += 2 * grow_x;
  r.y -= grow_y;
  r.height += 2 * grow_y;
  return r & cv::Rect(0, 0, c.width, c.height);
}

// The cheeks below the eyes, as a reference luminance for the eye region.
cv::Rect cheek_box(const Context& c, bool right) {
  const Face& f = *c.face;
  const cv::Point2f eye = right ? centroid(f, 36, 41) : centroid(f, 42, 47);
  const cv::Point2f nose = landmark(f, 33);
  const float w = static_cast<float>(c.ied) * 0.35f;
  const float y = (eye.y + nose.y) / 2 + static_cast<float>(c.ied) * 0.1f;
  cv::Rect r(static_cast<int>(eye.x - w / 2), static_cast<int>(y), static_cast<int>(w),
             static_cast<int>(w * 0.6f));
  return r & cv::Rect(0, 0, c.width, c.height);
}

std::string need68_message() {
  return "this rule needs the 68-point landmark model (shape_predictor_68_face_landmarks.dat), "
         "which was not found";
}

// --- the rules --------------------------------------------------------------------------------

std::vector<RuleDef> make_rules() {
  std::vector<RuleDef> rules;

  rules.push_back(
      {"single_face", false,
       [](Context& c) {
         Measurement m;
         m.value = static_cast<double>(c.faces->size());
         m.unit = "faces";
         m.method = "face detector";
         for (const auto& f : *c.faces) {
           m.geometry.points.push_back({f.box.x + f.box.width / 2, f.box.y + f.box.height / 2});
         }
         return m;
       },
       [](double v, int dir, const RuleThresholds&) {
         if (dir == 0) return std::string("No face was found; face the camera in good light.");
         return "The photo shows " + format_number(v, 0) +
                " faces; only you should be in the picture.";
       }});

  rules.push_back({"image_width", false,
                   [](Context& c) {
                     Measurement m;
                     m.value = c.width;
                     m.unit = "px";
                     m.method = "decoded image";
                     return m;
                   },
                   [](double v, int dir, const RuleThresholds& t) {
                     return "The image is " + format_number(v, 0) + " px wide; it must be " +
                            range_text(t, 1, 0, " px") +
                            (dir == 0 ? ". Use a higher-resolution photo."
                                      : ". Use a smaller image.");
                   }});
  rules.push_back({"image_height", false,
                   [](Context& c) {
                     Measurement m;
                     m.value = c.height;
                     m.unit = "px";
                     m.method = "decoded image";
                     return m;
                   },
                   [](double v, int dir, const RuleThresholds& t) {
                     return "The image is " + format_number(v, 0) + " px tall; it must be " +
                            range_text(t, 1, 0, " px") +
                            (dir == 0 ? ". Use a higher-resolution photo."
                                      : ". Use a smaller image.");
                   }});
  rules.push_back({"aspect_ratio", false,
                   [](Context& c) {
                     Measurement m;
                     m.value = static_cast<double>(c.height) / c.width;
                     m.unit = "height/width";
                     m.method = "decoded image";
                     return m;
                   },
                   [](double v, int, const RuleThresholds& t) {
                     return "The photo's height is " + format_number(v, 3) +
                            " times its width; it must be " + range_text(t, 1, 3, "") +
                            ". Crop it to the required format.";
                   }});

  rules.push_back({"head_height", true,
                   [](Context& c) {
                     Measurement m;
                     m.value = (c.head.chin.y - c.head.crown.y) / c.height;
                     m.unit = "fraction of image height";
                     m.method =
                         "crown (" + c.head.crown_method + ") to chin (" + c.head.chin_method + ")";
                     m.geometry.points = {c.head.crown, c.head.chin};
                     return m;
                   },
                   [](double v, int dir, const RuleThresholds& t) {
                     return "Your head fills " + format_number(v * 100, 0) +
                            " % of the photo's height; it must be " + range_text(t, 100, 0, " %") +
                            (dir == 0 ? ". Move closer to the camera or crop tighter."
                                      : ". Move further from the camera or crop wider.");
                   }});
  rules.push_back({"head_width", true,
                   [](Context& c) {
                     Measurement m;
                     m.value = (c.head.head_right - c.head.head_left) / c.width;
                     m.unit = "fraction of image width";
                     m.method = c.has68 ? "jawline landmarks 0-16" : "detector box width";
                     m.geometry.points = {{c.head.head_left, c.head.chin.y},
                                          {c.head.head_right, c.head.chin.y}};
                     return m;
                   },
                   [](double v, int dir, const RuleThresholds& t) {
                     return "Your face is " + format_number(v * 100, 0) +
                            " % of the photo's width; it must be " + range_text(t, 100, 0, " %") +
                            (dir == 0 ? ". Move closer or crop tighter."
                                      : ". Move back or crop wider.");
                   }});
  rules.push_back({"eye_line", true,
                   [](Context& c) {
                     Measurement m;
                     const double eye_y = (c.head.eye_right.y + c.head.eye_left.y) / 2.0;
                     m.value = (c.height - eye_y) / c.height;
                     m.unit = "fraction of image height from the bottom";
                     m.method = "eye centres";
                     m.geometry.points = {c.head.eye_right, c.head.eye_left};
                     return m;
                   },
                   [](double v, int dir, const RuleThresholds& t) {
                     return "Your eyes are at " + format_number(v * 100, 0) +
                            " % of the height from the bottom; they must be at " +
                            range_text(t, 100, 0, " %") +
                            (dir == 0 ? ". Move the camera down or crop less at the top."
                                      : ". Move the camera up or crop less at the bottom.");
                   }});
  rules.push_back(
      {"horizontal_centre", true,
       [](Context& c) {
         Measurement m;
         const double centre =
             c.has68 ? (c.head.eye_right.x + c.head.eye_left.x + landmark(*c.face, 51).x * 2) / 4.0
                     : (c.head.eye_right.x + c.head.eye_left.x) / 2.0;
         m.value = centre / c.width - 0.5;
         m.unit = "offset from centre, fraction of image width (+ = right)";
         m.method = c.has68 ? "mean of eye centres and upper lip" : "eye midpoint";
         m.geometry.points = {{static_cast<float>(centre), c.head.eye_right.y}};
         return m;
       },
       [](double v, int, const RuleThresholds& t) {
         return std::string("Your face is off centre by ") + format_number(std::abs(v) * 100, 0) +
                " % of the width towards the " + (v > 0 ? "right" : "left") +
                " of the picture (allowed: " + range_text(t, 100, 0, " %") + "); centre your face.";
       }});
  rules.push_back({"crop_margin", true,
                   [](Context& c) {
                     Measurement m;
                     const double top = c.head.crown.y / c.height;
                     const double bottom = (c.height - c.head.chin.y) / c.height;
                     const double left = c.head.head_left / c.width;
                     const double right = (c.width - c.head.head_right) / c.width;
                     m.value = std::min({top, bottom, left, right});
                     m.unit = "smallest margin, fraction of the image side";
                     m.method = "head extent (crown: " + c.head.crown_method + ")";
                     m.geometry.region =
                         Rect{c.head.head_left, c.head.crown.y,
                              c.head.head_right - c.head.head_left, c.head.chin.y - c.head.crown.y};
                     return m;
                   },
                   [](double, int, const RuleThresholds&) {
                     return std::string(
                         "Part of your head is cut off; make sure the whole head, from the top "
                         "of the hair to the chin, is in the picture.");
                   }});
  rules.push_back({"inter_eye_distance", true,
                   [](Context& c) {
                     Measurement m;
                     m.value = c.ied;
                     m.unit = "px";
                     m.method = "eye centres";
                     m.geometry.points = {c.head.eye_right, c.head.eye_left};
                     return m;
                   },
                   [](double v, int, const RuleThresholds& t) {
                     return "Your eyes are " + format_number(v, 0) +
                            " px apart in the image; at least " + range_text(t, 1, 0, " px") +
                            " is needed. Use a higher-resolution photo or come closer.";
                   }});

  const auto pose_rule = [](const char* id, float Pose::*angle) {
    return [id, angle](Context& c) {
      Measurement m;
      m.unit = "deg";
      m.geometry.points = {c.head.eye_right, c.head.eye_left};
      if (std::string(id) == "roll") {
        // The eye line's angle is exact for roll with any landmark scheme.
        m.value = std::atan2(c.head.eye_left.y - c.head.eye_right.y,
                             c.head.eye_left.x - c.head.eye_right.x) *
                  kRadToDeg;
        m.method = "eye-line angle";
        return m;
      }
      if (!c.has68 || c.face->pose.method != "pnp68") {
        return unable("needs_68_landmarks", need68_message());
      }
      m.value = c.face->pose.*angle;
      m.method = "solvePnP on a generic 3-D face (68 landmarks)";
      return m;
    };
  };
  rules.push_back(
      {"yaw", true, pose_rule("yaw", &Pose::yaw), [](double v, int, const RuleThresholds& t) {
         return "Your head is turned " + format_number(std::abs(v), 0) + "\xC2\xB0 to your " +
                (v > 0 ? "left" : "right") + " (allowed " + range_text(t, 1, 0, "\xC2\xB0") +
                "); look straight at the camera.";
       }});
  rules.push_back(
      {"pitch", true, pose_rule("pitch", &Pose::pitch), [](double v, int, const RuleThresholds& t) {
         return std::string("Your chin is ") + (v > 0 ? "raised" : "lowered") + " by " +
                format_number(std::abs(v), 0) + "\xC2\xB0 (allowed " +
                range_text(t, 1, 0, "\xC2\xB0") + "); keep your head level.";
       }});
  rules.push_back(
      {"roll", true, pose_rule("roll", &Pose::roll), [](double v, int, const RuleThresholds& t) {
         return "Your head is tilted " + format_number(std::abs(v), 0) + "\xC2\xB0 to the " +
                (v > 0 ? "left" : "right") + " (allowed " + range_text(t, 1, 0, "\xC2\xB0") +
                "); keep it level.";
       }});

  rules.push_back(
      {"eyes_open", true,
       [](Context& c) {
         if (!c.has68) return unable("needs_68_landmarks", need68_message());
         Measurement m;
         const double right = eye_aspect_ratio(*c.face, 36);
         const double left = eye_aspect_ratio(*c.face, 42);
         m.value = std::min(right, left);
         m.unit = "eye aspect ratio (smaller eye)";
         m.method = "eye contour landmarks 36-47";
         m.geometry.points = {kp(centroid(*c.face, 36, 41)), kp(centroid(*c.face, 42, 47))};
         return m;
       },
       [](double, int, const RuleThresholds&) {
         return std::string("Your eyes look closed or half closed; keep both eyes open.");
       }});
  rules.push_back({"mouth_closed", true,
                   [](Context& c) {
                     if (!c.has68) return unable("needs_68_landmarks", need68_message());
                     Measurement m;
                     const Face& f = *c.face;
                     const double gap = (cv::norm(landmark(f, 61) - landmark(f, 67)) +
                                         cv::norm(landmark(f, 62) - landmark(f, 66)) +
                                         cv::norm(landmark(f, 63) - landmark(f, 65))) /
                                        3.0;
                     const double width = cv::norm(landmark(f, 48) - landmark(f, 54));
                     m.value = width > 0 ? gap / width : kNaN;
                     m.unit = "inner-lip gap / mouth width";
                     m.method = "inner lip landmarks 60-67";
                     m.geometry.points = {f.landmarks[62], f.landmarks[66]};
                     return m;
                   },
                   [](double, int, const RuleThresholds&) {
                     return std::string("Your mouth is open; close it.");
                   }});
  rules.push_back(
      {"neutral_expression", true,
       [](Context& c) {
         if (!c.has68) return unable("needs_68_landmarks", need68_message());
         Measurement m;
         const Face& f = *c.face;
         // A smile widens the mouth relative to the eyes and lifts its corners
         // above the lips' centre line; both scaled so ~0 is neutral, ~1 a smile.
         const double width = cv::norm(landmark(f, 48) - landmark(f, 54));
         const double width_ratio = width / c.ied;
         const float corners_y = (landmark(f, 48).y + landmark(f, 54).y) / 2;
         const float centre_y = (landmark(f, 62).y + landmark(f, 66).y) / 2;
         const double lift = (centre_y - corners_y) / width;
         m.value = std::max(0.0, (width_ratio - 0.80) / 0.25) * 0.5 +
                   std::max(0.0, (lift - 0.02) / 0.08) * 0.5;
         m.unit = "smile score (0 neutral, >= 1 smiling)";
         m.method = "mouth width / eye distance and mouth-corner lift (landmarks 48-67)";
         m.geometry.points = {f.landmarks[48], f.landmarks[54]};
         return m;
       },
       [](double, int, const RuleThresholds&) {
         return std::string(
             "You seem to be smiling; keep a neutral expression with your mouth closed.");
       }});

  const auto background_rule = [](int what) {
    return [what](Context& c) {
      if (c.background_mask.empty() || masked_fraction(c.background_mask) < 0.02) {
        return unable("no_background_visible",
                      "too little background is visible around the head to judge it");
      }
      Measurement m;
      m.geometry.region = region_of(c.background_mask);
      cv::Scalar mean, stddev;
      cv::meanStdDev(c.lab, mean, stddev, c.background_mask);
      switch (what) {
        case 0:
          m.value = stddev[0] / 2.55;
          m.unit = "L* standard deviation";
          m.method = "background region beside and above the head";
          break;
        case 1:
          m.value = mean[0] / 2.55;
          m.unit = "L* (0 black - 100 white)";
          m.method = "background region beside and above the head";
          break;
        case 2:
          m.value = std::hypot(mean[1] - 128, mean[2] - 128);
          m.unit = "Lab chroma";
          m.method = "mean a*, b* of the background region";
          break;
        default: {
          // At a fixed working size (longest side 400 px), so the density does not depend on
          // resolution and the cost stays small.
          const double scale = std::min(1.0, 400.0 / std::max(c.width, c.height));
          cv::Mat gray = c.gray, mask = c.background_mask;
          if (scale < 1.0) {
            cv::resize(c.gray, gray, cv::Size(), scale, scale, cv::INTER_AREA);
            cv::resize(c.background_mask, mask, gray.size(), 0, 0, cv::INTER_NEAREST);
          }
          cv::Mat edges;
          cv::Canny(gray, edges, 40, 120);
          cv::Mat inner;
          // Keep away from the head outline so the hair's edge does not count as clutter.
          const int k = static_cast<int>(c.ied * scale / 3) | 1;
          cv::erode(mask, inner, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(k, k)));
          const double area = cv::countNonZero(inner);
          if (area < 0.01 * static_cast<double>(gray.total())) {
            return unable("no_background_visible",
                          "too little background is visible around the head to judge it");
          }
          cv::Mat in_bg;
          cv::bitwise_and(edges, inner, in_bg);
          m.value = cv::countNonZero(in_bg) / area;
          m.unit = "edge pixel density (longest side 400 px)";
          m.method = "Canny edges in the background region";
        }
      }
      return m;
    };
  };
  rules.push_back(
      {"background_uniformity", true, background_rule(0), [](double, int, const RuleThresholds&) {
         return std::string(
             "The background is not plain; stand in front of a plain, evenly lit wall.");
       }});
  rules.push_back(
      {"background_brightness", true, background_rule(1), [](double v, int, const RuleThresholds&) {
         return "The background is too dark (lightness " + format_number(v, 0) +
                "); use a light background (off-white or light grey).";
       }});
  rules.push_back(
      {"background_colour_cast", true, background_rule(2), [](double, int, const RuleThresholds&) {
         return std::string(
             "The background is coloured; use a neutral off-white, light grey or light blue "
             "background.");
       }});
  rules.push_back(
      {"background_clutter", true, background_rule(3), [](double, int, const RuleThresholds&) {
         return std::string("There are objects or patterns behind you; use a plain background.");
       }});

  rules.push_back({"illumination_evenness", true,
                   [](Context& c) {
                     Measurement m;
                     // Split the face at the nose line (landmarks 27-33 or the eye midpoint).
                     const float split =
                         c.has68 ? (landmark(*c.face, 27).x + landmark(*c.face, 33).x) / 2
                                 : (c.head.eye_right.x + c.head.eye_left.x) / 2;
                     cv::Mat left_half = c.face_mask.clone();
                     cv::Mat right_half = c.face_mask.clone();
                     const int s = std::clamp(static_cast<int>(split), 0, c.width);
                     left_half(cv::Rect(s, 0, c.width - s, c.height)).setTo(0);
                     right_half(cv::Rect(0, 0, s, c.height)).setTo(0);
                     if (cv::countNonZero(left_half) < 50 || cv::countNonZero(right_half) < 50) {
                       return unable("face_too_small", "the face halves are too small to compare");
                     }
                     const double l = cv::mean(c.gray, left_half)[0];
                     const double r = cv::mean(c.gray, right_half)[0];
                     m.value = std::max(l, r) > 0 ? 1.0 - std::min(l, r) / std::max(l, r) : 0.0;
                     m.unit = "1 - darker/brighter face half";
                     m.method = "mean luminance of the face halves";
                     m.geometry.region = region_of(c.face_mask);
                     m.geometry.points = {{split, c.head.crown.y}, {split, c.head.chin.y}};
                     return m;
                   },
                   [](double, int, const RuleThresholds&) {
                     return std::string(
                         "One side of your face is darker than the other; light your face evenly "
                         "from the front.");
                   }});

  const auto face_tone_rule = [](int what) {
    return [what](Context& c) {
      if (cv::countNonZero(c.face_mask) < 100) {
        return unable("face_too_small", "the face is too small to measure its exposure");
      }
      Measurement m;
      m.geometry.region = region_of(c.face_mask);
      if (what == 0) {
        m.value = cv::mean(c.lab, c.face_mask)[0] / 2.55;
        m.unit = "face L* (0 black - 100 white)";
        m.method = "mean lightness of the face region";
      } else if (what == 1) {
        const double n = cv::countNonZero(c.face_mask);
        cv::Mat dark, bright;
        cv::bitwise_and(c.gray <= 5, c.face_mask, dark);
        cv::bitwise_and(c.gray >= 250, c.face_mask, bright);
        m.value = (cv::countNonZero(dark) + cv::countNonZero(bright)) / n;
        m.unit = "fraction of face pixels clipped (<= 5 or >= 250)";
        m.method = "face region histogram";
      } else {
        m.value = percentile(c.gray, c.face_mask, 0.99) - percentile(c.gray, c.face_mask, 0.01);
        m.unit = "grey levels (99th - 1st percentile)";
        m.method = "face region histogram";
      }
      return m;
    };
  };
  rules.push_back(
      {"exposure", true, face_tone_rule(0), [](double, int dir, const RuleThresholds&) {
         return std::string(
             dir == 0 ? "The photo is too dark; take it in brighter light."
                      : "The photo is too bright (over-exposed); reduce the light or flash.");
       }});
  rules.push_back({"clipping", true, face_tone_rule(1), [](double v, int, const RuleThresholds&) {
                     return "Parts of your face are pure black or white (" +
                            format_number(v * 100, 1) +
                            " %); avoid harsh light, flash glare and deep shadows.";
                   }});
  rules.push_back(
      {"dynamic_range", true, face_tone_rule(2), [](double, int, const RuleThresholds&) {
         return std::string(
             "The photo has too little contrast on the face; take it in better light.");
       }});

  rules.push_back(
      {"sharpness", true,
       [](Context& c) {
         Measurement m;
         const cv::Rect box = cv::boundingRect(c.face_mask);
         if (box.width < 16 || box.height < 16) {
           return unable("face_too_small", "the face is too small to judge focus");
         }
         // At a fixed face scale, so the measure does not depend on resolution.
         cv::Mat face;
         const double scale = 160.0 / box.width;
         cv::resize(c.gray(box), face, cv::Size(), scale, scale,
                    scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
         cv::Mat lap;
         cv::Laplacian(face, lap, CV_32F, 1);
         cv::Scalar lm, ls, gm, gs;
         cv::meanStdDev(lap, lm, ls);
         cv::meanStdDev(face, gm, gs);
         m.value = gs[0] > 1 ? ls[0] / gs[0] : 0;
         m.unit = "Laplacian / intensity standard deviation at 160 px face width";
         m.method = "face region";
         m.geometry.region = Rect{static_cast<float>(box.x), static_cast<float>(box.y),
                                  static_cast<float>(box.width), static_cast<float>(box.height)};
         if (scale > 2.0)
           m.method += " (upscaled " + format_number(scale, 1) + "x: low resolution)";
         return m;
       },
       [](double, int, const RuleThresholds&) {
         return std::string("The photo is blurred; hold the camera still and focus on your face.");
       }});

  rules.push_back({"colour", false,
                   [](Context& c) {
                     Measurement m;
                     m.unit = "mean Lab chroma";
                     m.method = "whole image";
                     if (!c.colour) {
                       m.value = 0;
                       m.method = "single-channel image";
                       return m;
                     }
                     cv::Mat ab[3];
                     cv::split(c.lab, ab);
                     cv::Mat a, b;
                     ab[1].convertTo(a, CV_32F, 1, -128);
                     ab[2].convertTo(b, CV_32F, 1, -128);
                     cv::Mat chroma;
                     cv::magnitude(a, b, chroma);
                     m.value = cv::mean(chroma)[0];
                     return m;
                   },
                   [](double, int, const RuleThresholds&) {
                     return std::string(
                         "The photo is black and white; a colour photo is required.");
                   }});

  rules.push_back(
      {"red_eye", true,
       [](Context& c) {
         if (!c.has68) return unable("needs_68_landmarks", need68_message());
         if (!c.colour) return unable("no_colour", "the image has no colour to judge red eye");
         Measurement m;
         cv::Mat eyes = cv::Mat::zeros(c.height, c.width, CV_8UC1);
         cv::fillConvexPoly(eyes, polygon(*c.face, {36, 37, 38, 39, 40, 41}), 255);
         cv::fillConvexPoly(eyes, polygon(*c.face, {42, 43, 44, 45, 46, 47}), 255);
         const double n = cv::countNonZero(eyes);
         if (n < 10) return unable("face_too_small", "the eyes are too small to judge red eye");
         int red = 0;
         for (int y = 0; y < c.height; ++y) {
           const auto* e = eyes.ptr<std::uint8_t>(y);
           const auto* p = c.bgr.ptr<cv::Vec3b>(y);
           for (int x = 0; x < c.width; ++x) {
             if (e[x] && p[x][2] > 100 && p[x][2] > 2 * p[x][1] && p[x][2] > 2 * p[x][0]) ++red;
           }
         }
         m.value = red / n;
         m.unit = "fraction of eye pixels strongly red";
         m.method = "eye contours (landmarks 36-47)";
         m.geometry.region = region_of(eyes);
         return m;
       },
       [](double, int, const RuleThresholds&) {
         return std::string(
             "Your eyes look red (flash red-eye); retake the photo without direct flash.");
       }});

  rules.push_back(
      {"compression", false,
       [](Context& c) {
         Measurement m;
         switch (c.info->format) {
           case ImageFormat::jpeg:
             if (c.info->jpeg_quality == 0) {
               return unable("quality_unknown", "the JPEG quantisation table could not be read");
             }
             m.value = c.info->jpeg_quality;
             m.unit = "estimated JPEG quality (IJG 1-100)";
             m.method = "luminance quantisation table (DQT)";
             return m;
           case ImageFormat::png:
           case ImageFormat::bmp:
           case ImageFormat::pnm:
           case ImageFormat::tiff:
           case ImageFormat::gif:
             m.value = 100;
             m.unit = "estimated JPEG quality (IJG 1-100)";
             m.method = std::string("lossless format (") + image_format_name(c.info->format) +
                        "); earlier lossy steps are not detected";
             return m;
           default:
             return unable("encoding_unknown",
                           "the photo was given as pixels or in a lossy format whose "
                           "quality cannot be read (WebP); give the encoded file");
         }
       },
       [](double v, int, const RuleThresholds&) {
         return "The photo is compressed too much (JPEG quality about " + format_number(v, 0) +
                "); save it at a higher quality.";
       }});

  rules.push_back({"glasses_glare", true,
                   [](Context& c) {
                     if (!c.has68) return unable("needs_68_landmarks", need68_message());
                     Measurement m;
                     double specular = 0, total = 0;
                     for (int first : {36, 42}) {
                       const cv::Rect r = lens_box(c, first);
                       if (r.area() == 0) continue;
                       total += r.area();
                       specular += cv::countNonZero(c.gray(r) >= 245);
                     }
                     if (total < 20)
                       return unable("face_too_small", "the eye regions are too small");
                     m.value = specular / total;
                     m.unit = "fraction of near-white pixels around the eyes";
                     m.method = "lens-sized boxes around the eye contours";
                     const cv::Rect r = lens_box(c, 36) | lens_box(c, 42);
                     m.geometry.region =
                         Rect{static_cast<float>(r.x), static_cast<float>(r.y),
                              static_cast<float>(r.width), static_cast<float>(r.height)};
                     return m;
                   },
                   [](double, int, const RuleThresholds&) {
                     return std::string(
                         "There is glare around your eyes (reflections on glasses?); tilt the "
                         "glasses slightly or remove them.");
                   }});
  rules.push_back({"dark_lenses", true,
                   [](Context& c) {
                     if (!c.has68) return unable("needs_68_landmarks", need68_message());
                     Measurement m;
                     const cv::Rect right = lens_box(c, 36), left = lens_box(c, 42);
                     const cv::Rect cr = cheek_box(c, true), cl = cheek_box(c, false);
                     if (right.area() == 0 || left.area() == 0 || cr.area() < 9 || cl.area() < 9) {
                       return unable("face_too_small", "the eye regions are too small");
                     }
                     const double eyes =
                         std::min(cv::mean(c.gray(right))[0], cv::mean(c.gray(left))[0]);
                     const double cheeks = (cv::mean(c.gray(cr))[0] + cv::mean(c.gray(cl))[0]) / 2;
                     m.value = cheeks > 1 ? eyes / cheeks : kNaN;
                     m.unit = "eye-region / cheek luminance";
                     m.method = "lens-sized boxes around the eyes vs. cheeks";
                     const cv::Rect r = right | left;
                     m.geometry.region =
                         Rect{static_cast<float>(r.x), static_cast<float>(r.y),
                              static_cast<float>(r.width), static_cast<float>(r.height)};
                     return m;
                   },
                   [](double, int, const RuleThresholds&) {
                     return std::string(
                         "Your eyes are hidden (dark or tinted glasses?); remove tinted glasses.");
                   }});
  return rules;
}

const std::vector<RuleDef>& rules() {
  static const std::vector<RuleDef> all = make_rules();
  return all;
}

}  // namespace

PhotoCheckResult measure_photo(const ImageView& photo, const ImageInfo& info,
                               const std::vector<Face>& faces, const PhotoProfile& profile) {
  PhotoCheckResult result;
  result.profile = profile.name;
  result.image = info;
  result.face_count = static_cast<int>(faces.size());

  Context c;
  c.bgr = to_bgr(photo);
  c.width = c.bgr.cols;
  c.height = c.bgr.rows;
  c.colour = photo.format() != PixelFormat::gray;
  if (c.colour) {
    // A colour image whose channels are equal is greyscale in a colour container.
    cv::Mat channels[3];
    cv::split(c.bgr, channels);
    c.colour = cv::norm(channels[0], channels[1], cv::NORM_INF) > 2 ||
               cv::norm(channels[1], channels[2], cv::NORM_INF) > 2;
  }
  cv::cvtColor(c.bgr, c.gray, cv::COLOR_BGR2GRAY);
  cv::cvtColor(c.bgr, c.lab, cv::COLOR_BGR2Lab);
  c.info = &info;
  c.faces = &faces;
  if (!faces.empty()) {
    c.face = &faces.front();
    c.has68 = c.face->scheme == LandmarkScheme::dlib68 && c.face->landmarks.size() == 68;
    result.face = *c.face;
    result.landmarks = c.face->scheme;
    if (c.face->scheme != LandmarkScheme::none) {
      locate_head(c);
      c.face_mask = make_face_mask(c);
      c.background_mask = make_background_mask(c);
      result.head = c.head;
    }
  }

  for (const RuleDef& def : rules()) {
    const auto it = profile.rules.find(def.id);
    if (it == profile.rules.end()) continue;
    const auto start = Clock::now();
    RuleResult r;
    r.id = def.id;
    r.thresholds = it->second;
    r.value = kNaN;
    Measurement m;
    if (def.needs_face && c.face == nullptr) {
      m = unable("no_face", "no face was found, so this cannot be measured");
    } else if (def.needs_face && c.face->scheme == LandmarkScheme::none) {
      m = unable("no_landmarks", "the face analyzer gave no landmarks");
    } else {
      try {
        m = def.measure(c);
      } catch (const cv::Exception&) {
        m = unable("measurement_failed", "the measurement failed on this image");
      }
    }
    r.unit = m.unit;
    r.method = m.method;
    r.geometry = m.geometry;
    if (!m.unable.empty() || std::isnan(m.value)) {
      r.status = RuleStatus::unable_to_assess;
      r.reason = m.unable.empty() ? "not_measurable" : m.unable;
      r.message = m.unable.empty() ? "the value could not be measured" : m.unable_message;
    } else {
      r.value = m.value;
      // The centring threshold applies to the absolute offset.
      const double v = r.id == "horizontal_centre" ? std::abs(m.value) : m.value;
      const bool low = r.thresholds.min && v < *r.thresholds.min;
      const bool high = r.thresholds.max && v > *r.thresholds.max;
      if (low || high) {
        r.status = RuleStatus::fail;
        r.reason = low ? "too_small" : "too_large";
        r.message = def.message(m.value, low ? 0 : 1, r.thresholds);
      } else {
        r.status = RuleStatus::pass;
        r.reason = "ok";
      }
    }
    result.rule_ms[r.id] = ms_since(start);
    result.rules.push_back(std::move(r));
  }

  const RuleResult* first_fail = nullptr;
  const RuleResult* first_unable = nullptr;
  for (const auto& r : result.rules) {
    if (r.status == RuleStatus::fail && first_fail == nullptr) first_fail = &r;
    if (r.status == RuleStatus::unable_to_assess && first_unable == nullptr) first_unable = &r;
  }
  if (first_fail != nullptr) {
    result.verdict = PhotoVerdict::non_compliant;
    result.decided_by = first_fail->id;
  } else if (first_unable != nullptr) {
    result.verdict = PhotoVerdict::unable_to_assess;
    result.decided_by = first_unable->id;
  } else {
    result.verdict = PhotoVerdict::compliant;
  }
  return result;
}

std::vector<std::string> rule_ids() {
  std::vector<std::string> ids;
  for (const auto& r : rules()) ids.emplace_back(r.id);
  return ids;
}

}  // namespace kyc::detail

kyc::PhotoCheckResult kyc::check_photo_faces(const ImageView& photo, const std::vector<Face>& faces,
                                             const PhotoProfile& profile, const ImageInfo* info) {
  if (photo.empty()) throw Error(ErrorCode::invalid_argument, "check_photo_faces: empty image");
  ImageInfo described;
  if (info != nullptr) {
    described = *info;
  } else {
    described.format = ImageFormat::raw;
  }
  described.width = photo.width();
  described.height = photo.height();
  return detail::measure_photo(photo, described, faces, profile);
}

std::vector<std::string> kyc::photo_rule_ids() {
  return detail::rule_ids();
}
