// Cheque printed fields: the parts of a personal cheque above the MICR band.
//
// One sparse-text Tesseract pass over the page finds the printed anchors ("$", "DOLLARS",
// "DATE", "PAY TO THE ORDER OF") and the top-right serial; each value is then re-read from a
// crop next to its anchor as a single line, which reads handwriting-like fonts far better than
// the sparse pass. A missing anchor falls back to the region where US/Canadian personal cheques
// put the field (fractions of the page, docs/cheque-fields.md). Altered-region statistics and
// signature ink are pixel statistics (OpenCV), independent of OCR.
#include "document/cheque/printed_fields.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "document/text/dates.hpp"
#include "document/text/names.hpp"
#include "image/convert.hpp"
#include "kyc/amount_words.hpp"

namespace kyc::detail {
namespace {

// ---- geometry ------------------------------------------------------------------------------

struct Box {
  int x = 0, y = 0, w = 0, h = 0;
  int right() const { return x + w; }
  int bottom() const { return y + h; }
  double cx() const { return x + w / 2.0; }
  double cy() const { return y + h / 2.0; }
  bool empty() const { return w <= 0 || h <= 0; }
};

Box clamp(Box b, int width, int height) {
  const int x0 = std::clamp(b.x, 0, width), y0 = std::clamp(b.y, 0, height);
  const int x1 = std::clamp(b.right(), 0, width), y1 = std::clamp(b.bottom(), 0, height);
  return {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

Rect to_rect(const Box& b, double scale) {
  const auto s = static_cast<float>(1.0 / scale);
  return {b.x * s, b.y * s, b.w * s, b.h * s};
}

Box unite(const Box& a, const Box& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  const int x0 = std::min(a.x, b.x), y0 = std::min(a.y, b.y);
  return {x0, y0, std::max(a.right(), b.right()) - x0, std::max(a.bottom(), b.bottom()) - y0};
}

// ---- OCR words -----------------------------------------------------------------------------

struct Word {
  std::string text;   // as read
  std::string token;  // lower-case letters and digits only
  float confidence = 0;
  Box box;
};

std::string token_of(const std::string& text) {
  std::string t;
  for (unsigned char c : text) {
    if (c < 128 && std::isalnum(c)) t += static_cast<char>(std::tolower(c));
  }
  return t;
}

std::vector<Word> words_of(const std::vector<OcrLine>& lines, int dx, int dy) {
  std::vector<Word> out;
  for (const auto& l : lines) {
    for (const auto& w : l.words) {
      Word word{w.text, token_of(w.text), w.confidence, {w.x + dx, w.y + dy, w.width, w.height}};
      if (!word.text.empty()) out.push_back(std::move(word));
    }
  }
  return out;
}

constexpr double kInkBelowBackground = 45;  // gray levels darker than the page = ink
// A payee line starting further right than this fraction of the width has its label left of it.
constexpr double kLabelLeftOfRule = 0.08;

// Whether one of the renderings of the page already read holds the same pixels as `page` in
// `box` (no rule to paint over there): reading it again would give the same words.
bool read_before(const std::vector<const cv::Mat*>& read, const cv::Mat& page, const Box& box) {
  if (box.empty()) return !read.empty();
  const cv::Rect r(box.x, box.y, box.w, box.h);
  for (const cv::Mat* m : read) {
    if (cv::norm((*m)(r), page(r), cv::NORM_INF) == 0) return true;
  }
  return false;
}

// Reads a crop as one line of text (PSM 7); the words keep page coordinates. `gray` is the page
// with its printed rules (box borders, underlines) painted over: Tesseract reads them as "|", "_"
// or merges them into the glyphs they touch.
std::vector<Word> read_line(const cv::Mat& gray, const cv::Mat& ink, const Box& box, double paper,
                            const TesseractPool& eng) {
  if (box.w < 8 || box.h < 8) return {};
  // Blank paper: Tesseract still "reads" texture as words, so no ink means nothing written.
  if (cv::countNonZero(ink(cv::Rect(box.x, box.y, box.w, box.h))) < 30) return {};
  // A white margin: Tesseract misses glyphs that touch the image border.
  // Paper-coloured, not replicated: replicating an edge that cuts a glyph draws streaks that
  // read as "1".
  cv::Mat crop;
  const int pad = std::max(4, box.h / 4);
  cv::copyMakeBorder(gray(cv::Rect(box.x, box.y, box.w, box.h)), crop, pad, pad, pad, pad,
                     cv::BORDER_CONSTANT, cv::Scalar(paper));
  // Flatten what is only a little darker than paper (paper texture, the faint anti-aliased
  // ghost of a painted-over rule or glyph): Tesseract reads such ghosts as "=" or "SV" and then
  // misses the amount beside them.
  crop.setTo(cv::Scalar(paper), crop > paper - kInkBelowBackground / 2);
  const auto lines = eng.recognise(crop.data, crop.cols, crop.rows, static_cast<int>(crop.step), 7);
  // Word boxes can reach into the padding (and so past the crop, over whatever is printed
  // there): a field never extends beyond the place it was read from.
  std::vector<Word> words = words_of(lines, box.x - pad, box.y - pad);
  for (auto& w : words) {
    const int x0 = std::max(w.box.x, box.x), y0 = std::max(w.box.y, box.y);
    const int x1 = std::min(w.box.right(), box.right()),
              y1 = std::min(w.box.bottom(), box.bottom());
    w.box = {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
  }
  return words;
}

// Words that are writing rather than specks or texture: tall enough and not pure guesswork.
// The legal amount keeps low-confidence words (min_confidence 0): dropping "THIRTY-FOUR" read
// at 9 % would turn 1234.56 into a well-formed 1200.56, while keeping a misread word only makes
// the amount unreadable.
std::vector<Word> plausible(std::vector<Word> words, int text_h, float min_confidence = 20) {
  words.erase(std::remove_if(words.begin(), words.end(),
                             [&](const Word& w) {
                               return (w.token.empty() && w.text != "&") ||
                                      w.confidence < min_confidence || w.box.h < text_h / 2;
                             }),
              words.end());
  return words;
}

std::string join(const std::vector<Word>& words, float* confidence, Box* box) {
  std::string text;
  float sum = 0;
  Box b;
  for (const auto& w : words) {
    text += (text.empty() ? "" : " ") + w.text;
    sum += w.confidence;
    b = unite(b, w.box);
  }
  if (confidence != nullptr)
    *confidence = words.empty() ? 0 : sum / static_cast<float>(words.size());
  if (box != nullptr) *box = b;
  return text;
}

bool is_dollars(const std::string& token) {
  return token == "dollars" || token == "dollar" || token == "dollaks" || token == "doliars" ||
         token == "dollar5";
}

// "DATE" as OCR reads the printed label ("paATE", "DATE:", "DATED").
bool is_date_label(const std::string& token) {
  if (token == "date" || token == "dated") return true;
  return token.size() >= 4 && token.size() <= 5 && token.compare(token.size() - 3, 3, "ate") == 0;
}

// OCR repair of the legal amount before parse_amount_words (which stays strict): a word that
// is not in the amount vocabulary becomes the vocabulary word within one edit (two for words of
// six letters or more), so "Dallas" reads "dollars" and "Hundrcd" "hundred".
std::string amount_words_repaired(const std::string& text) {
  static const char* kVocabulary[] = {
      "one",      "two",     "three",     "four",     "five",     "six",      "seven",
      "eight",    "nine",    "ten",       "eleven",   "twelve",   "thirteen", "fourteen",
      "fifteen",  "sixteen", "seventeen", "eighteen", "nineteen", "twenty",   "thirty",
      "forty",    "fifty",   "sixty",     "seventy",  "eighty",   "ninety",   "hundred",
      "thousand", "million", "dollars",   "only",     "cents",    "zero"};
  std::string out, word;
  auto flush = [&] {
    if (word.empty()) return;
    std::string lower;
    for (unsigned char c : word) lower += static_cast<char>(std::tolower(c));
    bool letters = lower.size() >= 4;
    for (unsigned char c : lower) letters &= std::isalpha(c) != 0;
    if (letters) {
      const std::size_t allowed = lower.size() >= 6 ? 2 : 1;
      std::size_t best = allowed + 1;
      const char* best_word = nullptr;
      for (const char* v : kVocabulary) {
        const std::size_t d = text::edit_distance(lower, v);
        if (d < best) {
          best = d;
          best_word = v;
        }
      }
      if (best_word != nullptr && best > 0) lower = best_word;
    }
    out += lower;
    word.clear();
  };
  // A superscript "00/100" reads as "°%oo", "%co", "0%00": "%" (a slash between two zeros) in
  // a word of zeros and o-like letters is the no-cents fraction.
  std::string input;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ') ++j;
    const std::string w = text.substr(i, j - i);
    bool zeros = w.find('%') != std::string::npos;
    for (std::size_t k = 0; zeros && k < w.size(); ++k) {
      const auto c = static_cast<unsigned char>(w[k]);
      zeros = c == '%' || c == '0' || c == 'o' || c == 'O' || c == 'c' || c >= 128;
    }
    input += zeros ? std::string("00/100") : w;
    if (j < text.size()) input += ' ';
    i = j + 1;
  }
  for (char c : input) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      word += c;
    } else {
      flush();
      out += c;
    }
  }
  flush();
  return out;
}

// Courtesy-box OCR: letters that Tesseract confuses with digits in a numeric field.
std::string digits_repaired(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    switch (c) {
      case 'O':
      case 'o':
      case 'D':
      case 'Q':
        out += '0';
        break;
      case 'l':
      case 'I':
      case '{':
      case '}':
      case '(':
      case ')':
      case '!':
        out += '1';
        break;
      case 'S':
        out += '5';
        break;
      case 'B':
        out += '8';
        break;
      case 'Z':
        out += '2';
        break;
      default:
        out += static_cast<char>(c);
    }
  }
  return out;
}

// ---- pixels --------------------------------------------------------------------------------

// Thresholds of the region statistics, calibrated in docs/cheque-fields.md.
constexpr double kBackgroundStepLimit = 4.3;  // CIELAB ΔE between strips of one region
constexpr double kInkColourLimit = 25.0;      // CIELAB ΔE of a region's ink vs the others
constexpr int kMinInkPixels = 40;

struct PageStats {
  double background_l = 0;   // mean luminance (0..255) of background pixels above MICR
  double background_sd = 1;  // their standard deviation
  double ink_threshold = 0;  // gray level below which a pixel is ink
};

struct RegionPixels {
  cv::Vec3d background_lab{0, 0, 0};
  double background_l = 0;  // gray level 0..255
  bool has_background = false;
  cv::Vec3d ink_lab{0, 0, 0};
  bool has_ink = false;
  double background_step = 0;  // max ΔE between strips' background means
};

cv::Vec3d median_lab(std::vector<cv::Vec3b>& pixels) {
  cv::Vec3d out;
  for (int c = 0; c < 3; ++c) {
    std::vector<int> v;
    v.reserve(pixels.size());
    for (const auto& p : pixels) v.push_back(p[c]);
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    out[c] = v[v.size() / 2];
  }
  // OpenCV 8-bit Lab: L*255/100, a+128, b+128.
  return {out[0] * 100.0 / 255.0, out[1] - 128.0, out[2] - 128.0};
}

double delta_e(const cv::Vec3d& a, const cv::Vec3d& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                   (a[2] - b[2]) * (a[2] - b[2]));
}

