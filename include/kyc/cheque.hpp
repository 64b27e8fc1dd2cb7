// kyc — cheques: the MICR E-13B line, ABA routing checksum, amount consistency, fraud signals.
//
// Entry points:
//   * kyc::parse_micr_line(text): parses a MICR line given as text (Unicode ⑆⑇⑈⑉ or a declared
//     letter convention) into routing, account, cheque number and amount fields. Pure function,
//     re-entrant, never throws for bad text.
//   * kyc::ChequeReader: read_micr(image of the MICR line alone) and read_cheque(image of the
//     whole cheque: MICR band located at the bottom, deskewed, 180 degrees (and for portrait
//     images 90/270) tried; printed fields
//     read; every check run). const and thread-safe: one Tesseract handle per concurrent call.
//   * kyc::PresentmentStore: where "seen before" (duplicate presentment) is answered; an
//     in-memory implementation is provided, callers plug in their own (SQLite, Redis, ...).
// A cheque that fails a check is a result (verdict suspicious, the check says why), never an
// exception. kyc::Error is thrown only for unusable input (empty/undecodable/too large image) or
// a missing OCR model. Account numbers never appear in logs or error messages.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "kyc/export.hpp"
#include "kyc/face.hpp"
#include "kyc/image.hpp"

namespace kyc {

/// How the four E-13B symbols are spelled in a text MICR line. `unicode` always also accepts
/// U+2446..U+2449; a letter convention accepts those and its letters (case-sensitive).
///   unicode:  ⑆ transit (U+2446), ⑇ amount (U+2447), ⑈ on-us (U+2448), ⑉ dash (U+2449)
///   doubango: A transit, B amount, C on-us, D dash (DoubangoTelecom/tesseractMICR, e13b model)
///   finos:    T transit, U on-us, A amount, D dash (finos/fin-ocr-sdk, micr_e13b model)
/// Note 'A' is transit in one and amount in the other: the convention must be declared.
enum class MicrSymbols : std::uint8_t { unicode, doubango, finos };
/// Stable names "unicode", "doubango", "finos".
KYC_API const char* micr_symbols_name(MicrSymbols symbols) noexcept;

/// "us" (9-digit ABA routing), "canada" (⑆BBBBB⑉III⑆: 5-digit branch transit, dash, 3-digit
/// institution), "unknown" (no transit field read, or one of neither shape).
enum class MicrLayout : std::uint8_t { unknown, us, canada };
KYC_API const char* micr_layout_name(MicrLayout layout) noexcept;

/// One field of the MICR line. confidence: the OCR confidence (0..100) of the weakest word the
/// field's characters came from; -1 when the line was given as text.
struct MicrField {
  std::string value;  ///< digits (and '-' for a dash symbol inside the field); "" = absent
  float confidence = -1;
  bool present() const noexcept { return !value.empty(); }
};

struct KYC_API MicrFields {
  /// The line as parsed, normalised to Unicode symbols (⑆⑇⑈⑉), digits, and '?' for a character
  /// OCR could not read; spaces removed. Personal data: never logged by kyc.
  std::string raw_line;
  MicrLayout layout = MicrLayout::unknown;
  /// US: the 9 routing digits. Canada: "BBBBB-III" as printed (branch, dash, institution).
  MicrField routing;
  MicrField branch_transit;  ///< Canada: the 5-digit branch number
  MicrField institution;     ///< Canada: the 3-digit institution number
  MicrField account;         ///< the on-us field after the transit field ('-' for dashes)
  /// The cheque (serial) number: the auxiliary on-us field (left of the transit field) when
  /// present, else the digits after the account's on-us symbol; leading zeros dropped.
  MicrField serial;
  MicrField amount;                          ///< the amount field digits between ⑇ symbols
  std::optional<std::int64_t> amount_cents;  ///< amount field as cents, when encoded
  bool has_auxiliary_on_us = false;
  int unreadable_characters = 0;  ///< '?' in raw_line

