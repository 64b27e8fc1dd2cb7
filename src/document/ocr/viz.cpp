// Printed-zone (VIZ) OCR: labelled fields as supporting evidence, and the VIZ-vs-MRZ check.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "document/fields_json.hpp"
#include "document/ocr/tesseract.hpp"
#include "image/convert.hpp"
#include "kyc/error.hpp"
#include "kyc/ocr.hpp"

namespace kyc {
namespace {

// ---- labels --------------------------------------------------------------------------------

struct Label {
  const char* field;  // DocumentFields member; "" = a known label whose value is not extracted
  std::vector<std::string> tokens;
};

// Tokens are lower-case ASCII letters and digits (accents and punctuation dropped, so
// "Prénoms" is "prnoms" and "d’expiration" is "dexpiration"). English, French, German.
const std::vector<Label>& labels() {
  static const std::vector<Label> kLabels = {
      {"surname", {"surname"}},
      {"surname", {"last", "name"}},
      {"surname", {"family", "name"}},
      {"surname", {"nom"}},
      {"surname", {"name"}},
      {"surname", {"primary", "identifier"}},
      {"surname", {"identifiant", "primaire"}},
      {"surname", {"primaire"}},
      {"given_names", {"given", "names"}},
      {"given_names", {"given", "name"}},
      {"given_names", {"first", "name"}},
      {"given_names", {"forenames"}},
      {"given_names", {"prnoms"}},
      {"given_names", {"prenoms"}},
      {"given_names", {"vornamen"}},
      {"given_names", {"secondary", "identifier"}},
      {"given_names", {"identifiant", "secondaire"}},
      {"given_names", {"secondaire"}},
      {"date_of_birth", {"date", "of", "birth"}},
      {"date_of_birth", {"birth", "date"}},
      {"date_of_birth", {"dob"}},
      {"date_of_birth", {"date", "de", "naissance"}},
      {"date_of_birth", {"geburtsdatum"}},
      {"document_number", {"passport", "number"}},
      {"document_number", {"passport", "no"}},
      {"document_number", {"document", "number"}},
      {"document_number", {"document", "no"}},
      {"document_number", {"card", "number"}},
      {"document_number", {"card", "no"}},
      {"document_number", {"licence", "number"}},
      {"document_number", {"license", "number"}},
      {"document_number", {"id", "number"}},
      {"document_number", {"n", "de", "passeport"}},
      {"document_number", {"dl"}},
      {"document_number", {"numro", "de", "document"}},
      {"document_number", {"numero", "de", "document"}},
      {"date_of_expiry", {"date", "of", "expiry"}},
      {"date_of_expiry", {"expiry", "date"}},
      {"date_of_expiry", {"expiration", "date"}},
      {"date_of_expiry", {"date", "dexpiration"}},
      {"date_of_expiry", {"date", "d", "expiration"}},
      {"date_of_expiry", {"valid", "until"}},
      {"date_of_expiry", {"valide", "jusquau"}},
      {"date_of_expiry", {"expires"}},
      {"date_of_expiry", {"exp"}},
      {"date_of_issue", {"date", "of", "issue"}},
      {"date_of_issue", {"issue", "date"}},
      {"date_of_issue", {"date", "de", "dlivrance"}},
      {"date_of_issue", {"iss"}},
      {"address", {"address"}},
      {"address", {"adresse"}},
      {"address", {"addr"}},
      {"sex", {"sex"}},
      {"sex", {"sexe"}},
      {"nationality", {"nationality"}},
      {"nationality", {"nationalit"}},
      // Known labels that only delimit columns.
      {"", {"type"}},
      {"", {"country", "code"}},
      {"", {"code", "du", "pays"}},
      {"", {"personal", "no"}},
      {"", {"n", "personnel"}},
      {"", {"place", "of", "birth"}},
      {"", {"lieu", "de", "naissance"}},
      {"", {"authority"}},
      {"", {"autorit"}},
      {"", {"holders", "signature"}},
      {"", {"holder", "s", "signature"}},
      {"", {"signature", "du", "titulaire"}},
  };
  return kLabels;
}

std::string token_of(const std::string& word) {
  std::string t;
  for (unsigned char c : word) {
    if (c < 128 && std::isalnum(c)) t += static_cast<char>(std::tolower(c));
  }
  return t;
}

struct Segment {
  std::string field;
  bool is_label = false;
  std::string label;
  std::vector<const VizWord*> value;
  float left = 0;
};

// Splits a line into label segments (with any words that follow them on the line).
std::vector<Segment> segments_of(const VizLine& line) {
  std::vector<Segment> out;
  std::vector<std::string> tokens;
  for (const auto& w : line.words) tokens.push_back(token_of(w.text));
  for (std::size_t i = 0; i < line.words.size();) {
    if (tokens[i].empty()) {
      ++i;
      continue;
    }
    const Label* best = nullptr;
    std::size_t best_end = i;
    for (const auto& label : labels()) {
      std::size_t j = i, k = 0;
      while (k < label.tokens.size() && j < tokens.size()) {
        if (tokens[j].empty()) {
          ++j;
          continue;
        }
        if (tokens[j] != label.tokens[k]) break;
        ++j;
        ++k;
      }
      if (k == label.tokens.size() && (best == nullptr || j > best_end)) {
        best = &label;
        best_end = j;
      }
    }
    if (best != nullptr) {
      std::string text;
      for (std::size_t j = i; j < best_end; ++j)
        text += (text.empty() ? "" : " ") + line.words[j].text;
      // A translation of the previous label ("Surname/ Nom") joins it.
      if (!out.empty() && out.back().is_label && out.back().value.empty() &&
          out.back().field == best->field) {
        out.back().label += " " + text;
      } else {
        out.push_back({best->field, true, text, {}, line.words[i].box.x});
      }
      i = best_end;
      continue;
    }
    if (out.empty()) out.push_back({"", false, "", {}, line.words[i].box.x});
    out.back().value.push_back(&line.words[i]);
    ++i;
  }
  return out;
}

bool is_label_line(const std::vector<Segment>& segments) {
  return std::any_of(segments.begin(), segments.end(), [](const Segment& s) { return s.is_label; });
}

// ---- values --------------------------------------------------------------------------------

int month_of(const std::string& token) {
  static const char* kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                  "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  if (token.size() < 3) return 0;
  std::string head = token.substr(0, 3);
  for (auto& c : head) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (int m = 0; m < 12; ++m) {
    if (head == kMonths[m]) return m + 1;
  }
  return 0;
}

std::string iso_of(int year, int month, int day, bool two_digit_year, bool birth,
                   const VizOptions& options) {
  if (two_digit_year) {
    char yymmdd[16];
    std::snprintf(yymmdd, sizeof yymmdd, "%02d%02d%02d", year % 100, month % 100, day % 100);
    return mrz_date_to_iso(yymmdd, birth, options.reference_date);
  }
  if (year < 1800 || year > 2200 || month < 1 || month > 12 || day < 1 || day > 31) return {};
  char yymmdd[16];
  std::snprintf(yymmdd, sizeof yymmdd, "%02d%02d%02d", year % 100, month, day);
  const std::string probe = mrz_date_to_iso(yymmdd, true, "2000-01-01");  // calendar check
  if (probe.empty()) return {};
  // February 29 needs the real year.
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return {};
  char iso[16];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", year, month, day);
  return iso;
}

std::string upper_words(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalpha(c) || c == '-' || c == '\'' || c >= 128) {
      out += static_cast<char>(c < 128 ? std::toupper(c) : c);
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string normalise(const std::string& field, const std::string& text,
                      const VizOptions& options) {
  if (field == "date_of_birth") return viz_date_to_iso(text, true, options);
  if (field == "date_of_expiry" || field == "date_of_issue") {
    return viz_date_to_iso(text, false, options);
  }
  if (field == "surname" || field == "given_names") return upper_words(text);
  if (field == "document_number") {
    std::string out;
    for (unsigned char c : text) {
      if (c < 128 && std::isalnum(c)) out += static_cast<char>(std::toupper(c));
    }
    return out;
  }
  if (field == "sex") {
    for (unsigned char c : text) {
      const char u = static_cast<char>(std::toupper(c));
      if (u == 'M' || u == 'F' || u == 'X') return std::string(1, u);
    }
    return {};
  }
  if (field == "nationality") {
    const std::string n = upper_words(text);
    return n.size() == 3 ? n : std::string();
  }
  return text;  // address: as printed
}

void assign(DocumentFields& f, const std::string& field, const std::string& value) {
  std::string* member = nullptr;
  if (field == "surname") member = &f.surname;
  if (field == "given_names") member = &f.given_names;
  if (field == "date_of_birth") member = &f.date_of_birth;
  if (field == "date_of_expiry") member = &f.date_of_expiry;
  if (field == "date_of_issue") member = &f.date_of_issue;
  if (field == "document_number") member = &f.document_number;
  if (field == "sex") member = &f.sex;
  if (field == "nationality") member = &f.nationality;
  if (field == "address") member = &f.address.street;
  if (member != nullptr && member->empty()) *member = value;
}

std::string join_words(const std::vector<const VizWord*>& words, float& confidence) {
  std::string text;
  confidence = 0;
  for (const auto* w : words) {
    text += (text.empty() ? "" : " ") + w->text;
    confidence += w->confidence;
  }
  if (!words.empty()) confidence /= static_cast<float>(words.size());
  return text;
}

}  // namespace

std::string viz_date_to_iso(const std::string& text, bool birth, const VizOptions& options) {
  // Tokens of digits and of letters.
  std::vector<std::string> tokens;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) tokens.push_back(current);
    current.clear();
  };
  char separator = 0;
  for (unsigned char c : text) {
    const bool digit = std::isdigit(c) != 0, alpha = c < 128 && std::isalpha(c);
    if (!current.empty() && ((digit && !std::isdigit(static_cast<unsigned char>(current[0]))) ||
                             (alpha && std::isdigit(static_cast<unsigned char>(current[0]))))) {
      flush();
    }
    if (digit || alpha) {
      current += static_cast<char>(c);
    } else {
      flush();
      if (separator == 0 && (c == '-' || c == '.' || c == '/')) separator = static_cast<char>(c);
    }
  }
  flush();
  std::vector<int> numbers;
  std::vector<std::size_t> number_lengths;
  int month_name = 0;
  for (const auto& t : tokens) {
    if (std::isdigit(static_cast<unsigned char>(t[0]))) {
      if (t.size() > 4) return {};
      numbers.push_back(std::stoi(t));
      number_lengths.push_back(t.size());
    } else if (month_name == 0) {
      month_name = month_of(t);
    }
  }
  if (month_name != 0 && numbers.size() == 2) {  // 12 AUG/AOUT 74, 12 AUGUST 1974
    return iso_of(numbers[1], month_name, numbers[0], number_lengths[1] <= 2, birth, options);
  }
  if (numbers.size() != 3) return {};
  if (number_lengths[0] == 4) {  // 1974-08-12
    return iso_of(numbers[0], numbers[1], numbers[2], false, birth, options);
  }
  const bool two_digit = number_lengths[2] <= 2;
  int day = numbers[0], month = numbers[1];
  if (separator == '/' && options.slash_dates_month_first && numbers[0] <= 12) {
    std::swap(day, month);  // 08/12/1974 on a US document
  }
  return iso_of(numbers[2], month, day, two_digit, birth, options);
}

