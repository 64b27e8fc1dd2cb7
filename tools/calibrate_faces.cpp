// Calibrates the face-match operating points on LFW pairs.
//
//   kyc_calibrate_faces [--protocol view1-train] [--shared DIR] [--jitters N] [--verbose]
//
// Embeds the central face of every image of the protocol, scores the protocol's pairs, and adds
// every cross-identity pair of those images as impostors, so that low false-match rates can be
// measured (the pair list alone has a few hundred impostors). Prints thresholds for FMR 1e-2,
// 1e-3, 1e-4 with the FNMR there, and the accuracy-maximising threshold.
#include <cstdio>
#include <cstring>
#include <kyc/kyc.hpp>
#include <set>

#include "support/lfw_eval.hpp"

int main(int argc, char** argv) {
  std::string protocol = "view1-train";
  const char* env = std::getenv("KYC_SHARED");
  std::string shared = env ? env : KYC_DEFAULT_SHARED_DIR;
  kyc::Config config;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--verbose")) verbose = true;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--protocol")) protocol = argv[i + 1];
    if (!std::strcmp(argv[i], "--shared")) shared = argv[i + 1];
    if (!std::strcmp(argv[i], "--jitters")) config.face.jitters = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--detector")) config.face.detector = argv[i + 1];
    if (!std::strcmp(argv[i], "--landmarks")) config.face.landmarks = std::atoi(argv[i + 1]);
  }
  const std::string root = shared + "/data/faces/lfw/images";
  const auto pairs = kyc_eval::read_pairs(shared + "/data/faces/lfw/pairs.tsv", protocol);
  if (pairs.empty()) {
    std::fprintf(stderr, "no pairs for protocol %s under %s\n", protocol.c_str(), shared.c_str());
    return 2;
  }
  const kyc::Engine engine(config);
  const std::vector<std::string> images = kyc_eval::unique_images(pairs);
  const auto embeddings = kyc_eval::embed_images(engine, root, images);
  const int fte = kyc_eval::failures_to_enrol(embeddings);

  const auto& comparer = engine.face_comparer();
  const auto scored = kyc_eval::score_pairs(comparer, pairs, embeddings);
  std::vector<double> genuine, impostor;
  for (const auto& s : scored) (s.same ? genuine : impostor).push_back(s.distance);
  // Extended impostors: every cross-identity image pair.
  std::vector<double> all_impostor;
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto& a = embeddings.at(images[i]);
    if (!a) continue;
    for (std::size_t j = i + 1; j < images.size(); ++j) {
      if (kyc_eval::identity_of(images[i]) == kyc_eval::identity_of(images[j])) continue;
      const auto& b = embeddings.at(images[j]);
      if (b) all_impostor.push_back(comparer.distance(*a, *b));
    }
  }
  std::printf(
      "protocol %s: %zu pairs (%zu genuine, %zu impostor), %zu images, %d failed to enrol, "
      "%zu cross-identity impostor pairs, jitters %d\n",
      protocol.c_str(), pairs.size(), genuine.size(), impostor.size(), images.size(), fte,
      all_impostor.size(), config.face.jitters);
  auto fnmr_at = [&](double t) {
    std::size_t miss = 0;
    for (double d : genuine) miss += d > t;
    return genuine.empty() ? 0.0 : static_cast<double>(miss) / genuine.size();
  };
  auto fmr_at = [&](double t) {
    std::size_t hit = 0;
    for (double d : all_impostor) hit += d <= t;
    return all_impostor.empty() ? 0.0 : static_cast<double>(hit) / all_impostor.size();
  };
  for (double fmr : {1e-2, 1e-3, 1e-4}) {
    const bool supported = all_impostor.size() * fmr >= 10;  // >= 10 errors to estimate it
    const double t = kyc_eval::threshold_for_fmr(all_impostor, fmr);
    std::printf("  FMR %.0e: threshold %.4f  measured FMR %.2e  FNMR %.4f  pair accuracy %.4f%s\n",
                fmr, t, fmr_at(t), fnmr_at(t), kyc_eval::accuracy_at(scored, t),
                supported ? "" : "  (fewer than 10 impostor errors: indicative only)");
  }
  double best_t = 0, best_acc = 0;
  for (double t = 0.30; t <= 0.80; t += 0.005) {
    const double acc = kyc_eval::accuracy_at(scored, t);
    if (acc > best_acc) {
      best_acc = acc;
      best_t = t;
    }
  }
  std::printf("  best pair accuracy %.4f at threshold %.3f (FMR %.2e, FNMR %.4f)\n", best_acc,
              best_t, fmr_at(best_t), fnmr_at(best_t));
  for (double t : {0.45, 0.5, 0.55, 0.6}) {
    std::printf("  threshold %.2f: pair accuracy %.4f  FMR %.2e  FNMR %.4f\n", t,
                kyc_eval::accuracy_at(scored, t), fmr_at(t), fnmr_at(t));
  }
  if (verbose) {
    for (const auto& [path, e] : embeddings) {
      if (!e) std::printf("  failed to enrol: %s\n", path.c_str());
    }
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      if (pairs[i].same && scored[i].distance > best_t) {
        std::printf("  genuine pair over threshold: %s %s %.3f\n", pairs[i].a.c_str(),
                    pairs[i].b.c_str(), scored[i].distance);
      }
      if (!pairs[i].same && scored[i].distance <= best_t) {
        std::printf("  impostor pair under threshold: %s %s %.3f\n", pairs[i].a.c_str(),
                    pairs[i].b.c_str(), scored[i].distance);
      }
    }
  }
  return 0;
}