  /// {"raw_line", "layout", "routing": {"value", "confidence"}, ...} (an object, no schema).
  std::string to_json(int indent = -1) const;
};

struct MicrParseOptions {
  MicrSymbols symbols = MicrSymbols::unicode;
};

/// Parses a MICR line. Unknown characters become '?' (counted in unreadable_characters);
/// spaces are ignored. A doubled leading transit symbol is tolerated. Never throws.
KYC_API MicrFields parse_micr_line(std::string_view line, const MicrParseOptions& options = {});

/// ABA routing-number checksum: 9 digits with
/// 3(d1+d4+d7) + 7(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10). False for anything but 9 digits.
KYC_API bool aba_checksum_valid(std::string_view routing) noexcept;

/// The duplicate-presentment key: lowercase hex SHA-256 of "routing|account|serial" (the parsed
/// values, serial without leading zeros). Stable across versions; lets a store remember
/// presentments without holding account numbers. Empty when any of the three is missing.
KYC_API std::string presentment_key(std::string_view routing, std::string_view account,
                                    std::string_view serial);

/// Answers "was this cheque (routing + account + serial) presented before?" and records it.
/// Contract: implementations must be thread-safe (one ChequeReader serves many threads and calls
/// check_and_record concurrently) and atomic: of two concurrent calls with the same key exactly
/// one may return false. They only ever see the presentment_key, never raw numbers.
class KYC_API PresentmentStore {
 public:
  virtual ~PresentmentStore() = default;
  /// True when `key` was recorded before; records it in any case.
  virtual bool check_and_record(const std::string& key) = 0;
};

/// PresentmentStore in process memory (a mutex-guarded set). Lost when destroyed.
class KYC_API InMemoryPresentmentStore final : public PresentmentStore {
 public:
  bool check_and_record(const std::string& key) override;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_set<std::string> keys_;
};

/// Outcome of one check. Stable names "pass", "fail", "unable_to_assess".
enum class ChequeCheckStatus : std::uint8_t { pass, fail, unable_to_assess };
KYC_API const char* cheque_check_status_name(ChequeCheckStatus status) noexcept;

/// One individually reported check. Ids and reason codes are stable (docs/cheque.md):
///   micr_read, aba_checksum, field_lengths, serial_consistency, amount_consistency, date,
///   signature_present, altered_regions, duplicate_presentment.
struct ChequeCheck {
  std::string id;
  ChequeCheckStatus status = ChequeCheckStatus::unable_to_assess;
  std::string reason;   ///< stable code, e.g. "checksum_mismatch", "not_read"
  std::string message;  ///< human-readable; never contains account numbers or amounts
};

/// Overall verdict: unable_to_assess when no MICR line was read (micr_read); else suspicious
/// when any check failed; clean when the MICR checks passed (other checks may be
/// unable_to_assess); unable_to_assess otherwise.
enum class ChequeVerdict : std::uint8_t { clean, suspicious, unable_to_assess };
KYC_API const char* cheque_verdict_name(ChequeVerdict verdict) noexcept;

/// Where the MICR line was found (read_cheque) or the crop (read_micr).
struct MicrGeometry {
  bool found = false;
  Rect box;                 ///< in the input image's pixels (axis-aligned)
  float angle_degrees = 0;  ///< skew corrected before OCR
  /// 0, 90, 180 or 270: the clockwise rotation that made the cheque upright (90/270 only for
  /// portrait inputs: a cheque scanned sideways).
  int rotation = 0;
};

/// Options of one read. Unset values come from the Engine's configuration (cheque.*) when read
/// through an Engine, else from the defaults named here. Dates are "YYYY-MM-DD".
struct ChequeOptions {
  /// A cheque dated more than this many days before as_of is stale (default 180).
  std::optional<int> stale_after_days;
  /// A cheque dated more than this many days after as_of is post-dated (default 0).
  std::optional<int> postdated_tolerance_days;
  std::string as_of;  ///< reference date; "" = the configured one, else today (UTC)
  /// Duplicate presentment store (not owned; must outlive the call). nullptr: the check says
  /// unable_to_assess (reason "no_store"). The result's presentment_key is set either way.
  PresentmentStore* presentment_store = nullptr;
};

struct KYC_API MicrReadResult {
  bool found = false;  ///< a MICR line with at least one symbol or digit was read
  MicrFields fields;
  float ocr_confidence = -1;  ///< mean Tesseract line confidence 0..100
  MicrGeometry geometry;
  std::vector<ChequeCheck> checks;  ///< micr_read, aba_checksum, field_lengths
  std::string presentment_key;
  std::string model;  ///< traineddata name used ("e13b")
  ChequeVerdict verdict = ChequeVerdict::unable_to_assess;
  std::string decided_by;  ///< the check id that decided the verdict ("" when clean)
  /// {"schema": "kyc.micr", "schema_version": 1, ...}. indent < 0: compact.
  std::string to_json(int indent = -1) const;
};

/// A printed field of the cheque as the result reports it (the text is personal data).
struct ChequePrintedField {
  std::string text;
  float confidence = 0;  ///< 0..100; 0 when not read
  Rect region;
  bool found = false;
};

/// Evidence for the altered_regions check: how one region's background and ink compare with the
/// rest of the cheque.
struct ChequeRegion {
  std::string name;  ///< "courtesy_amount", "legal_amount", "payee"
  Rect region;
  double background_delta = 0;  ///< |region background - page background| / page stddev
  double ink_delta = 0;         ///< ink darkness/colour deviation vs the other fields
  bool suspicious = false;
  std::string reason;  ///< stable code, "" when not suspicious
};

struct KYC_API ChequeReadResult {
  MicrReadResult micr;
  ChequePrintedField courtesy_amount;
  std::optional<std::int64_t> courtesy_cents;
  ChequePrintedField legal_amount;
  std::optional<std::int64_t> legal_cents;
  ChequePrintedField date;
  std::string date_iso;  ///< "" when not parsable
  ChequePrintedField printed_serial;
  double signature_ink = -1;  ///< fraction of ink in the signature region; -1 = not measured
  std::vector<ChequeRegion> regions;  ///< altered-region evidence (empty: not measured)
  std::vector<ChequeCheck> checks;    ///< every check, in the documented order
  std::string presentment_key;
  ChequeVerdict verdict = ChequeVerdict::unable_to_assess;
  std::string decided_by;
  std::string as_of;  ///< the reference date used for the date check
  const ChequeCheck* check(std::string_view id) const;
  /// {"schema": "kyc.cheque", "schema_version": 1, ...}. indent < 0: compact.
  std::string to_json(int indent = -1) const;
};

/// Runs every check over the fields already in `result` (micr.fields, micr.found, the printed
/// fields, signature_ink, regions) and sets the checks, presentment keys and verdicts. read_cheque
/// calls it; callers who read or corrected the fields elsewhere call it themselves. Records the
/// presentment in options.presentment_store. Throws Error(invalid_argument) for a malformed
/// as_of or negative windows.
KYC_API void assess_cheque(ChequeReadResult& result, const ChequeOptions& options = {});

struct ChequeReaderOptions {
  /// E-13B traineddata: "e13b" (DoubangoTelecom/tesseractMICR; letters A-D) or "micr_e13b"
  /// (finos; letters T U A D). e13b measured the lower CER (docs/cheque.md).
  std::string micr_model = "e13b";
  std::string printed_model = "eng";  ///< for the printed fields (courtesy/legal amount, date)
  std::string tessdata_dir;           ///< "" = the documented search order
  ImageLimits limits;
};

/// Reads MICR lines and cheques. Loads the OCR models at construction (Error(model_not_found)
/// naming the file). const methods are thread-safe.
class KYC_API ChequeReader {
 public:
  explicit ChequeReader(ChequeReaderOptions options = {});
  ~ChequeReader();
  ChequeReader(ChequeReader&&) noexcept;
  ChequeReader& operator=(ChequeReader&&) noexcept;
  ChequeReader(const ChequeReader&) = delete;
  ChequeReader& operator=(const ChequeReader&) = delete;

  /// An image of the MICR line alone (a crop). Nothing read is a result (found == false).
  MicrReadResult read_micr(const ImageInput& line, const ChequeOptions& options = {}) const;
  /// A photo or scan of a whole cheque.
  ChequeReadResult read_cheque(const ImageInput& cheque, const ChequeOptions& options = {}) const;

  const ChequeReaderOptions& options() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kyc
