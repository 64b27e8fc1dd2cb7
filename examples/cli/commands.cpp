#include "commands.hpp"

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace kyc_cli {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::uint8_t> read_file_bounded(const std::string& path, std::size_t max_bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw kyc::Error(kyc::ErrorCode::io_error, "cannot read " + path);
  if (!S_ISREG(st.st_mode))
    throw kyc::Error(kyc::ErrorCode::io_error, "not a regular file: " + path);
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    throw kyc::Error(kyc::ErrorCode::limit_exceeded, path + " is " + std::to_string(st.st_size) +
                                                         " bytes, more than the limit of " +
                                                         std::to_string(max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw kyc::Error(kyc::ErrorCode::io_error, "cannot read " + path);
  std::vector<std::uint8_t> bytes;
  bytes.reserve(static_cast<std::size_t>(st.st_size));
  bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  // The file may have grown since stat(): the limit holds for what was actually read.
  if (bytes.size() > max_bytes)
    throw kyc::Error(kyc::ErrorCode::limit_exceeded, path + " grew past the limit while read");
  return bytes;
}

kyc::PhotoProfile load_profile(const std::string& name_or_path) {
  if (!ends_with(name_or_path, ".json")) return kyc::PhotoProfile::builtin(name_or_path);
  // A profile is a few hundred bytes; 1 MiB leaves room without trusting the file.
  const auto bytes = read_file_bounded(name_or_path, 1u << 20);
  return kyc::PhotoProfile::from_json(
      std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

kyc::FaceMatchResult face_match(const kyc::Engine& engine, const std::string& source,
                                const std::string& target, const kyc::FaceMatchOptions& options) {
  return engine.face_match(kyc::ImageInput::from_path(source), kyc::ImageInput::from_path(target),
                           options);
}

Outcome outcome_of(const kyc::FaceMatchResult& result, int indent) {
  return {result.is_match() ? kExitMatch : kExitNoMatch, kyc::face_match_status_name(result.status),
          result.to_json(indent)};
}

kyc::PhotoCheckResult check_photo(const kyc::Engine& engine, const std::string& path,
                                  const kyc::PhotoProfile& profile,
                                  std::vector<std::uint8_t>* bytes) {
  if (bytes == nullptr) return engine.check_photo(kyc::ImageInput::from_path(path), profile);
  *bytes = read_file_bounded(path, engine.config().limits.max_encoded_bytes);
  return engine.check_photo(kyc::ImageInput::from_bytes(bytes->data(), bytes->size()), profile);
}

Outcome outcome_of(const kyc::PhotoCheckResult& result, int indent) {
  const int code = result.verdict == kyc::PhotoVerdict::compliant       ? kExitMatch
                   : result.verdict == kyc::PhotoVerdict::non_compliant ? kExitNoMatch
                                                                        : kExitUnable;
  return {code, kyc::photo_verdict_name(result.verdict), result.to_json(indent)};
}

kyc::DocumentReadResult read_document(const kyc::Engine& engine, const std::string& front,
                                      const std::optional<std::string>& back) {
  if (!back) return engine.read_document(kyc::ImageInput::from_path(front));
  return engine.read_document(kyc::ImageInput::from_path(front), kyc::ImageInput::from_path(*back));
}

Outcome outcome_of(const kyc::DocumentReadResult& result, int indent) {
  const bool readable = result.machine_readable();
  return {readable ? kExitMatch : kExitUnable,
          readable ? "machine_readable" : "not_machine_readable", result.to_json(indent)};
}

DocumentCheck check_document(const kyc::Engine& engine, const std::string& front,
                             const std::optional<std::string>& back,
                             const std::string& applicant_path) {
  const kyc::ApplicantLimits& limits = engine.config().applicant_limits;
  const std::vector<std::uint8_t> form = read_file_bounded(applicant_path, limits.max_bytes);
  const std::string_view text(reinterpret_cast<const char*>(form.data()), form.size());
  const kyc::ApplicantRecord applicant = ends_with(applicant_path, ".json")
                                             ? kyc::load_applicant_json(text, limits)
                                             : kyc::load_applicant_csv(text, limits);
  DocumentCheck check{read_document(engine, front, back), {}};
  check.consistency = engine.check_consistency(applicant, check.document.reads());
  return check;
}

Outcome outcome_of(const DocumentCheck& result, int /*indent*/) {
  Outcome outcome{kExitUnable, kyc::consistency_verdict_name(result.consistency.verdict),
                  "{\"document\":" + result.document.to_json() +
                      ",\"consistency\":" + result.consistency.to_json() + "}"};
  switch (result.consistency.verdict) {
    case kyc::ConsistencyVerdict::consistent:
      outcome.exit_code = kExitMatch;
      break;
    case kyc::ConsistencyVerdict::inconsistent:
      outcome.exit_code = kExitNoMatch;
      break;
    case kyc::ConsistencyVerdict::unable_to_assess:
      break;
  }
  return outcome;
}

kyc::PackageReport verify_package(const kyc::Engine& engine, const std::string& zip_path) {
  const std::vector<std::uint8_t> zip =
      read_file_bounded(zip_path, engine.config().package_limits.max_archive_bytes);
  return engine.verify_package(zip.data(), zip.size());
}

Outcome outcome_of(const kyc::PackageReport& report, int indent) {
  Outcome outcome{kExitUnable, kyc::package_verdict_name(report.verdict), report.to_json(indent)};
  switch (report.verdict) {
    case kyc::PackageVerdict::approved:
      outcome.exit_code = kExitMatch;
      break;
    case kyc::PackageVerdict::rejected:
      outcome.exit_code = kExitNoMatch;
      break;
    case kyc::PackageVerdict::review:
      break;
  }
  return outcome;
}

namespace {
int cheque_exit_code(kyc::ChequeVerdict verdict) {
  switch (verdict) {
    case kyc::ChequeVerdict::clean:
      return kExitMatch;
    case kyc::ChequeVerdict::suspicious:
      return kExitNoMatch;
    case kyc::ChequeVerdict::unable_to_assess:
      break;
  }
  return kExitUnable;
}
}  // namespace

kyc::ChequeReadResult read_cheque(const kyc::Engine& engine, const std::string& path) {
  return engine.read_cheque(kyc::ImageInput::from_path(path));
}

kyc::MicrReadResult read_micr(const kyc::Engine& engine, const std::string& path) {
  return engine.read_micr(kyc::ImageInput::from_path(path));
}

Outcome outcome_of(const kyc::ChequeReadResult& result, int indent) {
  return {cheque_exit_code(result.verdict), kyc::cheque_verdict_name(result.verdict),
          result.to_json(indent)};
}

Outcome outcome_of(const kyc::MicrReadResult& result, int indent) {
  return {cheque_exit_code(result.verdict), kyc::cheque_verdict_name(result.verdict),
          result.to_json(indent)};
}

}  // namespace kyc_cli
