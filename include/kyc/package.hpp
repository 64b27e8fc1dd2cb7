// kyc — KYC package reading: a ZIP of the applicant's form (CSV or JSON), a selfie and the
// identity document (licence front/back, or a passport page), with file names that vary.
//
// read_package() reads the archive entirely in memory with libzip, refusing anything unsafe
// before it is decompressed (entry count, declared sizes, compression ratio, `..` / absolute
// paths, symlinks, encryption, non-UTF-8 or duplicate names) and enforcing the same limits again
// while inflating (a central directory that lies about sizes is caught after at most one byte
// more than it declared). Nothing is written to disk. Each file is then identified by CONTENT
// (magic bytes, UTF-8 text shape, image aspect ratio, a PDF417 barcode), with the file name used
// only as a hint; every role carries the reason it was given. See docs/package.md.
//
// Errors: kyc::PackageError (a kyc::Error) with code limit_exceeded for every limit,
// unsupported_format for compression methods other than store/deflate, and invalid_argument for
// everything else (not a ZIP, truncated or corrupt, unsafe names, symlinks, encryption, nested
// archives, no usable file); reason() is a stable code and what() names the problem and the entry
// (its name sanitised: control bytes and invalid UTF-8 escaped, shortened). Messages never hold
// file contents.
//
// Thread-safety: all functions are re-entrant; results are plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kyc/error.hpp"
#include "kyc/export.hpp"

namespace kyc {

/// Bounds enforced on a package. Every limit is checked against the archive's declared values
/// before anything is decompressed, and again against the bytes actually produced while
/// inflating. Exceeding one throws PackageError(limit_exceeded).
struct PackageLimits {
  /// Size of the ZIP itself (reason "archive_too_large").
  std::size_t max_archive_bytes = 64u * 1024u * 1024u;
  /// Entries in the central directory, directories and ignored entries included; read from the
  /// end-of-central-directory record before libzip builds its entry table
  /// (reason "too_many_entries").
  std::size_t max_entries = 64;
  /// Uncompressed size of one file (reason "entry_too_large").
  std::size_t max_entry_bytes = 25u * 1024u * 1024u;
  /// Uncompressed size of all files together (reason "total_too_large"). This bounds the memory
  /// read_package allocates for entry contents.
  std::size_t max_total_bytes = 100u * 1024u * 1024u;
  /// Uncompressed / compressed size of one entry (reason "compression_ratio"). JPEG and PNG
  /// store at ~1:1 and CSV deflates ~3-6:1; zip bombs reach 1000:1.
  double max_compression_ratio = 100.0;
  /// The ratio is only judged for entries at least this large uncompressed: a tiny, highly
  /// repetitive file (a 2 KiB CSV of padding) is harmless whatever its ratio.
  std::size_t min_bytes_for_ratio_check = 64u * 1024u;
  /// Length in bytes of an entry's full path inside the archive (reason "name_too_long").
  std::size_t max_name_bytes = 255;
  /// Images with more pixels than this (from the header) are not decoded to look for a PDF417
  /// symbol: a small PNG can declare a huge, cheap-to-compress canvas whose decoding and
  /// scanning would cost seconds. Their role then rests on shape and name, with a warning.
  std::uint64_t max_barcode_scan_pixels = 16'000'000;
};

/// What a file in the package is. Stable names: "applicant_form", "selfie", "document_front",
/// "document_back", "document" (a document image whose side cannot be told, e.g. a passport
/// page), "unknown".
enum class PackageRole : std::uint8_t {
  applicant_form,
  selfie,
  document_front,
  document_back,
  document,
  unknown
};
KYC_API const char* package_role_name(PackageRole role) noexcept;

/// One file of the package, read into memory.
struct PackageEntry {
  std::string name;  ///< path inside the archive, UTF-8, as stored ("kyc/selfie.jpg")
  PackageRole role = PackageRole::unknown;
  /// Identified from the bytes: "jpeg", "png", "webp", "bmp", "gif", "tiff", "pnm" (images),
  /// "csv", "json", "text", "pdf", or "unknown".
  std::string detected_type;
  std::vector<std::uint8_t> bytes;  ///< the uncompressed content
  /// How the role was decided, e.g. "PDF417 barcode found; card-shaped (1.59:1)"; a sentence for
  /// people, not a stable code.
  std::string role_reason;
  std::uint64_t compressed_bytes = 0;  ///< size inside the archive
  // Content cues of images (0 / false for other types).
  int width = 0;            ///< upright width (EXIF orientation applied), from the header
  int height = 0;           ///< upright height
  bool has_pdf417 = false;  ///< a PDF417 symbol was found (licence backs carry AAMVA data in one)
};

/// The files of a package, in archive order (directories and ignored entries left out).
struct KYC_API Package {
  std::vector<PackageEntry> entries;
  /// Things that did not stop reading but the caller may want to know: ignored directories and
  /// macOS metadata (__MACOSX/, ._*, .DS_Store), a second applicant form or a surplus image that
  /// got no role, an image whose header could not be read. Never personal data.
  std::vector<std::string> warnings;

  /// The first entry with this role, or nullptr.
  const PackageEntry* find(PackageRole role) const noexcept;
  /// {"schema": "kyc.package", "schema_version": 1, "entries": [{"name", "role",
  /// "detected_type", "bytes", "compressed_bytes", "sha256", "role_reason", "width", "height",
  /// "has_pdf417"}], "warnings": [...]} — entry contents are not included.
  std::string to_json(int indent = -1) const;
};

/// The exception read_package throws. code() as documented above; reason() is a stable code:
/// "archive_too_large", "too_many_entries", "entry_too_large", "total_too_large",
/// "compression_ratio", "name_too_long" (limit_exceeded); "unsupported_compression"
/// (unsupported_format); "not_zip", "corrupt", "size_mismatch", "unsafe_path", "symlink",
/// "special_file", "encrypted", "invalid_name", "duplicate_name", "nested_archive", "empty",
/// "null_input" (invalid_argument).
class KYC_API PackageError : public Error {
 public:
  PackageError(ErrorCode code, const char* reason, const std::string& message);
  /// A string literal: copying the exception never allocates for it.
  const char* reason() const noexcept { return reason_; }

 private:
  const char* reason_;
};

/// An optional cue from a face detector: does this image show a face? The package layer does not
/// load face models; a caller that has them (the engine) can pass one to sharpen the roles.
using PackageFaceHint = std::function<bool(const PackageEntry&)>;

/// Reads and identifies a KYC package held in memory (the caller keeps ownership of `data`).
/// Scans every image for PDF417 symbols (the slowest step: ~tens of ms per megapixel).
/// Throws PackageError as described at the top of this header.
KYC_API Package read_package(const std::uint8_t* data, std::size_t size,
                             const PackageLimits& limits = {},
                             const PackageFaceHint& has_face = nullptr);

/// (Re)assigns roles from the entries' detected types and content cues, with names as hints and
/// has_face (when given) as an extra cue; rewrites role, role_reason and the role warnings.
/// read_package calls it; call it again to refine roles with a face detector.
KYC_API void assign_package_roles(Package& package, const PackageFaceHint& has_face = nullptr);

}  // namespace kyc
