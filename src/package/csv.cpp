#include "package/csv.hpp"

#include "document/text/utf8.hpp"
#include "kyc/error.hpp"

namespace kyc::csv {

std::string where(std::string_view text, std::size_t offset) {
  const text::TextPosition pos = text::position_of(text, offset);
  return "line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column);
}

namespace {

[[noreturn]] void fail(ErrorCode code, std::string_view text, std::size_t offset,
                       const std::string& what) {
  throw Error(code, "CSV " + where(text, offset) + ": " + what);
}

bool is_line_end(char c) {
  return c == '\n' || c == '\r';
}

// Skips one record terminator (CRLF, LF or CR) at i.
std::size_t skip_line_end(std::string_view text, std::size_t i) {
  if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') return i + 2;
  return i + 1;
}

}  // namespace

std::vector<Row> parse(std::string_view text, const Limits& limits) {
  std::vector<Row> rows;
  std::size_t i = 0;
  const std::size_t n = text.size();

  const auto append = [&](Cell& cell, std::string_view chunk) {
    if (cell.value.size() + chunk.size() > limits.max_field_bytes) {
      fail(ErrorCode::limit_exceeded, text, cell.offset,
           "field longer than " + std::to_string(limits.max_field_bytes) + " bytes");
    }
    cell.value.append(chunk.data(), chunk.size());
  };

  while (i < n) {
    if (is_line_end(text[i])) {  // empty line: ignored, not a one-empty-field record
      i = skip_line_end(text, i);
      continue;
    }
    if (rows.size() >= limits.max_rows) {
      fail(ErrorCode::limit_exceeded, text, i,
           "more than " + std::to_string(limits.max_rows) + " rows (header included)");
    }
    Row row;
    row.offset = i;
    bool row_done = false;
    while (!row_done) {
      if (row.cells.size() >= limits.max_fields_per_row) {
        fail(ErrorCode::limit_exceeded, text, i,
             "more than " + std::to_string(limits.max_fields_per_row) + " fields in a row");
      }
      Cell cell;
      cell.offset = i;
      if (i < n && text[i] == '"') {
        ++i;
        for (;;) {
          const std::size_t quote = text.find('"', i);
          if (quote == std::string_view::npos) {
            fail(ErrorCode::invalid_argument, text, cell.offset,
                 "unterminated quoted field (the closing quote is missing)");
          }
          append(cell, text.substr(i, quote - i));
          i = quote + 1;
          if (i < n && text[i] == '"') {  // doubled quote = one literal quote
            append(cell, "\"");
            ++i;
            continue;
          }
          break;
        }
        if (i < n && text[i] != ',' && !is_line_end(text[i])) {
          fail(ErrorCode::invalid_argument, text, i,
               "unexpected character after a closing quote (expected a comma or a line end)");
        }
      } else {
        std::size_t j = i;
        while (j < n && text[j] != ',' && !is_line_end(text[j])) {
          if (text[j] == '"') {
            fail(ErrorCode::invalid_argument, text, j,
                 "quote inside an unquoted field (quote the whole field and double the quote)");
          }
          ++j;
        }
        append(cell, text.substr(i, j - i));
        i = j;
      }
      row.cells.push_back(std::move(cell));
      row.end_offset = i;
      if (i >= n) {
        row_done = true;
      } else if (text[i] == ',') {
        ++i;  // at the end of the text, the next pass reads a last, empty field
      } else {
        i = skip_line_end(text, i);
        row_done = true;
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace kyc::csv
