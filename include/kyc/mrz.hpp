// kyc — machine-readable zone (MRZ) of passports, ID cards and visas (ICAO 9303).
//
// Two entry points:
//   * kyc::parse_mrz(lines or text): parses MRZ text (TD1, TD2, TD3, MRV-A, MRV-B and a few
//     national layouts), verifies every check digit (ICAO 9303 part 3, weights 7-3-1), repairs
//     OCR confusions (O/0, I/1, B/8, S/5, Z/2, G/6 ...) where the field type or a check digit
//     decides, converts dates to ISO 8601 and validates country codes. Pure function, re-entrant.
//   * kyc::MrzReader: finds the MRZ band in a photo or scan (any orientation, moderate skew),
//     OCRs it with Tesseract and parses it. const and thread-safe (one Tesseract handle per
//     concurrent call, pooled).
// A document whose MRZ fails a check is a result (valid == false, problems say why), never an
// exception. Exceptions (kyc::Error) are only for unusable input or a missing OCR model.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kyc/document.hpp"
#include "kyc/export.hpp"
#include "kyc/face.hpp"
#include "kyc/image.hpp"

namespace kyc {

/// MRZ layouts. ICAO 9303: td1 (3x30 ID cards), td2 (2x36), td3 (2x44 passports), mrv_a (2x44
/// visas), mrv_b (2x36 visas). National layouts that look like an MRZ: french_id (2x36 French
/// national ID card issued before 2021), french_driving_licence (1x30), swiss_driving_licence
/// (9 + 30 + 30, no check digits), slovak_id_2x34.
enum class MrzFormat : std::uint8_t {
  unknown,
  td1,
  td2,
  td3,
  mrv_a,
  mrv_b,
  french_id,
  french_driving_licence,
  swiss_driving_licence,
  slovak_id_2x34,
};
/// Stable names: "unknown", "TD1", "TD2", "TD3", "MRVA", "MRVB", "FRENCH_ID", "FRENCH_DL",
/// "SWISS_DL", "SLOVAK_ID_2X34".
KYC_API const char* mrz_format_name(MrzFormat format) noexcept;

/// Outcome of a parse or read.
enum class MrzStatus : std::uint8_t {
  valid,         ///< a known layout, every check passed
  invalid,       ///< a known layout, at least one check failed (see MrzResult::problems)
  unrecognized,  ///< text that is not a known MRZ layout (line count / lengths; see message)
  not_found,     ///< (images) no MRZ band found in any orientation
};
/// Stable names: "valid", "invalid", "unrecognized", "not_found".
KYC_API const char* mrz_status_name(MrzStatus status) noexcept;

/// One check digit: the digit computed over the protected characters (`expected`) against the
/// character printed (`found`). A filler '<' is accepted as the check digit of an all-filler
/// field (ICAO 9303 part 3 4.9).
struct MrzCheckDigit {
  std::string field;  ///< "document_number", "date_of_birth", "date_of_expiry", "optional_data",
                      ///< "composite"
  char expected = '0';
  char found = '0';
  bool valid = false;
};

/// One character the parser changed. by_check_digit = false: the character was impossible for
/// the field type (a letter in a date, a digit in a name) and its OCR twin was substituted;
/// true: the field holds letters and digits and the substitution is the unique one (with the
/// fewest changes) that makes the field's check digit verify.
struct MrzRepair {
  std::string field;
  int line = 0;
  int column = 0;
  char original = 0;
  char replacement = 0;
  bool by_check_digit = false;
};

/// A failed check. Stable codes (docs/mrz.md): "check_digit_mismatch", "invalid_characters",
/// "invalid_date", "invalid_sex", "unknown_country".
struct MrzProblem {
  std::string field;
  std::string code;
};

struct MrzFlags {
  bool specimen_state = false;        ///< issuer or nationality is UTO (ICAO specimen "Utopia")
  bool unknown_country = false;       ///< a country code that is not an ICAO 9303 code
  bool repaired = false;              ///< at least one MrzRepair
  bool long_document_number = false;  ///< TD1/TD2 document number continued in optional data
  bool names_truncated = false;       ///< the name field is full (names may be cut)
};

/// Where the MRZ band was found in the image (MrzReader only).
struct MrzGeometry {
  bool found = false;
  Rect box;                 ///< axis-aligned box of the band, in the input image's pixels
  float angle_degrees = 0;  ///< skew of the band corrected before OCR (counter-clockwise > 0)
  int rotation = 0;         ///< 0, 90, 180, 270: rotation applied to make the text upright
};

/// Reference date for century inference, as "YYYY-MM-DD"; empty = today (UTC).
struct MrzParseOptions {
  bool repair = true;           ///< apply OCR repairs (reported in MrzResult::repairs)
  std::string reference_date;   ///< "YYYY-MM-DD"; empty = today (UTC)
  int expiry_years_ahead = 20;  ///< expiry yy maps to 20yy unless beyond reference + this
};

struct KYC_API MrzResult {
  MrzStatus status = MrzStatus::unrecognized;
  MrzFormat format = MrzFormat::unknown;
  bool valid = false;  ///< status == valid
  /// The MRZ lines after repair (and, for images, as OCR read them after repair).
  std::vector<std::string> lines;
  /// The lines as given (text) or as OCR read them (images), normalised (upper case, no spaces).
  std::vector<std::string> raw_lines;
  DocumentFields fields;        ///< normalised fields (dates ISO; an invalid field is left empty)
  std::string optional_data;    ///< fillers trimmed, inner '<' as space
  std::string optional_data_2;  ///< TD1 line 2 optional data
  /// The raw text of each field as it stands in the (repaired) MRZ, fillers kept.
  std::vector<std::pair<std::string, std::string>> raw_fields;
  /// Layout-specific fields without a DocumentFields member (French ID "administrative_code",
  /// "issue_date" (YYMM); Swiss licence "language_code", "pin_code", "version_number").
  std::vector<std::pair<std::string, std::string>> extra_fields;
  std::vector<MrzCheckDigit> check_digits;
  std::vector<MrzRepair> repairs;
  std::vector<MrzProblem> problems;
  MrzFlags flags;
  std::string message;  ///< why the text is unrecognized (no personal data)
  MrzGeometry geometry;
  float ocr_confidence = -1;  ///< mean Tesseract confidence 0..100 (images), -1 for text

