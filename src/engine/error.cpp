#include "kyc/error.hpp"

namespace kyc {

const char* error_code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_argument:
      return "invalid_argument";
    case ErrorCode::invalid_image:
      return "invalid_image";
    case ErrorCode::unsupported_format:
      return "unsupported_format";
    case ErrorCode::limit_exceeded:
      return "limit_exceeded";
    case ErrorCode::model_not_found:
      return "model_not_found";
    case ErrorCode::invalid_config:
      return "invalid_config";
    case ErrorCode::backend_unavailable:
      return "backend_unavailable";
    case ErrorCode::io_error:
      return "io_error";
    case ErrorCode::internal:
      return "internal";
  }
  return "unknown";
}

Error::Error(ErrorCode code, const std::string& message)
    : std::runtime_error(message), code_(code) {}

}  // namespace kyc
