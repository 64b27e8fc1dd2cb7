// kyc — AWS Rekognition behind kyc's face interfaces (docs/aws.md).
//
// "aws.rekognition" as a FaceAnalyzer: DetectFaces with Attributes ["ALL"]; boxes and landmarks
// (ratios of the image) become pixels of the caller's image; Pose, Quality, EyesOpen, MouthOpen,
// Sunglasses, Eyeglasses, FaceOccluded and Smile go into Face / FaceAttributes; the 30 named
// landmarks into Face::named_landmarks, plus the dlib5 layout derived from the eye corners and
// nostrils so that eye-based measures work unchanged.
// "aws.rekognition" as a FaceComparer: CompareFaces (SimilarityThreshold = the engine's decision
// threshold, QualityFilter = aws.quality_filter) through FaceComparer::compare_images; it has no
// embeddings. Similarity maps to a distance as (100 - similarity) / 100.
//
// Images are re-encoded to meet Rekognition's limits: JPEG (quality 95, or smaller/lower quality
// until <= 5 MiB), at least 80 px on each side.
//
// Thread-safety: both classes are immutable after construction; calls are re-entrant.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backends/aws/client.hpp"
#include "kyc/face.hpp"

namespace kyc::aws {

/// An image encoded for Rekognition/Textract.
struct PreparedImage {
  std::string bytes;  ///< JPEG
  int width = 0;      ///< of the encoded image
  int height = 0;
  int quality = 0;  ///< JPEG quality used
};

/// Encodes `image` as JPEG within `max_bytes`, downscaling (and lowering quality) as needed, and
/// upscaling images smaller than `min_side` px. Throws Error(limit_exceeded) if it cannot fit.
KYC_API PreparedImage prepare_image(const ImageView& image, std::size_t max_bytes = 5242880,
                                    int min_side = 80);

/// Faces of a DetectFaces response (FaceDetails) or ComparedFace list, in pixels of a
/// width x height image, largest first.
KYC_API std::vector<Face> parse_face_details(const std::string& detect_faces_json, int width,
                                             int height);

struct DetectFacesResult {
  std::vector<Face> faces;  ///< largest first
  std::string request_id;
};
KYC_API DetectFacesResult detect_faces(const JsonClient& client, const ImageView& image);

/// CompareFaces of two images. similarity_threshold 0..100; quality_filter NONE|AUTO|LOW|MEDIUM|
/// HIGH. A missing face (InvalidParameterException) is told apart with DetectFaces on each image
/// and reported as an empty source_face / target_faces, like the local backend.
KYC_API ImagePairComparison compare_faces(const JsonClient& client, const ImageView& source,
                                          const ImageView& target, double similarity_threshold,
                                          const std::string& quality_filter);

/// An image Rekognition reads from S3 itself (nothing is downloaded here; the caller's
/// credentials need s3:GetObject on it, and objects may be up to 15 MB).
struct S3Object {
  std::string bucket;
  std::string name;
  std::string version;  ///< empty: the latest version
};

/// DetectFaces (Attributes ALL) of an S3 object. kyc never sees the pixels, so the caller gives
/// the image size to convert ratios to pixels (1 x 1 keeps the ratios).
KYC_API DetectFacesResult detect_faces_s3(const JsonClient& client, const S3Object& image,
                                          int width, int height);
/// CompareFaces of two S3 objects; sizes as for detect_faces_s3.
KYC_API ImagePairComparison compare_faces_s3(const JsonClient& client, const S3Object& source,
                                             int source_width, int source_height,
                                             const S3Object& target, int target_width,
                                             int target_height, double similarity_threshold,
                                             const std::string& quality_filter);

class KYC_API RekognitionFaceAnalyzer : public FaceAnalyzer {
 public:
  explicit RekognitionFaceAnalyzer(const AwsConfig& config);
  std::string name() const override { return "aws.rekognition"; }
  std::string model() const override { return "aws.rekognition.DetectFaces(ALL)"; }
  std::vector<Face> analyze(const ImageView& image, StageTimings* timings) const override;

 private:
  std::shared_ptr<JsonClient> client_;
};

class KYC_API RekognitionFaceComparer : public FaceComparer {
 public:
  explicit RekognitionFaceComparer(const AwsConfig& config);
  std::string name() const override { return "aws.rekognition"; }
  std::string model() const override { return "aws.rekognition.CompareFaces"; }
  /// Throws Error(invalid_argument): Rekognition exposes no embeddings.
  std::vector<Embedding> embed(const ImageView& image, const std::vector<Face>& faces,
                               StageTimings* timings) const override;
  double similarity(double distance) const override;
  double distance_for_similarity(double similarity) const override;
  /// Only "default": similarity 99, AWS's recommendation where accurate matches matter (AWS
  /// publishes no FMR/FNMR, so there are no fmr* points).
  std::vector<OperatingPoint> operating_points() const override;
  std::string calibration_source() const override;
  bool compares_image_pairs() const override { return true; }
  ImagePairComparison compare_images(const ImageView& source, const ImageView& target,
                                     double similarity_threshold,
                                     StageTimings* timings) const override;

 private:
  std::shared_ptr<JsonClient> client_;
  std::string quality_filter_;
};

}  // namespace kyc::aws