VizResult extract_viz_fields(const std::vector<VizLine>& lines, const VizOptions& options) {
  VizResult result;
  result.lines = lines;
  std::vector<std::vector<Segment>> segmented;
  for (const auto& line : lines) segmented.push_back(segments_of(line));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto& segs = segmented[i];
    if (!is_label_line(segs)) continue;
    // Values stand below their label's column. Bilingual documents print the translation of
    // each label on the next line (sometimes beside a value, "F/F Valide jusqu'au"): such a
    // line contributes its unlabelled words, and the values continue on the line after it.
    std::vector<std::vector<const VizWord*>> from_below(segs.size());
    auto take_column_words = [&](const std::vector<const VizWord*>& words) {
      const float slack = 1.5f * std::max(1.0f, lines[i].box.height);
      for (const VizWord* w : words) {
        int owner = -1;
        for (std::size_t s = 0; s < segs.size(); ++s) {
          if (segs[s].is_label && segs[s].left <= w->box.x + slack) owner = static_cast<int>(s);
        }
        if (owner >= 0 && segs[owner].value.empty()) from_below[owner].push_back(w);
      }
    };
    auto is_translation = [&](const std::vector<Segment>& next) {
      for (const auto& n : next) {
        if (!n.is_label) continue;
        const bool known = std::any_of(segs.begin(), segs.end(), [&](const Segment& seg) {
          return seg.is_label && seg.field == n.field;
        });
        if (!known) return false;
      }
      return true;
    };
    std::size_t j = i + 1;
    if (j < lines.size() && is_label_line(segmented[j]) && is_translation(segmented[j])) {
      std::vector<const VizWord*> unlabelled;
      for (const auto& n : segmented[j]) {
        if (!n.is_label) unlabelled.insert(unlabelled.end(), n.value.begin(), n.value.end());
      }
      take_column_words(unlabelled);
      ++j;
    }
    if (j < lines.size() && !is_label_line(segmented[j])) {
      std::vector<const VizWord*> all;
      for (const auto& w : lines[j].words) all.push_back(&w);
      // Only for labels still without a value.
      std::vector<std::vector<const VizWord*>> before = from_below;
      take_column_words(all);
      for (std::size_t s = 0; s < segs.size(); ++s) {
        if (!before[s].empty()) from_below[s] = before[s];
      }
    }
    for (std::size_t s = 0; s < segs.size(); ++s) {
      const Segment& seg = segs[s];
      if (!seg.is_label || seg.field.empty()) continue;
      const auto& words = seg.value.empty() ? from_below[s] : seg.value;
      if (words.empty()) continue;
      VizField field;
      field.field = seg.field;
      field.label = seg.label;
      field.text = join_words(words, field.confidence);
      if (seg.field == "address" && seg.value.empty()) {
        // An address continues on the following unlabelled lines (at most two more).
        for (std::size_t k = i + 2; k < lines.size() && k <= i + 3; ++k) {
          if (is_label_line(segmented[k])) break;
          field.text += ", " + lines[k].text;
        }
      }
      field.value = normalise(seg.field, field.text, options);
      if (!field.value.empty()) assign(result.fields, field.field, field.value);
      result.found.push_back(std::move(field));
    }
  }
  return result;
}

