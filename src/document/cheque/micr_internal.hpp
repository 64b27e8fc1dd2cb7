// Internal: MICR tokens (one per E-13B character, with the OCR confidence it came with), the
// parser over them, and the checks shared by read_micr and read_cheque.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kyc/cheque.hpp"

namespace kyc::detail {

// Internal one-byte spelling of the four symbols (the public text is Unicode ⑆⑇⑈⑉).
inline constexpr char kTransit = 't';
inline constexpr char kAmount = 'a';
inline constexpr char kOnUs = 'o';
inline constexpr char kDash = 'd';

struct MicrToken {
  char c = '?';           // '0'..'9', kTransit, kAmount, kOnUs, kDash, '?' (unreadable)
  float confidence = -1;  // OCR confidence 0..100 of the word it came from; -1 for text
};

/// Tokens of a text line in `symbols`' spelling (Unicode symbols are always accepted); spaces
/// dropped, anything else '?'. Every token gets `confidence`.
std::vector<MicrToken> tokenize_micr(std::string_view line, MicrSymbols symbols, float confidence);
MicrFields parse_micr_tokens(const std::vector<MicrToken>& tokens);
std::string without_leading_zeros(std::string s);

/// The MICR checks (micr_read, aba_checksum, field_lengths) of a read line.
std::vector<ChequeCheck> micr_checks(const MicrFields& fields, bool found);
/// Verdict over checks: micr_read not passed -> unable_to_assess (decided_by "micr_read"); any
/// fail -> suspicious (decided_by = the first failed check); else
/// unable_to_assess when a `required` check did not pass (decided_by = that check); else clean
/// (decided_by = "all_checks").
void decide(const std::vector<ChequeCheck>& checks, const std::vector<std::string>& required,
            ChequeVerdict& verdict, std::string& decided_by);
/// Checks, presentment key and verdict of a MICR read (options validated: Error on misuse).
void finish_micr(MicrReadResult& result, const ChequeOptions& options);

}  // namespace kyc::detail
