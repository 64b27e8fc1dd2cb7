// Internal: the passport-photo measurements, independent of the face backend.
#pragma once

#include <string>
#include <vector>

#include "kyc/face.hpp"
#include "kyc/image.hpp"
#include "kyc/photo.hpp"

namespace kyc::detail {

/// Measures every rule of `profile` on `photo` given the faces found on it (largest first) and
/// returns the result with verdict, per-rule evidence and rule_ms filled in. Never throws for a
/// photo that merely fails rules.
PhotoCheckResult measure_photo(const ImageView& photo, const ImageInfo& info,
                               const std::vector<Face>& faces, const PhotoProfile& profile);

/// The built-in profiles' JSON texts (generated from src/photo/profiles/*.json at build time).
struct BuiltinProfile {
  const char* name;
  const char* json;
};
const std::vector<BuiltinProfile>& builtin_profiles();

}  // namespace kyc::detail