DocumentRead VizResult::to_document_read() const {
  DocumentRead read;
  read.source = FieldSource::viz;
  read.fields = fields;
  return read;
}

std::string VizResult::to_json(int indent) const {
  using json = nlohmann::ordered_json;
  json j;
  j["schema"] = "kyc.viz";
  j["schema_version"] = 1;
  j["fields"] = detail::to_json(fields);
  json found_list = json::array();
  for (const auto& f : found) {
    found_list.push_back({{"field", f.field},
                          {"label", f.label},
                          {"text", f.text},
                          {"value", f.value},
                          {"confidence", f.confidence}});
  }
  j["found"] = found_list;
  j["line_count"] = lines.size();
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

// ---- reader --------------------------------------------------------------------------------

struct VizReader::Impl {
  VizReaderOptions options;
  std::unique_ptr<detail::TesseractPool> ocr;
};

VizReader::VizReader(VizReaderOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  detail::TesseractSettings settings;
  settings.tessdata_dir =
      detail::locate_tessdata_dir(impl_->options.language, impl_->options.tessdata_dir);
  settings.model = impl_->options.language;
  settings.page_segmentation = 3;  // automatic layout: cards mix columns, photos and labels
  settings.variables = {{"user_defined_dpi", "300"}};
  impl_->ocr = std::make_unique<detail::TesseractPool>(std::move(settings));
}

VizReader::~VizReader() = default;
VizReader::VizReader(VizReader&&) noexcept = default;
VizReader& VizReader::operator=(VizReader&&) noexcept = default;

VizResult VizReader::read(const ImageInput& input) const {
  if (impl_ == nullptr) throw Error(ErrorCode::invalid_argument, "VizReader was moved from");
  Image decoded;
  cv::Mat bgr;
  switch (input.kind()) {
    case ImageInput::Kind::view:
      if (input.view().empty()) throw Error(ErrorCode::invalid_argument, "empty image");
      bgr = detail::to_bgr(input.view());
      break;
    case ImageInput::Kind::bytes:
      decoded = decode_image(input.bytes(), input.size(), impl_->options.limits);
      bgr = detail::to_bgr(decoded.view());
      break;
    case ImageInput::Kind::path:
      decoded = load_image(input.path(), impl_->options.limits);
      bgr = detail::to_bgr(decoded.view());
      break;
  }
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  // Card photos are often small: printed text needs ~20 px capitals for Tesseract.
  double scale = 1.0;
  if (gray.cols < 1400) {
    scale = 1400.0 / gray.cols;
    cv::resize(gray, gray, cv::Size(), scale, scale, cv::INTER_CUBIC);
  }
  std::vector<VizLine> lines;
  const float back = static_cast<float>(1.0 / scale);
  for (const auto& l :
       impl_->ocr->recognise(gray.data, gray.cols, gray.rows, static_cast<int>(gray.step))) {
    VizLine line;
    line.text = l.text;
    line.confidence = l.confidence;
    line.box = {l.x * back, l.y * back, l.width * back, l.height * back};
    for (const auto& w : l.words) {
      line.words.push_back(
          {w.text, {w.x * back, w.y * back, w.width * back, w.height * back}, w.confidence});
    }
    lines.push_back(std::move(line));
  }
  return extract_viz_fields(lines, impl_->options.extraction);
}

// ---- VIZ vs MRZ ----------------------------------------------------------------------------

namespace {

std::string fold(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (!(c < 128 && std::isalnum(c))) continue;
    char u = static_cast<char>(std::toupper(c));
    switch (u) {
      case 'O':
        u = '0';
        break;
      case 'I':
        u = '1';
        break;
      case 'B':
        u = '8';
        break;
      case 'S':
        u = '5';
        break;
      case 'Z':
        u = '2';
        break;
      case 'G':
        u = '6';
        break;
      default:
        break;
    }
    out += u;
  }
  return out;
}

std::string letters(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 128 && std::isalpha(c)) out += static_cast<char>(std::toupper(c));
  }
  return out;
}

}  // namespace

