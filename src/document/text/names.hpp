// Name normalisation for comparison: ICAO 9303 Part 3 transliteration of Latin letters with
// diacritics, upper-casing, and the MRZ rules for separators (spaces, hyphens and '<' separate
// name components; apostrophes are dropped).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kyc::text {

/// One normalised spelling of a name: upper-case tokens (A-Z, 0-9, or letters with no Latin
/// transliteration kept as UTF-8), in order.
using NameTokens = std::vector<std::string>;

/// The distinct normalised spellings of a name: index 0 uses the ICAO 9303 recommended
/// transliteration (Ä→AE, Ö→OE, Ü→UE, Å→AA, ß→SS, Æ→AE, Ø→OE, Þ→TH, Ñ→N), index 1 (when it differs)
/// the permitted simple form (Ä→A, Ö→O, Ü→U, Å→A). A document uses one convention throughout,
/// so comparing against every variant accepts either transliteration without mixing them.
/// Invalid UTF-8 bytes are dropped.
std::vector<NameTokens> name_variants(std::string_view name);

/// Transliterates one string (upper-case, ICAO primary or simple form) without tokenising:
/// apostrophes are dropped, other punctuation and spaces are kept for the caller.
std::string transliterate_upper(std::string_view text, bool simple_form);

/// The tokens joined without separators ("VAN DER BERG" → "VANDERBERG").
std::string joined(const NameTokens& tokens);

/// Levenshtein distance (insert, delete, substitute = 1). Inputs longer than 1024 bytes are
/// compared on their first 1024 bytes to bound the cost.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// 1 - distance / max(length): 1.0 for equal strings, 0.0 for completely different ones.
double edit_similarity(std::string_view a, std::string_view b);

}  // namespace kyc::text