RegionPixels measure_region(const cv::Mat& lab, const cv::Mat& gray, const cv::Mat& ink,
                            const cv::Mat& near_ink, const Box& box) {
  RegionPixels r;
  if (box.w < 4 || box.h < 4) return r;
  // Strips half as wide as the region is high: a pasted patch over part of a field (one digit
  // or word) covers at least one strip whole, so strips disagree, while a printed box fill or
  // a page gradient does not.
  const int strips = std::clamp(2 * box.w / std::max(1, box.h), 2, 48);
  // Ink colour from the middle band of the box only: the body of the writing, not the rule it
  // sits on or print that a loose OCR box grazes at its top and bottom.
  const int ink_top = box.y + box.h / 5, ink_bottom = box.bottom() - box.h / 5;
  std::vector<cv::Vec3d> strip_medians;
  std::vector<cv::Vec3b> ink_pixels, bg_pixels, strip_pixels;
  double gray_sum = 0;
  for (int s = 0; s < strips; ++s) {
    const int x0 = box.x + box.w * s / strips, x1 = box.x + box.w * (s + 1) / strips;
    strip_pixels.clear();
    for (int y = box.y; y < box.bottom(); ++y) {
      const auto* l = lab.ptr<cv::Vec3b>(y);
      const auto* g = gray.ptr<std::uint8_t>(y);
      const auto* k = ink.ptr<std::uint8_t>(y);
      const auto* nk = near_ink.ptr<std::uint8_t>(y);
      for (int x = x0; x < x1; ++x) {
        if (k[x] != 0) {
          if (y >= ink_top && y < ink_bottom) ink_pixels.push_back(l[x]);
        } else if (nk[x] == 0) {
          gray_sum += g[x];
          bg_pixels.push_back(l[x]);
          strip_pixels.push_back(l[x]);
        }
      }
    }
    // Medians: JPEG ringing and chroma bleeding next to strokes must not move a strip.
    if (strip_pixels.size() >= 60) strip_medians.push_back(median_lab(strip_pixels));
  }
  if (!bg_pixels.empty()) {
    r.has_background = true;
    r.background_l = gray_sum / static_cast<double>(bg_pixels.size());
    r.background_lab = median_lab(bg_pixels);
  }
  // A step, not a slope: the two strips left of each boundary against the two right of it,
  // so that a page gradient across a long line does not add up.
  constexpr std::size_t kWindow = 2;
  for (std::size_t i = kWindow; i + kWindow <= strip_medians.size(); ++i) {
    cv::Vec3d left{0, 0, 0}, right{0, 0, 0};
    for (std::size_t k = 0; k < kWindow; ++k) {
      left += strip_medians[i - 1 - k];
      right += strip_medians[i + k];
    }
    r.background_step = std::max(r.background_step, delta_e(left / 2.0, right / 2.0));
  }
  if (static_cast<int>(ink_pixels.size()) >= kMinInkPixels) {
    r.has_ink = true;
    r.ink_lab = median_lab(ink_pixels);
  }
  return r;
}

