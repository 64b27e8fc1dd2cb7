// Internal: Tesseract model location and a pool of configured TessBaseAPI handles, shared by the
// MRZ reader, printed-zone OCR and (later) MICR.
//
// traineddata is located, never downloaded: an explicit directory, else $KYC_TESSDATA_DIR, else
// $TESSDATA_PREFIX, else the system tessdata directories. A missing file is
// Error(model_not_found) naming the file and every place searched.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/pool.hpp"

namespace tesseract {
class TessBaseAPI;
}

namespace kyc::detail {

/// The directory that holds `<model>.traineddata`, searched in the documented order.
std::string locate_tessdata_dir(const std::string& model, const std::string& explicit_dir);

struct TesseractSettings {
  std::string tessdata_dir;   ///< directory holding <model>.traineddata
  std::string model;          ///< "mrz", "eng", ...
  int page_segmentation = 6;  ///< tesseract::PageSegMode value (6 = single block, 7 = line)
  /// Init-time and run-time variables ("tessedit_char_whitelist", "load_system_dawg", ...).
  std::vector<std::pair<std::string, std::string>> variables;
};

/// One recognised word with its confidence (0..100) and box.
struct OcrWord {
  std::string text;
  float confidence = 0;
  int x = 0, y = 0, width = 0, height = 0;
};

/// One line of recognised text with its mean confidence (0..100), box and words.
struct OcrLine {
  std::string text;
  float confidence = 0;
  int x = 0, y = 0, width = 0, height = 0;
  std::vector<OcrWord> words;
};

/// A pool of initialised Tesseract handles: each concurrent recognise() leases its own, so
/// callers never wait on each other (TessBaseAPI is not thread-safe).
class TesseractPool {
 public:
  explicit TesseractPool(TesseractSettings settings);
  ~TesseractPool();

  /// Recognises an 8-bit gray image (row-major, `stride` bytes per row) and returns its lines.
  std::vector<OcrLine> recognise(const unsigned char* gray, int width, int height, int stride,
                                 int page_segmentation = -1) const;

  const TesseractSettings& settings() const noexcept { return settings_; }

 private:
  TesseractSettings settings_;
  mutable Pool<tesseract::TessBaseAPI> pool_;
};

}  // namespace kyc::detail
