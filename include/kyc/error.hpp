// kyc — errors.
//
// kyc throws kyc::Error only for misuse and unusable input (a corrupt image, a missing model, an
// invalid configuration). Outcomes of checks — "no face in the source", "the faces do not match" —
// are results, never exceptions.
#pragma once

#include <stdexcept>
#include <string>

#include "kyc/export.hpp"

namespace kyc {

/// Stable error codes. The numeric values are part of the C ABI (kyc_code) and never change.
enum class ErrorCode : int {
  invalid_argument = 1,     ///< a parameter is out of range, NULL, or inconsistent
  invalid_image = 2,        ///< the bytes are not a decodable image (corrupt, truncated)
  unsupported_format = 3,   ///< a recognisable but unsupported image format
  limit_exceeded = 4,       ///< input larger than a configured limit (bytes, pixels)
  model_not_found = 5,      ///< a model file could not be located
  invalid_config = 6,       ///< configuration JSON malformed, unknown key, wrong type
  backend_unavailable = 7,  ///< a detector name that is not built in or cannot start
  io_error = 8,             ///< a file could not be read
  internal = 9,             ///< a bug or an unexpected failure inside kyc or a dependency
};

/// The stable snake_case name of a code ("invalid_image"), as used in JSON and Python.
KYC_API const char* error_code_name(ErrorCode code) noexcept;

/// The one exception type kyc throws. what() is a UTF-8 message that names the offending input
/// or setting but never contains image data or personal fields.
class KYC_API Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message);
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace kyc
