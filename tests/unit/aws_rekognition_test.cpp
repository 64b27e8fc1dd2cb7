// Rekognition behind kyc's face interfaces, against tests/support/fake_aws.py: DetectFaces and
// CompareFaces answers (the botocore examples, or scripted answers that the server validates
// against the service model) must come out as kyc faces and face-match reports. Expected
// numbers are the answers' own ratios times the image size (the model's BoundingBox definition).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "backends/aws/http.hpp"
#include "backends/aws/rekognition.hpp"
#include "kyc/engine.hpp"
#include "kyc/error.hpp"
#include "support/aws_env.hpp"
#include "support/fake_aws_server.hpp"
#include "support/shared_data.hpp"

namespace {

using nlohmann::json;

const char* const kModels = "reference/aws/botocore";

json read_json(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

// A synthetic BGR image (the fake server checks shapes, not faces).
kyc::Image make_image(int width, int height, bool noise = false) {
  kyc::Image image(width, height, kyc::PixelFormat::bgr);
  cv::Mat mat(height, width, CV_8UC3, image.mutable_data(),
              static_cast<std::size_t>(image.view().row_stride()));
  if (noise) {
    cv::randu(mat, cv::Scalar::all(0), cv::Scalar::all(255));
  } else {
    mat.setTo(cv::Scalar(90, 140, 200));
  }
  return image;
}

json server_get(const kyc_test::FakeAwsServer& server, const std::string& path) {
  kyc::aws::HttpRequest request;
  request.path = path;
  return json::parse(kyc::aws::http_send(server.url(), request, {}).body);
}

void script(const kyc_test::FakeAwsServer& server, const json& actions) {
  kyc::aws::HttpRequest request;
  request.method = "POST";
  request.path = "/__script";
  request.body = actions.dump();
  ASSERT_EQ(kyc::aws::http_send(server.url(), request, {}).status, 200);
}

// A FaceDetail with every Attributes-ALL member the mapping reads (values chosen for the test,
// shape per the model; the server rejects it if it is not a valid DetectFacesResponse).
json full_face_detail() {
  return {{"BoundingBox", {{"Width", 0.25}, {"Height", 0.5}, {"Left", 0.25}, {"Top", 0.2}}},
          {"Confidence", 99.5},
          {"Landmarks",
           {{{"Type", "eyeLeft"}, {"X", 0.33}, {"Y", 0.4}},
            {{"Type", "eyeRight"}, {"X", 0.42}, {"Y", 0.4}},
            {{"Type", "leftEyeLeft"}, {"X", 0.31}, {"Y", 0.4}},
            {{"Type", "leftEyeRight"}, {"X", 0.35}, {"Y", 0.4}},
            {{"Type", "rightEyeLeft"}, {"X", 0.40}, {"Y", 0.4}},
            {{"Type", "rightEyeRight"}, {"X", 0.44}, {"Y", 0.4}},
            {{"Type", "noseLeft"}, {"X", 0.36}, {"Y", 0.5}},
            {{"Type", "noseRight"}, {"X", 0.40}, {"Y", 0.52}},
            {{"Type", "chinBottom"}, {"X", 0.375}, {"Y", 0.68}}}},
          {"Pose", {{"Roll", -3.5}, {"Yaw", 12.25}, {"Pitch", 4.0}}},
          {"Quality", {{"Brightness", 61.5}, {"Sharpness", 87.0}}},
          {"EyesOpen", {{"Value", true}, {"Confidence", 97.0}}},
          {"MouthOpen", {{"Value", false}, {"Confidence", 91.0}}},
          {"Sunglasses", {{"Value", false}, {"Confidence", 99.0}}},
          {"Eyeglasses", {{"Value", true}, {"Confidence", 80.0}}},
          {"FaceOccluded", {{"Value", false}, {"Confidence", 95.0}}},
          {"Smile", {{"Value", false}, {"Confidence", 70.0}}},
          {"AgeRange", {{"Low", 25}, {"High", 35}}},
          {"EyeDirection", {{"Yaw", 1.0}, {"Pitch", -2.0}, {"Confidence", 90.0}}}};
}

class AwsRekognition : public ::testing::Test {
 protected:
  void SetUp() override {
    models_ = kyc_test::shared_dir() + "/" + kModels;
    if (!kyc_test::exists(models_)) {
      if (kyc_test::in_ci()) FAIL() << "test data missing in CI: " << models_;
      GTEST_SKIP() << "test data missing: " << models_ << " (set KYC_SHARED)";
    }
    examples_ = read_json(models_ + "/rekognition/examples-1.json")["examples"];
    server_ = std::make_unique<kyc_test::FakeAwsServer>(models_);
    config_.region = "us-east-1";
    config_.endpoint = server_->url();
    config_.access_key_id = "AKIDTEST";
    config_.secret_access_key = "test/secret+KEY";
  }
  std::string engine_config(const std::string& extra_aws = "") const {
    return R"({"face": {"analyzer": "aws.rekognition", "comparer": "aws.rekognition"},
               "aws": {"region": "us-east-1", "endpoint": ")" +
           server_->url() + R"(", "access_key_id": "AKIDTEST",
                       "secret_access_key": "test/secret+KEY")" +
           extra_aws + "}}";
  }
  kyc_test::AwsEnv env_;
  std::string models_;
  json examples_;
  std::unique_ptr<kyc_test::FakeAwsServer> server_;
  kyc::AwsConfig config_;
};

TEST_F(AwsRekognition, DetectFacesExampleMapsToPixels) {
  const kyc::aws::RekognitionFaceAnalyzer analyzer(config_);
  const kyc::Image image = make_image(640, 480);
  const auto faces = analyzer.analyze(image.view(), nullptr);
  const json& detail = examples_["DetectFaces"][0]["output"]["FaceDetails"][0];
  ASSERT_EQ(faces.size(), 1u);
  const kyc::Face& f = faces[0];
  EXPECT_NEAR(f.box.x, detail["BoundingBox"]["Left"].get<double>() * 640, 1e-3);
  EXPECT_NEAR(f.box.y, detail["BoundingBox"]["Top"].get<double>() * 480, 1e-3);
  EXPECT_NEAR(f.box.width, detail["BoundingBox"]["Width"].get<double>() * 640, 1e-3);
  EXPECT_NEAR(f.box.height, detail["BoundingBox"]["Height"].get<double>() * 480, 1e-3);
  EXPECT_NEAR(f.pose.yaw, detail["Pose"]["Yaw"].get<double>(), 1e-4);
  EXPECT_NEAR(f.pose.pitch, detail["Pose"]["Pitch"].get<double>(), 1e-4);
  EXPECT_NEAR(f.pose.roll, detail["Pose"]["Roll"].get<double>(), 1e-4);
  EXPECT_EQ(f.pose.method, "aws.rekognition");
  ASSERT_TRUE(f.attributes.brightness.has_value());
  EXPECT_NEAR(*f.attributes.brightness, detail["Quality"]["Brightness"].get<double>(), 1e-4);
  EXPECT_NEAR(f.confidence, detail["Confidence"].get<double>() / 100, 1e-6);
  EXPECT_EQ(f.named_landmarks.size(), detail["Landmarks"].size());
  // The example lacks eye corners, so no dlib5 layout can be derived.
  EXPECT_EQ(f.scheme, kyc::LandmarkScheme::none);

  const json log = server_get(*server_, "/__log");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0]["target"], "RekognitionService.DetectFaces");
  EXPECT_EQ(log[0]["problems"], json::array());
  EXPECT_EQ(log[0]["request"]["Attributes"], json::array({"ALL"}));
  EXPECT_EQ(log[0]["request"]["Image"]["Bytes"]["magic"].get<std::string>().substr(0, 6),
            "ffd8ff");  // JPEG
}

