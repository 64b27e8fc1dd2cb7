// A build without libcurl: the HTTPS record verifier and the AWS backends say what is missing.
#include <gtest/gtest.h>

#include <kyc/kyc.hpp>

TEST(NoCurlBuild, RecordVerifierIsBackendUnavailable) {
  kyc::HttpVerifierConfig config;
  config.url = "https://registry.example/verify";
  try {
    kyc::HttpRecordVerifier verifier(config);
    FAIL() << "a verifier without an HTTPS client";
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), kyc::ErrorCode::backend_unavailable);
    EXPECT_NE(std::string(e.what()).find("libcurl"), std::string::npos) << e.what();
  }
}

TEST(NoCurlBuild, AwsBackendsAreBackendUnavailable) {
  kyc::Config config;
  config.face.comparer = "aws.rekognition";
  try {
    kyc::Engine engine(config);
    FAIL() << "an AWS backend without an HTTPS client";
  } catch (const kyc::Error& e) {
    EXPECT_EQ(e.code(), kyc::ErrorCode::backend_unavailable);
    EXPECT_NE(std::string(e.what()).find("libcurl"), std::string::npos) << e.what();
  }
}
