#include <cmath>

#include "kyc/error.hpp"
#include "kyc/face.hpp"

namespace kyc {

namespace {
Point mean(const std::vector<Point>& points, std::size_t begin, std::size_t end) {
  Point p;
  for (std::size_t i = begin; i < end; ++i) {
    p.x += points[i].x;
    p.y += points[i].y;
  }
  const float n = static_cast<float>(end - begin);
  return {p.x / n, p.y / n};
}
}  // namespace

// dlib5: 0,1 = corners of the eye on the image right (subject's left), 2,3 = image left eye.
// dlib68: 36..41 = image-left eye (subject's right), 42..47 = image-right eye (subject's left).
Point Face::eye_right() const {
  if (scheme == LandmarkScheme::dlib68 && landmarks.size() == 68) return mean(landmarks, 36, 42);
  if (scheme == LandmarkScheme::dlib5 && landmarks.size() == 5) return mean(landmarks, 2, 4);
  throw Error(ErrorCode::invalid_argument, "face: no eye landmarks");
}

Point Face::eye_left() const {
  if (scheme == LandmarkScheme::dlib68 && landmarks.size() == 68) return mean(landmarks, 42, 48);
  if (scheme == LandmarkScheme::dlib5 && landmarks.size() == 5) return mean(landmarks, 0, 2);
  throw Error(ErrorCode::invalid_argument, "face: no eye landmarks");
}

float Face::inter_eye_distance() const {
  const Point a = eye_right();
  const Point b = eye_left();
  return std::hypot(a.x - b.x, a.y - b.y);
}

FaceAnalyzer::~FaceAnalyzer() = default;
FaceComparer::~FaceComparer() = default;

ImagePairComparison FaceComparer::compare_images(const ImageView&, const ImageView&, double,
                                                 StageTimings*) const {
  throw Error(ErrorCode::invalid_argument,
              "face comparer '" + name() + "' compares embeddings, not image pairs");
}

double FaceComparer::distance(const Embedding& a, const Embedding& b) const {
  if (a.size() != b.size() || a.empty()) {
    throw Error(ErrorCode::invalid_argument, "embeddings differ in size");
  }
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    sum += d * d;
  }
  return std::sqrt(sum);
}

}  // namespace kyc