TEST_F(AwsRekognition, DetectFacesAllAttributes) {
  const json detail = full_face_detail();
  json small = detail;
  small["BoundingBox"] = {{"Width", 0.1}, {"Height", 0.1}, {"Left", 0.7}, {"Top", 0.1}};
  script(*server_, json::array({json{{"respond", {{"FaceDetails", {small, detail}}}}}}));
  const kyc::aws::RekognitionFaceAnalyzer analyzer(config_);
  const kyc::Image image = make_image(800, 600);
  const auto faces = analyzer.analyze(image.view(), nullptr);
  ASSERT_EQ(faces.size(), 2u);
  const kyc::Face& f = faces[0];  // largest first
  EXPECT_NEAR(f.box.x, 200, 1e-3);
  EXPECT_NEAR(f.box.y, 120, 1e-3);
  EXPECT_NEAR(f.box.width, 200, 1e-3);
  EXPECT_NEAR(f.box.height, 300, 1e-3);
  ASSERT_TRUE(f.attributes.eyes_open && f.attributes.mouth_open && f.attributes.sunglasses &&
              f.attributes.eyeglasses && f.attributes.face_occluded && f.attributes.smile);
  EXPECT_TRUE(f.attributes.eyes_open->value);
  EXPECT_FLOAT_EQ(f.attributes.eyes_open->confidence, 97.0f);
  EXPECT_FALSE(f.attributes.mouth_open->value);
  EXPECT_FALSE(f.attributes.sunglasses->value);
  EXPECT_TRUE(f.attributes.eyeglasses->value);
  EXPECT_FALSE(f.attributes.face_occluded->value);
  EXPECT_FLOAT_EQ(*f.attributes.sharpness, 87.0f);
  EXPECT_FLOAT_EQ(f.pose.yaw, 12.25f);
  EXPECT_FLOAT_EQ(f.pose.roll, -3.5f);
  // dlib5 from the corners: subject's left eye (image right) = mean of rightEye{Left,Right}.
  ASSERT_EQ(f.scheme, kyc::LandmarkScheme::dlib5);
  EXPECT_NEAR(f.eye_left().x, (0.40 + 0.44) / 2 * 800, 1e-3);
  EXPECT_NEAR(f.eye_right().x, (0.31 + 0.35) / 2 * 800, 1e-3);
  EXPECT_NEAR(f.landmarks[4].y, (0.5 + 0.52) / 2 * 600, 1e-3);
  // The face JSON carries the attributes.
  const json face_json = json::parse(kyc::face_to_json(f));
  EXPECT_EQ(face_json["attributes"]["eyes_open"]["value"], true);
  EXPECT_EQ(face_json["named_landmarks"]["chinBottom"][1], 408);  // 0.68 * 600
}

