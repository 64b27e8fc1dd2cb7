// Identification of package files by content, role assignment and the JSON report.
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "document/text/utf8.hpp"
#include "kyc/aamva.hpp"
#include "kyc/image.hpp"
#include "kyc/package.hpp"
#include "package/package_internal.hpp"

namespace kyc {

const char* package_role_name(PackageRole role) noexcept {
  switch (role) {
    case PackageRole::applicant_form:
      return "applicant_form";
    case PackageRole::selfie:
      return "selfie";
    case PackageRole::document_front:
      return "document_front";
    case PackageRole::document_back:
      return "document_back";
    case PackageRole::document:
      return "document";
    case PackageRole::unknown:
      return "unknown";
  }
  return "unknown";
}

const PackageEntry* Package::find(PackageRole role) const noexcept {
  for (const PackageEntry& e : entries) {
    if (e.role == role) return &e;
  }
  return nullptr;
}

namespace package_detail {

namespace {

bool starts_with(const std::vector<std::uint8_t>& b, std::string_view magic, std::size_t at = 0) {
  if (b.size() < at + magic.size()) return false;
  return std::equal(magic.begin(), magic.end(), b.begin() + static_cast<std::ptrdiff_t>(at),
                    [](char m, std::uint8_t c) { return static_cast<std::uint8_t>(m) == c; });
}

// Archives and compressed streams: a package is one level deep, so an archive inside is refused
// rather than unpacked (that is how nested zip bombs multiply).
const char* archive_kind(const std::vector<std::uint8_t>& b) {
  using namespace std::string_view_literals;
  if (starts_with(b, "PK\x03\x04"sv) || starts_with(b, "PK\x05\x06"sv) ||
      starts_with(b, "PK\x07\x08"sv)) {
    return "a ZIP archive";
  }
  if (starts_with(b, "\x1f\x8b"sv)) return "a gzip stream";
  if (starts_with(b, "7z\xbc\xaf\x27\x1c"sv)) return "a 7-Zip archive";
  if (starts_with(b, "Rar!\x1a\x07"sv)) return "a RAR archive";
  if (starts_with(b,
                  "\xfd"
                  "7zXZ\x00"sv))
    return "an xz stream";
  if (starts_with(b, "BZh"sv) && b.size() > 3 && b[3] >= '1' && b[3] <= '9') {
    return "a bzip2 stream";
  }
  if (starts_with(b, "ustar"sv, 257)) return "a tar archive";
  return nullptr;
}

// The image formats probe_image knows, recognised by their first bytes (so a header that does
// not parse still reports what the file claims to be).
const char* image_magic(const std::vector<std::uint8_t>& b) {
  using namespace std::string_view_literals;
  if (starts_with(b, "\xff\xd8\xff"sv)) return "jpeg";
  if (starts_with(b, "\x89PNG\r\n\x1a\n"sv)) return "png";
  if (starts_with(b, "GIF87a"sv) || starts_with(b, "GIF89a"sv)) return "gif";
  if (starts_with(b, "RIFF"sv) && starts_with(b, "WEBP"sv, 8)) return "webp";
  if (starts_with(b, "II*\x00"sv) || starts_with(b, "MM\x00*"sv)) return "tiff";
  if (starts_with(b, "BM"sv)) return "bmp";
  return nullptr;
}

void classify_text(PackageEntry& entry) {
  std::string_view text(reinterpret_cast<const char*>(entry.bytes.data()), entry.bytes.size());
  if (text.find('\0') != std::string_view::npos || text::find_invalid_utf8(text)) {
    entry.detected_type = "unknown";
    return;
  }
  text = text::strip_utf8_bom(text);
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[') &&
      nlohmann::json::accept(text)) {  // SAX: no tree is built, so depth costs no stack
    entry.detected_type = "json";
    return;
  }
  // CSV: a header line with at least two comma-separated columns and at least one more line.
  std::size_t non_empty_lines = 0;
  bool header_has_comma = false;
  std::size_t pos = 0;
  while (pos < text.size() && non_empty_lines < 2) {
    std::size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    if (line.find_first_not_of(" \t") != std::string_view::npos) {
      if (non_empty_lines == 0) header_has_comma = line.find(',') != std::string_view::npos;
      ++non_empty_lines;
    }
    pos = end + 1;
  }
  entry.detected_type = header_has_comma && non_empty_lines >= 2 ? "csv" : "text";
}

}  // namespace

void identify_content(PackageEntry& entry, const PackageLimits& limits,
                      std::vector<std::string>& warnings) {
  const std::vector<std::uint8_t>& b = entry.bytes;
  if (const char* kind = archive_kind(b)) {
    throw PackageError(ErrorCode::invalid_argument, "nested_archive",
                       "package: entry " + printable_name(entry.name) + " is " + kind +
                           " (nested archives are refused, not unpacked)");
  }
  using namespace std::string_view_literals;
  if (starts_with(b, "%PDF-"sv)) {
    entry.detected_type = "pdf";
    return;
  }
  ImageInfo info;
  bool is_image = false;
  try {
    info = probe_image(b.data(), b.size());
    is_image = true;
  } catch (const Error& e) {
    if (const char* claimed = image_magic(b)) {
      entry.detected_type = claimed;
      warnings.push_back("image " + printable_name(entry.name) +
                         " has an unreadable header: " + e.what());
      return;
    }
  }
  if (!is_image) {
    classify_text(entry);
    return;
  }
  entry.detected_type = image_format_name(info.format);
  const bool quarter_turn = info.exif_orientation >= 5 && info.exif_orientation <= 8;
  entry.width = quarter_turn ? info.height : info.width;
  entry.height = quarter_turn ? info.width : info.height;
  const std::uint64_t pixels =
      static_cast<std::uint64_t>(info.width) * static_cast<std::uint64_t>(info.height);
  if (pixels > limits.max_barcode_scan_pixels) {
    warnings.push_back("image " + printable_name(entry.name) + " has " + std::to_string(pixels) +
                       " pixels (over max_barcode_scan_pixels): not scanned for a PDF417");
    return;
  }
  try {
    const Image image = decode_image(b.data(), b.size());
    entry.has_pdf417 = !read_pdf417(image.view()).empty();
  } catch (const Error& e) {
    warnings.push_back("image " + printable_name(entry.name) + " does not decode: " + e.what());
  }
}

}  // namespace package_detail

namespace {

enum class NameHint { none, selfie, front, back, document };

const char* hint_name(NameHint hint) {
  switch (hint) {
    case NameHint::selfie:
      return "selfie";
    case NameHint::front:
      return "front";
    case NameHint::back:
      return "back";
    case NameHint::document:
      return "document";
    case NameHint::none:
      break;
  }
  return "none";
}

// Names vary ("selfie.jpg", "face.jpeg", "dl-front.png", "licence-rear.jpg", "IMG_0042.JPG"), so
// they are only a hint; content cues can outweigh them.
NameHint name_hint(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  std::string base(slash == std::string_view::npos ? path : path.substr(slash + 1));
  const std::size_t dot = base.rfind('.');
  if (dot != std::string::npos && dot > 0) base.erase(dot);
  for (char& c : base) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::vector<std::string> tokens(1);
  for (const char c : base) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      tokens.back() += c;
    } else if (!tokens.back().empty()) {
      tokens.emplace_back();
    }
  }
  const auto has = [&](const char* word) { return base.find(word) != std::string::npos; };
  const auto token = [&](const char* word) {
    return std::find(tokens.begin(), tokens.end(), word) != tokens.end();
  };
  if (has("selfie")) return NameHint::selfie;
  if (has("back") || has("rear") || has("reverse") || has("verso") || has("barcode") ||
      has("pdf417")) {
    return NameHint::back;
  }
  if (has("front") || has("recto") || has("obverse")) return NameHint::front;
  if (has("licen") || has("passport") || has("card") || has("document") || has("permit") ||
      token("dl") || token("id") || token("doc")) {
    return NameHint::document;
  }
  if (has("face") || has("portrait") || has("headshot") || has("photo") || has("person") ||
      has("live") || has("webcam") || token("me")) {
    return NameHint::selfie;
  }
  return NameHint::none;
}

