// Applicant readers: the first byte picks load_applicant_csv, load_applicants_csv or
// load_applicant_json; a record that loads is then run through the consistency check against
// itself (exercising name/date/address normalisation on hostile text) and serialised.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "kyc/applicant.hpp"
#include "kyc/consistency.hpp"
#include "kyc/error.hpp"

namespace {

void exercise(const kyc::ApplicantRecord& record) {
  kyc::ConsistencyOptions options;
  options.as_of = "2026-01-31";
  const std::vector<kyc::DocumentRead> documents = {record.to_document_read()};
  const kyc::ConsistencyResult result = kyc::check_consistency(record, documents, options);
  const std::string json = result.to_json();
  if (json.empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text = kyc_fuzz::as_text(data + 1, size - 1);
  try {
    switch (data[0] % 3) {
      case 0:
        exercise(kyc::load_applicant_csv(text));
        break;
      case 1:
        for (const auto& record : kyc::load_applicants_csv(text)) exercise(record);
        break;
      default:
        exercise(kyc::load_applicant_json(text));
        break;
    }
  } catch (const kyc::Error&) {
  }
  return 0;
}
