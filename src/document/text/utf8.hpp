// UTF-8 decoding and validation shared by every text input (applicant forms, OCR output, MRZ,
// barcode payloads). Strict: overlong forms, surrogates and code points above U+10FFFF are
// invalid, so a "valid" string can be transliterated and compared without surprises.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kyc::text {

/// Where in a text a problem was found. Line and column are 1-based; column counts code points
/// (what an editor shows), byte_offset is 0-based.
struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;
  std::size_t byte_offset = 0;
};

/// The line/column of `byte_offset` in `text` (LF, CRLF and lone CR end a line).
TextPosition position_of(std::string_view text, std::size_t byte_offset);

/// Decodes the code point starting at text[i]. Returns its length in bytes (1..4), or 0 when the
/// sequence there is not valid UTF-8.
std::size_t decode_utf8(std::string_view text, std::size_t i, char32_t& code_point);

/// The position of the first invalid UTF-8 sequence, or nullopt when the text is valid.
std::optional<TextPosition> find_invalid_utf8(std::string_view text);

/// Appends the UTF-8 encoding of `code_point`.
void append_utf8(std::string& out, char32_t code_point);

/// Removes a leading UTF-8 byte-order mark.
std::string_view strip_utf8_bom(std::string_view text);

}  // namespace kyc::text