TEST_F(AwsRekognition, S3ObjectsAreSentByReference) {
  // The model example's own input: two S3 objects; its output maps with the sizes given.
  const json& example = examples_["CompareFaces"][0];
  const kyc::aws::JsonClient client(kyc::aws::rekognition_service(), config_);
  const kyc::aws::S3Object source{example["input"]["SourceImage"]["S3Object"]["Bucket"],
                                  example["input"]["SourceImage"]["S3Object"]["Name"], ""};
  const kyc::aws::S3Object target{example["input"]["TargetImage"]["S3Object"]["Bucket"],
                                  example["input"]["TargetImage"]["S3Object"]["Name"], "v2"};
  const auto result = kyc::aws::compare_faces_s3(client, source, 1000, 800, target, 1, 1,
                                                 example["input"]["SimilarityThreshold"], "AUTO");
  ASSERT_TRUE(result.source_face.has_value());
  const json& box = example["output"]["SourceImageFace"]["BoundingBox"];
  EXPECT_NEAR(result.source_face->box.x, box["Left"].get<double>() * 1000, 1e-3);
  EXPECT_NEAR(result.source_face->box.height, box["Height"].get<double>() * 800, 1e-3);
  ASSERT_EQ(result.target_faces.size(), 1u);
  EXPECT_NEAR(result.target_faces[0].box.width, box["Width"].get<double>(), 1e-6);  // 1 x 1: ratios
  EXPECT_DOUBLE_EQ(result.similarities[0], 100.0);

  const json log = server_get(*server_, "/__log");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0]["problems"], json::array());
  EXPECT_EQ(log[0]["request"]["SourceImage"], example["input"]["SourceImage"]);
  EXPECT_EQ(log[0]["request"]["TargetImage"]["S3Object"]["Version"], "v2");
  EXPECT_EQ(log[0]["request"]["QualityFilter"], "AUTO");
  EXPECT_THROW(kyc::aws::detect_faces_s3(client, kyc::aws::S3Object{"", "x", ""}, 1, 1),
               kyc::Error);
}

TEST_F(AwsRekognition, PrepareImageMeetsTheLimits) {
  // Noise compresses badly: 24 MP of it is far above 5 MiB as JPEG.
  const kyc::Image big = make_image(6000, 4000, true);
  const auto prepared = kyc::aws::prepare_image(big.view());
  EXPECT_LE(prepared.bytes.size(), 5242880u);
  EXPECT_EQ(static_cast<unsigned char>(prepared.bytes[0]), 0xFF);
  EXPECT_EQ(static_cast<unsigned char>(prepared.bytes[1]), 0xD8);
  EXPECT_LT(prepared.width, 6000);
  EXPECT_NEAR(static_cast<double>(prepared.width) / prepared.height, 1.5, 0.01);

  const kyc::Image tiny = make_image(40, 30);
  const auto up = kyc::aws::prepare_image(tiny.view());
  EXPECT_GE(std::min(up.width, up.height), 80);
  EXPECT_NEAR(static_cast<double>(up.width) / up.height, 40.0 / 30.0, 0.02);
}

