// RFC 4180 CSV reader with limits checked before allocation. Errors are kyc::Error with the
// line and column (1-based, columns in code points) of the offending character.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kyc::csv {

struct Cell {
  std::string value;
  std::size_t offset = 0;  ///< byte offset of the cell's first character in the text
};

struct Row {
  std::vector<Cell> cells;
  std::size_t offset = 0;      ///< byte offset where the row starts
  std::size_t end_offset = 0;  ///< byte offset just after the row's last cell
};

struct Limits {
  std::size_t max_rows = 100001;  ///< including the header
  std::size_t max_fields_per_row = 256;
  std::size_t max_field_bytes = 64 * 1024;
};

/// Parses `text` (already valid UTF-8, BOM removed). Fields may be quoted ("a, b", "say ""hi""",
/// line breaks inside quotes); records end with CRLF, LF or CR; empty lines are skipped.
/// Throws kyc::Error(invalid_argument) for an unterminated quote, a quote inside an unquoted
/// field or text after a closing quote, and kyc::Error(limit_exceeded) when a limit is crossed.
std::vector<Row> parse(std::string_view text, const Limits& limits);

/// "line L, column C" of a byte offset, for error messages.
std::string where(std::string_view text, std::size_t offset);

}  // namespace kyc::csv
