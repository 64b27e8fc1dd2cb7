// kyc CLI — the work of each single-file command, shared by the single commands (main.cpp) and
// `kyc batch` (batch.cpp) so that a batch job and the same command run by hand give the same
// report, verdict and exit code: one piece of logic in one place.
//
// Every function takes the caller's Engine (const, so one engine can serve many threads) and
// throws kyc::Error for unusable input (unreadable file, corrupt image, bad form) and
// std::invalid_argument for misuse (missing arguments); checks that fail are results.
#pragma once

#include <kyc/kyc.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kyc_cli {

// Exit codes of the single commands (a batch job records its command's code in "exit_code").
constexpr int kExitMatch = 0;          ///< match / compliant / success
constexpr int kExitNoMatch = 1;        ///< no match / no face / non-compliant / rejected
constexpr int kExitUsage = 2;          ///< bad command line
constexpr int kExitInput = 3;          ///< bad input or configuration
constexpr int kExitInternal = 4;       ///< a bug or unexpected failure
constexpr int kExitUnable = 5;         ///< could not be assessed (photo, document, package review)
constexpr int kExitInterrupted = 130;  ///< batch stopped by SIGINT/SIGTERM (128 + SIGINT)

/// What a command produced, in the form both front ends print: the exit code, the stable
/// verdict name and the JSON report.
struct Outcome {
  int exit_code = kExitMatch;
  std::string verdict;
  std::string report;  ///< JSON
};

bool ends_with(const std::string& text, const std::string& suffix);

/// Reads a whole file, refusing one larger than max_bytes before reading it
/// (Error(limit_exceeded)); Error(io_error) when it cannot be read.
std::vector<std::uint8_t> read_file_bounded(const std::string& path, std::size_t max_bytes);

/// A built-in profile name ("icao", "us", "uk", "schengen") or a profile JSON file (*.json).
kyc::PhotoProfile load_profile(const std::string& name_or_path);

// --- face-match -------------------------------------------------------------------------------
kyc::FaceMatchResult face_match(const kyc::Engine& engine, const std::string& source,
                                const std::string& target, const kyc::FaceMatchOptions& options);
Outcome outcome_of(const kyc::FaceMatchResult& result, int indent = -1);

// --- photo-check ------------------------------------------------------------------------------
/// Checks one photo file. `bytes` (optional) receives the file's bytes so that the caller can
/// annotate the very pixels that were checked.
kyc::PhotoCheckResult check_photo(const kyc::Engine& engine, const std::string& path,
                                  const kyc::PhotoProfile& profile,
                                  std::vector<std::uint8_t>* bytes = nullptr);
Outcome outcome_of(const kyc::PhotoCheckResult& result, int indent = -1);

// --- doc-read ---------------------------------------------------------------------------------
kyc::DocumentReadResult read_document(const kyc::Engine& engine, const std::string& front,
                                      const std::optional<std::string>& back);
Outcome outcome_of(const kyc::DocumentReadResult& result, int indent = -1);

// --- doc-check --------------------------------------------------------------------------------
struct DocumentCheck {
  kyc::DocumentReadResult document;
  kyc::ConsistencyResult consistency;
};
/// Reads the document and compares it with the applicant's form (CSV or *.json), the form
/// bounded by the engine's applicant limits.
DocumentCheck check_document(const kyc::Engine& engine, const std::string& front,
                             const std::optional<std::string>& back,
                             const std::string& applicant_path);
/// Report: {"document": kyc.document, "consistency": kyc.consistency} (compact whatever indent:
/// the two parts are printed as the library gives them).
Outcome outcome_of(const DocumentCheck& result, int indent = -1);

// --- verify-package ---------------------------------------------------------------------------
/// Verifies a KYC package ZIP, refusing a file above the engine's package_limits before reading.
kyc::PackageReport verify_package(const kyc::Engine& engine, const std::string& zip_path);
Outcome outcome_of(const kyc::PackageReport& report, int indent = -1);

// --- cheque-read ------------------------------------------------------------------------------
/// A whole cheque (MICR line found at the bottom, printed fields, checks).
kyc::ChequeReadResult read_cheque(const kyc::Engine& engine, const std::string& path);
/// An image of the MICR line alone (cheque-read --line; batch kind micr-read).
kyc::MicrReadResult read_micr(const kyc::Engine& engine, const std::string& path);
/// Exit code: 0 clean, 1 suspicious, 5 unable to assess.
Outcome outcome_of(const kyc::ChequeReadResult& result, int indent = -1);
Outcome outcome_of(const kyc::MicrReadResult& result, int indent = -1);

}  // namespace kyc_cli