VizMrzCrossCheck cross_check_viz_mrz(const DocumentFields& viz, const MrzResult& mrz) {
  VizMrzCrossCheck check;
  const DocumentFields& m = mrz.fields;
  struct Pair {
    const char* name;
    const std::string& v;
    const std::string& z;
    bool name_like;
  };
  const Pair pairs[] = {{"surname", viz.surname, m.surname, true},
                        {"given_names", viz.given_names, m.given_names, true},
                        {"document_number", viz.document_number, m.document_number, false},
                        {"date_of_birth", viz.date_of_birth, m.date_of_birth, false},
                        {"date_of_expiry", viz.date_of_expiry, m.date_of_expiry, false},
                        {"sex", viz.sex, m.sex, false},
                        {"nationality", viz.nationality, m.nationality, false}};
  for (const auto& p : pairs) {
    if (p.v.empty() && p.z.empty()) continue;
    VizMrzComparison c{p.name, p.v, p.z, ""};
    if (p.v.empty()) {
      c.status = "missing_viz";
    } else if (p.z.empty()) {
      c.status = "missing_mrz";
    } else if (p.name_like) {
      // Names: letters only (the MRZ transliterates and drops punctuation); the MRZ may cut
      // a long name.
      const std::string a = letters(p.v), b = letters(p.z);
      if (a == b) {
        c.status = "match";
      } else if (mrz.flags.names_truncated && !b.empty() && a.compare(0, b.size(), b) == 0) {
        c.status = "match_truncated";
      } else {
        c.status = "mismatch";
      }
    } else if (p.v == p.z) {
      c.status = "match";
    } else if (fold(p.v) == fold(p.z) && !fold(p.v).empty()) {
      c.status = "match_confusable";
    } else {
      c.status = "mismatch";
    }
    if (c.status == "mismatch") check.consistent = false;
    check.comparisons.push_back(std::move(c));
  }
  return check;
}

std::string VizMrzCrossCheck::to_json(int indent) const {
  using json = nlohmann::ordered_json;
  json j;
  j["schema"] = "kyc.viz_mrz_check";
  j["schema_version"] = 1;
  j["consistent"] = consistent;
  json list = json::array();
  for (const auto& c : comparisons) {
    list.push_back({{"field", c.field}, {"viz", c.viz}, {"mrz", c.mrz}, {"status", c.status}});
  }
  j["fields"] = list;
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace kyc
