// Face match on real photographs from ../shared/data/faces.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <kyc/kyc.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <thread>

#include "support/lfw_eval.hpp"
#include "support/shared_data.hpp"

namespace {

const kyc::Engine& engine() {
  static const kyc::Engine instance;
  return instance;
}

kyc::FaceMatchResult match(const std::string& a, const std::string& b,
                           const kyc::FaceMatchOptions& options = {}) {
  return engine().face_match(kyc::ImageInput::from_path(a), kyc::ImageInput::from_path(b), options);
}

TEST(FaceMatch, SamePersonMatches) {
  KYC_FACE(a, "face_recognition/examples/obama.jpg");
  KYC_FACE(b, "face_recognition/examples/obama2.jpg");
  const auto r = match(a, b);
  EXPECT_EQ(r.status, kyc::FaceMatchStatus::match);
  ASSERT_EQ(r.matches.size(), 1u);
  EXPECT_LT(r.matches[0].distance, r.decision.distance_threshold);
  EXPECT_GT(r.matches[0].similarity, r.decision.similarity_threshold);
  EXPECT_EQ(r.decision.operating_point, "default");
  ASSERT_TRUE(r.source_face.has_value());
  EXPECT_EQ(r.source_face->landmarks.size(), 5u);
}

TEST(FaceMatch, DifferentPeopleDoNotMatch) {
  KYC_FACE(a, "face_recognition/examples/obama.jpg");
  KYC_FACE(b, "face_recognition/examples/biden.jpg");
  const auto r = match(a, b);
  EXPECT_EQ(r.status, kyc::FaceMatchStatus::no_match);
  EXPECT_TRUE(r.matches.empty());
  ASSERT_EQ(r.unmatched.size(), 1u);
  EXPECT_GT(r.unmatched[0].distance, r.decision.distance_threshold);
}

TEST(FaceMatch, MultiFaceTargetGivesOneMatchAmongUnmatched) {
  KYC_FACE(a, "face_recognition/examples/biden.jpg");
  KYC_FACE(b, "face_recognition/examples/two_people.jpg");
  const auto r = match(a, b);
  EXPECT_EQ(r.status, kyc::FaceMatchStatus::match);
  EXPECT_EQ(r.matches.size(), 1u);
  EXPECT_GE(r.unmatched.size(), 1u);
  for (const auto& u : r.unmatched) EXPECT_GT(u.distance, r.matches[0].distance);
}

TEST(FaceMatch, NoFaceIsAResultNotAnException) {
  KYC_FACE(face, "face_recognition/examples/obama.jpg");
  // A smooth gradient: no face anywhere.
  std::vector<std::uint8_t> pixels(320 * 240 * 3);
  for (int y = 0; y < 240; ++y)
    for (int x = 0; x < 320; ++x)
      for (int c = 0; c < 3; ++c)
        pixels[(y * 320 + x) * 3 + c] = static_cast<std::uint8_t>((x + y + 40 * c) / 3);
  const kyc::ImageView blank(pixels.data(), pixels.size(), 320, 240, kyc::PixelFormat::bgr);

  const auto no_source = engine().face_match(blank, kyc::ImageInput::from_path(face));
  EXPECT_EQ(no_source.status, kyc::FaceMatchStatus::no_face_in_source);
  EXPECT_EQ(no_source.source_face_count, 0);
  ASSERT_EQ(no_source.unmatched.size(), 1u);                 // the target was still analysed
  EXPECT_TRUE(std::isnan(no_source.unmatched[0].distance));  // ...but nothing was compared
  const auto source_json = nlohmann::json::parse(no_source.to_json());
  EXPECT_TRUE(source_json["unmatched"][0]["distance"].is_null());
  EXPECT_EQ(source_json["similarity"], 0);

  const auto no_target = engine().face_match(kyc::ImageInput::from_path(face), blank);
  EXPECT_EQ(no_target.status, kyc::FaceMatchStatus::no_face_in_target);
  EXPECT_TRUE(no_target.source_face.has_value());
  const auto json = nlohmann::json::parse(no_target.to_json());
  EXPECT_EQ(json["status"], "no_face_in_target");
  EXPECT_FALSE(json["match"].get<bool>());
}

TEST(FaceMatch, ThresholdOptions) {
  KYC_FACE(a, "face_recognition/examples/obama.jpg");
  KYC_FACE(b, "face_recognition/examples/obama2.jpg");
  kyc::FaceMatchOptions strict;
  strict.distance_threshold = 0.05;
  const auto r = match(a, b, strict);
  EXPECT_EQ(r.status, kyc::FaceMatchStatus::no_match);
  EXPECT_EQ(r.decision.operating_point, "custom");

  kyc::FaceMatchOptions aws_style;
  aws_style.similarity_threshold = 10;
  EXPECT_TRUE(match(a, b, aws_style).is_match());

  kyc::FaceMatchOptions named;
  named.operating_point = "fmr1e-3";
  EXPECT_EQ(match(a, b, named).decision.operating_point, "fmr1e-3");

  kyc::FaceMatchOptions both = strict;
  both.similarity_threshold = 50;
  EXPECT_THROW(match(a, b, both), kyc::Error);
  kyc::FaceMatchOptions nan;
  nan.distance_threshold = std::nan("");
  EXPECT_THROW(match(a, b, nan), kyc::Error);
}

TEST(FaceMatch, SimilarityIsMonotonicAndInvertible) {
  const auto& comparer = engine().face_comparer();
  double previous = 101;
  for (double d = 0; d <= 1.5; d += 0.01) {
    const double s = comparer.similarity(d);
    EXPECT_LE(s, previous);
    EXPECT_GE(s, 0);
    EXPECT_LE(s, 100);
    if (s > 0.01 && s < 99.99) {
      EXPECT_NEAR(comparer.distance_for_similarity(s), d, 1e-6);
    }
    previous = s;
  }
}

TEST(FaceMatch, ReportJsonHasSchemaEvidenceAndNoPixels) {
  KYC_FACE(a, "face_recognition/examples/obama.jpg");
  KYC_FACE(b, "face_recognition/examples/obama2.jpg");
  const auto r = match(a, b);
  const std::string text = r.to_json();
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["schema"], "kyc.face_match");
  EXPECT_EQ(j["schema_version"], kyc::kReportSchemaVersion);
  EXPECT_EQ(j["status"], "match");
  for (const char* key :
       {"decision", "source", "target", "matches", "unmatched", "backend", "timings_ms"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["source"]["face"]["landmarks"].size(), 5u);
  EXPECT_EQ(j["backend"]["comparer_model"], "dlib_face_recognition_resnet_model_v1");
  EXPECT_GT(j["timings_ms"]["total"].get<double>(), 0);
  EXPECT_GE(j["timings_ms"]["total"].get<double>(), j["timings_ms"]["embed"].get<double>());
  EXPECT_LT(text.size(), 8000u);  // evidence, not pixels
}

// Every same-identity pair in the identity tables matches; every cross-identity pair doesn't.
TEST(FaceMatch, IdentityTables) {
  // face-api.js's stuart5.png is a three-quarter profile cut by the frame: a frontal detector
  // misses it, so one image without a face is allowed there.
  const std::vector<std::pair<const char*, int>> tables = {{"face_recognition_identities.tsv", 0},
                                                           {"face-api.js_identities.tsv", 1}};
  for (const auto& [table, allowed_no_face] : tables) {
    SCOPED_TRACE(table);
    KYC_FACE(tsv, std::string("tables/") + table);
    std::ifstream in(tsv);
    std::string line;
    std::getline(in, line);
    std::vector<std::pair<std::string, std::string>> rows;
    while (std::getline(in, line)) {
      const auto tab = line.find('\t');
      rows.emplace_back(line.substr(0, tab),
                        kyc_test::shared_dir() + "/data/faces/" + line.substr(tab + 1));
    }
    std::map<std::string, std::optional<kyc::Embedding>> emb;
    int no_face = 0;
    for (const auto& [id, path] : rows) {
      const auto faces = engine().detect_faces(kyc::ImageInput::from_path(path));
      if (faces.empty()) {
        ++no_face;
        emb[path] = std::nullopt;
        continue;
      }
      emb[path] =
          engine().face_embeddings(kyc::ImageInput::from_path(path), {faces.front()}).front();
    }
    const double threshold = engine().face_comparer().operating_points().front().distance;
    int genuine = 0, genuine_errors = 0, impostor = 0, impostor_errors = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      for (std::size_t j = i + 1; j < rows.size(); ++j) {
        const auto& a = emb[rows[i].second];
        const auto& b = emb[rows[j].second];
        if (!a || !b) continue;
        const bool same = rows[i].first == rows[j].first;
        const bool matched = engine().face_comparer().distance(*a, *b) <= threshold;
        (same ? genuine : impostor)++;
        if (same != matched) (same ? genuine_errors : impostor_errors)++;
      }
    }
    std::printf(
        "[ identity ] %s: %zu images, %d without a face, genuine pairs %d (errors %d), "
        "impostor pairs %d (errors %d)\n",
        table, rows.size(), no_face, genuine, genuine_errors, impostor, impostor_errors);
    EXPECT_LE(no_face, allowed_no_face);
    EXPECT_EQ(impostor_errors, 0);
    EXPECT_LE(genuine_errors, genuine / 20);  // >= 95% of genuine pairs match
  }
}