bool is_image_type(const std::string& type) {
  return type == "jpeg" || type == "png" || type == "webp" || type == "bmp" || type == "gif" ||
         type == "tiff" || type == "pnm";
}

std::string ratio_text(int width, int height) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f:1", static_cast<double>(width) / height);
  return buf;
}

// Role candidates for images, in the order ties are broken.
constexpr std::array<PackageRole, 3> kImageRoles = {
    PackageRole::document_back, PackageRole::document_front, PackageRole::selfie};

struct Candidate {
  std::array<double, 3> score{};  // indexed like kImageRoles
  std::array<std::string, 3> why;
  NameHint hint = NameHint::none;
  void add(std::size_t role, double points, const std::string& cue) {
    score[role] += points;
    if (points > 0) why[role] += (why[role].empty() ? "" : "; ") + cue;
  }
};

constexpr std::size_t kBack = 0;
constexpr std::size_t kFront = 1;
constexpr std::size_t kSelfie = 2;

// The cues and their weights (docs/package.md). Content decides, names break ties: a PDF417
// symbol (10) outweighs everything, as it is what a licence back carries; the shape of the
// image (card-like up to 2.5, portrait 2) outweighs a name hint (1.5), so a misleading name
// loses to the content; has_face, when a caller supplies it, is the decisive selfie cue.
Candidate score_image(const PackageEntry& e, const PackageFaceHint& has_face) {
  Candidate c;
  c.hint = name_hint(e.name);
  if (e.has_pdf417) {
    c.add(kBack, 10, "PDF417 barcode found");
    c.add(kFront, -3, "");
    c.add(kSelfie, -5, "");
  }
  const std::string hinted = std::string("name suggests ") + hint_name(c.hint);
  switch (c.hint) {
    case NameHint::selfie:
      c.add(kSelfie, 1.5, hinted);
      break;
    case NameHint::front:
      c.add(kFront, 1.5, hinted);
      break;
    case NameHint::back:
      c.add(kBack, 1.5, hinted);
      break;
    case NameHint::document:
      c.add(kFront, 1, hinted);
      c.add(kBack, 0.5, hinted);
      c.add(kSelfie, -1, "");
      break;
    case NameHint::none:
      break;
  }
  if (e.width > 0 && e.height > 0) {
    const double aspect = static_cast<double>(e.width) / e.height;
    const std::string shape = ratio_text(e.width, e.height);
    // ID-1 cards (licences, ID cards) are 85.60 x 53.98 mm = 1.586:1.
    const double card =
        e.width > e.height ? std::max(0.0, 1.0 - std::abs(aspect - 1.586) / 0.25) : 0.0;
    if (card > 0) {
      c.add(kFront, 2.5 * card, "card-shaped landscape (" + shape + ")");
      c.add(kBack, 1.5 * card, "card-shaped landscape (" + shape + ")");
    }
    if (aspect < 1.0 / 1.05) {
      c.add(kSelfie, 2, "portrait orientation (" + shape + ")");
    } else if (aspect <= 1.2) {
      c.add(kSelfie, 1, "near-square (" + shape + ")");
    }
  }
  if (has_face) {
    if (has_face(e)) {
      c.add(kSelfie, 1.5, "a face was detected");
      c.add(kFront, 1, "a face was detected");
      c.add(kBack, -1, "");
    } else {
      c.add(kSelfie, -3, "");
      c.add(kFront, -1, "");
    }
  }
  return c;
}