// Horizontal printed lines (signature line, payee line) in a zone: rows of a morphological
// opening with a long horizontal kernel.
std::vector<Box> horizontal_lines(const cv::Mat& ink, const Box& zone, int min_length) {
  std::vector<Box> out;
  if (zone.empty() || min_length < 2) return out;
  cv::Mat opened;
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(min_length, 1));
  cv::morphologyEx(ink(cv::Rect(zone.x, zone.y, zone.w, zone.h)), opened, cv::MORPH_OPEN, kernel);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(opened, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  for (const auto& c : contours) {
    const cv::Rect r = cv::boundingRect(c);
    if (r.width >= min_length && r.height <= std::max(6, zone.h / 20)) {
      out.push_back({r.x + zone.x, r.y + zone.y, r.width, r.height});
    }
  }
  return out;
}

text::CivilDate today_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

}  // namespace

PrintedChequeFields read_printed_cheque_fields(const ImageView& cheque, int micr_band_top,
                                               const TesseractPool& eng) {
  PrintedChequeFields out;
  // Too small to hold a cheque, or a MICR band outside the image: nothing to read.
  if (cheque.empty() || cheque.width() < 200 || cheque.height() < 80) return out;
  if (micr_band_top < cheque.height() / 2 || micr_band_top > cheque.height()) return out;

  // Work at a width where printed capitals are ~25 px high: 1600 px for a 6-inch cheque.
  const double scale = 1600.0 / cheque.width();
  cv::Mat bgr_full = to_bgr(cheque);
  cv::Mat bgr;
  cv::resize(bgr_full(cv::Rect(0, 0, cheque.width(), micr_band_top)), bgr, cv::Size(), scale, scale,
             scale > 1 ? cv::INTER_CUBIC : cv::INTER_AREA);
  const int W = bgr.cols, Z = bgr.rows;  // Z: the zone above the MICR band
  if (W < 100 || Z < 40) return out;
  cv::Mat gray, lab;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::cvtColor(bgr, lab, cv::COLOR_BGR2Lab);

  // Page background: the median gray level; ink is anything clearly darker.
  PageStats page;
  {
    cv::Mat hist;
    const int channels[] = {0};
    const int bins[] = {256};
    const float range[] = {0, 256};
    const float* ranges[] = {range};
    cv::calcHist(&gray, 1, channels, cv::Mat(), hist, 1, bins, ranges);
    const double total = static_cast<double>(gray.total());
    double cum = 0;
    int median = 0;
    for (int i = 0; i < 256; ++i) {
      cum += hist.at<float>(i);
      if (cum >= total / 2) {
        median = i;
        break;
      }
    }
    page.ink_threshold = median - kInkBelowBackground;
    cv::Mat bg_mask = gray > page.ink_threshold;
    cv::Scalar mean, sd;
    cv::meanStdDev(gray, mean, sd, bg_mask);
    page.background_l = mean[0];
    page.background_sd = std::max(1.0, sd[0]);
  }
  cv::Mat ink = gray < page.ink_threshold;  // 255 where ink
  // Printed rules: horizontal runs longer than three capitals, vertical runs taller than two.
  // They are neither writing nor paper: OCR crops paint them over, the statistics skip them.
  const int text_h = std::max(12, static_cast<int>(0.036 * Z));
  cv::Mat rules;
  {
    cv::Mat horizontal, vertical;
    cv::morphologyEx(ink, horizontal, cv::MORPH_OPEN,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3 * text_h, 1)));
    cv::morphologyEx(ink, vertical, cv::MORPH_OPEN,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(1, 2 * text_h + 4)));
    cv::dilate(horizontal | vertical, rules,
               cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
  }
  // Handwriting has tall vertical strokes too, so only the courtesy box (whose digits are much
  // shorter than its borders) is read with vertical rules removed.
  cv::Mat gray_clean = gray.clone();
  {
    cv::Mat horizontal_only;
    cv::morphologyEx(ink, horizontal_only, cv::MORPH_OPEN,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3 * text_h, 1)));
    cv::dilate(horizontal_only, horizontal_only,
               cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
    gray_clean.setTo(cv::Scalar(page.background_l), horizontal_only);
  }
  cv::Mat gray_boxless = gray.clone();
  gray_boxless.setTo(cv::Scalar(page.background_l), rules);
  cv::Mat writing = ink & ~rules;
  cv::Mat near_ink;
  // Background statistics keep 2 px away from ink (anti-aliasing); the per-strip medians
  // absorb JPEG's chroma bleeding further out.
  cv::dilate(ink, near_ink, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5)));

  // ---- anchors ----
  // The "$", "DOLLARS", "DATE" and the serial sit in the right half of every US/Canadian
  // personal cheque, above the signature: one sparse-text pass over that zone only. The left
  // half holds the name and address block, the bank's block and the handwritten payee and legal
  // amount, which the pass would otherwise spend most of its time on (template specimen 186 ms
  // for the whole zone, 45 ms for this one; docs/cheque.md).
  std::vector<Word> words;
  {
    const Box zone = clamp({W / 2, 0, W - W / 2, static_cast<int>(0.8 * Z)}, W, Z);
    const auto lines = eng.recognise(gray.ptr<std::uint8_t>(zone.y, zone.x), zone.w, zone.h,
                                     static_cast<int>(gray.step), 11);
    words = words_of(lines, zone.x, zone.y);
  }
  // The payee line: the topmost long rule in the middle of the left part. "PAY TO THE / ORDER
  // OF" sits left of it (the payee is written from the rule's start) or above its left end
  // (only then is the label block read, to know where the payee starts).
  Box payee_rule;
  {
    const auto rules_left = horizontal_lines(
        ink,
        clamp(
            {0, static_cast<int>(0.3 * Z), static_cast<int>(0.72 * W), static_cast<int>(0.45 * Z)},
            W, Z),
        W / 4);
    for (const auto& l : rules_left) {
      if (l.x < 0.3 * W && (payee_rule.empty() || l.y < payee_rule.y)) payee_rule = l;
    }
    if (!payee_rule.empty() && payee_rule.x <= kLabelLeftOfRule * W) {
      const int top = payee_rule.y - 4 * text_h;
      const Box labels =
          clamp({0, top, static_cast<int>(0.25 * W), payee_rule.y + text_h / 2 - top}, W, Z);
      if (labels.w >= 2 * text_h && labels.h >= text_h) {
        const auto lines = eng.recognise(gray.ptr<std::uint8_t>(labels.y, labels.x), labels.w,
                                         labels.h, static_cast<int>(gray.step), 11);
        for (auto& w : words_of(lines, labels.x, labels.y)) words.push_back(std::move(w));
      }
    }
  }
  const Word* dollar_sign = nullptr;
  const Word* dollars_label = nullptr;
  const Word* date_label = nullptr;
  const Word* order_label = nullptr;
  for (const auto& w : words) {
    if (w.text.find('$') != std::string::npos && w.box.cx() > 0.45 * W && w.box.cy() < 0.75 * Z &&
        (dollar_sign == nullptr || w.box.x > dollar_sign->box.x)) {
      // The right-most "$" in the upper part: the courtesy box ("PAYABLE IN US$" headers
      // sit at the very top, the "$" of the box further right and lower).
      if (w.box.cy() > 0.15 * Z) dollar_sign = &w;
    }
    if (is_dollars(w.token) && w.box.cx() > 0.5 * W &&
        (dollars_label == nullptr || w.box.right() > dollars_label->box.right())) {
      dollars_label = &w;
    }
    if (is_date_label(w.token) && w.box.cy() < 0.5 * Z) date_label = &w;
    if ((w.token == "order" || w.token == "orderof") && order_label == nullptr) order_label = &w;
  }

  // Printed labels are not writing: the statistics of a field box that overlaps one ("PAY TO
  // THE ORDER OF" beside a tall handwritten line) skip its pixels.
  for (const auto& w : words) {
    static const char* kLabels[] = {"pay",  "to",      "the",  "order", "of", "orderof",
                                    "date", "dollars", "memo", "for",   "us"};
    bool label = is_dollars(w.token) || is_date_label(w.token);
    for (const char* l : kLabels) label |= w.token == l;
    if (!label || w.confidence < 60) continue;
    const Box b = clamp({w.box.x - 2, w.box.y - 2, w.box.w + 4, w.box.h + 4}, W, Z);
    writing(cv::Rect(b.x, b.y, b.w, b.h)).setTo(0);
    near_ink(cv::Rect(b.x, b.y, b.w, b.h)).setTo(255);
  }

  // OCR boxes cut glyphs tight, and a crop that starts just right of a label keeps a sliver of
  // it that reads as "1" or "E": the "$" and "DATE" glyphs are painted over whole (their
  // connected ink) in the images the values are read from.
  cv::Mat gray_ocr = gray.clone();
  auto erase_glyphs = [&](const Box& b) {
    const Box around = clamp({b.x - b.w, b.y - b.h / 4, 3 * b.w, b.h + b.h / 2}, W, Z);
    const Box inside = clamp(b, W, Z);
    if (around.empty() || inside.empty()) return;
    const cv::Rect r(around.x, around.y, around.w, around.h);
    cv::Mat labels;
    const int count = cv::connectedComponents(ink(r), labels, 8, CV_32S);
    std::vector<bool> of_glyph(static_cast<std::size_t>(count) + 1, false);
    for (int y = inside.y; y < inside.bottom(); ++y) {
      for (int x = inside.x; x < inside.right(); ++x) {
        const int l = labels.at<int>(y - around.y, x - around.x);
        if (l > 0) of_glyph[static_cast<std::size_t>(l)] = true;
      }
    }
    const auto paper = cv::saturate_cast<std::uint8_t>(page.background_l);
    for (int y = 0; y < labels.rows; ++y) {
      for (int x = 0; x < labels.cols; ++x) {
        if (!of_glyph[static_cast<std::size_t>(labels.at<int>(y, x))]) continue;
        for (cv::Mat* target : {&gray_ocr, &gray_clean, &gray_boxless}) {
          target->at<std::uint8_t>(y + around.y, x + around.x) = paper;
        }
      }
    }
  };
  if (dollar_sign != nullptr) erase_glyphs(dollar_sign->box);
  if (date_label != nullptr) erase_glyphs(date_label->box);

  // ---- courtesy amount ----
  {
    Box region;
    if (dollar_sign != nullptr) {
      const Box& d = dollar_sign->box;
      const int left = d.right() + 2;
      region = {left, d.y - d.h / 2, W - left - W / 60, d.h * 2};
    } else {
      region = {static_cast<int>(0.70 * W), static_cast<int>(0.30 * Z), static_cast<int>(0.28 * W),
                static_cast<int>(0.22 * Z)};
    }
    region = clamp(region, W, Z);
    auto line = plausible(read_line(gray_boxless, writing, region, page.background_l, eng), text_h);
    // Drop the "$" itself and anything before it; keep the number words.
    std::vector<Word> value;
    for (auto& w : line) {
      std::string repaired = digits_repaired(w.text);
      if (repaired.find('$') != std::string::npos) {
        repaired = repaired.substr(repaired.find('$') + 1);
        if (repaired.empty()) continue;
      }
      bool has_digit = false;
      for (char c : repaired) has_digit |= std::isdigit(static_cast<unsigned char>(c)) != 0;
      if (!has_digit) continue;
      w.text = repaired;
      value.push_back(w);
    }
    // Leading marks (a "$" read as "S1", a protection "*") are dropped: the longest run of
    // trailing words that parses is the amount.
    for (std::size_t start = 0; start < value.size(); ++start) {
      std::vector<Word> tail(value.begin() + static_cast<std::ptrdiff_t>(start), value.end());
      if (parse_courtesy_amount(join(tail, nullptr, nullptr))) {
        value = std::move(tail);
        break;
      }
    }
    Box found_box;
    out.courtesy_amount.text = join(value, &out.courtesy_amount.confidence, &found_box);
    out.courtesy_amount.found = !value.empty();
    out.courtesy_amount.region = to_rect(out.courtesy_amount.found ? found_box : region, scale);
    if (out.courtesy_amount.found) {
      out.courtesy_cents = parse_courtesy_amount(out.courtesy_amount.text);
    }
  }

  // ---- legal amount ----
  {
    Box region;
    if (dollars_label != nullptr) {
      const Box& d = dollars_label->box;
      // Handwriting on the line is taller than the printed label: up to three capitals above it.
      const int top = d.bottom() - 16 * text_h / 5;
      region = {W / 60, top, d.x - W / 60, d.bottom() + text_h / 2 - top};
    } else {
      region = {W / 60, static_cast<int>(0.50 * Z), static_cast<int>(0.78 * W),
                static_cast<int>(0.18 * Z)};
    }
    region = clamp(region, W, Z);
    // Read with the rules painted over (a fill line through the words) and, when that does not
    // parse, as printed (painting can clip a letter that touches the line).
    std::vector<const cv::Mat*> read_already;
    for (const cv::Mat* source : {&gray_clean, &gray_ocr}) {
      if (read_before(read_already, *source, region)) continue;
      read_already.push_back(source);
      std::vector<Word> value;
      for (const auto& w :
           plausible(read_line(*source, writing, region, page.background_l, eng), text_h, 0)) {
        // The fill line ("————") reads as dashes or nothing, the line's end hook as one
        // letter; keep words with two letters or digits ("&" is "and").
        if (w.token.size() >= 2 || w.text == "&") value.push_back(w);
      }
      if (value.empty()) continue;
      std::optional<std::int64_t> cents =
          parse_amount_words(amount_words_repaired(join(value, nullptr, nullptr)));
      // A stray mark read as a word at the end of the line: retry without it. Never without a
      // word that carries the cents ("and", "&", digits, "/"): "One Hundred Dollars and ??"
      // must stay unreadable, not become a round hundred.
      auto droppable = [](const Word& w) {
        if (w.token == "and" || w.text == "&") return false;
        for (unsigned char c : w.text) {
          if (std::isdigit(c) || c == '/' || c == '%') return false;
        }
        return true;
      };
      std::size_t kept = value.size();
      for (std::size_t drop = 1;
           !cents && drop <= 2 && drop < value.size() && droppable(value[value.size() - drop]);
           ++drop) {
        std::vector<Word> head(value.begin(), value.end() - static_cast<std::ptrdiff_t>(drop));
        cents = parse_amount_words(amount_words_repaired(join(head, nullptr, nullptr)));
        if (cents) kept = head.size();
      }
      if (!out.legal_amount.found || cents) {
        Box found_box;
        value.resize(kept);
        out.legal_amount.text = join(value, &out.legal_amount.confidence, &found_box);
        out.legal_amount.found = true;
        out.legal_amount.region = to_rect(found_box, scale);
        out.legal_cents = cents;
      }
      if (cents) break;
    }
    // Writing right of the last word read means the line was read only in part ("One Hundred
    // Dollars" of "One Hundred Dollars and —— 55/"): a well-formed prefix is not the amount.
    if (out.legal_cents) {
      const int read_right =
          static_cast<int>((out.legal_amount.region.x + out.legal_amount.region.width) * scale) +
          text_h;
      const Box rest = clamp({read_right, region.y, region.right() - read_right, region.h}, W, Z);
      if (!rest.empty()) {
        // A hand-drawn fill line ("————", wavy, so not a rule) is flat: not unread writing.
        cv::Mat labels, stats, centroids;
        const int n = cv::connectedComponentsWithStats(
            writing(cv::Rect(rest.x, rest.y, rest.w, rest.h)), labels, stats, centroids, 8);
        int unread = 0;
        for (int c = 1; c < n; ++c) {
          const bool flat = stats.at<int>(c, cv::CC_STAT_HEIGHT) <= text_h / 2 &&
                            stats.at<int>(c, cv::CC_STAT_WIDTH) >= 2 * text_h;
          if (!flat) unread += stats.at<int>(c, cv::CC_STAT_AREA);
        }
        if (unread > 4 * text_h) out.legal_cents.reset();
      }
    }
    // Unparsed guesswork (paper texture, a scribble) is not a found field.
    if (!out.legal_cents && out.legal_amount.confidence < 20) out.legal_amount = {};
    if (!out.legal_amount.found) out.legal_amount.region = to_rect(region, scale);
  }

  // ---- serial: the largest printed digits-only word at the top right ----
  {
    const Word* best = nullptr;
    for (const auto& w : words) {
      if (w.box.cx() < 0.6 * W || w.box.cy() > 0.3 * Z) continue;
      if (w.token.size() < 2 || w.token.size() > 8) continue;
      // Printed, not a handwritten date beside it: two capitals high at most, read clearly.
      if (w.box.h > 5 * text_h / 2 || w.confidence < 50) continue;
      bool digits = true;
      for (unsigned char c : w.text) digits &= std::isdigit(c) != 0;
      if (!digits) continue;
      if (best == nullptr || w.box.h > best->box.h) best = &w;
    }
    const Box fallback = clamp(
        {static_cast<int>(0.75 * W), 0, static_cast<int>(0.25 * W), static_cast<int>(0.15 * Z)}, W,
        Z);
    if (best != nullptr) {
      out.serial.text = best->text;
      out.serial.confidence = best->confidence;
      out.serial.region = to_rect(best->box, scale);
      out.serial.found = true;
      erase_glyphs(best->box);  // the date crop often reaches up to it
    } else {
      out.serial.region = to_rect(fallback, scale);
    }
  }

  // ---- date ----
  {
    Box region;
    if (date_label != nullptr) {
      const Box& d = date_label->box;
      // Up to the end of the line the date is written on, when there is one: the bank's
      // fractional routing number and the serial sit further right.
      int right = W - W / 60;
      const auto rules_near =
          horizontal_lines(ink, clamp({d.x, d.y, W - d.x, d.h * 5 / 2}, W, Z), 4 * d.h);
      for (const auto& l : rules_near) {
        if (l.x <= d.right() + 3 * d.h && l.right() > d.right())
          right = std::min(W, l.right() + d.h);
      }
      region = {d.right() + d.h / 3, d.y - d.h, right - d.right() - d.h / 3, d.h * 3};
    } else {
      region = {static_cast<int>(0.60 * W), static_cast<int>(0.10 * Z), static_cast<int>(0.38 * W),
                static_cast<int>(0.20 * Z)};
    }
    region = clamp(region, W, Z);
    const text::CivilDate today = today_utc();
    // The date as the longest run of words that parses (a grazed label or a stray mark beside
    // it does not spoil it). US and Canadian cheques write numeric dates month first unless
    // the day says otherwise.
    auto date_of = [&](const std::vector<Word>& value, std::vector<Word>* used) -> std::string {
      for (std::size_t length = value.size(); length > 0; --length) {
        for (std::size_t start = 0; start + length <= value.size(); ++start) {
          const std::vector<Word> run(value.begin() + static_cast<std::ptrdiff_t>(start),
                                      value.begin() + static_cast<std::ptrdiff_t>(start + length));
          const auto parsed =
              text::parse_date(join(run, nullptr, nullptr), text::DateRole::other, today);
          if (!parsed.ok()) continue;
          const text::DateCandidate* pick = &parsed.candidates.front();
          for (const auto& c : parsed.candidates) {
            if (c.format == "MM/DD/YYYY") pick = &c;
          }
          *used = run;
          return pick->date.iso();
        }
      }
      return {};
    };
    // Read with horizontal rules painted over, then, when that gives no date, as printed
    // (painting can clip a descender on the line), then with the cells of a boxed date
    // (YYYYMMDD) painted over too.
    std::vector<const cv::Mat*> read_already;
    for (const cv::Mat* source : {&gray_clean, &gray_ocr, &gray_boxless}) {
      if (read_before(read_already, *source, region)) continue;
      read_already.push_back(source);
      std::vector<Word> value;
      for (const auto& w :
           plausible(read_line(*source, writing, region, page.background_l, eng), text_h, 0)) {
        if (!w.token.empty()) value.push_back(w);
      }
      if (value.empty()) continue;
      std::vector<Word> used;
      const std::string iso = date_of(value, &used);
      if (!out.date.found || !iso.empty()) {
        Box found_box;
        out.date.text = join(iso.empty() ? value : used, &out.date.confidence, &found_box);
        out.date.found = true;
        out.date.region = to_rect(found_box, scale);
        out.date_iso = iso;
      }
      if (!iso.empty()) break;
    }
    if (out.date_iso.empty() && out.date.confidence < 20) out.date = {};
    if (!out.date.found) out.date.region = to_rect(region, scale);
  }

  // ---- signature: ink above the lowest long line in the right half ----
  {
    const Box zone = clamp({W / 2, Z / 2, W / 2, Z / 2}, W, Z);
    const auto lines = horizontal_lines(ink, zone, W / 6);
    const Box* line = nullptr;
    for (const auto& l : lines) {
      if (l.cx() > 0.55 * W && (line == nullptr || l.y > line->y)) line = &l;
    }
    Box region;
    if (line != nullptr) {
      // Up to the next rule above that spans the same columns (the legal-amount line), so that
      // only the signature's own space is measured.
      int ceiling = Z / 2;
      for (const auto& l : lines) {
        const bool overlaps = l.x < line->right() && l.right() > line->x;
        if (overlaps && l.bottom() < line->y - 4) ceiling = std::max(ceiling, l.bottom() + 4);
      }
      const int height = std::min(static_cast<int>(0.22 * Z), line->y - ceiling);
      region = {line->x, line->y - height, line->w, height - 2};
    } else {
      region = {static_cast<int>(0.55 * W), static_cast<int>(0.70 * Z), static_cast<int>(0.42 * W),
                static_cast<int>(0.24 * Z)};
    }
    region = clamp(region, W, Z);
    out.signature_region = to_rect(region, scale);
    if (!region.empty()) {
      out.signature_ink = static_cast<double>(cv::countNonZero(
                              ink(cv::Rect(region.x, region.y, region.w, region.h)))) /
                          static_cast<double>(region.w * region.h);
    }
  }

  // ---- payee region (statistics only: the payee is not read) ----
  Box payee;
  const int payee_right =
      dollar_sign != nullptr ? dollar_sign->box.x - text_h : static_cast<int>(0.68 * W);
  if (!payee_rule.empty() && payee_rule.x > kLabelLeftOfRule * W) {
    // Written on the rule from its start; up to three capitals above it.
    const int left = payee_rule.x + text_h / 2, top = payee_rule.y - 16 * text_h / 5;
    payee = {left, top, std::min(payee_right, payee_rule.right()) - left,
             payee_rule.y + text_h / 2 - top};
  } else if (order_label != nullptr) {
    // Right of the "PAY TO THE / ORDER OF" label block, up to the "$"; handwriting sits on the
    // line level with "ORDER OF" and rises up to three capitals above it.
    const Box& o = order_label->box;
    int label_right = o.right();
    for (const auto& w : words) {
      const bool label = w.token == "pay" || w.token == "to" || w.token == "the" ||
                         w.token == "of" || w.token == "order";
      if (label && w.box.x < o.right() + 2 * o.h && std::abs(w.box.cy() - o.cy()) < 3 * o.h) {
        label_right = std::max(label_right, w.box.right());
      }
    }
    const int top = o.bottom() - 16 * text_h / 5;
    payee = {label_right + o.h / 2, top, payee_right - label_right - o.h / 2,
             o.bottom() + text_h / 2 - top};
  } else {
    payee = {static_cast<int>(0.14 * W), static_cast<int>(0.33 * Z), static_cast<int>(0.52 * W),
             static_cast<int>(0.15 * Z)};
  }
  payee = clamp(payee, W, Z);
  // The payee's writing gives the statistics a tight box (the payee text itself is not
  // reported, so it is not read): the ink components at least half a capital high, which
  // leaves out specks and the painted-over rule's remains.
  bool payee_written = false;
  if (!payee.empty()) {
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(
        writing(cv::Rect(payee.x, payee.y, payee.w, payee.h)), labels, stats, centroids, 8);
    Box ink_box;
    for (int c = 1; c < n; ++c) {
      if (stats.at<int>(c, cv::CC_STAT_HEIGHT) < text_h / 2) continue;
      ink_box = unite(ink_box,
                      {payee.x + stats.at<int>(c, cv::CC_STAT_LEFT),
                       payee.y + stats.at<int>(c, cv::CC_STAT_TOP),
                       stats.at<int>(c, cv::CC_STAT_WIDTH), stats.at<int>(c, cv::CC_STAT_HEIGHT)});
    }
    if (!ink_box.empty()) {
      payee = ink_box;
      payee_written = true;
    }
  }

  // ---- altered-region statistics ----
  {
    auto field_box = [&](const ChequeTextField& f) {
      const Box b{static_cast<int>(f.region.x * scale), static_cast<int>(f.region.y * scale),
                  static_cast<int>(f.region.width * scale),
                  static_cast<int>(f.region.height * scale)};
      // Exactly the writing's box: any margin would reach past the border of a printed box
      // drawn tight around the amount (Wikimedia specimen) and compare two papers.
      return clamp(b, W, Z);
    };
    struct Named {
      const char* name;
      Box box;
      bool written;  // writing was read there: its ink takes part in the comparison
    };
    const Named named[] = {
        {"courtesy_amount", field_box(out.courtesy_amount), out.courtesy_amount.found},
        {"legal_amount", field_box(out.legal_amount), out.legal_amount.found},
        {"payee", field_box({"", 0, to_rect(payee, scale), payee_written}), payee_written}};
    std::vector<RegionPixels> pixels;
    for (const auto& n : named)
      pixels.push_back(measure_region(lab, gray, writing, near_ink, n.box));
    for (std::size_t i = 0; i < std::size(named); ++i) {
      RegionStatistics s;
      s.name = named[i].name;
      s.region = to_rect(named[i].box, scale);
      const RegionPixels& p = pixels[i];
      if (p.has_background) {
        s.background_delta = std::abs(p.background_l - page.background_l) / page.background_sd;
      }
      bool ink_comparable = false;
      if (p.has_ink && named[i].written) {
        std::vector<cv::Vec3d> others;
        for (std::size_t j = 0; j < pixels.size(); ++j) {
          if (j != i && pixels[j].has_ink && named[j].written) others.push_back(pixels[j].ink_lab);
        }
        if (!others.empty()) {
          double nearest = 1e9;
          for (const auto& o : others) nearest = std::min(nearest, delta_e(p.ink_lab, o));
          s.ink_delta = nearest;
          // Which of two disagreeing fields is the odd one cannot be told: only a field that
          // differs from two others that agree with each other is flagged.
          ink_comparable = others.size() >= 2 && delta_e(others[0], others[1]) <= kInkColourLimit;
        }
      }
      if (p.background_step > kBackgroundStepLimit) {
        s.suspicious = true;
        s.reason = "background_inconsistent";
      } else if (ink_comparable && s.ink_delta > kInkColourLimit) {
        s.suspicious = true;
        s.reason = "ink_inconsistent";
      }
      out.regions.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace kyc::detail
