// Internal: registry look-ups and the hook that registers the built-in local backends.
#pragma once

#include <string>

#include "kyc/face.hpp"

namespace kyc::detail {

/// Registers "dlib" and "local.dlib" (defined with the dlib backend).
void register_builtin_backends();

/// Throw Error(backend_unavailable) listing the registered names when `name` is unknown.
FaceAnalyzerFactory find_face_analyzer(const std::string& name);
FaceComparerFactory find_face_comparer(const std::string& name);

}  // namespace kyc::detail
