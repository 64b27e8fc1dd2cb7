// ChequeReader: the MICR line of a crop or of a whole cheque (band located at the bottom,
// deskewed by projection profile, 180 degrees tried), OCR with the E-13B model, parsing, checks;
// printed fields through detail::read_printed_cheque_fields.
#include <algorithm>
#include <cmath>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <string>
#include <vector>

#include "document/cheque/micr_internal.hpp"
#include "document/cheque/printed_fields.hpp"
#include "document/ocr/tesseract.hpp"
#include "image/convert.hpp"
#include "kyc/cheque.hpp"
#include "kyc/error.hpp"

namespace kyc {
namespace {

constexpr int kMinSide = 16;            // smaller images hold no readable MICR character
constexpr double kMaxAspect = 60.0;     // a longer sliver is not a line crop or a cheque
constexpr int kDetectWidth = 600;       // the deskew search runs on this width
constexpr int kChequeWidth = 1400;      // cheques are normalised to this width for MICR OCR
constexpr int kMaxPrintedWidth = 2000;  // printed fields: the input's resolution up to this
constexpr double kMicrStripTop = 0.70;  // the MICR clear band is the bottom 5/8 inch of ~2.75 in
constexpr float kSettledConfidence = 70;

struct ModelInfo {
  MicrSymbols symbols;
  const char* whitelist;
  int line_psm;  // page segmentation for one line: measured per model on the 48 crops
};

ModelInfo model_info(const std::string& model) {
  // e13b: --psm 13 (raw line) 0.15 % CER vs 0.54 % with --psm 7; micr_e13b: 21 % with 7, 33 %
  // with 13 (docs/cheque.md).
  if (model == "e13b") return {MicrSymbols::doubango, "0123456789ABCD", 13};
  if (model == "micr_e13b") return {MicrSymbols::finos, "0123456789TUAD", 7};
  throw Error(ErrorCode::invalid_argument,
              "MICR model '" + model + "' is not supported (use \"e13b\" or \"micr_e13b\")");
}

cv::Mat gray_of(const cv::Mat& bgr) {
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  return gray;
}

void check_shape(const cv::Mat& image) {
  const int small = std::min(image.cols, image.rows), large = std::max(image.cols, image.rows);
  if (small < kMinSide) {
    throw Error(ErrorCode::invalid_argument, "image too small for a MICR line (" +
                                                 std::to_string(image.cols) + "x" +
                                                 std::to_string(image.rows) + " px; at least " +
                                                 std::to_string(kMinSide) + " px per side)");
  }
  if (static_cast<double>(large) / small > kMaxAspect) {
    throw Error(ErrorCode::invalid_argument, "image aspect ratio " + std::to_string(large / small) +
                                                 ":1 is not a MICR line or a cheque");
  }
}

// One OCR'd candidate line: its tokens (with per-word confidence), parse, confidence and box.
struct LineRead {
  std::vector<detail::MicrToken> tokens;
  MicrFields fields;
  float confidence = 0;
  cv::Rect box;  // in the OCR'd image
  double score = -1;
};

LineRead line_read(const detail::OcrLine& line, MicrSymbols symbols) {
  LineRead r;
  for (const auto& w : line.words) {
    auto t = detail::tokenize_micr(w.text, symbols, w.confidence);
    r.tokens.insert(r.tokens.end(), t.begin(), t.end());
  }
  if (line.words.empty()) r.tokens = detail::tokenize_micr(line.text, symbols, line.confidence);
  r.fields = detail::parse_micr_tokens(r.tokens);
  r.confidence = line.confidence;
  r.box = cv::Rect(line.x, line.y, line.width, line.height);
  int digits = 0, symbols_seen = 0;
  for (const auto& t : r.tokens) {
    if (t.c >= '0' && t.c <= '9') ++digits;
    if (t.c == detail::kTransit || t.c == detail::kOnUs || t.c == detail::kAmount) ++symbols_seen;
  }
  // A MICR line has symbols among its digits; its transit field has a known shape. Border
  // patterns and printed text read by the E-13B model rarely give either.
  r.score = (digits + 2.0 * symbols_seen) * (line.confidence / 100.0);
  if (symbols_seen == 0) r.score *= 0.2;
  if (r.fields.layout != MicrLayout::unknown) r.score += 20;
  if (aba_checksum_valid(r.fields.routing.value)) r.score += 10;
  return r;
}

// A confident line with a transit field is the MICR line, upright: the text of an upside-down
// cheque read by the E-13B model gives neither.
bool is_settled(const LineRead& r) {
  return r.fields.routing.present() && r.confidence >= kSettledConfidence;
}

// Where the MICR line of one orientation of a cheque was found.
struct MicrSearch {
  LineRead line;
  int rotation = 0;   // 0 or 180: the half turn that made the line upright
  double skew = 0;    // degrees, corrected before OCR
  double scale = 1;   // the normalised (kChequeWidth) image's width / the searched image's
  int strip_top = 0;  // the searched strip's top row in the normalised image
  bool settled() const { return is_settled(line); }
};

// Small-angle skew of dark text lines: the angle whose horizontal projection is sharpest.
double estimate_skew_degrees(const cv::Mat& gray) {
  const double scale = static_cast<double>(kDetectWidth) / gray.cols;
  cv::Mat small, ink;
  cv::resize(gray, small, cv::Size(), scale, scale, cv::INTER_AREA);
  cv::adaptiveThreshold(small, ink, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, 15, 15);
  double best_angle = 0, best_sharpness = -1;
  for (double angle = -5; angle <= 5.001; angle += 0.5) {
    const cv::Mat m =
        cv::getRotationMatrix2D(cv::Point2f(ink.cols / 2.0f, ink.rows / 2.0f), angle, 1.0);
    cv::Mat rotated, rows;
    cv::warpAffine(ink, rotated, m, ink.size(), cv::INTER_NEAREST);
    cv::reduce(rotated, rows, 1, cv::REDUCE_SUM, CV_64F);
    double sharpness = 0;
    for (int y = 1; y < rows.rows; ++y) {
      const double d = rows.at<double>(y) - rows.at<double>(y - 1);
      sharpness += d * d;
    }
    if (sharpness > best_sharpness + 1e-9) {
      best_sharpness = sharpness;
      best_angle = angle;
    }
  }
  return best_angle;
}

// What the binarised ink of a band says before any OCR.
struct BandShape {
  std::optional<cv::Rect> micr_row;  // the row that looks most like a MICR line
  bool texture = false;              // half ink and speckled: noise or a textured surface
};

// The shape of `strip`. Its MICR row is found by shape, without OCR: E-13B
// characters are separate blobs of one height (0.117 in), so a row where many ink components of
// one height sit side by side is a line of them. Printed text rows in the band ("FOR", "MEMO",
// a signature caption) qualify too; the MICR line holds more glyphs, and is the lowest row
// (ANSI X9.100-160 keeps the clear band below it free of print).
BandShape band_shape(const cv::Mat& strip) {
  BandShape out;
  constexpr int kMinGlyphs = 8;  // the shortest transit field is 9 digits and two symbols
  cv::Mat ink, labels, stats, centroids;
  cv::threshold(strip, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  const int n = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
  // Uniform noise binarises to half ink in ~3.5 components per 1000 px; the bands of the sample
  // cheques are 4-10 % ink in 0.2-0.6 components per 1000 px, a cheque on a dark table up to
  // 70 % ink in one large component.
  const double area = static_cast<double>(strip.total());
  out.texture = cv::countNonZero(ink) > 0.3 * area && n > 1.5e-3 * area;
  std::vector<cv::Rect> parts, glyphs;
  const int min_h = std::max(8, strip.rows / 24), max_h = std::max(min_h + 1, strip.rows / 2);
  for (int i = 1; i < n; ++i) {
    const cv::Rect b(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                     stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    if (b.width > strip.cols / 4 || b.height > max_h) continue;  // rules, borders, pictures
    parts.push_back(b);
    if (b.height >= min_h && b.width <= 2 * b.height) glyphs.push_back(b);
  }
  // A texture (a patterned photo background) rather than lines of print: grouping it would cost
  // more than the OCR block pass it is meant to save.
  if (glyphs.size() > 4000) return out;
  struct Row {
    cv::Rect box;
    int count = 0;
  };
  std::vector<Row> rows;
  std::vector<bool> used(glyphs.size(), false);
  // Seeds in order of height, tallest first, so a row is grown from a full-height glyph.
  std::vector<std::size_t> order(glyphs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return glyphs[a].height > glyphs[b].height; });
  for (const std::size_t i : order) {
    if (used[i]) continue;
    const cv::Rect& seed = glyphs[i];
    const double cy = seed.y + seed.height / 2.0;
    Row row{seed, 0};
    for (std::size_t j = 0; j < glyphs.size(); ++j) {
      const cv::Rect& g = glyphs[j];
      if (used[j] || std::abs(g.y + g.height / 2.0 - cy) > 0.25 * seed.height) continue;
      if (g.height < 0.75 * seed.height || g.height > 1.34 * seed.height) continue;
      used[j] = true;
      row.box |= g;
      ++row.count;
    }
    if (row.count >= kMinGlyphs) rows.push_back(row);
  }
  if (rows.empty()) return out;
  int most = 0;
  for (const auto& r : rows) most = std::max(most, r.count);
  // The lowest of the rows nearly as full as the fullest.
  const Row* best = nullptr;
  for (const auto& r : rows) {
    if (r.count * 5 >= most * 3 && (best == nullptr || r.box.y > best->box.y)) best = &r;
  }
  // The symbols (transit, on-us, amount, dash) are made of smaller parts: widen the row to the
  // parts within its band, up to three character heights beyond its ends.
  cv::Rect box = best->box;
  const int h = best->box.height;
  for (const auto& p : parts) {
    if (p.y < best->box.y - h / 4 || p.br().y > best->box.br().y + h / 4) continue;
    if (p.x > box.br().x + 3 * h || p.br().x < box.x - 3 * h) continue;
    box |= p;
  }
  out.micr_row = box;
  return out;
}

// `line` with every run of blank columns longer than `max_gap` cut down to `max_gap`: a MICR
// line's fields are spaced far apart (an eighth of the cheque's width on some), and the line
// model reads long blank stretches slowly and sometimes as digits. `x_of[i]` is the column of
// `line` that column i of the result came from.
cv::Mat squeeze_gaps(const cv::Mat& line, int max_gap, std::vector<int>* x_of) {
  cv::Mat ink, columns;
  cv::threshold(line, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  cv::reduce(ink, columns, 0, cv::REDUCE_MAX);
  x_of->clear();
  int blank_run = 0;
  for (int x = 0; x < line.cols; ++x) {
    blank_run = columns.at<std::uint8_t>(0, x) == 0 ? blank_run + 1 : 0;
    if (blank_run <= max_gap) x_of->push_back(x);
  }
  if (static_cast<int>(x_of->size()) == line.cols) return line;
  cv::Mat out(line.rows, static_cast<int>(x_of->size()), line.type());
  for (int i = 0; i < out.cols; ++i)
    line.col((*x_of)[static_cast<std::size_t>(i)]).copyTo(out.col(i));
  return out;
}

cv::Mat rotate(const cv::Mat& image, double angle_degrees, int quarter_turns_180) {
  // A fresh Mat for the turned image: rotating into a header that shares `image`'s pixels would
  // turn the caller's image in place.
  cv::Mat out;
  if (quarter_turns_180 != 0) {
    cv::rotate(image, out, cv::ROTATE_180);
  } else {
    out = image;
  }
  if (std::abs(angle_degrees) < 1e-6) return out;
  const cv::Mat m =
      cv::getRotationMatrix2D(cv::Point2f(out.cols / 2.0f, out.rows / 2.0f), angle_degrees, 1.0);
  cv::Mat rotated;
  cv::warpAffine(out, rotated, m, out.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  return rotated;
}

ChequePrintedField printed(const detail::ChequeTextField& f) {
  return {f.text, f.confidence, f.region, f.found};
}

}  // namespace

struct ChequeReader::Impl {
  ChequeReaderOptions options;
  ModelInfo model{MicrSymbols::doubango, "", 13};
  std::unique_ptr<detail::TesseractPool> micr;
  std::string eng_dir;
  mutable std::once_flag eng_once;
  mutable std::unique_ptr<detail::TesseractPool> eng;

  const detail::TesseractPool& printed_ocr() const {
    std::call_once(eng_once, [this] {
      detail::TesseractSettings s;
      s.tessdata_dir = detail::locate_tessdata_dir(options.printed_model, options.tessdata_dir);
      s.model = options.printed_model;
      s.page_segmentation = 7;
      s.variables = {{"user_defined_dpi", "300"}};
      eng = std::make_unique<detail::TesseractPool>(std::move(s));
    });
    return *eng;
  }

  std::vector<detail::OcrLine> ocr(const cv::Mat& gray, int psm) const {
    return micr->recognise(gray.data, gray.cols, gray.rows, static_cast<int>(gray.step), psm);
  }

  // One line read (the model's line mode) of `box` in `strip` and a margin around it, with
  // long blank stretches squeezed.
  LineRead read_around(const cv::Mat& strip, const cv::Rect& box) const {
    const int margin_y = std::max(4, box.height / 2), margin_x = std::max(8, box.height);
    const cv::Rect around = cv::Rect(box.x - margin_x, box.y - margin_y, box.width + 2 * margin_x,
                                     box.height + 2 * margin_y) &
                            cv::Rect(0, 0, strip.cols, strip.rows);
    LineRead r;
    if (around.width <= 0 || around.height <= 0) return r;
    std::vector<int> x_of;
    const cv::Mat line = squeeze_gaps(strip(around), 2 * box.height, &x_of);
    r = best_line(line.isContinuous() ? line : line.clone(), model.line_psm);
    if (r.box.width > 0) {
      const auto last = static_cast<int>(x_of.size()) - 1;
      const int x0 = x_of[static_cast<std::size_t>(std::clamp(r.box.x, 0, last))];
      const int x1 = x_of[static_cast<std::size_t>(std::clamp(r.box.br().x - 1, 0, last))] + 1;
      r.box = cv::Rect(x0 + around.x, r.box.y + around.y, x1 - x0, r.box.height);
    }
    return r;
  }

  // The MICR line of a cheque image as it is or turned by 180 degrees: normalised to
  // kChequeWidth, deskewed, the clear band first; the whole image only when no transit field
  // was read there (a cheque photographed on a table, cropped loosely).
  MicrSearch search(const cv::Mat& bgr_input) const {
    MicrSearch out;
    out.scale = static_cast<double>(kChequeWidth) / bgr_input.cols;
    cv::Mat bgr;
    cv::resize(bgr_input, bgr, cv::Size(), out.scale, out.scale,
               out.scale < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
    const cv::Mat gray = gray_of(bgr);
    out.skew = estimate_skew_degrees(gray);
    for (const double top_fraction : {kMicrStripTop, 0.0}) {
      for (const int turn : {0, 1}) {
        const cv::Mat upright = rotate(gray, out.skew, turn);
        const int top = static_cast<int>(upright.rows * top_fraction);
        const cv::Mat strip = upright.rowRange(top, upright.rows).clone();
        // The line found by its shape and read once (~25-40 ms); the OCR block pass over the
        // whole band (another 30-80 ms, and a second line read) only when that gives no
        // confident transit field.
        LineRead r;
        const BandShape shape = band_shape(strip);
        if (shape.micr_row) r = read_around(strip, *shape.micr_row);
        // Not on texture: Tesseract's layout analysis takes seconds on it (1.2 s for a
        // 1400x158 band of noise, 3.9 s for the whole image) and finds no line there.
        if (!is_settled(r) && !shape.texture) {
          LineRead block = best_line(strip, 6);
          if (block.score >= 0) {
            // The block pass finds the line; a line pass over its box reads it more accurately.
            LineRead again = read_around(strip, block.box);
            if (again.score >= block.score) block = std::move(again);
          }
          if (block.score > r.score) r = std::move(block);
        }
        if (r.score > out.line.score) {
          out.line = std::move(r);
          out.rotation = turn * 180;
          out.strip_top = top;
        }
        if (out.settled()) return out;
      }
    }
    return out;
  }

  // The best MICR line among the OCR lines of `gray`.
  LineRead best_line(const cv::Mat& gray, int psm) const {
    LineRead best;
    for (const auto& l : ocr(gray, psm)) {
      LineRead r = line_read(l, model.symbols);
      if (r.tokens.size() < 4) continue;
      if (r.score > best.score) best = std::move(r);
    }
    return best;
  }
};

ChequeReader::ChequeReader(ChequeReaderOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->model = model_info(impl_->options.micr_model);
  detail::TesseractSettings settings;
  settings.tessdata_dir =
      detail::locate_tessdata_dir(impl_->options.micr_model, impl_->options.tessdata_dir);
  settings.model = impl_->options.micr_model;
  settings.page_segmentation = 7;  // a single text line
  settings.variables = {{"tessedit_char_whitelist", impl_->model.whitelist},
                        {"load_system_dawg", "0"},
                        {"load_freq_dawg", "0"}};
  impl_->micr = std::make_unique<detail::TesseractPool>(std::move(settings));
}

ChequeReader::~ChequeReader() = default;
ChequeReader::ChequeReader(ChequeReader&&) noexcept = default;
ChequeReader& ChequeReader::operator=(ChequeReader&&) noexcept = default;

const ChequeReaderOptions& ChequeReader::options() const noexcept {
  return impl_->options;
}

MicrReadResult ChequeReader::read_micr(const ImageInput& line, const ChequeOptions& options) const {
  if (impl_ == nullptr) throw Error(ErrorCode::invalid_argument, "ChequeReader was moved from");
  cv::Mat gray = gray_of(detail::decode_bgr(line, impl_->options.limits));
  check_shape(gray);
  const cv::Size original = gray.size();
  // The crops are ~45 px high; Tesseract reads E-13B best with characters ~30 px high.
  if (gray.rows < 40) {
    const double s = 40.0 / gray.rows;
    cv::resize(gray, gray, cv::Size(), s, s, cv::INTER_CUBIC);
  } else if (gray.rows > 160) {
    const double s = 160.0 / gray.rows;
    cv::resize(gray, gray, cv::Size(), s, s, cv::INTER_AREA);
  }
  LineRead r = impl_->best_line(gray, impl_->model.line_psm);
  MicrReadResult result;
  result.model = impl_->options.micr_model;
  result.found = !r.tokens.empty();
  result.fields = std::move(r.fields);
  result.ocr_confidence = result.found ? r.confidence : -1;
  result.geometry.found = result.found;
  if (result.found)
    result.geometry.box = {0, 0, static_cast<float>(original.width),
                           static_cast<float>(original.height)};
  detail::finish_micr(result, options);
  return result;
}

ChequeReadResult ChequeReader::read_cheque(const ImageInput& cheque,
                                           const ChequeOptions& options) const {
  if (impl_ == nullptr) throw Error(ErrorCode::invalid_argument, "ChequeReader was moved from");
  const cv::Mat input = detail::decode_bgr(cheque, impl_->options.limits);
  check_shape(input);
  // Cheques are landscape (2.75 x 6 in): a portrait image is most likely one turned a quarter
  // (a scan fed sideways, a photo without an EXIF orientation). It is searched turned clockwise
  // first - the 180-degree pass then covers the other quarter - and as it is only when that
  // finds no MICR line (a loose photo of a landscape cheque in a portrait frame).
  std::vector<int> quarters{0};
  if (input.rows > input.cols) quarters = {1, 0};
  MicrSearch found;
  cv::Mat oriented;
  int quarter = 0;
  for (const int q : quarters) {
    cv::Mat turned = input;
    if (q == 1) cv::rotate(input, turned, cv::ROTATE_90_CLOCKWISE);
    MicrSearch s = impl_->search(turned);
    if (oriented.empty() || s.line.score > found.line.score) {
      found = std::move(s);
      oriented = turned;
      quarter = q;
    }
    if (found.settled()) break;
  }
  const LineRead& best = found.line;
  const int best_rotation = found.rotation;
  const double skew = found.skew;
  // A box in the upright oriented image (oriented-input pixels) back in the input's pixels:
  // undo the half turn, then the quarter turn. The (small) deskew rotation is ignored.
  auto to_input = [&](Rect r) {
    if (best_rotation == 180) {
      r.x = static_cast<float>(oriented.cols) - r.x - r.width;
      r.y = static_cast<float>(oriented.rows) - r.y - r.height;
    }
    if (quarter == 1) {
      // ROTATE_90_CLOCKWISE took input (x, y) to (rows - 1 - y, x).
      r = {r.y, static_cast<float>(input.rows) - r.x - r.width, r.height, r.width};
    }
    return r;
  };

  ChequeReadResult result;
  MicrReadResult& micr = result.micr;
  micr.model = impl_->options.micr_model;
  micr.found = !best.tokens.empty();
  micr.fields = best.fields;
  micr.ocr_confidence = micr.found ? best.confidence : -1;
  const double scale = found.scale;
  int band_top = static_cast<int>(oriented.rows * scale * kMicrStripTop);
  if (micr.found) {
    micr.geometry.found = true;
    micr.geometry.rotation = (best_rotation + 90 * quarter) % 360;
    micr.geometry.angle_degrees = static_cast<float>(skew);
    const cv::Rect2f box(best.box.x, best.box.y + found.strip_top, best.box.width, best.box.height);
    micr.geometry.box =
        to_input({static_cast<float>(box.x / scale), static_cast<float>(box.y / scale),
                  static_cast<float>(box.width / scale), static_cast<float>(box.height / scale)});
    band_top = std::max(0, found.strip_top + best.box.y - best.box.height / 2);
  }

  // The printed fields are read on the upright, deskewed colour cheque at its own resolution
  // (capped): upscaling a small scan for them costs time and gains nothing.
  const double printed_scale = std::min(1.0, static_cast<double>(kMaxPrintedWidth) / oriented.cols);
  cv::Mat printed_bgr = oriented;
  if (printed_scale < 1) {
    cv::resize(oriented, printed_bgr, cv::Size(), printed_scale, printed_scale, cv::INTER_AREA);
  }
  printed_bgr = rotate(printed_bgr, skew, best_rotation == 180 ? 1 : 0).clone();
  const ImageView view(printed_bgr.data, printed_bgr.cols, printed_bgr.rows, PixelFormat::bgr,
                       static_cast<std::ptrdiff_t>(printed_bgr.step));
  const int printed_band_top = static_cast<int>(band_top * printed_scale / scale);
  const detail::PrintedChequeFields fields =
      detail::read_printed_cheque_fields(view, printed_band_top, impl_->printed_ocr());
  // Regions are reported in the upright printed image's pixels; back to the input's.
  const auto s = static_cast<float>(1.0 / printed_scale);
  auto back_rect = [&](const Rect& r) {
    return to_input({r.x * s, r.y * s, r.width * s, r.height * s});
  };
  auto back = [&](ChequePrintedField f) {
    f.region = back_rect(f.region);
    return f;
  };
  result.courtesy_amount = back(printed(fields.courtesy_amount));
  result.courtesy_cents = fields.courtesy_cents;
  result.legal_amount = back(printed(fields.legal_amount));
  result.legal_cents = fields.legal_cents;
  result.date = back(printed(fields.date));
  result.date_iso = fields.date_iso;
  result.printed_serial = back(printed(fields.serial));
  result.signature_ink = fields.signature_ink;
  for (const auto& r : fields.regions) {
    result.regions.push_back(
        {r.name, back_rect(r.region), r.background_delta, r.ink_delta, r.suspicious, r.reason});
  }
  assess_cheque(result, options);
  return result;
}

}  // namespace kyc
