/* kyc — C ABI (C99). Stable contract for FFI from any language.
 *
 * Ownership, once for the whole header:
 *  - A function returning a non-const pointer, or writing one to an out-parameter, transfers
 *    ownership to the caller, who frees it with the matching kyc_*_destroy.
 *  - A function returning `const char*` lends memory owned by its argument; it stays valid until
 *    that argument is destroyed. kyc_api_version/kyc_version_string return static memory.
 *  - Every kyc_*_destroy accepts NULL and returns void.
 *  - On failure, out-parameters are left untouched.
 *  - Strings are UTF-8 and NUL-terminated. Sizes are size_t.
 *
 * Errors: functions that can fail return kyc_status*: NULL means success; otherwise the caller
 * owns the status (code + message) and frees it with kyc_status_destroy. No C++ exception ever
 * crosses this boundary.
 *
 * Thread-safety: a kyc_engine may be shared by any number of threads. Reports and statuses are
 * immutable and may be read from any thread; destroy each exactly once.
 */
#ifndef KYC_KYC_H
#define KYC_KYC_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && defined(KYC_BUILDING_LIBRARY)
#define KYC_C_API __declspec(dllexport)
#elif defined(_WIN32) && defined(KYC_SHARED_LIBRARY)
#define KYC_C_API __declspec(dllimport)
#elif defined(_WIN32)
#define KYC_C_API
#else
#define KYC_C_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped when the C ABI changes incompatibly; additions keep the number. Compare
 * kyc_api_version() with KYC_C_API_VERSION at start-up to catch a mismatched shared library. */
#define KYC_C_API_VERSION 1u

/* Error codes; values equal kyc::ErrorCode and never change. */
typedef enum kyc_code {
  KYC_OK = 0,
  KYC_INVALID_ARGUMENT = 1,
  KYC_INVALID_IMAGE = 2,
  KYC_UNSUPPORTED_FORMAT = 3,
  KYC_LIMIT_EXCEEDED = 4,
  KYC_MODEL_NOT_FOUND = 5,
  KYC_INVALID_CONFIG = 6,
  KYC_BACKEND_UNAVAILABLE = 7,
  KYC_IO_ERROR = 8,
  KYC_INTERNAL = 9
} kyc_code;

/* Pixel formats; values equal kyc::PixelFormat. */
typedef enum kyc_pixel_format {
  KYC_PIXEL_GRAY = 0,
  KYC_PIXEL_BGR = 1,
  KYC_PIXEL_RGB = 2,
  KYC_PIXEL_BGRA = 3,
  KYC_PIXEL_RGBA = 4
} kyc_pixel_format;

typedef struct kyc_engine kyc_engine;
typedef struct kyc_status kyc_status;
typedef struct kyc_report kyc_report;
typedef struct kyc_buffer kyc_buffer;

/* An image argument: either encoded bytes (JPEG, PNG, ... decoded by content; width, height,
 * row_stride and format ignored) or raw pixels (encoded == 0). struct_size must be
 * sizeof(kyc_image) (at least the version-1 size) so the struct can grow. The data is borrowed for
 * the duration of the call. */
typedef struct kyc_image {
  uint32_t struct_size;
  int32_t encoded; /* 1: data/size are an encoded file; 0: raw pixels */
  const uint8_t* data;
  size_t size; /* bytes available at data (checked against height * row_stride) */
  int32_t width;
  int32_t height;
  int64_t row_stride; /* 0 = tightly packed */
  kyc_pixel_format format;
} kyc_image;

KYC_C_API uint32_t kyc_api_version(void);
KYC_C_API const char* kyc_version_string(void);

KYC_C_API kyc_code kyc_status_code(const kyc_status* status);       /* KYC_OK for NULL */
KYC_C_API const char* kyc_status_message(const kyc_status* status); /* "" for NULL */
KYC_C_API void kyc_status_destroy(kyc_status* status);

/* config_json: the JSON configuration (see docs), or NULL / "" for defaults. */
KYC_C_API kyc_status* kyc_engine_create(const char* config_json, kyc_engine** out_engine);
KYC_C_API void kyc_engine_destroy(kyc_engine* engine);

/* Face match: the largest face of `source` against every face of `target`.
 * options_json: NULL, or {"distance_threshold": 0.5} / {"similarity_threshold": 90} /
 * {"operating_point": "fmr1e-3"}. A result with no face is a report, not an error. */
KYC_C_API kyc_status* kyc_face_match(const kyc_engine* engine, const kyc_image* source,
                                     const kyc_image* target, const char* options_json,
                                     kyc_report** out_report);

/* Faces of one image as a report {"schema": "kyc.faces", "schema_version": 1, "faces": [...]}. */
KYC_C_API kyc_status* kyc_detect_faces(const kyc_engine* engine, const kyc_image* image,
                                       kyc_report** out_report);

/* Passport-photo check against a profile: a built-in name ("icao", "us", "uk", "schengen"), or a
 * profile as JSON text (starting with '{', see docs/photo-rules.md); NULL = "icao". A photo that
 * fails rules is a report {"schema": "kyc.photo_check", ...}, not an error. */
KYC_C_API kyc_status* kyc_check_photo(const kyc_engine* engine, const kyc_image* photo,
                                      const char* profile, kyc_report** out_report);

typedef enum kyc_annotation_format {
  KYC_ANNOTATE_PNG = 0,
  KYC_ANNOTATE_JPEG = 1
} kyc_annotation_format;

/* Checks the photo like kyc_check_photo and draws the result on it (face box, landmarks, allowed
 * crown/chin and eye-line bands, centre line, failing rules): the encoded picture goes to
 * *out_image and, when out_report is not NULL, the report to *out_report. */
