// Safe in-memory extraction of a KYC package with libzip.
//
// Order of defence: (1) the archive size; (2) the entry count from the end-of-central-directory
// record, before libzip allocates its entry table; (3) every entry's metadata (name, type,
// encryption, method, declared sizes and ratio, running total) before ANY entry is inflated, so
// one hostile entry anywhere rejects the package without decompressing a byte; (4) while
// inflating, never more than the declared size + 1 byte is requested, so a central directory
// that understates a size is caught with bounded memory and time.
#include <zip.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "document/text/utf8.hpp"
#include "kyc/package.hpp"
#include "package/package_internal.hpp"

namespace kyc {

PackageError::PackageError(ErrorCode code, const char* reason, const std::string& message)
    : Error(code, message), reason_(reason) {}

namespace package_detail {

std::string printable_name(std::string_view name) {
  constexpr std::size_t kMaxShown = 80;
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  std::size_t i = 0;
  while (i < name.size() && out.size() < kMaxShown) {
    char32_t cp = 0;
    const std::size_t n = text::decode_utf8(name, i, cp);
    if (n == 0 || cp < 0x20 || cp == 0x7F || cp == '"' || cp == '\\') {
      const auto byte = static_cast<unsigned char>(name[i]);
      if (n != 0 && (cp == '"' || cp == '\\')) {
        out += '\\';
        out += static_cast<char>(cp);
      } else {
        out += "\\x";
        out += kHex[byte >> 4];
        out += kHex[byte & 0xF];
      }
      ++i;
      continue;
    }
    out.append(name.substr(i, n));
    i += n;
  }
  if (i < name.size()) out += "...";
  return "\"" + out + "\"";
}

namespace {

[[noreturn]] void fail(ErrorCode code, const char* reason, const std::string& message) {
  throw PackageError(code, reason, "package: " + message);
}

std::uint32_t le32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
std::uint16_t le16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}
std::uint64_t le64(const std::uint8_t* p) {
  return static_cast<std::uint64_t>(le32(p)) | static_cast<std::uint64_t>(le32(p + 4)) << 32;
}

// The entry count declared by the end-of-central-directory record (ZIP64 when present). libzip
// parses the archive; this only reads one number so that a 64 MiB archive declaring a million
// entries is refused before libzip allocates a table for them. Returns false when there is no
// record at all (libzip then reports the archive as not a ZIP).
bool declared_entry_count(const std::uint8_t* data, std::size_t size, std::uint64_t& count) {
  constexpr std::size_t kEocdSize = 22;
  constexpr std::size_t kMaxComment = 0xFFFF;
  if (size < kEocdSize) return false;
  const std::size_t lowest = size > kEocdSize + kMaxComment ? size - kEocdSize - kMaxComment : 0;
  for (std::size_t pos = size - kEocdSize + 1; pos-- > lowest;) {
    const std::uint8_t* p = data + pos;
    if (p[0] != 'P' || p[1] != 'K' || p[2] != 5 || p[3] != 6) continue;
    count = std::max<std::uint64_t>(le16(p + 8), le16(p + 10));
    // ZIP64: a locator right before the record points at the ZIP64 end record.
    constexpr std::size_t kLocatorSize = 20;
    constexpr std::size_t kZip64EocdSize = 56;
    if (pos >= kLocatorSize) {
      const std::uint8_t* loc = p - kLocatorSize;
      if (loc[0] == 'P' && loc[1] == 'K' && loc[2] == 6 && loc[3] == 7) {
        const std::uint64_t offset = le64(loc + 8);
        if (size >= kZip64EocdSize && offset <= size - kZip64EocdSize) {
          const std::uint8_t* z = data + offset;
          if (z[0] == 'P' && z[1] == 'K' && z[2] == 6 && z[3] == 6) {
            count = std::max({count, le64(z + 24), le64(z + 32)});
          }
        }
      }
    }
    return true;
  }
  return false;
}

struct ArchiveCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct FileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};
using ArchivePtr = std::unique_ptr<zip_t, ArchiveCloser>;
using FilePtr = std::unique_ptr<zip_file_t, FileCloser>;

ArchivePtr open_archive(const std::uint8_t* data, std::size_t size) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(data, size, 0, &error);
  if (source == nullptr) {
    const std::string what = zip_error_strerror(&error);
    zip_error_fini(&error);
    fail(ErrorCode::internal, "corrupt", "libzip could not wrap the buffer: " + what);
  }
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  if (archive == nullptr) {
    zip_source_free(source);
    const int code = zip_error_code_zip(&error);
    const std::string what = zip_error_strerror(&error);
    zip_error_fini(&error);
    if (code == ZIP_ER_NOZIP) fail(ErrorCode::invalid_argument, "not_zip", "not a ZIP archive");
    if (code == ZIP_ER_MEMORY)
      fail(ErrorCode::internal, "corrupt", "out of memory opening the archive");
    if (code == ZIP_ER_MULTIDISK) {
      fail(ErrorCode::unsupported_format, "unsupported_compression",
           "multi-disk (split) ZIP archives are not supported");
    }
    fail(ErrorCode::invalid_argument, "corrupt",
         "the ZIP archive is truncated or corrupt (" + what + ")");
  }
  zip_error_fini(&error);
  return ArchivePtr(archive);
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void check_name(std::string_view name, const PackageLimits& limits) {
  const std::string shown = printable_name(name);
  if (name.empty()) fail(ErrorCode::invalid_argument, "invalid_name", "an entry has an empty name");
  if (name.size() > limits.max_name_bytes) {
    fail(ErrorCode::limit_exceeded, "name_too_long",
         "entry name " + shown + " is " + std::to_string(name.size()) + " bytes (limit " +
             std::to_string(limits.max_name_bytes) + ")");
  }
  if (const auto bad = text::find_invalid_utf8(name)) {
    fail(ErrorCode::invalid_argument, "invalid_name",
         "entry name " + shown + " is not valid UTF-8 (byte " + std::to_string(bad->byte_offset) +
             ")");
  }
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      fail(ErrorCode::invalid_argument, "invalid_name",
           "entry name " + shown + " contains a control character");
    }
  }
  if (name.find('\\') != std::string_view::npos) {
    fail(ErrorCode::invalid_argument, "unsafe_path",
         "entry name " + shown + " contains a backslash (a Windows path separator; ZIP uses '/')");
  }
  if (name.front() == '/') {
    fail(ErrorCode::invalid_argument, "unsafe_path",
         "entry name " + shown + " is an absolute path");
  }
  if (name.size() >= 2 && name[1] == ':' && std::isalpha(static_cast<unsigned char>(name[0]))) {
    fail(ErrorCode::invalid_argument, "unsafe_path",
         "entry name " + shown + " starts with a drive letter (an absolute Windows path)");
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    if (name.substr(start, end - start) == "..") {
      fail(ErrorCode::invalid_argument, "unsafe_path",
           "entry name " + shown + " has a '..' component (path traversal, \"zip slip\")");
    }
    start = end + 1;
  }
}

