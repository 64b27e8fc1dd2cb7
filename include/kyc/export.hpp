// kyc — symbol visibility. The library is built with hidden visibility; only KYC_API symbols
// are exported.
#pragma once

#if defined(_WIN32)
#if defined(KYC_BUILDING_LIBRARY)
#define KYC_API __declspec(dllexport)
#elif defined(KYC_SHARED_LIBRARY)
#define KYC_API __declspec(dllimport)
#else
#define KYC_API
#endif
#else
#define KYC_API __attribute__((visibility("default")))
#endif