KYC_C_API kyc_status* kyc_annotate_photo(const kyc_engine* engine, const kyc_image* photo,
                                         const char* profile, kyc_annotation_format format,
                                         kyc_buffer** out_image, kyc_report** out_report);

/* --- documents (JSON in, JSON out) ------------------------------------------------------------ */

/* Parses an AAMVA DL/ID payload (the PDF417 text of a US/Canadian licence, or a magnetic stripe).
 * An unrecognised payload is a report with "valid": false and a reason, not an error.
 * kyc_report_is_match() is 1 when valid. Report schema kyc.aamva. */
KYC_C_API kyc_status* kyc_parse_aamva(const uint8_t* payload, size_t size, kyc_report** out_report);

/* Parses MRZ text (lines separated by newlines). Bad text is a report ("status":
 * "unrecognized"/"invalid" with reasons), not an error. kyc_report_is_match() is 1 when every
 * check digit verified. Report schema kyc.mrz. */
KYC_C_API kyc_status* kyc_parse_mrz(const char* text, kyc_report** out_report);

/* Reads a document image (back may be NULL): AAMVA barcode, MRZ, printed zone. Report schema
 * kyc.document; kyc_report_is_match() is 1 when a machine-readable zone was read and valid. */
KYC_C_API kyc_status* kyc_read_document(const kyc_engine* engine, const kyc_image* front,
                                        const kyc_image* back, kyc_report** out_report);

/* --- cheques (docs/cheque.md) --------------------------------------------------------------- */

/* Reads a cheque image: MICR line (routing, account, cheque number, amount field), printed
 * fields, and every check. options_json may be NULL or an object with any of
 * {"as_of": "YYYY-MM-DD", "stale_after_days": int, "postdated_tolerance_days": int}; unset values
 * come from the engine's "cheque" configuration. Duplicate presentment is not judged here
 * (check "duplicate_presentment" is unable_to_assess, reason "no_store"): use
 * kyc_read_cheque_with_store, or keep the report's "presentment_key" yourself. Report schema
 * kyc.cheque; kyc_report_is_match() is 1 when the verdict is "clean". */
KYC_C_API kyc_status* kyc_read_cheque(const kyc_engine* engine, const kyc_image* cheque,
                                      const char* options_json, kyc_report** out_report);

/* The caller's duplicate-presentment store (a table in the deployment's database). Called at
 * most once per kyc_read_cheque_with_store, on the calling thread, with the presentment key: 64
 * lower-case hex characters, the SHA-256 of routing, account and cheque number (never the
 * numbers themselves), valid for the duration of the call. It records the key and returns 1 when
 * the key had been recorded before, 0 when it is new, and -1 when the store failed (the read then
 * fails with KYC_INVALID_ARGUMENT, "presentment store failed"; any other value is treated the
 * same way). With a shared engine it is called from many threads at once: it must be
 * thread-safe and atomic (of two concurrent calls with one key, exactly one returns 0). */
typedef int (*kyc_presentment_fn)(void* user_data, const char* key);

/* kyc_read_cheque with a presentment store: check "duplicate_presentment" fails with reason
 * "seen_before" when `store` answers 1. `store` may be NULL (then exactly kyc_read_cheque);
 * `user_data` is passed to it untouched and not owned. */
KYC_C_API kyc_status* kyc_read_cheque_with_store(const kyc_engine* engine, const kyc_image* cheque,
                                                 const char* options_json, kyc_presentment_fn store,
                                                 void* user_data, kyc_report** out_report);

/* Reads an image of the MICR line alone. Report schema kyc.micr; kyc_report_is_match() is 1
 * when the verdict is "clean". options_json as for kyc_read_cheque (may be NULL). */
KYC_C_API kyc_status* kyc_read_micr(const kyc_engine* engine, const kyc_image* line,
                                    const char* options_json, kyc_report** out_report);

/* The onboarding check of a KYC package (ZIP bytes): face match, document, consistency,
 * third-party verification. Report schema kyc.package_report; kyc_report_is_match() is 1 when
 * the verdict is "approved". An unsafe archive is an error (KYC_INVALID_ARGUMENT,
 * KYC_LIMIT_EXCEEDED). */
KYC_C_API kyc_status* kyc_verify_package(const kyc_engine* engine, const uint8_t* zip, size_t size,
                                         kyc_report** out_report);

/* Compares an applicant's data with document reads. request_json:
 *   {"applicant": {...form fields...} | "applicant_csv": "header\nrow",
 *    "documents": [{"source": "mrz"|"barcode"|"viz"|"external", "fields": {...},
 *                   "verified_fields": [...], "truncated_fields": [...]}],
 *    "options": {"as_of": "2026-01-31", "minimum_age": 18, "name_threshold": 0.8,
 *                "address_threshold": 0.8, "required_fields": [...], "address_decides": true}}
 * kyc_report_is_match() is 1 when the verdict is "consistent". Report schema kyc.consistency. */
KYC_C_API kyc_status* kyc_check_consistency(const char* request_json, kyc_report** out_report);

/* Bytes owned by the buffer. */
KYC_C_API const uint8_t* kyc_buffer_data(const kyc_buffer* buffer); /* NULL for NULL */
KYC_C_API size_t kyc_buffer_size(const kyc_buffer* buffer);         /* 0 for NULL */
KYC_C_API void kyc_buffer_destroy(kyc_buffer* buffer);

/* The report as JSON (UTF-8), owned by the report. */
KYC_C_API const char* kyc_report_json(const kyc_report* report);
/* 1 when a face-match report's decision is "match" or a photo-check report's verdict is
 * "compliant", else 0. */
KYC_C_API int kyc_report_is_match(const kyc_report* report);
KYC_C_API void kyc_report_destroy(kyc_report* report);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KYC_KYC_H */
