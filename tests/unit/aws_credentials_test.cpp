// The AWS credential and region chain (docs/aws.md): temporary shared files, environment
// variables, and tests/support/fake_aws.py as a real container-credentials endpoint and IMDSv2.
#include <gtest/gtest.h>

#include <chrono>

#include "backends/aws/credentials.hpp"
#include "kyc/error.hpp"
#include "support/aws_env.hpp"
#include "support/fake_aws_server.hpp"
#include "support/shared_data.hpp"

namespace {

using kyc::AwsConfig;
using kyc::aws::resolve_credentials;
using kyc::aws::resolve_region;

const char* const kModels = "reference/aws/botocore";

kyc::ErrorCode code_of(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const kyc::Error& e) {
    if (message != nullptr) *message = e.what();
    return e.code();
  }
  ADD_FAILURE() << "expected a kyc::Error";
  return kyc::ErrorCode::internal;
}

TEST(AwsCredentials, ExplicitConfigComesFirst) {
  kyc_test::AwsEnv env;
  env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
  env.set("AWS_SECRET_ACCESS_KEY", "envsecret");
  AwsConfig config;
  config.access_key_id = "AKIDCONFIG";
  config.secret_access_key = "configsecret";
  config.session_token = "configtoken";
  const auto c = resolve_credentials(config);
  EXPECT_EQ(c.access_key_id, "AKIDCONFIG");
  EXPECT_EQ(c.secret_access_key, "configsecret");
  EXPECT_EQ(c.session_token, "configtoken");
  EXPECT_EQ(c.source, "config");
}

TEST(AwsCredentials, EnvironmentBeforeSharedFiles) {
  kyc_test::AwsEnv env;
  env.write(".aws/credentials",
            "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = f\n");
  env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
  env.set("AWS_SECRET_ACCESS_KEY", "envsecret");
  env.set("AWS_SESSION_TOKEN", "envtoken");
  const auto c = resolve_credentials(AwsConfig{});
  EXPECT_EQ(c.access_key_id, "AKIDENV");
  EXPECT_EQ(c.session_token, "envtoken");
  EXPECT_EQ(c.source, "environment");
  // Only one of the pair set: not usable, the chain goes on to the file.
  env.unset("AWS_SECRET_ACCESS_KEY");
  EXPECT_EQ(resolve_credentials(AwsConfig{}).access_key_id, "AKIDFILE");
}

TEST(AwsCredentials, DefaultCredentialsFileInHome) {
  kyc_test::AwsEnv env;
  env.write(".aws/credentials",
            "# comment\n[default]\n  aws_access_key_id=AKIDHOME  \n; other comment\n"
            "aws_secret_access_key = homesecret\n");
  const auto c = resolve_credentials(AwsConfig{});
  EXPECT_EQ(c.access_key_id, "AKIDHOME");
  EXPECT_EQ(c.secret_access_key, "homesecret");
  EXPECT_EQ(c.session_token, "");
  EXPECT_EQ(c.source, "profile:default");
}

TEST(AwsCredentials, ProfileSelectionAndFileVariables) {
  kyc_test::AwsEnv env;
  const std::string creds = env.write(
      "elsewhere/creds",
      "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d\n"
      "[work]\naws_access_key_id = AKIDWORK\naws_secret_access_key = w\naws_session_token = wt\n");
  env.set("AWS_SHARED_CREDENTIALS_FILE", creds);
  EXPECT_EQ(resolve_credentials(AwsConfig{}).access_key_id, "AKIDDEFAULT");
  env.set("AWS_PROFILE", "work");
  const auto c = resolve_credentials(AwsConfig{});
  EXPECT_EQ(c.access_key_id, "AKIDWORK");
  EXPECT_EQ(c.session_token, "wt");
  EXPECT_EQ(c.source, "profile:work");
  // The configured profile overrides AWS_PROFILE.
  AwsConfig config;
  config.profile = "default";
  EXPECT_EQ(resolve_credentials(config).access_key_id, "AKIDDEFAULT");
}

