// Internal: registry look-ups and the hook that registers the built-in local backends.
#pragma once

#include <functional>
#include <string>

#include "kyc/face.hpp"
#include "kyc/onboarding.hpp"

namespace kyc::detail {

/// Registers "dlib" and "local.dlib" (defined with the dlib backend).
void register_builtin_backends();

/// Registers "aws.rekognition" (backends/aws/register.cpp), or, in a build without the AWS
/// backends, factories that throw Error(backend_unavailable) saying why (aws_unavailable.cpp).
void register_aws_backends();

/// Used by register_builtin_backends: adds an entry unless the name is already registered.
void register_builtin_face_analyzer(const std::string& name, FaceAnalyzerFactory factory);
void register_builtin_face_comparer(const std::string& name, FaceComparerFactory factory);

/// A remote identity-document reader (config document.reader "aws.textract"): thread-safe.
using ExternalDocumentReader =
    std::function<ExternalDocumentRead(const ImageView& front, const ImageView* back)>;
/// Built by backends/aws/register.cpp; in a build without AWS it throws
/// Error(backend_unavailable) saying why (aws_unavailable.cpp).
ExternalDocumentReader make_textract_document_reader(const Config& config);

/// Throw Error(backend_unavailable) listing the registered names when `name` is unknown.
FaceAnalyzerFactory find_face_analyzer(const std::string& name);
FaceComparerFactory find_face_comparer(const std::string& name);

}  // namespace kyc::detail
