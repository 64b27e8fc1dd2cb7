// Internal: kyc geometry <-> dlib geometry for the local backend.
#pragma once

#include <dlib/geometry/rectangle.h>

#include <cmath>

#include "kyc/face.hpp"

namespace kyc::detail {

/// dlib rectangles are inclusive (right = left + width - 1); kyc boxes are x, y, width, height.
inline dlib::rectangle to_dlib_rect(const Rect& box) {
  return dlib::rectangle(static_cast<long>(std::lround(box.x)),
                         static_cast<long>(std::lround(box.y)),
                         static_cast<long>(std::lround(box.x + box.width)) - 1,
                         static_cast<long>(std::lround(box.y + box.height)) - 1);
}

}  // namespace kyc::detail