TEST_F(AwsRekognition, EngineFaceMatchUsesCompareFacesOnly) {
  const kyc::Engine engine(kyc::Config::from_json(engine_config(R"(, "quality_filter": "HIGH")")));
  const kyc::Image a = make_image(400, 300);
  const kyc::Image b = make_image(500, 400);
  const kyc::FaceMatchResult r = engine.face_match(a, b);
  const json out = examples_["CompareFaces"][0]["output"];
  EXPECT_EQ(r.status, kyc::FaceMatchStatus::match);
  ASSERT_EQ(r.matches.size(), 1u);
  EXPECT_DOUBLE_EQ(r.matches[0].similarity, out["FaceMatches"][0]["Similarity"].get<double>());
  ASSERT_TRUE(r.source_face.has_value());
  EXPECT_NEAR(r.source_face->box.x,
              out["SourceImageFace"]["BoundingBox"]["Left"].get<double>() * 400, 1e-3);
  EXPECT_NEAR(r.matches[0].face.box.y,
              out["FaceMatches"][0]["Face"]["BoundingBox"]["Top"].get<double>() * 400, 1e-3);
  EXPECT_EQ(r.comparer, "aws.rekognition");
  EXPECT_EQ(r.decision.operating_point, "default");
  EXPECT_DOUBLE_EQ(r.decision.similarity_threshold, 99.0);
  ASSERT_EQ(r.backend_request_ids.size(), 1u);

  const json log = server_get(*server_, "/__log");
  ASSERT_EQ(log.size(), 1u) << "one CompareFaces call, no DetectFaces";
  EXPECT_EQ(log[0]["target"], "RekognitionService.CompareFaces");
  EXPECT_EQ(log[0]["problems"], json::array());
  EXPECT_EQ(log[0]["request"]["SimilarityThreshold"], 99.0);
  EXPECT_EQ(log[0]["request"]["QualityFilter"], "HIGH");

  const json report = json::parse(r.to_json());
  EXPECT_EQ(report["schema"], "kyc.face_match");
  EXPECT_EQ(report["status"], "match");
  EXPECT_EQ(report["backend"]["request_ids"][0], r.backend_request_ids[0]);
}

TEST_F(AwsRekognition, ThresholdPassThroughAndUnmatchedFaces) {
  const json face = {
      {"BoundingBox", {{"Width", 0.2}, {"Height", 0.3}, {"Left", 0.1}, {"Top", 0.1}}},
      {"Confidence", 99.0}};
  json other = face;
  other["BoundingBox"]["Left"] = 0.6;
  json answer;
  answer["SourceImageFace"] = face;
  answer["FaceMatches"] = json::array({json{{"Similarity", 85.5}, {"Face", face}}});
  answer["UnmatchedFaces"] = json::array({other});
  script(*server_, json::array({json{{"respond", answer}}}));
  const kyc::Engine engine(kyc::Config::from_json(engine_config()));
  const kyc::Image a = make_image(300, 300);
  kyc::FaceMatchOptions options;
  options.similarity_threshold = 80;
  const auto r = engine.face_match(a, a, options);
  EXPECT_EQ(r.status, kyc::FaceMatchStatus::match);
  ASSERT_EQ(r.matches.size(), 1u);
  ASSERT_EQ(r.unmatched.size(), 1u);
  EXPECT_DOUBLE_EQ(r.matches[0].similarity, 85.5);
  EXPECT_TRUE(std::isnan(r.unmatched[0].similarity));  // CompareFaces gives no score for it
  EXPECT_NEAR(r.unmatched[0].face.box.x, 180, 1e-3);
  EXPECT_EQ(server_get(*server_, "/__log")[0]["request"]["SimilarityThreshold"], 80.0);
  const json report = json::parse(r.to_json());
  EXPECT_TRUE(report["unmatched"][0]["similarity"].is_null());
}

