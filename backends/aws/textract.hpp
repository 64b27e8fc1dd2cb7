// kyc — AWS Textract: AnalyzeID (identity documents) and DetectDocumentText (lines of text).
//
// AnalyzeID's normalized fields (FIRST_NAME, LAST_NAME, DATE_OF_BIRTH, ... ; docs/aws.md has the
// full table) become kyc::DocumentFields (source viz: Textract reads the printed zone); dates come
// from NormalizedValue (ValueType DATE) only, never guessed from the printed text; MRZ_CODE goes
// through kyc::parse_mrz, so its check digits are verified by kyc, not trusted from the service.
// DetectDocumentText's LINE blocks become text lines with pixel boxes.
//
// Thread-safety: free functions are re-entrant; TextractReader is immutable after construction.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/aws/client.hpp"
#include "kyc/document.hpp"
#include "kyc/face.hpp"
#include "kyc/mrz.hpp"

namespace kyc::aws {

/// One AnalyzeID field as the service returned it.
struct IdDocumentField {
  std::string type;        ///< normalised: upper case, '_' for spaces ("DATE_OF_BIRTH")
  std::string text;        ///< ValueDetection.Text as printed
  std::string normalized;  ///< NormalizedValue.Value ("1996-03-15T00:00:00"), or empty
  float confidence = 0;    ///< 0..100
};

struct KYC_API AnalyzeIdResult {
  /// Fields of the first identity document, in service order. Contains personal data: never log.
  std::vector<IdDocumentField> raw_fields;
  DocumentFields fields;  ///< mapped (see docs/aws.md)
  /// Types outside the documented US driver's licence / passport lists (kept in raw_fields).
  std::vector<std::string> unrecognized_types;
  std::optional<MrzResult> mrz;  ///< parse_mrz(MRZ_CODE) when present
  int documents = 0;             ///< IdentityDocuments returned
  int pages = 0;                 ///< DocumentMetadata.Pages
  std::string model_version;     ///< AnalyzeIDModelVersion
  std::string request_id;

  /// The reads the consistency check consumes: the printed fields (source viz) and, when the MRZ
  /// parsed, the MRZ read (source mrz).
  std::vector<DocumentRead> to_document_reads() const;
  /// {"schema": "kyc.textract_id", "schema_version": 1, "fields": {...}, "mrz": {...} | null,
  ///  "unrecognized_types": [...], "request_id": ..., ...}. indent < 0: compact.
  std::string to_json(int indent = -1) const;
};

/// Parses an AnalyzeID response (the first IdentityDocument). Throws Error(backend_unavailable)
/// when the text is not a JSON object.
KYC_API AnalyzeIdResult parse_analyze_id(const std::string& response_json,
                                         const MrzParseOptions& mrz_options = {});
/// AnalyzeID of one or two pages (front, back). Throws Error(invalid_argument) for 0 or > 2.
KYC_API AnalyzeIdResult analyze_id(const JsonClient& client, const std::vector<ImageView>& pages,
                                   const MrzParseOptions& mrz_options = {});

struct TextLine {
  std::string text;
  float confidence = 0;  ///< 0..100
  Rect box;              ///< pixels of the page image
  bool handwriting = false;
};

struct DetectTextResult {
  std::vector<TextLine> lines;  ///< LINE blocks in service (reading) order
  int pages = 0;
  std::string model_version;
  std::string request_id;
};

/// LINE blocks of a DetectDocumentText response, in pixels of a width x height page.
KYC_API DetectTextResult parse_detect_document_text(const std::string& response_json, int width,
                                                    int height);
KYC_API DetectTextResult detect_document_text(const JsonClient& client, const ImageView& page);

/// Textract with its own client (config: aws.region / aws.textract_endpoint / credentials).
class KYC_API TextractReader {
 public:
  explicit TextractReader(const AwsConfig& config);
  AnalyzeIdResult analyze_id(const std::vector<ImageView>& pages,
                             const MrzParseOptions& mrz_options = {}) const;
  DetectTextResult detect_text(const ImageView& page) const;

 private:
  std::shared_ptr<JsonClient> client_;
};

}  // namespace kyc::aws
