#include <dlfcn.h>
#include <dlib/config.h>
#include <dlib/revision.h>

#include <opencv2/core/version.hpp>
#include <string>

#include "kyc/version.hpp"

namespace kyc {
namespace {

// Which BLAS dlib's DNN really runs on: asked of the loaded library, not assumed from the build.
std::string blas_in_use() {
#if defined(DLIB_USE_BLAS)
  using GetConfig = char* (*)();
  using GetThreads = int (*)();
  if (auto config = reinterpret_cast<GetConfig>(dlsym(RTLD_DEFAULT, "openblas_get_config"))) {
    std::string info = config();
    if (auto threads =
            reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"))) {
      info += ", " + std::to_string(threads()) + " threads";
    }
    return info;
  }
  return "reference or unknown CBLAS (install libopenblas0 for speed)";
#else
  return "none (dlib built without BLAS)";
#endif
}

const char* openblas_core() {
  using GetCorename = char* (*)();
  auto corename = reinterpret_cast<GetCorename>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  return corename ? corename() : nullptr;
}

}  // namespace

const char* recommended_openblas_coretype() noexcept {
  const char* core = openblas_core();
  if (core == nullptr || std::string(core) != "Prescott") return nullptr;
#if defined(__x86_64__) || defined(__i386__)
  if (__builtin_cpu_supports("avx512f")) return "SkylakeX";
  if (__builtin_cpu_supports("avx2")) return "Haswell";
#endif
  return nullptr;
}

const char* version() noexcept {
  return KYC_VERSION_STRING;
}

const char* build_info() noexcept {
  static const std::string info = [] {
#if defined(__AVX512F__)
    const char* simd = "avx512";
#elif defined(__AVX2__)
    const char* simd = "avx2";
#elif defined(__AVX__)
    const char* simd = "avx";
#elif defined(__SSE4_2__)
    const char* simd = "sse4.2";
#else
    const char* simd = "sse2";
#endif
    std::string text = "kyc " KYC_VERSION_STRING "; dlib " + std::to_string(DLIB_MAJOR_VERSION) +
                       "." + std::to_string(DLIB_MINOR_VERSION) + "; BLAS: " + blas_in_use() +
                       "; OpenCV " CV_VERSION "; kyc compiled for " + simd;
    if (const char* hint = recommended_openblas_coretype()) {
      text += std::string("; WARNING: OpenBLAS fell back to SSE3 kernels, set OPENBLAS_CORETYPE=") +
              hint + " before starting the process";
    }
    return text;
  }();
  return info.c_str();
}

}  // namespace kyc
