// kyc — document reading and the onboarding (KYC package) report.
//
// Engine::read_document runs every document reader on a document's sides (PDF417/AAMVA
// barcode, MRZ, printed zone) and keeps each reader's full result as evidence.
// Engine::verify_package takes the bank's ZIP (applicant form + selfie + document sides) and
// answers with one report: face match selfie vs document portrait, document read, applicant
// consistency, third-party verification, and a verdict with the reasons that decided it.
//
// Results are plain values. They hold personal data read from the document (names, numbers,
// dates): treat their JSON like the document itself and never write it to a log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kyc/aamva.hpp"
#include "kyc/applicant.hpp"
#include "kyc/consistency.hpp"
#include "kyc/export.hpp"
#include "kyc/mrz.hpp"
#include "kyc/ocr.hpp"
#include "kyc/package.hpp"
#include "kyc/results.hpp"
#include "kyc/verifier.hpp"

namespace kyc {

/// What a remote document reader (config document.reader, e.g. "aws.textract") returned.
struct ExternalDocumentRead {
  std::string reader;               ///< "aws.textract"
  std::vector<DocumentRead> reads;  ///< its printed fields (source viz) and MRZ (source mrz)
  std::optional<MrzResult> mrz;     ///< the MRZ it transcribed, parsed and check-digit verified
  std::string evidence_json;        ///< the reader's own report (e.g. kyc.textract_id)
  std::string request_id;           ///< for audit (x-amzn-RequestId)
};

/// Everything read from one document (front, and back when given).
struct KYC_API DocumentReadResult {
  std::optional<ExternalDocumentRead> external;  ///< when document.reader is not "local"
  std::optional<AamvaResult> barcode;       ///< the first PDF417 found (back first, then front)
  std::optional<MrzResult> mrz;             ///< absent when skipped (a valid AAMVA barcode: a US/CA
                                            ///< licence has no MRZ)
  std::optional<VizResult> viz;             ///< printed zone of the front (config document.viz)
  std::optional<VizMrzCrossCheck> viz_mrz;  ///< printed zone vs MRZ, when both were read
  /// Stable codes of what was skipped or not found: "no_barcode", "mrz_skipped_barcode_valid",
  /// "mrz_not_found", "viz_disabled", ...
  std::vector<std::string> notes;
  double barcode_ms = 0;
  double mrz_ms = 0;
  double viz_ms = 0;
  double total_ms = 0;

  /// True when a machine-readable zone (MRZ or AAMVA barcode) was read with its checks valid.
  bool machine_readable() const;
  /// The reads the consistency check consumes: a valid AAMVA barcode, an MRZ that was found
  /// (valid or not: its verified_fields say what its check digits protect), and the printed
  /// zone when it yielded fields.
  std::vector<DocumentRead> reads() const;
  /// {"schema": "kyc.document", "schema_version": 1, ...}.
  std::string to_json(int indent = -1) const;
};

/// Stable names: "approved", "rejected", "review".
enum class PackageVerdict : std::uint8_t { approved, rejected, review };
KYC_API const char* package_verdict_name(PackageVerdict verdict) noexcept;

/// The onboarding decision for one KYC package.
struct KYC_API PackageReport {
  PackageVerdict verdict = PackageVerdict::review;
  /// Stable reason codes, deciding ones first: "face_mismatch", "data_inconsistent",
  /// "registry_not_verified" (rejected); "missing_selfie", "missing_document",
  /// "missing_applicant_form", "no_face_in_selfie", "no_face_on_document",
  /// "document_unreadable", "mrz_check_digits_invalid", "consistency_unable_to_assess",
  /// "registry_unavailable" (review). Empty when approved.
  std::vector<std::string> reasons;
  Package package;  ///< what the ZIP held (roles, types, sizes; bytes are not serialised)
  std::optional<FaceMatchResult> face_match;  ///< document portrait (source) vs selfie
  std::optional<DocumentReadResult> document;
  std::optional<ConsistencyResult> consistency;
  std::optional<VerificationResult> verification;  ///< when a verifier is configured
  double total_ms = 0;

  bool is_approved() const { return verdict == PackageVerdict::approved; }
  /// {"schema": "kyc.package_report", "schema_version": 1, ...}.
  std::string to_json(int indent = -1) const;
};

}  // namespace kyc
