// Internal: the printed and handwritten parts of a cheque above the MICR band - courtesy and
// legal amounts, date, serial number, signature ink and altered-region statistics.
//
// Thread-safety: read_printed_cheque_fields is re-entrant; Tesseract handles are leased from the
// pool per call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "document/ocr/tesseract.hpp"
#include "kyc/face.hpp"
#include "kyc/image.hpp"

namespace kyc::detail {

struct ChequeTextField {
  std::string text;      // as read (personal data: never logged)
  float confidence = 0;  // 0..100; 0 when nothing read
  Rect region;           // kyc::Rect (kyc/face.hpp), cheque pixels; where it was found or looked for
  bool found = false;
};
struct RegionStatistics {          // altered-looking region evidence
  std::string name;                // "courtesy_amount", "legal_amount", "payee"
  Rect region;
  double background_delta = 0;     // |mean background luminance - page background| / page stddev
  double ink_delta = 0;            // ink colour/darkness deviation vs the other handwritten/printed fields
  bool suspicious = false;
  std::string reason;              // stable code, "" when not suspicious
};
struct PrintedChequeFields {
  ChequeTextField courtesy_amount;            // digits in the box, e.g. "200.00"
  std::optional<std::int64_t> courtesy_cents;
  ChequeTextField legal_amount;               // the words line
  std::optional<std::int64_t> legal_cents;    // via kyc::parse_amount_words
  ChequeTextField date;
  std::string date_iso;                       // "YYYY-MM-DD" or "" when not parsable
  ChequeTextField serial;                     // top-right cheque number (digits only)
  Rect signature_region;
  double signature_ink = -1;                  // fraction of ink pixels in the region; -1 = not measured
  std::vector<RegionStatistics> regions;
};
/// `cheque` is the whole deskewed, upright cheque; `micr_band_top` the y where the MICR band starts
/// (everything below is MICR). `eng` is a TesseractPool on the "eng" model.
PrintedChequeFields read_printed_cheque_fields(const ImageView& cheque, int micr_band_top,
                                               const TesseractPool& eng);

}  // namespace kyc::detail
