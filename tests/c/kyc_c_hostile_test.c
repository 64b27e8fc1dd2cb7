/* Hostile input through the C ABI (issue 7, docs/reliability.md): invalid UTF-8 in every string
 * argument, numbers out of range or beyond double in JSON options, NULL and wrong-size or garbage
 * kyc_image structs. Each call must return a clear status (never KYC_INTERNAL, never a crash) or
 * a report whose JSON is valid UTF-8, within 100 ms, and leave out-parameters untouched on
 * failure. Strict C99. Exit 77 = face models missing outside CI (the engine part is skipped). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kyc/kyc.h"

#define SKIP_RETURN_CODE 77
#define MAX_MILLIS 100.0

static int g_passed = 0;
static int g_failed = 0;
static kyc_report* const SENTINEL_REPORT = (kyc_report*)0x5eed;

static void check(int ok, const char* what, int line) {
  if (ok) {
    ++g_passed;
  } else {
    ++g_failed;
    fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, line, what);
  }
}
#define CHECK(expr) check((expr) != 0, #expr, __LINE__)

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* RFC 3629 UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). */
static int utf8_valid(const char* text) {
  const unsigned char* s = (const unsigned char*)text;
  while (*s != 0) {
    unsigned c = *s;
    int extra;
    unsigned min;
    unsigned cp;
    int i;
    if (c < 0x80) {
      ++s;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      min = 0x80;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      min = 0x800;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      min = 0x10000;
      cp = c & 0x07;
    } else {
      return 0;
    }
    for (i = 1; i <= extra; ++i) {
      if ((s[i] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    s += extra + 1;
  }
  return 1;
}

/* A failure with the expected code, a message, and out_report untouched. */
static void expect_error(kyc_status* status, kyc_code expected, double started,
                         const kyc_report* report, const char* what, int line) {
  const double elapsed = now_ms() - started;
  const kyc_code code = kyc_status_code(status);
  const int ok = status != NULL && code == expected && kyc_status_message(status)[0] != '\0' &&
                 report == SENTINEL_REPORT && elapsed < MAX_MILLIS;
  if (ok) {
    ++g_passed;
  } else {
    ++g_failed;
    fprintf(stderr, "%s:%d: FAILED: %s: expected code %d, got %d (%s) in %.1f ms%s\n", __FILE__,
            line, what, (int)expected, (int)code, kyc_status_message(status), elapsed,
            report == SENTINEL_REPORT ? "" : ", out_report written");
  }
  kyc_status_destroy(status);
}

/* Success with a report whose JSON is valid UTF-8. */
static void expect_utf8_report(kyc_status* status, kyc_report* report, double started,
                               const char* what, int line) {
  const double elapsed = now_ms() - started;
  const int ok = status == NULL && report != NULL && report != SENTINEL_REPORT &&
                 kyc_report_json(report)[0] == '{' && utf8_valid(kyc_report_json(report)) &&
                 elapsed < MAX_MILLIS;
  if (ok) {
    ++g_passed;
  } else {
    ++g_failed;
    fprintf(stderr, "%s:%d: FAILED: %s: status %d (%s), %.1f ms, report %s\n", __FILE__, line, what,
            (int)kyc_status_code(status), kyc_status_message(status), elapsed,
            report == NULL || report == SENTINEL_REPORT ? "(none)"
            : utf8_valid(kyc_report_json(report))       ? "valid UTF-8"
                                                        : "INVALID UTF-8");
  }
  kyc_status_destroy(status);
  if (report != SENTINEL_REPORT) kyc_report_destroy(report);
}

#define EXPECT_ERROR(call, code, what)                              \
  do {                                                              \
    kyc_report* report_ = SENTINEL_REPORT;                          \
    kyc_report** out_ = &report_;                                   \
    double started_ = now_ms();                                     \
    kyc_status* status_ = (call);                                   \
    (void)out_;                                                     \
    expect_error(status_, code, started_, report_, what, __LINE__); \
  } while (0)

/* Not UTF-8: a lone continuation byte, an overlong '/', a cut sequence, a surrogate, 0xFF. */
static const char* const kBad[] = {"\x80", "\xC0\xAF", "\xE2\x82", "\xED\xA0\x80", "\xFF\xFE"};
enum { kBadCount = sizeof kBad / sizeof kBad[0] };

static char g_text[4096];
static const char* with_bad(const char* format, const char* bad) {
  snprintf(g_text, sizeof g_text, format, bad);
  return g_text;
}

static void test_documents_invalid_utf8(void) {
  int i;
  for (i = 0; i < kBadCount; ++i) {
    kyc_report* report = SENTINEL_REPORT;
    double started;
    char payload[512];
    int length;
    /* MRZ text: the report used to fail to serialise (internal error). */
    with_bad(
        "P<UTO%sERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10\n",
        kBad[i]);
    started = now_ms();
    report = SENTINEL_REPORT;
    {
      kyc_status* status = kyc_parse_mrz(g_text, &report);
      expect_utf8_report(status, report, started, "kyc_parse_mrz with invalid UTF-8", __LINE__);
    }
    /* AAMVA payload with the bytes inside the surname element. */
    length =
        snprintf(payload, sizeof payload,
                 "@\n\x1e\rANSI 636000100001DL00310040DLDCS%s\nDACPAT\nDAQT16700185\r", kBad[i]);
    started = now_ms();
    report = SENTINEL_REPORT;
    {
      kyc_status* status = kyc_parse_aamva((const uint8_t*)payload, (size_t)length, &report);
      expect_utf8_report(status, report, started, "kyc_parse_aamva with invalid UTF-8", __LINE__);
    }
    /* Every string of a consistency request. */
    EXPECT_ERROR(
        kyc_check_consistency(with_bad("{\"applicant\": {\"surname\": \"%s\"}}", kBad[i]), out_),
        KYC_INVALID_ARGUMENT, "applicant value");
    EXPECT_ERROR(kyc_check_consistency(with_bad("{\"applicant\": {\"%s\": \"x\"}}", kBad[i]), out_),
                 KYC_INVALID_ARGUMENT, "applicant key");
    EXPECT_ERROR(
        kyc_check_consistency(with_bad("{\"applicant_csv\": \"surname\\nA%s\"}", kBad[i]), out_),
        KYC_INVALID_ARGUMENT, "applicant_csv");
    EXPECT_ERROR(kyc_check_consistency(
                     with_bad("{\"applicant\": {\"surname\": \"A\"}, \"documents\": [{\"source\": "
                              "\"mrz\", \"fields\": {\"surname\": \"%s\"}}]}",
                              kBad[i]),
                     out_),
                 KYC_INVALID_ARGUMENT, "document field");
    EXPECT_ERROR(kyc_check_consistency(
                     with_bad("{\"applicant\": {\"surname\": \"A\"}, \"options\": {\"as_of\": "
                              "\"%s\"}}",
                              kBad[i]),
                     out_),
                 KYC_INVALID_ARGUMENT, "options.as_of");
    EXPECT_ERROR(
        kyc_check_consistency(with_bad("{\"applicant\": {\"surname\": \"A\"}, \"options\": "
                                       "{\"required_fields\": [\"%s\"]}}",
                                       kBad[i]),
                              out_),
        KYC_INVALID_ARGUMENT, "options.required_fields");
  }
}

static void test_engine_config_invalid_utf8(void) {
  int i;
  for (i = 0; i < kBadCount; ++i) {
    kyc_engine* engine = (kyc_engine*)0x5eed;
    kyc_status* status = kyc_engine_create(with_bad("{\"model_dir\": \"%s\"}", kBad[i]), &engine);
    CHECK(kyc_status_code(status) == KYC_INVALID_CONFIG && engine == (kyc_engine*)0x5eed);
    kyc_status_destroy(status);
    status = kyc_engine_create(with_bad("{\"%s\": 1}", kBad[i]), &engine);
    CHECK(kyc_status_code(status) == KYC_INVALID_CONFIG && engine == (kyc_engine*)0x5eed);
    kyc_status_destroy(status);
  }
}

static void test_numbers_out_of_range(void) {
  static const char* const bad_consistency_options[] = {
      "{\"name_threshold\": -0.5}",   "{\"name_threshold\": 1.5}", "{\"address_threshold\": 1e400}",
      "{\"name_threshold\": -1e400}", "{\"minimum_age\": 1e400}",  "{\"minimum_age\": 1.5}"};
  size_t i;
  char request[256];
  for (i = 0; i < sizeof bad_consistency_options / sizeof bad_consistency_options[0]; ++i) {
    snprintf(request, sizeof request, "{\"applicant\": {\"surname\": \"A\"}, \"options\": %s}",
             bad_consistency_options[i]);
    EXPECT_ERROR(kyc_check_consistency(request, out_), KYC_INVALID_ARGUMENT,
                 bad_consistency_options[i]);
  }
  {
    kyc_engine* engine = (kyc_engine*)0x5eed;
    kyc_status* status = kyc_engine_create("{\"document\": {\"name_threshold\": 1e400}}", &engine);
    CHECK(kyc_status_code(status) == KYC_INVALID_CONFIG && engine == (kyc_engine*)0x5eed);
    kyc_status_destroy(status);
    status = kyc_engine_create("{\"face\": {\"detection_threshold\": -1e400}}", &engine);
    CHECK(kyc_status_code(status) == KYC_INVALID_CONFIG && engine == (kyc_engine*)0x5eed);
    kyc_status_destroy(status);
  }
}

static kyc_image raw_gray(const unsigned char* pixels, size_t size, int width, int height) {
  kyc_image image;
  memset(&image, 0, sizeof image);
  image.struct_size = (uint32_t)sizeof image;
  image.encoded = 0;
  image.data = pixels;
  image.size = size;
  image.width = width;
  image.height = height;
  image.format = KYC_PIXEL_GRAY;
  return image;
}

/* A presentment store that only counts its calls: a refused input must never reach it (a
 * key recorded for a read that failed would make the real presentment a "duplicate"). */
static int g_store_calls = 0;
static int counting_store(void* user_data, const char* key) {
  (void)user_data;
  (void)key;
  ++g_store_calls;
  return 0;
}

static void test_engine_calls(const kyc_engine* engine) {
  static unsigned char pixels[32 * 32];
  static const char* const bad_options[] = {
      "{\"distance_threshold\": -1}",
      "{\"distance_threshold\": 0}",
      "{\"distance_threshold\": 1e400}",
      "{\"distance_threshold\": -1e400}",
      "{\"similarity_threshold\": -0.1}",
      "{\"similarity_threshold\": 100.5}",
      "{\"similarity_threshold\": 1e400}",
      "{\"distance_threshold\": \"NaN\"}",
      "{\"operating_point\": \"fmr1e-9\"}",
      "{\"distance_threshold\": 0.5, \"similarity_threshold\": 50}"};
  const kyc_image good = raw_gray(pixels, sizeof pixels, 32, 32);
  kyc_image image;
  kyc_buffer* buffer = NULL;
  size_t i;
  int b;
  memset(pixels, 128, sizeof pixels);

  for (i = 0; i < sizeof bad_options / sizeof bad_options[0]; ++i) {
    EXPECT_ERROR(kyc_face_match(engine, &good, &good, bad_options[i], out_), KYC_INVALID_ARGUMENT,
                 bad_options[i]);
  }
  for (b = 0; b < kBadCount; ++b) {
    EXPECT_ERROR(kyc_face_match(engine, &good, &good,
                                with_bad("{\"operating_point\": \"%s\"}", kBad[b]), out_),
                 KYC_INVALID_ARGUMENT, "options_json with invalid UTF-8");
    EXPECT_ERROR(kyc_check_photo(engine, &good, with_bad("ica%s", kBad[b]), out_),
                 KYC_INVALID_ARGUMENT, "profile name with invalid UTF-8");
    EXPECT_ERROR(kyc_check_photo(engine, &good,
                                 with_bad("{\"name\": \"%s\", \"rules\": {}}", kBad[b]), out_),
                 KYC_INVALID_CONFIG, "profile JSON with invalid UTF-8");
    EXPECT_ERROR(kyc_annotate_photo(engine, &good, with_bad("{\"name\": \"%s\"}", kBad[b]),
                                    KYC_ANNOTATE_PNG, &buffer, out_),
                 KYC_INVALID_CONFIG, "annotate: profile JSON with invalid UTF-8");
    CHECK(buffer == NULL);
    EXPECT_ERROR(kyc_read_cheque(engine, &good, with_bad("{\"as_of\": \"%s\"}", kBad[b]), out_),
                 KYC_INVALID_ARGUMENT, "cheque options_json with invalid UTF-8");
    EXPECT_ERROR(kyc_read_micr(engine, &good, with_bad("{\"%s\": 1}", kBad[b]), out_),
                 KYC_INVALID_ARGUMENT, "micr options_json key with invalid UTF-8");
  }
  EXPECT_ERROR(kyc_read_cheque(engine, &good, "{\"stale_after_days\": 1e400}", out_),
               KYC_INVALID_ARGUMENT, "cheque window beyond double");
  EXPECT_ERROR(kyc_read_cheque(engine, &good, "{\"stale_after_days\": -1}", out_),
               KYC_INVALID_ARGUMENT, "negative cheque window");
  EXPECT_ERROR(
      kyc_check_photo(engine, &good,
                      "{\"name\": \"x\", \"rules\": {\"image_width\": {\"min\": 1e400}}}", out_),
      KYC_INVALID_CONFIG, "profile threshold beyond double");

  /* Refused cheque reads with a store: errors, and the store is never called. */
  EXPECT_ERROR(kyc_read_cheque_with_store(engine, NULL, NULL, counting_store, NULL, out_),
               KYC_INVALID_ARGUMENT, "store: NULL cheque");
  EXPECT_ERROR(
      kyc_read_cheque_with_store(engine, &good, "{\"as_of\": 1}", counting_store, NULL, out_),
      KYC_INVALID_ARGUMENT, "store: bad options");
  EXPECT_ERROR(kyc_read_cheque_with_store(engine, &good, NULL, counting_store, NULL, NULL),
               KYC_INVALID_ARGUMENT, "store: NULL out_report");
  EXPECT_ERROR(kyc_read_cheque_with_store(NULL, &good, NULL, counting_store, NULL, out_),
               KYC_INVALID_ARGUMENT, "store: NULL engine");
  CHECK(g_store_calls == 0);

  /* NULL images everywhere an image is taken. */
  EXPECT_ERROR(kyc_check_photo(engine, NULL, NULL, out_), KYC_INVALID_ARGUMENT, "NULL photo");
  EXPECT_ERROR(kyc_annotate_photo(engine, NULL, NULL, KYC_ANNOTATE_PNG, &buffer, out_),
               KYC_INVALID_ARGUMENT, "annotate NULL photo");
  EXPECT_ERROR(kyc_read_document(engine, NULL, NULL, out_), KYC_INVALID_ARGUMENT, "NULL front");
  EXPECT_ERROR(kyc_read_document(engine, &good, NULL, NULL), KYC_INVALID_ARGUMENT,
               "NULL out_report");

  /* struct_size too small for every image-taking call (both images of face_match and
   * read_document). */
  {
    static const uint32_t sizes[] = {0, 1, 4, 8, (uint32_t)sizeof(kyc_image) - 1};
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; ++i) {
      image = good;
      image.struct_size = sizes[i];
      EXPECT_ERROR(kyc_face_match(engine, &good, &image, NULL, out_), KYC_INVALID_ARGUMENT,
                   "face_match target struct_size too small");
      EXPECT_ERROR(kyc_detect_faces(engine, &image, out_), KYC_INVALID_ARGUMENT,
                   "detect struct_size too small");
      EXPECT_ERROR(kyc_check_photo(engine, &image, NULL, out_), KYC_INVALID_ARGUMENT,
                   "check_photo struct_size too small");
      EXPECT_ERROR(kyc_annotate_photo(engine, &image, NULL, KYC_ANNOTATE_JPEG, &buffer, out_),
                   KYC_INVALID_ARGUMENT, "annotate struct_size too small");
      EXPECT_ERROR(kyc_read_document(engine, &image, NULL, out_), KYC_INVALID_ARGUMENT,
                   "read_document front struct_size too small");
      EXPECT_ERROR(kyc_read_document(engine, &good, &image, out_), KYC_INVALID_ARGUMENT,
                   "read_document back struct_size too small");
      EXPECT_ERROR(kyc_read_cheque(engine, &image, NULL, out_), KYC_INVALID_ARGUMENT,
                   "read_cheque struct_size too small");
      EXPECT_ERROR(kyc_read_micr(engine, &image, NULL, out_), KYC_INVALID_ARGUMENT,
                   "read_micr struct_size too small");
    }
  }
  /* A struct of garbage (uninitialised memory, a foreign layout): the wild data pointer must
   * never be followed. 0xAB... makes struct_size large and `encoded` neither 0 nor 1. */
  memset(&image, 0xAB, sizeof image);
  EXPECT_ERROR(kyc_detect_faces(engine, &image, out_), KYC_INVALID_ARGUMENT, "garbage struct");
  EXPECT_ERROR(kyc_check_photo(engine, &image, NULL, out_), KYC_INVALID_ARGUMENT,
               "garbage struct (photo)");
  EXPECT_ERROR(kyc_read_document(engine, &image, NULL, out_), KYC_INVALID_ARGUMENT,
               "garbage struct (document)");
  EXPECT_ERROR(kyc_read_cheque(engine, &image, NULL, out_), KYC_INVALID_ARGUMENT,
               "garbage struct (cheque)");
  /* Garbage with a plausible struct_size and raw pixels: dimensions and size disagree. */
  image.struct_size = (uint32_t)sizeof image;
  image.encoded = 0;
  image.data = pixels;
  image.size = sizeof pixels;
  EXPECT_ERROR(kyc_detect_faces(engine, &image, out_), KYC_INVALID_ARGUMENT,
               "garbage dimensions and format");
  image.format = KYC_PIXEL_GRAY;
  EXPECT_ERROR(kyc_detect_faces(engine, &image, out_), KYC_INVALID_ARGUMENT,
               "garbage dimensions (negative)");
  image.width = 0x7FFFFFFF;
  image.height = 0x7FFFFFFF;
  image.row_stride = 0;
  EXPECT_ERROR(kyc_detect_faces(engine, &image, out_), KYC_INVALID_ARGUMENT,
               "2^31 x 2^31 over a 1 KiB buffer");
  CHECK(buffer == NULL);
}

static int is_ci(void) {
  const char* ci = getenv("CI");
  return ci != NULL && (strcmp(ci, "true") == 0 || strcmp(ci, "1") == 0);
}

int main(void) {
  kyc_engine* engine = NULL;
  kyc_status* status;

  test_documents_invalid_utf8();
  test_engine_config_invalid_utf8();
  test_numbers_out_of_range();

  status = kyc_engine_create(NULL, &engine);
  if (kyc_status_code(status) == KYC_MODEL_NOT_FOUND && !is_ci()) {
    printf("SKIP (engine part): face models not installed: %s\n", kyc_status_message(status));
    kyc_status_destroy(status);
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed > 0 ? 1 : SKIP_RETURN_CODE;
  }
  CHECK(status == NULL && engine != NULL);
  kyc_status_destroy(status);
  if (engine != NULL) test_engine_calls(engine);
  kyc_engine_destroy(engine);

  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
