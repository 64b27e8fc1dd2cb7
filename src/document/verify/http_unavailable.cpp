// Built without libcurl: the HTTPS record verifier says so instead of being silently absent.
#include "kyc/error.hpp"
#include "kyc/verifier.hpp"

namespace kyc {

namespace {
[[noreturn]] void unavailable() {
  throw Error(ErrorCode::backend_unavailable,
              "record verifier: this build of kyc has no HTTPS client (libcurl was not found when "
              "it was configured; install libcurl4-openssl-dev and rebuild)");
}
}  // namespace

HttpRecordVerifier::HttpRecordVerifier(HttpVerifierConfig config) : config_(std::move(config)) {
  unavailable();
}

VerificationResult HttpRecordVerifier::verify(const DocumentFields&) const {
  unavailable();
}

std::string HttpRecordVerifier::request_body(const DocumentFields&) const {
  unavailable();
}

}  // namespace kyc
