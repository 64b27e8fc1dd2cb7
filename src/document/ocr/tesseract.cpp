#include "document/ocr/tesseract.hpp"

#include <sys/stat.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <cstdlib>

#include "kyc/error.hpp"

namespace kyc::detail {
namespace {

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string join(const std::string& dir, const std::string& file) {
  if (dir.empty() || dir.back() == '/') return dir + file;
  return dir + "/" + file;
}

// Tesseract reads traineddata from <datapath>/<lang>.traineddata.
bool valid_model_name(const std::string& model) {
  if (model.empty() || model.size() > 64) return false;
  for (char c : model) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  }
  return true;
}

}  // namespace

std::string locate_tessdata_dir(const std::string& model, const std::string& explicit_dir) {
  if (!valid_model_name(model)) {
    throw Error(ErrorCode::invalid_argument,
                "OCR model name '" + model + "' is not a plain name (letters, digits, _ and -)");
  }
  const std::string file = model + ".traineddata";
  std::vector<std::pair<std::string, std::string>> dirs;  // origin, path
  if (!explicit_dir.empty()) dirs.emplace_back("option tessdata_dir", explicit_dir);
  if (const char* env = std::getenv("KYC_TESSDATA_DIR"); env != nullptr && *env != '\0') {
    dirs.emplace_back("KYC_TESSDATA_DIR", env);
  }
  if (const char* env = std::getenv("TESSDATA_PREFIX"); env != nullptr && *env != '\0') {
    dirs.emplace_back("TESSDATA_PREFIX", env);
  }
  for (const char* system :
       {"/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
        "/usr/share/tessdata", "/usr/local/share/tessdata"}) {
    dirs.emplace_back("system", system);
  }
  std::string searched;
  for (const auto& [origin, dir] : dirs) {
    if (is_file(join(dir, file))) return dir;
    searched += "\n  - " + dir + " (" + origin + ")";
  }
  std::string hint = model == "mrz"
                         ? "\nThe MRZ (OCR-B) model is not packaged by Debian: point "
                           "KYC_TESSDATA_DIR (or the tessdata_dir option) at a directory "
                           "holding mrz.traineddata, or use model \"eng\" (less accurate)."
                         : "\nInstall it (e.g. apt-get install tesseract-ocr-" + model +
                               ") or point KYC_TESSDATA_DIR at a directory holding it.";
  throw Error(ErrorCode::model_not_found,
              "OCR model '" + file + "' not found. Searched:" + searched + hint);
}

TesseractPool::TesseractPool(TesseractSettings settings)
    : settings_(std::move(settings)), pool_([this] {
        auto api = std::make_unique<tesseract::TessBaseAPI>();
        // Tesseract writes diagnostics ("Detected 26 diacritics") to stderr unless told
        // otherwise; an embedded library must not write to its host's stderr.
        std::vector<std::string> names{"debug_file"}, values{"/dev/null"};
        for (const auto& [name, value] : settings_.variables) {
          names.push_back(name);
          values.push_back(value);
        }
        if (api->Init(settings_.tessdata_dir.c_str(), settings_.model.c_str(),
                      tesseract::OEM_DEFAULT, nullptr, 0, &names, &values, false) != 0) {
          throw Error(ErrorCode::model_not_found, "Tesseract could not load '" + settings_.model +
                                                      ".traineddata' from " +
                                                      settings_.tessdata_dir);
        }
        for (const auto& [name, value] : settings_.variables) {
          api->SetVariable(name.c_str(), value.c_str());
        }
        return api;
      }) {
  // Fail at construction, not at the first read: load one handle now.
  auto lease = pool_.acquire();
}

TesseractPool::~TesseractPool() = default;

std::vector<OcrLine> TesseractPool::recognise(const unsigned char* gray, int width, int height,
                                              int stride, int page_segmentation) const {
  auto api = pool_.acquire();
  api->SetPageSegMode(static_cast<tesseract::PageSegMode>(
      page_segmentation >= 0 ? page_segmentation : settings_.page_segmentation));
  api->SetImage(gray, width, height, 1, stride);
  std::vector<OcrLine> lines;
  if (api->Recognize(nullptr) != 0) {
    api->Clear();
    return lines;
  }
  std::unique_ptr<tesseract::ResultIterator> it(api->GetIterator());
  if (it) {
    do {
      if (it->IsAtBeginningOf(tesseract::RIL_TEXTLINE)) {
        std::unique_ptr<char[]> text(it->GetUTF8Text(tesseract::RIL_TEXTLINE));
        OcrLine line;
        line.text = text ? text.get() : "";
        while (!line.text.empty() && (line.text.back() == '\n' || line.text.back() == ' ')) {
          line.text.pop_back();
        }
        line.confidence = it->Confidence(tesseract::RIL_TEXTLINE);
        int left = 0, top = 0, right = 0, bottom = 0;
        it->BoundingBox(tesseract::RIL_TEXTLINE, &left, &top, &right, &bottom);
        line.x = left;
        line.y = top;
        line.width = right - left;
        line.height = bottom - top;
        lines.push_back(std::move(line));
      }
      if (lines.empty()) continue;
      std::unique_ptr<char[]> word(it->GetUTF8Text(tesseract::RIL_WORD));
      if (!word) continue;
      OcrWord w;
      w.text = word.get();
      w.confidence = it->Confidence(tesseract::RIL_WORD);
      int left = 0, top = 0, right = 0, bottom = 0;
      it->BoundingBox(tesseract::RIL_WORD, &left, &top, &right, &bottom);
      w.x = left;
      w.y = top;
      w.width = right - left;
      w.height = bottom - top;
      lines.back().words.push_back(std::move(w));
    } while (it->Next(tesseract::RIL_WORD));
  }
  api->Clear();
  return lines;
}

}  // namespace kyc::detail
