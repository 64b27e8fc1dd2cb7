// Image decoding from bytes: every format kyc sniffs (JPEG, PNG, WebP, BMP, PNM, GIF, TIFF).
#include <cstddef>
#include <cstdint>

#include "fuzz_common.hpp"
#include "kyc/error.hpp"
#include "kyc/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Smaller limits than the defaults keep each execution fast; the limit logic is the same.
  kyc::ImageLimits limits;
  limits.max_pixels = 4'000'000;
  limits.max_dimension = 4096;
  try {
    const kyc::ImageInfo probed = kyc::probe_image(data, size);
    (void)probed;
  } catch (const kyc::Error&) {
  }
  try {
    const kyc::Image image = kyc::decode_image(data, size, limits);
    // The decoded image must honour the limits it was decoded under.
    if (image.width() <= 0 || image.height() <= 0 || image.width() > limits.max_dimension ||
        image.height() > limits.max_dimension ||
        static_cast<std::uint64_t>(image.width()) * static_cast<std::uint64_t>(image.height()) >
            limits.max_pixels) {
      __builtin_trap();
    }
  } catch (const kyc::Error&) {
  }
  return 0;
}
