#include <dlib/revision.h>

#include <opencv2/core/version.hpp>
#include <string>

#include "kyc/version.hpp"

namespace kyc {

const char* version() noexcept {
  return KYC_VERSION_STRING;
}

const char* build_info() noexcept {
  static const std::string info = [] {
    std::string simd;
#if defined(__AVX512F__)
    simd = "avx512";
#elif defined(__AVX2__)
    simd = "avx2";
#elif defined(__AVX__)
    simd = "avx";
#elif defined(__SSE4_2__)
    simd = "sse4.2";
#else
    simd = "sse2";
#endif
    std::string blas = "none";
#if defined(DLIB_USE_BLAS)
    blas = "cblas (libblas.so.3 alternative; OpenBLAS when installed)";
#endif
    return "kyc " KYC_VERSION_STRING "; dlib " + std::to_string(DLIB_MAJOR_VERSION) + "." +
           std::to_string(DLIB_MINOR_VERSION) + " (BLAS: " + blas +
           "); OpenCV " CV_VERSION "; kyc SIMD: " + simd;
  }();
  return info.c_str();
}

}  // namespace kyc