bool is_role_warning(const std::string& w) {
  return w.rfind("role: ", 0) == 0;
}

}  // namespace

void assign_package_roles(Package& package, const PackageFaceHint& has_face) {
  auto& warnings = package.warnings;
  warnings.erase(std::remove_if(warnings.begin(), warnings.end(), is_role_warning), warnings.end());
  std::vector<std::size_t> images;
  bool have_form = false;
  for (std::size_t i = 0; i < package.entries.size(); ++i) {
    PackageEntry& e = package.entries[i];
    e.role = PackageRole::unknown;
    e.role_reason.clear();
    const std::string shown = package_detail::printable_name(e.name);
    if (is_image_type(e.detected_type)) {
      images.push_back(i);
    } else if (e.detected_type == "csv" || e.detected_type == "json") {
      const std::string_view text(reinterpret_cast<const char*>(e.bytes.data()), e.bytes.size());
      const bool object = e.detected_type == "csv" ||
                          text.substr(text.find_first_not_of(" \t\r\n\xEF\xBB\xBF")).front() == '{';
      if (!object) {
        e.role_reason = "JSON, but not an object (an applicant form is a JSON object)";
      } else if (have_form) {
        e.role_reason = "a second applicant form; the first one in the archive is used";
        warnings.push_back("role: " + shown + " is a second applicant form and was not used");
      } else {
        have_form = true;
        e.role = PackageRole::applicant_form;
        e.role_reason = e.detected_type == "csv"
                            ? "UTF-8 text with a comma-separated header line and data"
                            : "a JSON object";
      }
    } else if (e.detected_type == "pdf") {
      e.role_reason = "PDF files are not read (scan the document as an image)";
      warnings.push_back("role: " + shown + " is a PDF and was not used");
    } else {
      e.role_reason = "content is neither an image nor a CSV/JSON form (" + e.detected_type + ")";
    }
  }

  // Greedy assignment: repeatedly give the best-scoring remaining (image, role) pair its role.
  std::vector<Candidate> candidates;
  for (const std::size_t i : images)
    candidates.push_back(score_image(package.entries[i], has_face));
  std::vector<bool> image_taken(images.size(), false);
  std::array<bool, 3> role_taken{};
  for (;;) {
    double best = 0;
    std::size_t best_image = images.size();
    std::size_t best_role = 0;
    for (std::size_t k = 0; k < images.size(); ++k) {
      if (image_taken[k]) continue;
      for (std::size_t r = 0; r < kImageRoles.size(); ++r) {
        if (!role_taken[r] && candidates[k].score[r] > best) {
          best = candidates[k].score[r];
          best_image = k;
          best_role = r;
        }
      }
    }
    if (best_image == images.size()) break;
    image_taken[best_image] = true;
    role_taken[best_role] = true;
    PackageEntry& e = package.entries[images[best_image]];
    e.role = kImageRoles[best_role];
    e.role_reason = candidates[best_image].why[best_role];
  }

  // One document image and no back: a passport page or a single-sided card. Unless its name says
  // "front", which side it is cannot be told, so it is just the document.
  const bool have_back = role_taken[kBack];
  for (std::size_t k = 0; k < images.size(); ++k) {
    PackageEntry& e = package.entries[images[k]];
    if (e.role == PackageRole::document_front && !have_back &&
        candidates[k].hint != NameHint::front) {
      e.role = PackageRole::document;
      e.role_reason += "; no back side in the package";
    }
    if (!image_taken[k]) {
      const bool had_cue = std::any_of(candidates[k].score.begin(), candidates[k].score.end(),
                                       [](double s) { return s > 0; });
      e.role_reason = had_cue ? "an image whose likely role was already taken by another file"
                              : "an image with no cue to its role";
      warnings.push_back("role: image " + package_detail::printable_name(e.name) +
                         " got no role (" + e.role_reason + ")");
    }
  }
  for (const PackageRole needed : {PackageRole::applicant_form, PackageRole::selfie}) {
    if (package.find(needed) == nullptr) {
      warnings.push_back(std::string("role: no ") + package_role_name(needed) + " was identified");
    }
  }
  if (package.find(PackageRole::document_front) == nullptr &&
      package.find(PackageRole::document) == nullptr) {
    warnings.push_back("role: no document image (front or single page) was identified");
  }
}

