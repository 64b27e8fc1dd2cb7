#include <cmath>
#include <nlohmann/json.hpp>

#include "document/verify/field_access.hpp"
#include "kyc/verifier.hpp"

namespace kyc {

const char* verification_status_name(VerificationStatus status) noexcept {
  switch (status) {
    case VerificationStatus::verified:
      return "verified";
    case VerificationStatus::not_verified:
      return "not_verified";
    case VerificationStatus::error:
      return "error";
    case VerificationStatus::unavailable:
      return "unavailable";
  }
  return "unknown";
}

RecordVerifier::~RecordVerifier() = default;

DocumentRead VerificationResult::to_document_read(const DocumentFields& sent) const {
  DocumentRead read;
  read.source = FieldSource::external;
  if (status != VerificationStatus::verified && status != VerificationStatus::not_verified) {
    return read;
  }
  const bool has_record = !record.document_number.empty() || !record.surname.empty() ||
                          !record.given_names.empty() || !record.date_of_birth.empty() ||
                          !record.date_of_expiry.empty();
  if (has_record) read.fields = record;
  for (const FieldVerification& f : fields) {
    if (f.state != MatchState::match) continue;
    if (!has_record) {
      const std::string* value = detail::field_by_name(sent, f.field);
      std::string* slot = detail::field_by_name(read.fields, f.field);
      if (value == nullptr || slot == nullptr) continue;
      *slot = *value;
    }
    read.verified_fields.push_back(f.field);
  }
  return read;
}

std::string VerificationResult::to_json(int indent) const {
  nlohmann::ordered_json j;
  j["schema"] = "kyc.verification";
  j["schema_version"] = 1;
  j["verifier"] = verifier;
  j["status"] = verification_status_name(status);
  j["reason"] = reason;
  nlohmann::ordered_json answers = nlohmann::ordered_json::object();
  for (const FieldVerification& f : fields) answers[f.field] = match_state_name(f.state);
  j["fields"] = std::move(answers);
  j["reference"] = reference;
  j["attempts"] = attempts;
  j["http_status"] = http_status;
  j["latency_ms"] = std::isfinite(latency_ms) ? std::round(latency_ms * 10.0) / 10.0 : 0.0;
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kyc