TEST(FaceMatch, OneEngineManyThreadsGivesIdenticalResults) {
  KYC_FACE(a, "face_recognition/examples/obama.jpg");
  KYC_FACE(b, "face_recognition/examples/obama2.jpg");
  KYC_FACE(c, "face_recognition/examples/biden.jpg");
  KYC_FACE(d, "face_recognition/examples/two_people.jpg");
  const std::vector<std::pair<std::string, std::string>> jobs = {{a, b}, {a, c}, {c, d}, {b, d}};
  std::vector<std::string> single;
  for (const auto& [x, y] : jobs)
    single.push_back(nlohmann::json::parse(match(x, y).to_json())["matches"].dump() +
                     nlohmann::json::parse(match(x, y).to_json())["unmatched"].dump());
  std::vector<std::string> threaded(jobs.size() * 4);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      try {
        for (std::size_t k = 0; k < jobs.size(); ++k) {
          const std::size_t job = (k + t) % jobs.size();  // different order per thread
          const auto j = nlohmann::json::parse(match(jobs[job].first, jobs[job].second).to_json());
          threaded[t * jobs.size() + job] = j["matches"].dump() + j["unmatched"].dump();
        }
      } catch (...) {
        ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (int t = 0; t < 4; ++t)
    for (std::size_t k = 0; k < jobs.size(); ++k)
      EXPECT_EQ(threaded[t * jobs.size() + k], single[k]);
}

// LFW view1-test (DevTest: 422 pairs of A-K identities), never used for calibration.
// The ratchet is the measured 97.87% (floor 97.6%): on these 150x150 thumbnails (faces ~66 px)
// dlib's ResNet does not reach the 98.5% asked for in the foundation issue — jitter, 68-point
// alignment and the MMOD detector were tried and give the same figure (see docs/calibration.md).
TEST(FaceMatchAccuracy, LfwDevTestAtDefaultThreshold) {
  KYC_FACE(tsv, "lfw/pairs.tsv");
  const std::string root = kyc_test::shared_dir() + "/data/faces/lfw/images";
  const auto pairs = kyc_eval::read_pairs(tsv, "view1-test");
  ASSERT_GT(pairs.size(), 400u);
  const std::vector<std::string> images = kyc_eval::unique_images(pairs);
  const auto embeddings = kyc_eval::embed_images(engine(), root, images);
  const int fte = kyc_eval::failures_to_enrol(embeddings);
  const auto scored = kyc_eval::score_pairs(engine().face_comparer(), pairs, embeddings);
  const double threshold = engine().face_comparer().operating_points().front().distance;
  const double accuracy = kyc_eval::accuracy_at(scored, threshold);
  std::printf(
      "[ accuracy ] LFW view1-test: %zu pairs, %zu images, %d failed to enrol, "
      "accuracy %.2f%% at the default threshold %.3f\n",
      pairs.size(), images.size(), fte, accuracy * 100, threshold);
  EXPECT_GE(accuracy, 0.976);
}

}  // namespace