TEST(AwsCredentials, ExplicitProfileSkipsEnvironmentKeys) {
  kyc_test::AwsEnv env;
  env.write(".aws/credentials",
            "[work]\naws_access_key_id = AKIDWORK\naws_secret_access_key = w\n");
  env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
  env.set("AWS_SECRET_ACCESS_KEY", "envsecret");
  AwsConfig config;
  config.profile = "work";
  EXPECT_EQ(resolve_credentials(config).access_key_id, "AKIDWORK");
  // AWS_PROFILE does not: environment keys still win over it (the SDKs' order).
  env.set("AWS_PROFILE", "work");
  EXPECT_EQ(resolve_credentials(AwsConfig{}).access_key_id, "AKIDENV");
}

TEST(AwsCredentials, ConfigFileUsesProfilePrefix) {
  kyc_test::AwsEnv env;
  const std::string config_path =
      env.write("cfg",
                "[default]\nregion = eu-west-1\naws_access_key_id = AKIDCFGDEFAULT\n"
                "aws_secret_access_key = x\n"
                "[profile work]\nregion = us-west-2\naws_access_key_id = AKIDCFGWORK\n"
                "aws_secret_access_key = y\n"
                "[other]\naws_access_key_id = AKIDNOTAPROFILE\naws_secret_access_key = z\n");
  env.set("AWS_CONFIG_FILE", config_path);
  EXPECT_EQ(resolve_credentials(AwsConfig{}).access_key_id, "AKIDCFGDEFAULT");
  env.set("AWS_PROFILE", "work");
  EXPECT_EQ(resolve_credentials(AwsConfig{}).access_key_id, "AKIDCFGWORK");
  EXPECT_EQ(resolve_region(AwsConfig{}), "us-west-2");
  // "[other]" in the config file is not profile "other" (config needs "[profile other]").
  env.set("AWS_PROFILE", "other");
  std::string message;
  EXPECT_EQ(code_of([] { resolve_credentials(AwsConfig{}); }, &message),
            kyc::ErrorCode::backend_unavailable);
  EXPECT_NE(message.find("profile 'other'"), std::string::npos) << message;
  EXPECT_NE(message.find("AWS_EC2_METADATA_DISABLED"), std::string::npos) << message;
  EXPECT_EQ(message.find("AKIDNOTAPROFILE"), std::string::npos) << "keys never in messages";
}

TEST(AwsCredentials, CredentialsFileBeatsConfigFile) {
  kyc_test::AwsEnv env;
  env.write(".aws/credentials",
            "[default]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = a\n");
  env.write(".aws/config",
            "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = b\n");
  EXPECT_EQ(resolve_credentials(AwsConfig{}).access_key_id, "AKIDCREDS");
}

TEST(AwsRegion, Precedence) {
  kyc_test::AwsEnv env;
  EXPECT_EQ(code_of([] { resolve_region(AwsConfig{}); }), kyc::ErrorCode::invalid_config);
  env.write(".aws/config", "[default]\nregion = ap-south-1\n");
  EXPECT_EQ(resolve_region(AwsConfig{}), "ap-south-1");
  env.set("AWS_DEFAULT_REGION", "eu-central-1");
  EXPECT_EQ(resolve_region(AwsConfig{}), "eu-central-1");
  env.set("AWS_REGION", "us-east-2");
  EXPECT_EQ(resolve_region(AwsConfig{}), "us-east-2");
  AwsConfig config;
  config.region = "ca-central-1";
  EXPECT_EQ(resolve_region(config), "ca-central-1");
}

TEST(AwsCredentials, ContainerEndpointWithAuthorizationToken) {
  KYC_SHARED_FILE(models, kModels);
  kyc_test::AwsEnv env;
  kyc_test::FakeAwsServer server(models);
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url("/container/creds"));
  env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-token");
  const auto c = resolve_credentials(AwsConfig{});
  EXPECT_EQ(c.access_key_id, "ASIACONTAINER");
  EXPECT_EQ(c.secret_access_key, "container-secret");
  EXPECT_EQ(c.session_token, "container-session-token");
  EXPECT_EQ(c.source, "container");
  const std::time_t now = std::time(nullptr);
  EXPECT_GT(c.expiration, now + 3000);  // the server issues one-hour credentials
  EXPECT_LT(c.expiration, now + 3700);

  // The token file variable takes precedence over the inline token.
  const std::string token_file = env.write("token", "container-token\n");
  env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong");
  env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file);
  EXPECT_EQ(resolve_credentials(AwsConfig{}).access_key_id, "ASIACONTAINER");

  // A wrong token: the endpoint answers 401, which is an error (no silent fallback to IMDS).
  env.unset("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  std::string message;
  EXPECT_EQ(code_of([] { resolve_credentials(AwsConfig{}); }, &message),
            kyc::ErrorCode::backend_unavailable);
  EXPECT_NE(message.find("container"), std::string::npos) << message;
  EXPECT_NE(message.find("401"), std::string::npos) << message;
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url("/container/forbidden"));
  EXPECT_EQ(code_of([] { resolve_credentials(AwsConfig{}); }), kyc::ErrorCode::backend_unavailable);
}

