// kyc — printed-zone (VIZ) OCR of identity documents, and the VIZ-vs-MRZ cross-check.
//
// The printed zone is supporting evidence: labelled fields ("Surname", "Date of birth",
// "Passport No.", "Date of expiry", "Address", ...) are read with Tesseract (eng) and mapped to
// DocumentFields (source viz). Fields without a recognised label are not guessed.
//   * kyc::extract_viz_fields(lines): the label/value logic on OCR lines with word boxes; pure.
//   * kyc::VizReader: OCR + extraction on an image; const and thread-safe (pooled Tesseract).
//   * kyc::cross_check_viz_mrz(viz, mrz): per-field agreement of the two zones.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kyc/document.hpp"
#include "kyc/export.hpp"
#include "kyc/face.hpp"
#include "kyc/image.hpp"
#include "kyc/mrz.hpp"

namespace kyc {

/// A word as OCR read it, with its box in image pixels.
struct VizWord {
  std::string text;
  Rect box;
  float confidence = 0;  ///< 0..100
};

/// A line of printed text.
struct VizLine {
  std::string text;
  Rect box;
  float confidence = 0;
  std::vector<VizWord> words;
};

/// One extracted field: which label announced it and what was read.
struct VizField {
  std::string field;  ///< DocumentFields member name ("surname", "date_of_birth", "address")
  std::string label;  ///< the label as read ("Date of Birth/ Date de naissance")
  std::string text;   ///< the value as read
  std::string value;  ///< normalised (ISO date, upper-case name); empty if not normalisable
  float confidence = 0;
};

struct VizOptions {
  /// Dates written nn/nn/yyyy are month-first (US documents) unless the first number exceeds 12.
  bool slash_dates_month_first = true;
  std::string reference_date;  ///< "YYYY-MM-DD" for two-digit years; empty = today (UTC)
};

struct KYC_API VizResult {
  std::vector<VizLine> lines;   ///< everything OCR read (for audit; may hold personal data)
  std::vector<VizField> found;  ///< labelled fields, in reading order
  DocumentFields fields;        ///< the first normalised value of each field
  DocumentRead to_document_read() const;  ///< source viz, no verified fields
  /// {"schema": "kyc.viz", "schema_version": 1, "fields": {...}, "found": [...],
  ///  "line_count": n}; lines are not included (see docs/mrz.md).
  std::string to_json(int indent = -1) const;
};

/// Label/value extraction from OCR lines: a value follows its label on the same line (after
/// the label and its translation, e.g. "Surname/ Nom"), or stands on the next line below the
/// label's column.
KYC_API VizResult extract_viz_fields(const std::vector<VizLine>& lines,
                                     const VizOptions& options = {});

/// A printed date ("12 AUG/AOUT 74", "12 AUGUST 1974", "1974-08-12", "12.08.1974",
/// "08/12/1974") as ISO "YYYY-MM-DD"; empty when not a date. birth: two-digit years are put in
/// the past; otherwise within 20 years after the reference date.
KYC_API std::string viz_date_to_iso(const std::string& text, bool birth,
                                    const VizOptions& options = {});

struct VizReaderOptions {
  std::string tessdata_dir;  ///< empty: $KYC_TESSDATA_DIR, $TESSDATA_PREFIX, system tessdata
  std::string language = "eng";
  VizOptions extraction;
  ImageLimits limits;
};

/// Reads the printed zone. Construction locates <language>.traineddata (throws
/// Error(model_not_found) naming the file and the directories searched). read() is const and
/// thread-safe.
class KYC_API VizReader {
 public:
  explicit VizReader(VizReaderOptions options = {});
  ~VizReader();
  VizReader(VizReader&&) noexcept;
  VizReader& operator=(VizReader&&) noexcept;
  VizReader(const VizReader&) = delete;
  VizReader& operator=(const VizReader&) = delete;

  VizResult read(const ImageInput& image) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Agreement of one field between the printed zone and the MRZ.
struct VizMrzComparison {
  std::string field;
  std::string viz;
  std::string mrz;
  /// "match"; "match_truncated" (MRZ name is a prefix of the printed one); "match_confusable"
  /// (equal after O/0, I/1, B/8, S/5, Z/2 folding); "mismatch"; "missing_viz"; "missing_mrz".
  std::string status;
};

struct KYC_API VizMrzCrossCheck {
  bool consistent = true;  ///< no "mismatch" among the compared fields
  std::vector<VizMrzComparison> comparisons;
  /// {"schema": "kyc.viz_mrz_check", "schema_version": 1, "consistent": ..., "fields": [...]}
  std::string to_json(int indent = -1) const;
};

/// Compares surname, given names, document number, date of birth, date of expiry, sex and
/// nationality where both zones have them.
KYC_API VizMrzCrossCheck cross_check_viz_mrz(const DocumentFields& viz, const MrzResult& mrz);

}  // namespace kyc