TEST_F(AwsRekognition, NoFaceIsAResultNotAnError) {
  // CompareFaces answers InvalidParameterException; DetectFaces then finds no face in the source.
  const json no_faces = {{"respond", {{"FaceDetails", json::array()}}}};
  script(*server_, json::array({"invalid_parameter", no_faces}));
  const kyc::Engine engine(kyc::Config::from_json(engine_config()));
  const kyc::Image a = make_image(300, 300);
  const auto r = engine.face_match(a, a);
  EXPECT_EQ(r.status, kyc::FaceMatchStatus::no_face_in_source);
  EXPECT_EQ(r.backend_request_ids.size(), 2u);

  // A face in the source, none in the target.
  const json one_face = {{"respond", {{"FaceDetails", json::array({full_face_detail()})}}}};
  script(*server_, json::array({"invalid_parameter", one_face, no_faces}));
  const auto r2 = engine.face_match(a, a);
  EXPECT_EQ(r2.status, kyc::FaceMatchStatus::no_face_in_target);
  EXPECT_TRUE(r2.source_face.has_value());
  EXPECT_EQ(r2.backend_request_ids.size(), 3u);
}

TEST_F(AwsRekognition, ServiceErrorsReachTheCallerAsKycErrors) {
  script(*server_, {"access_denied"});
  const kyc::Engine engine(kyc::Config::from_json(engine_config()));
  const kyc::Image a = make_image(300, 300);
  try {
    engine.face_match(a, a);
    FAIL() << "AccessDenied must throw";
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), kyc::ErrorCode::backend_unavailable);
    EXPECT_NE(std::string(e.what()).find("AccessDeniedException"), std::string::npos);
  }
}

// Key structure of a JSON value: objects by their keys (recursively), arrays of objects by their
// first element, other arrays (landmarks, request ids; possibly empty) as "array", scalars as
// "scalar" (a null similarity and a number are the same slot).
json shape_of(const json& j) {
  if (j.is_object()) {
    json out = json::object();
    for (auto it = j.begin(); it != j.end(); ++it) out[it.key()] = shape_of(it.value());
    return out;
  }
  if (j.is_array()) {
    return !j.empty() && j.front().is_object() ? json::array({shape_of(j.front())}) : json("array");
  }
  return "scalar";
}

TEST_F(AwsRekognition, SameReportSchemaAsTheLocalBackend) {
  KYC_FACE(a, "face_recognition/examples/obama.jpg");
  KYC_FACE(b, "face_recognition/examples/obama2.jpg");
  const auto input_a = kyc::ImageInput::from_path(a);
  const auto input_b = kyc::ImageInput::from_path(b);
  json local;
  try {
    local = json::parse(kyc::Engine(kyc::Config{}).face_match(input_a, input_b).to_json());
  } catch (const kyc::Error& e) {
    if (e.code() != kyc::ErrorCode::model_not_found || kyc_test::in_ci()) throw;
    GTEST_SKIP() << "local models missing: " << e.what();
  }
  const json remote = json::parse(
      kyc::Engine(kyc::Config::from_json(engine_config())).face_match(input_a, input_b).to_json());
  ASSERT_EQ(local["status"], "match");
  ASSERT_EQ(remote["status"], "match");
  // Faces from Rekognition may carry the optional "attributes" / "named_landmarks" members; the
  // CompareFaces example has neither, so here the shapes must be identical.
  EXPECT_EQ(shape_of(local), shape_of(remote));
  EXPECT_EQ(local["schema"], remote["schema"]);
  EXPECT_EQ(local["schema_version"], remote["schema_version"]);
  EXPECT_EQ(local["backend"]["request_ids"], json::array());
  EXPECT_EQ(remote["backend"]["request_ids"].size(), 1u);
}

TEST(AwsBackends, RegisteredAndConfigured) {
  const auto names = kyc::available_backends();
  EXPECT_NE(std::find(names.begin(), names.end(), "face_analyzer:aws.rekognition"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "face_comparer:aws.rekognition"), names.end());
  EXPECT_THROW(kyc::Config::from_json(R"({"aws": {"quality_filter": "BEST"}})"), kyc::Error);
  EXPECT_THROW(kyc::Config::from_json(R"({"aws": {"regoin": "x"}})"), kyc::Error);
  EXPECT_THROW(kyc::Config::from_json(R"({"aws": {"max_attempts": 0}})"), kyc::Error);
  EXPECT_THROW(kyc::Config::from_json(R"({"aws": {"endpoint": "ftp://x"}})"), kyc::Error);
  const auto config = kyc::Config::from_json(
      R"({"aws": {"region": "eu-west-1", "access_key_id": "AKIDX", "secret_access_key": "SECRETX"}})");
  EXPECT_EQ(config.aws.region, "eu-west-1");
  const std::string dumped = config.to_json();
  EXPECT_EQ(dumped.find("SECRETX"), std::string::npos);
  EXPECT_EQ(dumped.find("AKIDX"), std::string::npos);
}

}  // namespace
