// Internal: the engine's document readers (created on first use, so face-only users need no
// OCR models) and the onboarding flow built on the public Engine API.
#pragma once

#include <memory>
#include <mutex>

#include "engine/registry.hpp"
#include "kyc/config.hpp"
#include "kyc/engine.hpp"
#include "kyc/onboarding.hpp"

namespace kyc::detail {

class DocumentServices {
 public:
  explicit DocumentServices(const Config& config);

  /// Reads the document sides (already decoded). `back` may be null.
  DocumentReadResult read(const ImageView& front, const ImageView* back) const;
  ConsistencyOptions consistency_options() const;
  /// Null when no verifier URL is configured.
  const RecordVerifier* verifier() const { return verifier_.get(); }

 private:
  const MrzReader& mrz() const;
  const VizReader& viz() const;

  Config config_;
  std::unique_ptr<RecordVerifier> verifier_;
  ExternalDocumentReader external_;  ///< empty for the local readers
  mutable std::once_flag mrz_once_;
  mutable std::unique_ptr<MrzReader> mrz_;
  mutable std::once_flag viz_once_;
  mutable std::unique_ptr<VizReader> viz_;
};

/// The KYC package flow (see Engine::verify_package).
PackageReport verify_package(const Engine& engine, const DocumentServices& documents,
                             const std::uint8_t* zip, std::size_t size);

}  // namespace kyc::detail
