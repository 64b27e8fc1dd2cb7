// Shared helpers for the libFuzzer targets (docs/reliability.md).
//
// Contract under test: bad input yields kyc::Error (or a result saying what is wrong); anything
// else escaping -- another exception type, a crash, a sanitizer report, a leak -- is a bug. So
// each target catches kyc::Error only and lets every other exception terminate the process,
// which libFuzzer reports as a crash with the input saved.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kyc_fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace kyc_fuzz