// Entries that carry no package content: folders and the metadata macOS and Windows add.
const char* ignored_because(std::string_view name) {
  if (name.back() == '/') return "a directory";
  if (name.substr(0, 9) == "__MACOSX/") return "macOS resource-fork metadata";
  const std::size_t slash = name.rfind('/');
  const std::string_view base = slash == std::string_view::npos ? name : name.substr(slash + 1);
  if (base.substr(0, 2) == "._") return "macOS resource-fork metadata";
  if (base == ".DS_Store") return "macOS folder metadata";
  if (base == "Thumbs.db" || base == "desktop.ini") return "Windows folder metadata";
  return nullptr;
}

void check_attributes(zip_t* archive, zip_uint64_t index, const std::string& shown) {
  zip_uint8_t opsys = 0;
  zip_uint32_t attributes = 0;
  if (zip_file_get_external_attributes(archive, index, 0, &opsys, &attributes) != 0) {
    fail(ErrorCode::invalid_argument, "corrupt", "cannot read the attributes of entry " + shown);
  }
  if (opsys != ZIP_OPSYS_UNIX) return;  // other creators store DOS attributes: no file types
  // Unix creators keep st_mode in the upper 16 bits (octal values are POSIX's, fixed by the
  // ZIP format, so no <sys/stat.h> dependence).
  constexpr std::uint32_t kTypeMask = 0170000;
  constexpr std::uint32_t kSymlink = 0120000;
  constexpr std::uint32_t kRegular = 0100000;
  constexpr std::uint32_t kDirectory = 0040000;
  const std::uint32_t type = (attributes >> 16) & kTypeMask;
  if (type == kSymlink) {
    fail(ErrorCode::invalid_argument, "symlink",
         "entry " + shown + " is a symbolic link (refused: it could point outside the package)");
  }
  if (type != 0 && type != kRegular && type != kDirectory) {
    fail(ErrorCode::invalid_argument, "special_file",
         "entry " + shown + " is a device, FIFO or socket, not a regular file");
  }
}