  /// Names of the DocumentFields members protected by a check digit that verified.
  std::vector<std::string> verified_fields() const;
  /// The fields as the consistency check consumes them (source mrz, verified and truncated
  /// field names).
  DocumentRead to_document_read() const;
  /// {"schema": "kyc.mrz", "schema_version": 1, ...}; see docs/mrz.md. indent < 0: compact.
  std::string to_json(int indent = -1) const;
};

/// Parses MRZ lines (one string per line). Whitespace inside lines is removed and letters are
/// upper-cased before parsing. Never throws for bad text: the result says what is wrong.
KYC_API MrzResult parse_mrz(const std::vector<std::string>& lines,
                            const MrzParseOptions& options = {});
/// Same, with the lines separated by newlines (blank lines ignored).
KYC_API MrzResult parse_mrz(std::string_view text, const MrzParseOptions& options = {});

/// ICAO 9303 check digit of `text` ('0'..'9'), or -1 if text holds a character outside
/// A-Z 0-9 '<'. Values: digits as is, A-Z = 10..35, '<' = 0; weights 7, 3, 1 repeating.
KYC_API int mrz_check_digit(std::string_view text) noexcept;

/// True for a code ICAO 9303 part 3 allows as issuing state / nationality: ISO 3166-1 alpha-3,
/// "D" (Germany), GBD GBN GBO GBP GBS, UNO UNA UNK, XXA XXB XXC XXX, EUE, the other X.. codes
/// of organisations, RKS, and UTO (the specimen state; see MrzFlags::specimen_state).
/// The code is given without fillers ("D", not "D<<").
KYC_API bool is_icao_country_code(std::string_view code) noexcept;

/// Converts an MRZ date "YYMMDD" to "YYYY-MM-DD"; empty when it is not a calendar date.
/// birth = true: the century puts the date at or before the reference date; otherwise the date
/// lies no more than `years_ahead` years after the reference.
KYC_API std::string mrz_date_to_iso(std::string_view yymmdd, bool birth,
                                    const std::string& reference_date = {}, int years_ahead = 20);

/// Options of the image reader.
struct MrzReaderOptions {
  /// Directory holding mrz.traineddata (OCR-B). Empty: $KYC_TESSDATA_DIR, then the system
  /// tessdata directories. See docs/mrz.md.
  std::string tessdata_dir;
  /// Tesseract model name (file <name>.traineddata). "mrz" is the OCR-B MRZ model; "eng" works
  /// but misreads far more (ICAO OCR-B is not a font eng was trained on).
  std::string model = "mrz";
  MrzParseOptions parse;
  /// Try 90/180/270 degree rotations when the upright image yields no valid MRZ.
  bool try_rotations = true;
  ImageLimits limits;  ///< for ImageInput bytes / paths
};

/// Reads the MRZ of a document image. Construction locates the traineddata (throws
/// Error(model_not_found) naming the file and every directory searched). read() is const and
/// thread-safe; each concurrent call leases its own Tesseract handle.
class KYC_API MrzReader {
 public:
  explicit MrzReader(MrzReaderOptions options = {});
  ~MrzReader();
  MrzReader(MrzReader&&) noexcept;
  MrzReader& operator=(MrzReader&&) noexcept;
  MrzReader(const MrzReader&) = delete;
  MrzReader& operator=(const MrzReader&) = delete;

  /// Reads the MRZ. Throws kyc::Error only for an unusable image (empty, undecodable, over the
  /// limits). No MRZ found is status not_found.
  MrzResult read(const ImageInput& image) const;

  /// OCRs an image that already is an MRZ crop (no band search, no deskew) and returns the
  /// lines as read, restricted to the MRZ alphabet. single_line: the crop holds one line.
  std::vector<std::string> recognise(const ImageInput& crop, bool single_line = false) const;

  /// Full path of the traineddata in use.
  const std::string& traineddata_path() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kyc