Package read_package(const std::uint8_t* data, std::size_t size, const PackageLimits& limits,
                     const PackageFaceHint& has_face) {
  Package package = package_detail::extract(data, size, limits);
  for (PackageEntry& e : package.entries)
    package_detail::identify_content(e, limits, package.warnings);
  assign_package_roles(package, has_face);
  return package;
}

std::string Package::to_json(int indent) const {
  using Json = nlohmann::ordered_json;
  Json j;
  j["schema"] = "kyc.package";
  j["schema_version"] = 1;
  Json list = Json::array();
  for (const PackageEntry& e : entries) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_size = 0;
    std::string sha256;
    if (EVP_Digest(e.bytes.data(), e.bytes.size(), digest, &digest_size, EVP_sha256(), nullptr) ==
        1) {
      static const char* const kHex = "0123456789abcdef";
      for (unsigned int i = 0; i < digest_size; ++i) {
        sha256 += kHex[digest[i] >> 4];
        sha256 += kHex[digest[i] & 0xF];
      }
    }
    Json item;
    item["name"] = e.name;
    item["role"] = package_role_name(e.role);
    item["detected_type"] = e.detected_type;
    item["bytes"] = e.bytes.size();
    item["compressed_bytes"] = e.compressed_bytes;
    item["sha256"] = sha256;
    item["role_reason"] = e.role_reason;
    if (e.width > 0) {
      item["width"] = e.width;
      item["height"] = e.height;
      item["has_pdf417"] = e.has_pdf417;
    }
    list.push_back(std::move(item));
  }
  j["entries"] = std::move(list);
  j["warnings"] = warnings;
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace kyc