struct Planned {
  zip_uint64_t index = 0;
  std::string name;
  std::uint64_t size = 0;
  std::uint64_t compressed = 0;
};

std::vector<std::uint8_t> inflate_entry(zip_t* archive, const Planned& entry,
                                        const PackageLimits& limits, std::uint64_t total_before) {
  const std::string shown = printable_name(entry.name);
  FilePtr file(zip_fopen_index(archive, entry.index, 0));
  if (!file) {
    fail(ErrorCode::invalid_argument, "corrupt",
         "cannot open entry " + shown + ": " + zip_error_strerror(zip_get_error(archive)));
  }
  std::vector<std::uint8_t> bytes;
  bytes.reserve(static_cast<std::size_t>(entry.size));  // declared size, already within limits
  constexpr std::size_t kChunk = 64 * 1024;
  std::vector<std::uint8_t> chunk(kChunk);
  for (;;) {
    // Ask for at most one byte beyond the declared size: enough to prove a lie, never more.
    const std::uint64_t wanted = std::min<std::uint64_t>(kChunk, entry.size - bytes.size() + 1);
    const zip_int64_t got = zip_fread(file.get(), chunk.data(), wanted);
    if (got < 0) {
      fail(ErrorCode::invalid_argument, "corrupt",
           "entry " + shown + " cannot be decompressed (" +
               zip_error_strerror(zip_file_get_error(file.get())) + ")");
    }
    if (got == 0) break;
    const std::uint64_t produced = bytes.size() + static_cast<std::uint64_t>(got);
    // Defence in depth: the declared size was checked against the limits, but the data decides.
    if (produced > limits.max_entry_bytes) {
      fail(ErrorCode::limit_exceeded, "entry_too_large",
           "entry " + shown + " inflates beyond " + std::to_string(limits.max_entry_bytes) +
               " bytes");
    }
    if (total_before + produced > limits.max_total_bytes) {
      fail(ErrorCode::limit_exceeded, "total_too_large",
           "the package inflates beyond " + std::to_string(limits.max_total_bytes) + " bytes");
    }
    if (produced > entry.size) {
      fail(ErrorCode::invalid_argument, "size_mismatch",
           "entry " + shown + " inflates beyond its declared size of " +
               std::to_string(entry.size) +
               " bytes (the archive lies about its sizes; reading stopped)");
    }
    bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + got);
  }
  if (bytes.size() != entry.size) {
    fail(ErrorCode::invalid_argument, "size_mismatch",
         "entry " + shown + " holds " + std::to_string(bytes.size()) + " bytes but declares " +
             std::to_string(entry.size));
  }
  return bytes;
}

}  // namespace