TEST(AwsCredentials, ContainerUrls) {
  kyc_test::AwsEnv env;
  EXPECT_EQ(kyc::aws::container_credentials_url(), "");
  env.set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc");
  EXPECT_EQ(kyc::aws::container_credentials_url(), "http://169.254.170.2/v2/credentials/abc");
  env.unset("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials");
  EXPECT_EQ(kyc::aws::container_credentials_url(), "http://169.254.170.23/v1/credentials");
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "https://creds.example.com/x");
  EXPECT_EQ(kyc::aws::container_credentials_url(), "https://creds.example.com/x");
  // Plain http to an arbitrary host would hand a bearer token to the network in clear.
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://creds.example.com/x");
  EXPECT_EQ(code_of([] { kyc::aws::container_credentials_url(); }), kyc::ErrorCode::invalid_config);
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://localhost.evil.com/x");
  EXPECT_EQ(code_of([] { kyc::aws::container_credentials_url(); }), kyc::ErrorCode::invalid_config);
}

TEST(AwsCredentials, Imdsv2TokenRoleAndCredentials) {
  KYC_SHARED_FILE(models, kModels);
  kyc_test::AwsEnv env;
  kyc_test::FakeAwsServer server(models);
  env.unset("AWS_EC2_METADATA_DISABLED");
  env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url("/"));
  const auto c = resolve_credentials(AwsConfig{});
  EXPECT_EQ(c.access_key_id, "ASIAIMDS");
  EXPECT_EQ(c.secret_access_key, "imds-secret");
  EXPECT_EQ(c.session_token, "imds-session-token");
  EXPECT_EQ(c.source, "imds");
  EXPECT_GT(c.expiration, std::time(nullptr) + 5 * 3600);
}

TEST(AwsCredentials, ImdsDisabledOrUnreachableFailsFastWithReason) {
  kyc_test::AwsEnv env;
  std::string message;
  EXPECT_EQ(code_of([] { resolve_credentials(AwsConfig{}); }, &message),
            kyc::ErrorCode::backend_unavailable);
  EXPECT_NE(message.find("AWS_EC2_METADATA_DISABLED"), std::string::npos) << message;
  EXPECT_NE(message.find("environment"), std::string::npos) << message;
  EXPECT_NE(message.find("container endpoint (not configured)"), std::string::npos) << message;

  env.unset("AWS_EC2_METADATA_DISABLED");
  env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9");  // discard port: refused
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(code_of([] { resolve_credentials(AwsConfig{}); }, &message),
            kyc::ErrorCode::backend_unavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_NE(message.find("EC2 instance metadata (unreachable"), std::string::npos) << message;
}

TEST(AwsCredentials, ProviderCachesUntilInvalidated) {
  kyc_test::AwsEnv env;
  env.set("AWS_ACCESS_KEY_ID", "AKIDONE");
  env.set("AWS_SECRET_ACCESS_KEY", "s");
  kyc::aws::CredentialsProvider provider{AwsConfig{}};
  EXPECT_EQ(provider.get().access_key_id, "AKIDONE");
  env.set("AWS_ACCESS_KEY_ID", "AKIDTWO");
  EXPECT_EQ(provider.get().access_key_id, "AKIDONE");  // long-term keys: cached
  provider.invalidate();
  EXPECT_EQ(provider.get().access_key_id, "AKIDTWO");
}

TEST(AwsCredentials, Iso8601) {
  EXPECT_EQ(kyc::aws::parse_iso8601_utc("2015-08-30T12:36:00Z"), 1440938160);
  EXPECT_EQ(kyc::aws::parse_iso8601_utc("2015-08-30T12:36:00.123Z"), 1440938160);
  EXPECT_EQ(kyc::aws::parse_iso8601_utc("soon"), 0);
}

}  // namespace
