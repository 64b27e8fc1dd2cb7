// MICR E-13B line parsing (US and Canadian layouts), the ABA checksum and the presentment key.
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "document/cheque/micr_internal.hpp"
#include "kyc/cheque.hpp"

namespace kyc {

const char* micr_symbols_name(MicrSymbols symbols) noexcept {
  switch (symbols) {
    case MicrSymbols::unicode:
      return "unicode";
    case MicrSymbols::doubango:
      return "doubango";
    case MicrSymbols::finos:
      return "finos";
  }
  return "unicode";
}

const char* micr_layout_name(MicrLayout layout) noexcept {
  switch (layout) {
    case MicrLayout::us:
      return "us";
    case MicrLayout::canada:
      return "canada";
    case MicrLayout::unknown:
      break;
  }
  return "unknown";
}

namespace detail {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_symbol(char c) {
  return c == kTransit || c == kAmount || c == kOnUs;
}

char letter_symbol(char c, MicrSymbols symbols) {
  switch (symbols) {
    case MicrSymbols::doubango:
      if (c == 'A') return kTransit;
      if (c == 'B') return kAmount;
      if (c == 'C') return kOnUs;
      if (c == 'D') return kDash;
      break;
    case MicrSymbols::finos:
      if (c == 'T') return kTransit;
      if (c == 'A') return kAmount;
      if (c == 'U') return kOnUs;
      if (c == 'D') return kDash;
      break;
    case MicrSymbols::unicode:
      break;
  }
  return 0;
}

const char* unicode_of(char token) {
  switch (token) {
    case kTransit:
      return "\u2446";
    case kAmount:
      return "\u2447";
    case kOnUs:
      return "\u2448";
    case kDash:
      return "\u2449";
    default:
      return nullptr;
  }
}

// The field covering tokens [begin, end): its text ('-' for a dash) and its weakest confidence.
MicrField field_of(const std::vector<MicrToken>& t, std::size_t begin, std::size_t end) {
  MicrField f;
  float confidence = 101;
  for (std::size_t i = begin; i < end && i < t.size(); ++i) {
    if (is_symbol(t[i].c)) continue;
    f.value += t[i].c == kDash ? '-' : t[i].c;
    if (t[i].confidence >= 0) confidence = std::min(confidence, t[i].confidence);
  }
  f.confidence = confidence > 100 ? -1 : confidence;
  if (f.value.empty()) f.confidence = -1;
  return f;
}

std::size_t find_from(const std::vector<MicrToken>& t, std::size_t from, char c) {
  for (std::size_t i = from; i < t.size(); ++i)
    if (t[i].c == c) return i;
  return std::string::npos;
}

// The end of a field that starts at `from`: the first symbol (any of transit, amount, on-us).
std::size_t field_end(const std::vector<MicrToken>& t, std::size_t from) {
  for (std::size_t i = from; i < t.size(); ++i)
    if (is_symbol(t[i].c)) return i;
  return t.size();
}

}  // namespace

std::string without_leading_zeros(std::string s) {
  const auto first = s.find_first_not_of('0');
  if (first == std::string::npos) return s.empty() ? s : "0";
  return s.substr(first);
}

std::vector<MicrToken> tokenize_micr(std::string_view line, MicrSymbols symbols, float confidence) {
  std::vector<MicrToken> out;
  for (std::size_t i = 0; i < line.size();) {
    const auto c = static_cast<unsigned char>(line[i]);
    // U+2446..U+2449 are E2 91 86..89 in UTF-8.
    if (c == 0xE2 && i + 2 < line.size() && static_cast<unsigned char>(line[i + 1]) == 0x91) {
      const auto last = static_cast<unsigned char>(line[i + 2]);
      if (last >= 0x86 && last <= 0x89) {
        static constexpr char kOrder[] = {kTransit, kAmount, kOnUs, kDash};
        out.push_back({kOrder[last - 0x86], confidence});
        i += 3;
        continue;
      }
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (is_digit(static_cast<char>(c))) {
      out.push_back({static_cast<char>(c), confidence});
    } else if (const char s = letter_symbol(static_cast<char>(c), symbols); s != 0) {
      out.push_back({s, confidence});
    } else {
      out.push_back({'?', confidence});
    }
    // One unknown character per code point, not per byte.
    std::size_t step = 1;
    if (c >= 0xF0) {
      step = 4;
    } else if (c >= 0xE0) {
      step = 3;
    } else if (c >= 0xC0) {
      step = 2;
    }
    i += std::min(step, line.size() - i);
  }
  return out;
}

MicrFields parse_micr_tokens(const std::vector<MicrToken>& t) {
  MicrFields f;
  for (const auto& token : t) {
    if (const char* u = unicode_of(token.c)) {
      f.raw_line += u;
    } else {
      f.raw_line += token.c;
    }
    if (token.c == '?') ++f.unreadable_characters;
  }

  // Amount field: between two amount symbols (the right end of US cheques).
  if (const std::size_t a1 = find_from(t, 0, kAmount); a1 != std::string::npos) {
    const std::size_t a2 = find_from(t, a1 + 1, kAmount);
    f.amount = field_of(t, a1 + 1, a2 == std::string::npos ? field_end(t, a1 + 1) : a2);
    const bool digits_only = !f.amount.value.empty() && f.amount.value.size() <= 12 &&
                             std::all_of(f.amount.value.begin(), f.amount.value.end(), is_digit);
    if (digits_only) f.amount_cents = std::stoll(f.amount.value);
  }

  const std::size_t t1 = find_from(t, 0, kTransit);
  MicrField trailing_on_us;
  if (t1 != std::string::npos) {
    // Auxiliary on-us (business cheques): ⑈serial⑈ left of the transit field.
    const std::size_t o1 = find_from(t, 0, kOnUs);
    if (o1 != std::string::npos && o1 < t1) {
      const std::size_t o2 = find_from(t, o1 + 1, kOnUs);
      if (o2 != std::string::npos && o2 < t1) {
        MicrField aux = field_of(t, o1 + 1, o2);
        if (aux.present()) {
          f.has_auxiliary_on_us = true;
          aux.value = without_leading_zeros(aux.value);
          f.serial = aux;
        }
      }
    }
    std::size_t start = t1;
    while (start < t.size() && t[start].c == kTransit) ++start;  // "⑆⑆" is tolerated
    const std::size_t stop = field_end(t, start);
    f.routing = field_of(t, start, stop);
    // The account: after the closing transit symbol (and an opening on-us symbol, if any) up to
    // the next symbol; digits after an on-us symbol that closes it are the cheque number.
    std::size_t pos = stop;
    if (pos < t.size() && t[pos].c == kTransit) ++pos;
    while (pos < t.size() && t[pos].c == kOnUs) ++pos;
    const std::size_t account_end = field_end(t, pos);
    f.account = field_of(t, pos, account_end);
    if (account_end < t.size() && t[account_end].c == kOnUs) {
      trailing_on_us = field_of(t, account_end + 1, field_end(t, account_end + 1));
    }
  }
  if (!f.serial.present() && trailing_on_us.present()) {
    trailing_on_us.value = without_leading_zeros(trailing_on_us.value);
    f.serial = trailing_on_us;
  }

  const std::string& r = f.routing.value;
  if (r.size() == 9 && std::all_of(r.begin(), r.end(), is_digit)) {
    f.layout = MicrLayout::us;
  } else if (r.size() == 9 && r[5] == '-' && std::all_of(r.begin(), r.begin() + 5, is_digit) &&
             std::all_of(r.begin() + 6, r.end(), is_digit)) {
    f.layout = MicrLayout::canada;
    f.branch_transit = {r.substr(0, 5), f.routing.confidence};
    f.institution = {r.substr(6), f.routing.confidence};
  }
  return f;
}

}  // namespace detail

MicrFields parse_micr_line(std::string_view line, const MicrParseOptions& options) {
  return detail::parse_micr_tokens(detail::tokenize_micr(line, options.symbols, -1));
}

bool aba_checksum_valid(std::string_view routing) noexcept {
  if (routing.size() != 9) return false;
  static constexpr int kWeights[] = {3, 7, 1, 3, 7, 1, 3, 7, 1};
  int sum = 0;
  for (std::size_t i = 0; i < 9; ++i) {
    if (routing[i] < '0' || routing[i] > '9') return false;
    sum += kWeights[i] * (routing[i] - '0');
  }
  return sum % 10 == 0;
}

std::string presentment_key(std::string_view routing, std::string_view account,
                            std::string_view serial) {
  if (routing.empty() || account.empty() || serial.empty()) return {};
  std::string material;
  material.append(routing).append("|").append(account).append("|");
  material += detail::without_leading_zeros(std::string(serial));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(material.data(), material.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return {};
  }
  std::string hex;
  char buffer[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(buffer, sizeof buffer, "%02x", digest[i]);
    hex += buffer;
  }
  return hex;
}

}  // namespace kyc