Package extract(const std::uint8_t* data, std::size_t size, const PackageLimits& limits) {
  if (data == nullptr && size != 0) {
    fail(ErrorCode::invalid_argument, "null_input", "null data pointer with a non-zero size");
  }
  if (size > limits.max_archive_bytes) {
    fail(ErrorCode::limit_exceeded, "archive_too_large",
         "the archive is " + std::to_string(size) + " bytes (limit " +
             std::to_string(limits.max_archive_bytes) + ")");
  }
  std::uint64_t declared_entries = 0;
  if (!declared_entry_count(data, size, declared_entries)) {
    fail(ErrorCode::invalid_argument, "not_zip",
         size == 0 ? std::string("the archive is empty (0 bytes)")
                   : "not a ZIP archive (no end-of-central-directory record; truncated?)");
  }
  if (declared_entries > limits.max_entries) {
    fail(ErrorCode::limit_exceeded, "too_many_entries",
         "the archive declares " + std::to_string(declared_entries) + " entries (limit " +
             std::to_string(limits.max_entries) + ")");
  }

  ArchivePtr archive = open_archive(data, size);
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  if (count < 0) fail(ErrorCode::invalid_argument, "corrupt", "cannot count the entries");
  if (static_cast<std::uint64_t>(count) > limits.max_entries) {  // libzip's own count decides
    fail(ErrorCode::limit_exceeded, "too_many_entries",
         "the archive holds " + std::to_string(count) + " entries (limit " +
             std::to_string(limits.max_entries) + ")");
  }

  // Pass 1: metadata only. Nothing is decompressed until every entry has passed.
  Package package;
  std::vector<Planned> planned;
  std::set<std::string> seen_folded;
  std::uint64_t declared_total = 0;
  for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    // Raw bytes: libzip would otherwise reinterpret a non-UTF-8 name as CP437.
    if (zip_stat_index(archive.get(), i, ZIP_FL_ENC_RAW, &st) != 0 ||
        (st.valid & ZIP_STAT_NAME) == 0 || st.name == nullptr) {
      fail(ErrorCode::invalid_argument, "corrupt",
           "cannot read entry " + std::to_string(i) + " of the central directory");
    }
    const std::string name = st.name;
    check_name(name, limits);
    const std::string shown = printable_name(name);
    if (!seen_folded.insert(lower_ascii(name)).second) {
      fail(ErrorCode::invalid_argument, "duplicate_name",
           "entry name " + shown +
               " appears twice (ignoring case): which copy is meant would be ambiguous");
    }
    check_attributes(archive.get(), i, shown);
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && st.encryption_method != ZIP_EM_NONE) {
      fail(ErrorCode::invalid_argument, "encrypted", "entry " + shown + " is encrypted");
    }
    if (const char* why = ignored_because(name)) {
      package.warnings.push_back("ignored " + shown + ": " + why);
      continue;
    }
    if ((st.valid & ZIP_STAT_COMP_METHOD) == 0 ||
        (st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)) {
      fail(ErrorCode::unsupported_format, "unsupported_compression",
           "entry " + shown + " uses compression method " + std::to_string(st.comp_method) +
               " (only stored and deflate are accepted)");
    }
    if ((st.valid & ZIP_STAT_SIZE) == 0 || (st.valid & ZIP_STAT_COMP_SIZE) == 0) {
      fail(ErrorCode::invalid_argument, "corrupt", "entry " + shown + " declares no size");
    }
    if (st.size > limits.max_entry_bytes) {
      fail(ErrorCode::limit_exceeded, "entry_too_large",
           "entry " + shown + " declares " + std::to_string(st.size) + " bytes (limit " +
               std::to_string(limits.max_entry_bytes) + ")");
    }
    if (st.size >= limits.min_bytes_for_ratio_check) {
      const double ratio = static_cast<double>(st.size) /
                           static_cast<double>(std::max<zip_uint64_t>(st.comp_size, 1));
      if (ratio > limits.max_compression_ratio) {
        fail(ErrorCode::limit_exceeded, "compression_ratio",
             "entry " + shown + " has compression ratio " +
                 std::to_string(static_cast<long long>(ratio)) + ":1 (limit " +
                 std::to_string(static_cast<long long>(limits.max_compression_ratio)) +
                 ":1; a zip bomb?)");
      }
    }
    declared_total += st.size;
    if (declared_total > limits.max_total_bytes) {
      fail(ErrorCode::limit_exceeded, "total_too_large",
           "the entries declare " + std::to_string(declared_total) + " bytes together (limit " +
               std::to_string(limits.max_total_bytes) + ")");
    }
    planned.push_back({i, name, st.size, st.comp_size});
  }
  if (planned.empty()) {
    fail(ErrorCode::invalid_argument, "empty", "the archive holds no files");
  }

  // Pass 2: inflate, with the limits enforced on the bytes produced.
  std::uint64_t total = 0;
  for (const Planned& p : planned) {
    PackageEntry entry;
    entry.name = p.name;
    entry.compressed_bytes = p.compressed;
    entry.bytes = inflate_entry(archive.get(), p, limits, total);
    total += entry.bytes.size();
    package.entries.push_back(std::move(entry));
  }
  return package;
}

}  // namespace package_detail
}  // namespace kyc
