// Internal: wall-clock stage timing for reports.
#pragma once

#include <chrono>

namespace kyc::detail {

using Clock = std::chrono::steady_clock;

inline double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace kyc::detail