namespace {

// The non-default pipelines: MMOD CNN detection, 68-point landmarks with solvePnP pose, jitter.
TEST(FaceMatchVariants, MmodDetector68LandmarksAndJitter) {
  KYC_FACE(a, "face_recognition/examples/obama.jpg");
  KYC_FACE(b, "face_recognition/examples/obama2.jpg");
  KYC_FACE(c, "face_recognition/examples/biden.jpg");
  kyc::Config config;
  config.face.detector = "mmod";
  config.face.landmarks = 68;
  config.face.jitters = 2;
  const kyc::Engine variant(config);
  const auto same =
      variant.face_match(kyc::ImageInput::from_path(a), kyc::ImageInput::from_path(b));
  EXPECT_EQ(same.status, kyc::FaceMatchStatus::match);
  ASSERT_TRUE(same.source_face.has_value());
  EXPECT_EQ(same.source_face->landmarks.size(), 68u);
  EXPECT_EQ(same.source_face->pose.method, "pnp68");
  // A portrait facing the camera: the 3-D pose stays near frontal.
  EXPECT_LT(std::abs(same.source_face->pose.yaw), 20.0f);
  EXPECT_LT(std::abs(same.source_face->pose.roll), 15.0f);
  EXPECT_NE(same.analyzer_model.find("mmod"), std::string::npos);
  EXPECT_NE(same.comparer_model.find("jitters=2"), std::string::npos);
  const auto different =
      variant.face_match(kyc::ImageInput::from_path(a), kyc::ImageInput::from_path(c));
  EXPECT_EQ(different.status, kyc::FaceMatchStatus::no_match);
}

// Roll from 5 landmarks follows an in-plane rotation of the photo.
TEST(FaceMatchVariants, RollFollowsImageRotation) {
  KYC_FACE(a, "face_recognition/examples/obama.jpg");
  const kyc::Image upright = engine().decode(kyc::ImageInput::from_path(a));
  const auto base = engine().detect_faces(upright);
  ASSERT_FALSE(base.empty());
  const cv::Mat src(upright.height(), upright.width(), CV_8UC3,
                    const_cast<std::uint8_t*>(upright.view().data()));
  cv::Mat rotated;
  const cv::Point2f centre(base[0].box.x + base[0].box.width / 2,
                           base[0].box.y + base[0].box.height / 2);
  // OpenCV's positive angle turns the content counter-clockwise on screen.
  cv::warpAffine(src, rotated, cv::getRotationMatrix2D(centre, -10.0, 1.0), src.size());
  const kyc::ImageView view(rotated.data, rotated.cols, rotated.rows, kyc::PixelFormat::bgr,
                            static_cast<std::ptrdiff_t>(rotated.step));
  const auto turned = engine().detect_faces(view);
  ASSERT_FALSE(turned.empty());
  EXPECT_NEAR(turned[0].pose.roll - base[0].pose.roll, 10.0, 3.0);
}

}  // namespace

