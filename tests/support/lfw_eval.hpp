// LFW pair evaluation shared by the accuracy test and tools/calibrate_faces.
//
// For every image of the selected protocol the face nearest the image centre is embedded (LFW's
// rule: the labelled person is the central face); images where no face is found are counted as
// failures to enrol and their pairs are decided "no match" (an error for genuine pairs).
#pragma once

#include <algorithm>
#include <cmath>
#include <fstream>
#include <kyc/kyc.hpp>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace kyc_eval {

struct Pair {
  std::string protocol;
  int fold = 0;
  std::string a, b;
  bool same = false;
};

inline std::vector<Pair> read_pairs(const std::string& tsv, const std::string& protocol) {
  std::ifstream in(tsv);
  std::vector<Pair> pairs;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    Pair p;
    std::string fold, same;
    std::getline(fields, p.protocol, '\t');
    std::getline(fields, fold, '\t');
    std::getline(fields, p.a, '\t');
    std::getline(fields, p.b, '\t');
    std::getline(fields, same, '\t');
    if (p.protocol != protocol) continue;
    p.fold = std::atoi(fold.c_str());
    p.same = same == "1";
    pairs.push_back(p);
  }
  return pairs;
}

inline std::string identity_of(const std::string& relative) {
  return relative.substr(0, relative.find('/'));
}

/// Every image named by the pairs, once, sorted.
inline std::vector<std::string> unique_images(const std::vector<Pair>& pairs) {
  std::vector<std::string> images;
  for (const auto& p : pairs) {
    images.push_back(p.a);
    images.push_back(p.b);
  }
  std::sort(images.begin(), images.end());
  images.erase(std::unique(images.begin(), images.end()), images.end());
  return images;
}

/// Embedding of the face nearest the centre of each image (nullopt = failure to enrol).
inline std::map<std::string, std::optional<kyc::Embedding>> embed_images(
    const kyc::Engine& engine, const std::string& root, const std::vector<std::string>& images) {
  std::map<std::string, std::optional<kyc::Embedding>> out;
  for (const auto& relative : images) {
    const kyc::Image image = engine.decode(kyc::ImageInput::from_path(root + "/" + relative));
    std::vector<kyc::Face> faces = engine.detect_faces(image);
    if (faces.empty()) {
      out[relative] = std::nullopt;
      continue;
    }
    const float cx = image.width() / 2.0f, cy = image.height() / 2.0f;
    auto centre_distance = [&](const kyc::Face& f) {
      return std::hypot(f.box.x + f.box.width / 2 - cx, f.box.y + f.box.height / 2 - cy);
    };
    const auto central = *std::min_element(
        faces.begin(), faces.end(),
        [&](const auto& x, const auto& y) { return centre_distance(x) < centre_distance(y); });
    out[relative] = engine.face_embeddings(image, {central}).front();
  }
  return out;
}

inline int failures_to_enrol(
    const std::map<std::string, std::optional<kyc::Embedding>>& embeddings) {
  int count = 0;
  for (const auto& entry : embeddings) count += !entry.second.has_value();
  return count;
}

struct Scored {
  double distance;  // +infinity when either image failed to enrol
  bool same;
};

inline std::vector<Scored> score_pairs(
    const kyc::FaceComparer& comparer, const std::vector<Pair>& pairs,
    const std::map<std::string, std::optional<kyc::Embedding>>& embeddings) {
  std::vector<Scored> scored;
  for (const auto& p : pairs) {
    const auto& a = embeddings.at(p.a);
    const auto& b = embeddings.at(p.b);
    const double d = (a && b) ? comparer.distance(*a, *b) : INFINITY;
    scored.push_back({d, p.same});
  }
  return scored;
}

inline double accuracy_at(const std::vector<Scored>& scored, double threshold) {
  std::size_t correct = 0;
  for (const auto& s : scored) correct += ((s.distance <= threshold) == s.same);
  return scored.empty() ? 0.0 : static_cast<double>(correct) / scored.size();
}

/// Smallest distance threshold whose false-match rate over `impostor` distances is <= fmr
/// (the threshold sits just below the k-th smallest impostor distance, k = floor(fmr * n)).
inline double threshold_for_fmr(std::vector<double> impostor, double fmr) {
  std::sort(impostor.begin(), impostor.end());
  const std::size_t allowed = static_cast<std::size_t>(std::floor(fmr * impostor.size()));
  if (impostor.empty()) return 0;
  const double next = impostor[std::min(allowed, impostor.size() - 1)];
  return std::nextafter(next, 0.0);
}

}  // namespace kyc_eval
