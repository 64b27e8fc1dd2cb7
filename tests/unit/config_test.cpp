#include <gtest/gtest.h>

#include <kyc/kyc.hpp>

namespace {

std::string config_error(const std::string& json) {
  try {
    kyc::Config::from_json(json);
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), kyc::ErrorCode::invalid_config);
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << json;
  return {};
}

TEST(Config, EmptyMeansDefaults) {
  const kyc::Config c = kyc::Config::from_json("  ");
  EXPECT_EQ(c.face.detector, "hog");
  EXPECT_EQ(c.face.landmarks, 5);
  EXPECT_EQ(c.face.operating_point, "default");
  EXPECT_EQ(kyc::Config::from_json("{}").limits.max_pixels, kyc::ImageLimits{}.max_pixels);
}

TEST(Config, ParsesEverySection) {
  const kyc::Config c = kyc::Config::from_json(R"({
    "model_dir": "/models", "max_pooled_instances": 3,
    "limits": {"max_encoded_bytes": 1000, "max_pixels": 2000, "max_dimension": 300},
    "face": {"detector": "mmod", "landmarks": 68, "jitters": 2, "min_face_size": 30,
             "operating_point": "fmr1e-3", "retry_upsampled": false, "detection_threshold": 0.5}})");
  EXPECT_EQ(c.model_dir, "/models");
  EXPECT_EQ(c.max_pooled_instances, 3);
  EXPECT_EQ(c.limits.max_encoded_bytes, 1000u);
  EXPECT_EQ(c.limits.max_pixels, 2000u);
  EXPECT_EQ(c.limits.max_dimension, 300);
  EXPECT_EQ(c.face.detector, "mmod");
  EXPECT_EQ(c.face.landmarks, 68);
  EXPECT_EQ(c.face.jitters, 2);
  EXPECT_EQ(c.face.min_face_size, 30);
  EXPECT_EQ(c.face.operating_point, "fmr1e-3");
  EXPECT_FALSE(c.face.retry_upsampled);
  EXPECT_DOUBLE_EQ(c.face.detection_threshold, 0.5);
}

TEST(Config, RoundTripsThroughJson) {
  kyc::Config c;
  c.face.jitters = 4;
  c.limits.max_dimension = 1234;
  const kyc::Config back = kyc::Config::from_json(c.to_json());
  EXPECT_EQ(back.face.jitters, 4);
  EXPECT_EQ(back.limits.max_dimension, 1234);
  EXPECT_EQ(back.to_json(), c.to_json());
}

TEST(Config, RejectsWithTheKeyNamed) {
  EXPECT_NE(config_error(R"({"face": {"jiters": 1}})").find("face.jiters"), std::string::npos);
  EXPECT_NE(config_error(R"({"bogus": 1})").find("bogus"), std::string::npos);
  EXPECT_NE(config_error(R"({"face": {"jitters": "2"}})").find("face.jitters"), std::string::npos);
  EXPECT_NE(config_error(R"({"face": {"jitters": 1.5}})").find("integer"), std::string::npos);
  EXPECT_NE(config_error(R"({"face": {"jitters": -1}})").find("range"), std::string::npos);
  EXPECT_NE(config_error(R"({"limits": {"max_pixels": 0}})").find("max_pixels"), std::string::npos);
  EXPECT_NE(config_error(R"({"face": {"detector": "yolo"}})").find("yolo"), std::string::npos);
  EXPECT_NE(config_error(R"({"face": {"landmarks": 7}})").find("landmarks"), std::string::npos);
  EXPECT_NE(config_error(R"({"face": {"operating_point": "best"}})").find("operating_point"),
            std::string::npos);
  EXPECT_NE(config_error(R"({"face": 3})").find("face"), std::string::npos);
  EXPECT_NE(config_error(R"([1, 2])").find("object"), std::string::npos);
  EXPECT_NE(config_error(R"({"face": {)").find("malformed"), std::string::npos);
  EXPECT_NE(config_error("{\"model_dir\": \"\xff\xfe\"}").find("malformed"), std::string::npos);
}

TEST(Config, MissingFileIsIoError) {
  try {
    kyc::Config::from_json_file("/nonexistent/kyc.json");
    FAIL();
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), kyc::ErrorCode::io_error);
  }
}

}  // namespace
