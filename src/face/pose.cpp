// Head pose from landmarks.
#include <cmath>
#include <opencv2/calib3d.hpp>

#include "face/detector.hpp"

namespace kyc::detail {
namespace {

constexpr double kRadToDeg = 180.0 / 3.14159265358979323846;
constexpr double kPnpPitchZero = 7.8;

// A generic 3-D face (mm; x right, y up, z towards the camera), for the 68-point indices used.
// Values are the widely used anthropometric averages for solvePnP head-pose estimation.
struct ModelPoint {
  int index;
  cv::Point3d position;
};
const ModelPoint kModel68[] = {
    {30, {0.0, 0.0, 0.0}},       // nose tip
    {8, {0.0, -63.6, -12.5}},    // chin
    {36, {-43.3, 32.7, -26.0}},  // image-left eye, outer corner
    {45, {43.3, 32.7, -26.0}},   // image-right eye, outer corner
    {39, {-19.0, 32.7, -23.0}},  // image-left eye, inner corner
    {42, {19.0, 32.7, -23.0}},   // image-right eye, inner corner
    {33, {0.0, -11.0, -8.0}},    // nose base
};

Pose pose_pnp(const Face& face, int width, int height) {
  std::vector<cv::Point3d> object;
  std::vector<cv::Point2d> image;
  for (const auto& p : kModel68) {
    // Flip y: the image axis points down.
    object.emplace_back(p.position.x, -p.position.y, -p.position.z);
    image.emplace_back(face.landmarks[p.index].x, face.landmarks[p.index].y);
  }
  const double focal = std::max(width, height);  // ~53 degree field of view
  const cv::Matx33d camera(focal, 0, width / 2.0, 0, focal, height / 2.0, 0, 0, 1);
  // Start from a frontal head at the distance its eye span implies: without the mouth corners
  // the iterative solver can otherwise settle on the mirrored (upside-down) solution.
  const double eye_span = std::hypot(face.landmarks[45].x - face.landmarks[36].x,
                                     face.landmarks[45].y - face.landmarks[36].y);
  cv::Vec3d rvec(0, 0, 0);
  cv::Vec3d tvec(0, 0, focal * 86.6 / std::max(1.0, eye_span));
  Pose pose;
  if (!cv::solvePnP(object, image, camera, cv::noArray(), rvec, tvec, true,
                    cv::SOLVEPNP_ITERATIVE)) {
    return pose;
  }
  cv::Matx33d r;
  cv::Rodrigues(rvec, r);
  // Euler angles (x: pitch, y: yaw, z: roll) of R = Rz * Ry * Rx.
  const double sy = std::sqrt(r(0, 0) * r(0, 0) + r(1, 0) * r(1, 0));
  double pitch, yaw, roll;
  if (sy > 1e-6) {
    pitch = std::atan2(r(2, 1), r(2, 2));
    yaw = std::atan2(-r(2, 0), sy);
    roll = std::atan2(r(1, 0), r(0, 0));
  } else {
    pitch = std::atan2(-r(1, 2), r(1, 1));
    yaw = std::atan2(-r(2, 0), sy);
    roll = 0;
  }
  // The generic model reads level heads as chin-up: its pitch zero is the median over 300 LFW
  // faces (news photos, on average level), 7.8 degrees (docs/photo-rules.md).
  pose.pitch = static_cast<float>(-pitch * kRadToDeg - kPnpPitchZero);
  pose.yaw = static_cast<float>(-yaw * kRadToDeg);
  pose.roll = static_cast<float>(roll * kRadToDeg);
  pose.method = "pnp68";
  return pose;
}

// From five points: roll is the eye-line angle; yaw from the nose's horizontal offset from the
// eye midpoint relative to the inter-eye distance; pitch from the nose's vertical drop relative
// to its frontal average (~0.62 IED on dlib's 5-point layout). Coarse: say so via the method.
Pose pose_geometric5(const Face& face) {
  Pose pose;
  const Point right = face.eye_right();
  const Point left = face.eye_left();
  const Point nose = face.landmarks[4];
  const double dx = left.x - right.x;
  const double dy = left.y - right.y;
  const double ied = std::hypot(dx, dy);
  if (ied < 1e-3) return pose;
  pose.roll = static_cast<float>(std::atan2(dy, dx) * kRadToDeg);
  // Work in the roll-corrected frame.
  const double c = dx / ied, s = dy / ied;
  const double mx = (left.x + right.x) / 2.0, my = (left.y + right.y) / 2.0;
  const double nx = (nose.x - mx) * c + (nose.y - my) * s;
  const double ny = -(nose.x - mx) * s + (nose.y - my) * c;
  const double h = std::clamp(nx / (0.5 * ied), -1.0, 1.0);
  pose.yaw = static_cast<float>(std::asin(h) * kRadToDeg);
  const double v = std::clamp((ny / ied - 0.62) / 0.62, -1.0, 1.0);
  pose.pitch = static_cast<float>(-std::asin(v) * kRadToDeg);
  pose.method = "geometric5";
  return pose;
}

}  // namespace

Pose estimate_pose(const Face& face, int image_width, int image_height) {
  if (face.scheme == LandmarkScheme::dlib68 && face.landmarks.size() == 68) {
    return pose_pnp(face, image_width, image_height);
  }
  if (face.scheme == LandmarkScheme::dlib5 && face.landmarks.size() == 5) {
    return pose_geometric5(face);
  }
  return {};
}

}  // namespace kyc::detail
