// kyc — the engine.
//
// Configure once, share everywhere: every method is const and safe to call from many threads at
// once on one Engine. Non-thread-safe parts (dlib networks and detectors) are pooled: each
// concurrent call borrows an instance, so threads never wait on a global lock.
//
// Ownership: the Engine owns its detectors and models; results are plain values owned by the
// caller. Destroying an Engine while calls are running on it is undefined behaviour.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kyc/cheque.hpp"
#include "kyc/config.hpp"
#include "kyc/export.hpp"
#include "kyc/face.hpp"
#include "kyc/image.hpp"
#include "kyc/onboarding.hpp"
#include "kyc/photo.hpp"
#include "kyc/results.hpp"

namespace kyc {

class KYC_API Engine {
 public:
  /// Loads the configured backends and models. Throws Error(invalid_config, model_not_found,
  /// backend_unavailable).
  explicit Engine(Config config = {});
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Compares the largest face of `source` (e.g. the ID photo) with every face of `target`
  /// (e.g. the selfie), in the manner of Rekognition CompareFaces. No face is a result
  /// (status no_face_in_source / no_face_in_target), not an exception.
  FaceMatchResult face_match(const ImageInput& source, const ImageInput& target,
                             const FaceMatchOptions& options = {}) const;

  /// Faces with boxes, landmarks and pose, largest first.
  std::vector<Face> detect_faces(const ImageInput& image) const;

  /// Embedding of each face (as returned by detect_faces on the same image).
  std::vector<Embedding> face_embeddings(const ImageInput& image,
                                         const std::vector<Face>& faces) const;

  /// Checks a passport photo against a built-in profile ("icao", "us", "uk", "schengen") or a
  /// caller's profile. Uses 68-point landmarks when the model is available (loaded on first
  /// use) and degrades to 5 points otherwise: rules that need 68 points then say
  /// unable_to_assess. A photo that fails rules is a result; unusable input throws.
  PhotoCheckResult check_photo(const ImageInput& photo, const std::string& profile = "icao") const;
  PhotoCheckResult check_photo(const ImageInput& photo, const PhotoProfile& profile) const;

  /// Reads an identity document: PDF417/AAMVA barcode (back first), MRZ (front, then back),
  /// printed zone (front). The OCR models are located on first use (config document.*; a
  /// missing traineddata is Error(model_not_found) naming the file and where it was looked
  /// for). Nothing found is a result (see DocumentReadResult::notes).
  DocumentReadResult read_document(const ImageInput& front) const;
  DocumentReadResult read_document(const ImageInput& front, const ImageInput& back) const;

  /// Reads a cheque: MICR line (band located at the bottom, deskewed, 180 degrees tried), printed
  /// fields, and every check (docs/cheque.md). Options left unset take the configuration's
  /// cheque.* values. The OCR models are loaded on first use (Error(model_not_found) naming the
  /// file). A cheque that fails checks is a result (verdict suspicious).
  ChequeReadResult read_cheque(const ImageInput& cheque, const ChequeOptions& options = {}) const;
  /// Reads an image of the MICR line alone (a crop); the MICR checks only.
  MicrReadResult read_micr(const ImageInput& line, const ChequeOptions& options = {}) const;

  /// The applicant's data against document reads, with the engine's configured options
  /// (document.as_of, minimum_age, thresholds).
  ConsistencyResult check_consistency(const ApplicantRecord& applicant,
                                      const std::vector<DocumentRead>& documents) const;

  /// Asks the configured third-party registry (config verifier.url) about a record. Throws
  /// Error(backend_unavailable) when no verifier is configured; registry and network failures
  /// are results.
  VerificationResult verify_record(const DocumentFields& fields) const;

  /// The whole onboarding check of a KYC package (ZIP: applicant form + selfie + document
  /// sides): safe extraction, face match, document read, third-party verification (when
  /// configured), consistency, verdict. An unsafe or malformed archive throws (PackageError).
  PackageReport verify_package(const std::uint8_t* zip, std::size_t size) const;

  /// Decodes an image with this engine's limits.
  Image decode(const ImageInput& input) const;

  const Config& config() const;
  const FaceAnalyzer& face_analyzer() const;
  const FaceComparer& face_comparer() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kyc