namespace {

// Images too thin or too small for the detector window give "no face", never an exception.
TEST(FaceMatchRobustness, TinyAndElongatedImagesHaveNoFace) {
  for (const auto& [w, h] :
       std::vector<std::pair<int, int>>{{3000, 1}, {1, 3000}, {5, 5}, {20000, 2}}) {
    SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h));
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(w) * h, 128);
    const kyc::ImageView view(pixels.data(), pixels.size(), w, h, kyc::PixelFormat::gray);
    EXPECT_TRUE(engine().detect_faces(view).empty());
  }
  kyc::Config config;
  config.face.min_face_size = 2000;  // asks for a downscale far below the detector window
  const kyc::Engine picky(config);
  std::vector<std::uint8_t> pixels(64 * 64 * 3, 100);
  const kyc::ImageView view(pixels.data(), pixels.size(), 64, 64, kyc::PixelFormat::bgr);
  EXPECT_TRUE(picky.detect_faces(view).empty());
}

TEST(FaceMatchRobustness, MaxFacesBoundsTheWork) {
  KYC_FACE(b, "face_recognition/examples/two_people.jpg");
  kyc::Config config;
  config.face.max_faces = 1;
  const kyc::Engine one_face(config);
  const auto faces = one_face.detect_faces(kyc::ImageInput::from_path(b));
  ASSERT_EQ(faces.size(), 1u);
  const auto all = engine().detect_faces(kyc::ImageInput::from_path(b));
  ASSERT_GE(all.size(), 2u);
  EXPECT_FLOAT_EQ(faces[0].box.area(), all[0].box.area());  // the largest one is kept
}

TEST(FaceMatchRobustness, CustomThresholdHasNoMeasuredFmr) {
  KYC_FACE(a, "face_recognition/examples/obama.jpg");
  kyc::FaceMatchOptions options;
  options.distance_threshold = 0.5;
  const auto r = match(a, a, options);
  EXPECT_TRUE(nlohmann::json::parse(r.to_json())["decision"]["fmr"].is_null());
}

}  // namespace
