/* kyc — test of the C ABI, compiled as C99 (no C++), run by CTest as "c_abi".
 *
 * Test data: the shared folder is KYC_SHARED_DIR (compile definition), overridden at run time by
 * the environment variable KYC_SHARED. When a photo or a model is missing the test prints SKIP and
 * returns 77 (CTest's skip code), unless CI=true, where it fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyc/kyc.h"

#ifndef KYC_SHARED_DIR
#define KYC_SHARED_DIR "../shared"
#endif

#define SKIP_RETURN_CODE 77

static int g_passed = 0;
static int g_failed = 0;

static void check(int ok, const char* what, const char* file, int line) {
  if (ok) {
    ++g_passed;
  } else {
    ++g_failed;
    fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what);
  }
}
#define CHECK(cond) check((cond) != 0, #cond, __FILE__, __LINE__)

/* Checks a status code (NULL status == KYC_OK), prints the message on a mismatch, and frees it. */
static void expect_status(kyc_status* status, kyc_code expected, const char* what, int line) {
  kyc_code code = kyc_status_code(status);
  if (code == expected && (expected == KYC_OK || kyc_status_message(status)[0] != '\0')) {
    ++g_passed;
  } else {
    ++g_failed;
    fprintf(stderr, "%s:%d: FAILED: %s: expected code %d, got %d (%s)\n", __FILE__, line, what,
            (int)expected, (int)code, kyc_status_message(status));
  }
  kyc_status_destroy(status);
}
#define EXPECT_STATUS(call, expected) expect_status((call), (expected), #call, __LINE__)

/* Like EXPECT_STATUS for two acceptable codes. */
static void expect_status2(kyc_status* status, kyc_code a, kyc_code b, const char* what, int line) {
  kyc_code code = kyc_status_code(status);
  if ((code == a || code == b) && kyc_status_message(status)[0] != '\0') {
    ++g_passed;
  } else {
    ++g_failed;
    fprintf(stderr, "%s:%d: FAILED: %s: expected code %d or %d, got %d (%s)\n", __FILE__, line,
            what, (int)a, (int)b, (int)code, kyc_status_message(status));
  }
  kyc_status_destroy(status);
}

/* Status message contains `needle`; frees the status. */
static void expect_message_names(kyc_status* status, kyc_code expected, const char* needle,
                                 int line) {
  const char* message = kyc_status_message(status);
  if (kyc_status_code(status) == expected && strstr(message, needle) != NULL) {
    ++g_passed;
  } else {
    ++g_failed;
    fprintf(stderr, "%s:%d: FAILED: expected code %d naming \"%s\", got %d (%s)\n", __FILE__, line,
            (int)expected, needle, (int)kyc_status_code(status), message);
  }
  kyc_status_destroy(status);
}

static int is_ci(void) {
  const char* ci = getenv("CI");
  return ci != NULL && (strcmp(ci, "true") == 0 || strcmp(ci, "1") == 0);
}

/* ---- files ------------------------------------------------------------------------------ */

typedef struct buffer {
  unsigned char* data;
  size_t size;
} buffer;

static char g_path[4096];

static const char* shared_path(const char* relative) {
  const char* root = getenv("KYC_SHARED");
  if (root == NULL || root[0] == '\0') root = KYC_SHARED_DIR;
  snprintf(g_path, sizeof g_path, "%s/%s", root, relative);
  return g_path;
}

/* Reads a whole file; returns 0 on failure. */
static int read_file(const char* path, buffer* out) {
  FILE* f = fopen(path, "rb");
  long length;
  if (f == NULL) return 0;
  if (fseek(f, 0, SEEK_END) != 0 || (length = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return 0;
  }
  out->data = (unsigned char*)malloc((size_t)length);
  if (out->data == NULL) {
    fclose(f);
    return 0;
  }
  out->size = fread(out->data, 1, (size_t)length, f);
  fclose(f);
  if (out->size != (size_t)length) {
    free(out->data);
    out->data = NULL;
    return 0;
  }
  return 1;
}

/* Skips whitespace and '#' comments of a PNM header, then reads an unsigned number. */
static int pnm_number(const buffer* b, size_t* pos, int* value) {
  long v = 0;
  int digits = 0;
  while (*pos < b->size) {
    unsigned char c = b->data[*pos];
    if (c == '#') {
      while (*pos < b->size && b->data[*pos] != '\n') ++*pos;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++*pos;
    } else {
      break;
    }
  }
  while (*pos < b->size && b->data[*pos] >= '0' && b->data[*pos] <= '9' && v < 1000000) {
    v = v * 10 + (b->data[*pos] - '0');
    ++*pos;
    ++digits;
  }
  *value = (int)v;
  return digits > 0;
}

/* Parses a binary 8-bit PGM (P5); sets *pixels to the first pixel inside `b`. */
static int parse_pgm(const buffer* b, int* width, int* height, const unsigned char** pixels) {
  size_t pos = 2;
  int maxval = 0;
  if (b->size < 2 || b->data[0] != 'P' || b->data[1] != '5') return 0;
  if (!pnm_number(b, &pos, width) || !pnm_number(b, &pos, height) ||
      !pnm_number(b, &pos, &maxval) || maxval != 255 || *width <= 0 || *height <= 0) {
    return 0;
  }
  ++pos; /* the single whitespace after maxval */
  if (pos > b->size || b->size - pos < (size_t)*width * (size_t)*height) return 0;
  *pixels = b->data + pos;
  return 1;
}

/* ---- images ----------------------------------------------------------------------------- */

static kyc_image encoded_image(const buffer* b) {
  kyc_image image;
  memset(&image, 0, sizeof image);
  image.struct_size = (uint32_t)sizeof(kyc_image);
  image.encoded = 1;
  image.data = b->data;
  image.size = b->size;
  return image;
}

static kyc_image raw_image(const unsigned char* data, size_t size, int width, int height,
                           int64_t row_stride, kyc_pixel_format format) {
  kyc_image image;
  memset(&image, 0, sizeof image);
  image.struct_size = (uint32_t)sizeof(kyc_image);
  image.encoded = 0;
  image.data = data;
  image.size = size;
  image.width = width;
  image.height = height;
  image.row_stride = row_stride;
  image.format = format;
  return image;
}

/* ---- tests ------------------------------------------------------------------------------ */

static char g_sentinel_storage;
#define SENTINEL_ENGINE ((kyc_engine*)(void*)&g_sentinel_storage)
#define SENTINEL_REPORT ((kyc_report*)(void*)&g_sentinel_storage)

static void test_version_and_null_safety(void) {
  const char* version = kyc_version_string();
  CHECK(kyc_api_version() == KYC_C_API_VERSION);
  CHECK(version != NULL && version[0] != '\0');
  CHECK(kyc_status_code(NULL) == KYC_OK);
  CHECK(kyc_status_message(NULL) != NULL && kyc_status_message(NULL)[0] == '\0');
  CHECK(kyc_report_json(NULL) != NULL);
  CHECK(kyc_report_is_match(NULL) == 0);
  /* Every destroy accepts NULL. */
  kyc_status_destroy(NULL);
  kyc_engine_destroy(NULL);
  kyc_report_destroy(NULL);
  CHECK(1);
}

static void test_engine_create_errors(void) {
  kyc_engine* engine = SENTINEL_ENGINE;
  EXPECT_STATUS(kyc_engine_create(NULL, NULL), KYC_INVALID_ARGUMENT);
  EXPECT_STATUS(kyc_engine_create("{not json", &engine), KYC_INVALID_CONFIG);
  CHECK(engine == SENTINEL_ENGINE);
  expect_message_names(kyc_engine_create("{\"no_such_setting\": 1}", &engine), KYC_INVALID_CONFIG,
                       "no_such_setting", __LINE__);
  CHECK(engine == SENTINEL_ENGINE);
  EXPECT_STATUS(kyc_engine_create("{\"face\": {\"jitters\": \"many\"}}", &engine),
                KYC_INVALID_CONFIG);
  CHECK(engine == SENTINEL_ENGINE);
}

static void test_null_arguments(const kyc_engine* engine, const kyc_image* good) {
  kyc_report* report = SENTINEL_REPORT;
  EXPECT_STATUS(kyc_face_match(NULL, good, good, NULL, &report), KYC_INVALID_ARGUMENT);
  EXPECT_STATUS(kyc_face_match(engine, NULL, good, NULL, &report), KYC_INVALID_ARGUMENT);
  EXPECT_STATUS(kyc_face_match(engine, good, NULL, NULL, &report), KYC_INVALID_ARGUMENT);
  EXPECT_STATUS(kyc_face_match(engine, good, good, NULL, NULL), KYC_INVALID_ARGUMENT);
  EXPECT_STATUS(kyc_detect_faces(NULL, good, &report), KYC_INVALID_ARGUMENT);
  EXPECT_STATUS(kyc_detect_faces(engine, NULL, &report), KYC_INVALID_ARGUMENT);
  EXPECT_STATUS(kyc_detect_faces(engine, good, NULL), KYC_INVALID_ARGUMENT);
  CHECK(report == SENTINEL_REPORT);
}

static void test_bad_images(const kyc_engine* engine, const kyc_image* good) {
  static const unsigned char garbage[] = "this is not an image, just some bytes of text......";
  unsigned char pixels[16 * 16 * 3];
  kyc_report* report = SENTINEL_REPORT;
  kyc_image image;

  memset(pixels, 128, sizeof pixels);

  image = encoded_image(&(buffer){(unsigned char*)garbage, sizeof garbage});
  expect_status2(kyc_face_match(engine, &image, good, NULL, &report), KYC_INVALID_IMAGE,
                 KYC_UNSUPPORTED_FORMAT, "garbage bytes", __LINE__);
  expect_status2(kyc_detect_faces(engine, &image, &report), KYC_INVALID_IMAGE,
                 KYC_UNSUPPORTED_FORMAT, "garbage bytes (detect)", __LINE__);

  /* Truncated JPEG: the first 200 bytes of a real file. */
  image = *good;
  image.size = 200;
  expect_status2(kyc_detect_faces(engine, &image, &report), KYC_INVALID_IMAGE,
                 KYC_UNSUPPORTED_FORMAT, "truncated jpeg", __LINE__);

  /* Raw pixels whose buffer is smaller than width * height * 3. */
  image = raw_image(pixels, sizeof pixels - 1, 16, 16, 0, KYC_PIXEL_BGR);
  EXPECT_STATUS(kyc_detect_faces(engine, &image, &report), KYC_INVALID_ARGUMENT);
  /* A stride larger than the buffer, and an absurd stride that must not overflow the check. */
  image = raw_image(pixels, sizeof pixels, 16, 16, 1000, KYC_PIXEL_BGR);
  EXPECT_STATUS(kyc_detect_faces(engine, &image, &report), KYC_INVALID_ARGUMENT);
  image = raw_image(pixels, sizeof pixels, 16, 3, (int64_t)1 << 62, KYC_PIXEL_BGR);
  EXPECT_STATUS(kyc_detect_faces(engine, &image, &report), KYC_INVALID_ARGUMENT);
  /* Stride smaller than a row, negative stride, bad dimensions, bad format, NULL data. */
  image = raw_image(pixels, sizeof pixels, 16, 16, 10, KYC_PIXEL_BGR);
  EXPECT_STATUS(kyc_detect_faces(engine, &image, &report), KYC_INVALID_ARGUMENT);
  image = raw_image(pixels, sizeof pixels, 16, 16, -48, KYC_PIXEL_BGR);
  EXPECT_STATUS(kyc_detect_faces(engine, &image, &report), KYC_INVALID_ARGUMENT);
  image = raw_image(pixels, sizeof pixels, 0, 16, 0, KYC_PIXEL_BGR);
  EXPECT_STATUS(kyc_detect_faces(engine, &image, &report), KYC_INVALID_ARGUMENT);
  image = raw_image(pixels, sizeof pixels, 16, -1, 0, KYC_PIXEL_BGR);
  EXPECT_STATUS(kyc_detect_faces(engine, &image, &report), KYC_INVALID_ARGUMENT);
  image = raw_image(pixels, sizeof pixels, 16, 16, 0, (kyc_pixel_format)42);
  EXPECT_STATUS(kyc_detect_faces(engine, &image, &report), KYC_INVALID_ARGUMENT);
  image = raw_image(NULL, sizeof pixels, 16, 16, 0, KYC_PIXEL_BGR);
  EXPECT_STATUS(kyc_detect_faces(engine, &image, &report), KYC_INVALID_ARGUMENT);
  image = raw_image(pixels, sizeof pixels, 16, 16, 0, KYC_PIXEL_BGR);
  image.encoded = 2;
  EXPECT_STATUS(kyc_detect_faces(engine, &image, &report), KYC_INVALID_ARGUMENT);

  /* struct_size smaller than version 1 (a caller with a broken or foreign layout). A larger one
   * is accepted further down: a caller built against a newer header may pass a grown struct. */
  image = *good;
  image.struct_size = (uint32_t)sizeof(kyc_image) - 1;
  EXPECT_STATUS(kyc_face_match(engine, &image, good, NULL, &report), KYC_INVALID_ARGUMENT);
  image.struct_size = 0;
  EXPECT_STATUS(kyc_detect_faces(engine, &image, &report), KYC_INVALID_ARGUMENT);
  /* Encoded input of zero bytes. */
  image = *good;
  image.size = 0;
  EXPECT_STATUS(kyc_detect_faces(engine, &image, &report), KYC_INVALID_ARGUMENT);

  CHECK(report == SENTINEL_REPORT);

  /* A grown struct (newer header): the fields this library knows are read, the rest ignored. */
  {
    struct {
      kyc_image v1;
      uint64_t added_later;
    } grown;
    grown.v1 = *good;
    grown.v1.struct_size = (uint32_t)sizeof grown;
    grown.added_later = 0;
    report = NULL;
    EXPECT_STATUS(kyc_detect_faces(engine, &grown.v1, &report), KYC_OK);
    CHECK(report != NULL);
    kyc_report_destroy(report);
    report = SENTINEL_REPORT;
  }

  /* A valid raw image without a face is a report with no faces, not an error. */
  image = raw_image(pixels, sizeof pixels, 16, 16, 0, KYC_PIXEL_BGR);
  report = NULL;
  EXPECT_STATUS(kyc_detect_faces(engine, &image, &report), KYC_OK);
  CHECK(report != NULL && strstr(kyc_report_json(report), "\"faces\":[]") != NULL);
  kyc_report_destroy(report);
}

static void test_face_match(const kyc_engine* engine, const kyc_image* obama,
                            const kyc_image* obama2, const kyc_image* biden) {
  kyc_report* report = NULL;
  const char* json;

  EXPECT_STATUS(kyc_face_match(engine, obama, obama2, NULL, &report), KYC_OK);
  CHECK(report != NULL);
  if (report != NULL) {
    json = kyc_report_json(report);
    CHECK(kyc_report_is_match(report) == 1);
    CHECK(strstr(json, "\"schema_version\"") != NULL);
    CHECK(strstr(json, "\"match\"") != NULL);
    kyc_report_destroy(report);
  }

  report = NULL;
  EXPECT_STATUS(kyc_face_match(engine, obama, biden, NULL, &report), KYC_OK);
  CHECK(report != NULL);
  if (report != NULL) {
    CHECK(kyc_report_is_match(report) == 0);
    CHECK(strstr(kyc_report_json(report), "\"schema_version\"") != NULL);
    kyc_report_destroy(report);
  }

  /* Options: a named operating point, and an empty object, are accepted. */
  report = NULL;
  EXPECT_STATUS(
      kyc_face_match(engine, obama, obama2, "{\"operating_point\": \"fmr1e-3\"}", &report), KYC_OK);
  CHECK(report != NULL && kyc_report_is_match(report) == 1);
  kyc_report_destroy(report);
  report = NULL;
  EXPECT_STATUS(kyc_face_match(engine, obama, biden, "{}", &report), KYC_OK);
  CHECK(report != NULL && kyc_report_is_match(report) == 0);
  kyc_report_destroy(report);
  report = NULL;
  EXPECT_STATUS(kyc_face_match(engine, obama, obama2, "{\"distance_threshold\": 0.6}", &report),
                KYC_OK);
  CHECK(report != NULL && kyc_report_is_match(report) == 1);
  kyc_report_destroy(report);

  /* Bad options name the key and leave the output untouched. */
  report = SENTINEL_REPORT;
  expect_message_names(kyc_face_match(engine, obama, obama2, "{\"treshold\": 0.5}", &report),
                       KYC_INVALID_ARGUMENT, "treshold", __LINE__);
  expect_message_names(
      kyc_face_match(engine, obama, obama2, "{\"distance_threshold\": \"0.5\"}", &report),
      KYC_INVALID_ARGUMENT, "distance_threshold", __LINE__);
  expect_message_names(kyc_face_match(engine, obama, obama2, "{\"operating_point\": 3}", &report),
                       KYC_INVALID_ARGUMENT, "operating_point", __LINE__);
  EXPECT_STATUS(kyc_face_match(engine, obama, obama2, "[1, 2]", &report), KYC_INVALID_ARGUMENT);
  EXPECT_STATUS(kyc_face_match(engine, obama, obama2, "{oops", &report), KYC_INVALID_ARGUMENT);
  CHECK(report == SENTINEL_REPORT);

  /* detect_faces on a real photo. */
  report = NULL;
  EXPECT_STATUS(kyc_detect_faces(engine, obama, &report), KYC_OK);
  CHECK(report != NULL);
  if (report != NULL) {
    json = kyc_report_json(report);
    CHECK(strncmp(json, "{\"schema\":\"kyc.faces\",\"schema_version\":1,\"faces\":[{", 50) == 0);
    CHECK(kyc_report_is_match(report) == 0);
    kyc_report_destroy(report);
  }
}

/* Raw pixels: a greyscale PGM expanded to BGR (and kept as gray with padded rows) must find the
 * same face as the encoded file, and match it. */
static void test_raw_pixels(const kyc_engine* engine, const buffer* pgm) {
  int width = 0, height = 0, x, y;
  const unsigned char* gray = NULL;
  unsigned char* bgr;
  unsigned char* padded;
  kyc_image encoded = encoded_image(pgm);
  kyc_image raw;
  kyc_report* report = NULL;

  CHECK(parse_pgm(pgm, &width, &height, &gray));
  if (gray == NULL) return;
  bgr = (unsigned char*)malloc((size_t)width * (size_t)height * 3);
  padded = (unsigned char*)malloc((size_t)(width + 13) * (size_t)height);
  CHECK(bgr != NULL && padded != NULL);
  if (bgr == NULL || padded == NULL) {
    free(bgr);
    free(padded);
    return;
  }
  for (y = 0; y < height; ++y) {
    for (x = 0; x < width; ++x) {
      unsigned char v = gray[(size_t)y * (size_t)width + (size_t)x];
      unsigned char* p = bgr + ((size_t)y * (size_t)width + (size_t)x) * 3;
      p[0] = v;
      p[1] = v;
      p[2] = v;
      padded[(size_t)y * (size_t)(width + 13) + (size_t)x] = v;
    }
    memset(padded + (size_t)y * (size_t)(width + 13) + (size_t)width, 0xAB, 13);
  }

  raw = raw_image(bgr, (size_t)width * (size_t)height * 3, width, height, 0, KYC_PIXEL_BGR);
  EXPECT_STATUS(kyc_detect_faces(engine, &raw, &report), KYC_OK);
  CHECK(report != NULL && strstr(kyc_report_json(report), "\"faces\":[{") != NULL);
  kyc_report_destroy(report);

  report = NULL;
  EXPECT_STATUS(kyc_face_match(engine, &raw, &encoded, NULL, &report), KYC_OK);
  CHECK(report != NULL && kyc_report_is_match(report) == 1);
  if (report != NULL && kyc_report_is_match(report) != 1) {
    fprintf(stderr, "raw BGR vs encoded report: %s\n", kyc_report_json(report));
  }
  kyc_report_destroy(report);

  /* Gray with a row stride wider than the row; the last row needs no padding. */
  raw = raw_image(padded, (size_t)(width + 13) * (size_t)(height - 1) + (size_t)width, width,
                  height, width + 13, KYC_PIXEL_GRAY);
  report = NULL;
  EXPECT_STATUS(kyc_face_match(engine, &encoded, &raw, NULL, &report), KYC_OK);
  CHECK(report != NULL && kyc_report_is_match(report) == 1);
  kyc_report_destroy(report);

  free(bgr);
  free(padded);
}

/* Photo check through the C ABI: a built-in profile, a caller's JSON profile, the annotated
 * picture, and the errors (unknown profile, bad profile JSON, NULL outputs). */
static void test_check_photo(const kyc_engine* engine, const kyc_image* photo) {
  kyc_report* report = SENTINEL_REPORT;
  kyc_buffer* picture = NULL;
  const char* json;
  static const char* const one_rule =
      "{\"name\": \"mine\", \"rules\": {\"single_face\": {\"min\": 1, \"max\": 1}}}";

  EXPECT_STATUS(kyc_check_photo(engine, photo, NULL, &report), KYC_OK);
  CHECK(report != NULL && report != SENTINEL_REPORT);
  if (report != NULL && report != SENTINEL_REPORT) {
    json = kyc_report_json(report);
    CHECK(strncmp(json, "{\"schema\":\"kyc.photo_check\",\"schema_version\":1,", 46) == 0);
    CHECK(strstr(json, "\"profile\":\"icao\"") != NULL);
    /* obama.jpg is an office portrait: far from the ICAO format. */
    CHECK(strstr(json, "\"verdict\":\"non_compliant\"") != NULL);
    CHECK(kyc_report_is_match(report) == 0);
    kyc_report_destroy(report);
  }

  /* A caller's profile with one rule that the photo meets: compliant. */
  report = NULL;
  EXPECT_STATUS(kyc_check_photo(engine, photo, one_rule, &report), KYC_OK);
  CHECK(report != NULL && kyc_report_is_match(report) == 1);
  CHECK(report != NULL && strstr(kyc_report_json(report), "\"profile\":\"mine\"") != NULL);
  kyc_report_destroy(report);

  report = SENTINEL_REPORT;
  expect_message_names(kyc_check_photo(engine, photo, "passport", &report), KYC_INVALID_ARGUMENT,
                       "icao", __LINE__);
  expect_message_names(
      kyc_check_photo(engine, photo, "{\"name\": \"x\", \"rules\": {\"nope\": {}}}", &report),
      KYC_INVALID_CONFIG, "nope", __LINE__);
  EXPECT_STATUS(kyc_check_photo(engine, photo, "icao", NULL), KYC_INVALID_ARGUMENT);
  EXPECT_STATUS(kyc_check_photo(NULL, photo, "icao", &report), KYC_INVALID_ARGUMENT);
  EXPECT_STATUS(kyc_check_photo(engine, NULL, "icao", &report), KYC_INVALID_ARGUMENT);
  CHECK(report == SENTINEL_REPORT);

  report = NULL;
  EXPECT_STATUS(kyc_annotate_photo(engine, photo, "us", KYC_ANNOTATE_PNG, &picture, &report),
                KYC_OK);
  CHECK(picture != NULL && kyc_buffer_size(picture) > 1000);
  CHECK(picture != NULL && memcmp(kyc_buffer_data(picture), "\x89PNG", 4) == 0);
  CHECK(report != NULL && strstr(kyc_report_json(report), "\"profile\":\"us\"") != NULL);
  kyc_buffer_destroy(picture);
  kyc_report_destroy(report);
  picture = NULL;
  EXPECT_STATUS(kyc_annotate_photo(engine, photo, NULL, KYC_ANNOTATE_JPEG, &picture, NULL), KYC_OK);
  CHECK(picture != NULL && kyc_buffer_data(picture)[0] == 0xFF &&
        kyc_buffer_data(picture)[1] == 0xD8);
  kyc_buffer_destroy(picture);
  picture = NULL;
  EXPECT_STATUS(kyc_annotate_photo(engine, photo, NULL, (kyc_annotation_format)7, &picture, NULL),
                KYC_INVALID_ARGUMENT);
  CHECK(picture == NULL);
  CHECK(kyc_buffer_data(NULL) == NULL && kyc_buffer_size(NULL) == 0);
  kyc_buffer_destroy(NULL);
}

/* Documents through the C ABI, JSON in and out: an AAMVA payload made here (AAMVA 2020 layout,
 * Virginia IIN) and a consistency request against the ICAO 9303 specimen passport. */
static void test_documents(void) {
  static const char aamva[] =
      "@\n\x1e\rANSI 636000100002DL00410247ZV02880008DL"
      "DAQT64235789\nDCSSAMPLE\nDDEN\nDACMICHAEL\nDDFN\nDADJOHN\nDDGN\nDCAD\nDCBK\nDCDPH\n"
      "DBD06062016\nDBB06061986\nDBA12102024\nDBC1\nDAU068 in\nDAYBRO\nDAG2300 WEST BROAD STREET\n"
      "DAIRICHMOND\nDAJVA\nDAK232690000  \nDCF2424244747474786102204\nDCGUSA\nDCK123456789\n"
      "DDAF\nDDB06062008\nDDC06062009\nDDD1\rZVZVA01\r";
  static const char* const consistent =
      "{\"applicant\": {\"surname\": \"Eriksson\", \"given_names\": \"Anna Maria\","
      " \"date_of_birth\": \"1974-08-12\"},"
      " \"documents\": [{\"source\": \"mrz\", \"fields\": {\"surname\": \"ERIKSSON\","
      " \"given_names\": \"ANNA MARIA\", \"date_of_birth\": \"1974-08-12\","
      " \"date_of_expiry\": \"2012-04-15\", \"document_number\": \"L898902C3\"},"
      " \"verified_fields\": [\"document_number\", \"date_of_birth\"]}],"
      " \"options\": {\"as_of\": \"2010-01-01\"}}";
  kyc_report* report = NULL;
  const char* json;

  EXPECT_STATUS(kyc_parse_aamva((const uint8_t*)aamva, sizeof aamva - 1, &report), KYC_OK);
  CHECK(report != NULL && kyc_report_is_match(report) == 1);
  if (report != NULL) {
    json = kyc_report_json(report);
    CHECK(strstr(json, "\"schema\":\"kyc.aamva\"") != NULL);
    CHECK(strstr(json, "\"date_of_birth\":\"1986-06-06\"") != NULL);
    CHECK(strstr(json, "\"document_number\":\"T64235789\"") != NULL);
    kyc_report_destroy(report);
  }
  report = NULL;
  EXPECT_STATUS(kyc_parse_aamva((const uint8_t*)"hello", 5, &report), KYC_OK);
  CHECK(report != NULL && kyc_report_is_match(report) == 0);
  CHECK(report != NULL && strstr(kyc_report_json(report), "\"reason\":\"not_aamva\"") != NULL);
  kyc_report_destroy(report);
  report = SENTINEL_REPORT;
  EXPECT_STATUS(kyc_parse_aamva(NULL, 5, &report), KYC_INVALID_ARGUMENT);
  EXPECT_STATUS(kyc_parse_aamva((const uint8_t*)aamva, 4, NULL), KYC_INVALID_ARGUMENT);
  CHECK(report == SENTINEL_REPORT);

  /* MRZ text: the ICAO 9303 specimen TD3, then the same with a check digit broken. */
  report = NULL;
  EXPECT_STATUS(kyc_parse_mrz("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                              "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
                              &report),
                KYC_OK);
  CHECK(report != NULL && kyc_report_is_match(report) == 1);
  CHECK(report != NULL && strstr(kyc_report_json(report), "\"schema\":\"kyc.mrz\"") != NULL);
  kyc_report_destroy(report);
  report = NULL;
  EXPECT_STATUS(kyc_parse_mrz("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                              "L898902C36UTO7408123F1204159ZE184226B<<<<<10",
                              &report),
                KYC_OK);
  CHECK(report != NULL && kyc_report_is_match(report) == 0);
  kyc_report_destroy(report);
  report = NULL;
  EXPECT_STATUS(kyc_parse_mrz("garbage", &report), KYC_OK);
  CHECK(report != NULL && strstr(kyc_report_json(report), "\"status\":\"unrecognized\"") != NULL);
  kyc_report_destroy(report);
  report = SENTINEL_REPORT;
  EXPECT_STATUS(kyc_parse_mrz(NULL, &report), KYC_INVALID_ARGUMENT);
  EXPECT_STATUS(kyc_verify_package(NULL, (const uint8_t*)"PK", 2, &report), KYC_INVALID_ARGUMENT);
  EXPECT_STATUS(kyc_read_document(NULL, NULL, NULL, &report), KYC_INVALID_ARGUMENT);
  CHECK(report == SENTINEL_REPORT);

  report = NULL;
  EXPECT_STATUS(kyc_check_consistency(consistent, &report), KYC_OK);
  CHECK(report != NULL && kyc_report_is_match(report) == 1);
  if (report != NULL && kyc_report_is_match(report) != 1) {
    fprintf(stderr, "consistency report: %s\n", kyc_report_json(report));
  }
  kyc_report_destroy(report);
  report = SENTINEL_REPORT;
  expect_message_names(kyc_check_consistency("{\"documents\": []}", &report), KYC_INVALID_ARGUMENT,
                       "applicant", __LINE__);
  expect_message_names(
      kyc_check_consistency("{\"applicant\": {}, \"documents\": [{\"source\": \"tarot\"}]}",
                            &report),
      KYC_INVALID_ARGUMENT, "tarot", __LINE__);
  expect_message_names(kyc_check_consistency("{\"applicant\": {}, \"colour\": 1}", &report),
                       KYC_INVALID_ARGUMENT, "colour", __LINE__);
  EXPECT_STATUS(kyc_check_consistency("[", &report), KYC_INVALID_ARGUMENT);
  EXPECT_STATUS(kyc_check_consistency(NULL, &report), KYC_INVALID_ARGUMENT);
  CHECK(report == SENTINEL_REPORT);
}

/* Unsafe or malformed packages are errors, never reports; the engine survives them. */
static void test_package_errors(const kyc_engine* engine) {
  /* A ZIP whose only entry is "../evil.txt" (stored), written out by hand. */
  static const unsigned char slip[] = {
      0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0x5c,
      0x83, 0x16, 0xdc, 0x8c, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0b, 0x00,
      0x00, 0x00, 0x2e, 0x2e, 0x2f, 0x65, 0x76, 0x69, 0x6c, 0x2e, 0x74, 0x78, 0x74, 0x78,
      0x50, 0x4b, 0x01, 0x02, 0x14, 0x03, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x21, 0x5c, 0x83, 0x16, 0xdc, 0x8c, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
      0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x01,
      0x00, 0x00, 0x00, 0x00, 0x2e, 0x2e, 0x2f, 0x65, 0x76, 0x69, 0x6c, 0x2e, 0x74, 0x78,
      0x74, 0x50, 0x4b, 0x05, 0x06, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x39,
      0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x00, 0x00,
  };
  kyc_report* report = SENTINEL_REPORT;
  expect_message_names(kyc_verify_package(engine, slip, sizeof slip, &report), KYC_INVALID_ARGUMENT,
                       "..", __LINE__);
  EXPECT_STATUS(kyc_verify_package(engine, (const uint8_t*)"not a zip at all", 16, &report),
                KYC_INVALID_ARGUMENT);
  CHECK(report == SENTINEL_REPORT);
}

/* A caller's presentment store: the keys it was given, in memory (one thread here). */
typedef struct key_store {
  char keys[4][65];
  int count;
  int calls;
  int answer_override; /* when not 0: returned instead (a failing store) */
} key_store;

static int key_store_check_and_record(void* user_data, const char* key) {
  key_store* store = (key_store*)user_data;
  int i;
  ++store->calls;
  if (store->answer_override != 0) return store->answer_override;
  for (i = 0; i < store->count; ++i) {
    if (strcmp(store->keys[i], key) == 0) return 1;
  }
  if (strlen(key) != 64 || store->count == 4) return -1;
  memcpy(store->keys[store->count++], key, 65);
  return 0;
}

/* Cheques: the MICR crop and the Wikimedia sample cheque under ../shared; the E-13B model is in
 * ../shared/models/tessdata, given to the engine as document.tessdata_dir. */
static void test_cheques(void) {
  char config[4600], line_path[4096], cheque_path[4096];
  buffer line_data, cheque_data;
  kyc_image line, cheque;
  kyc_engine* engine = NULL;
  kyc_report* report = SENTINEL_REPORT;
  kyc_status* status;
  snprintf(config, sizeof config, "{\"document\": {\"tessdata_dir\": \"%s\"}}",
           shared_path("models/tessdata"));
  snprintf(line_path, sizeof line_path, "%s",
           shared_path("data/docs/micr/lines/reallife_cgi_1212993800-0.tif"));
  snprintf(cheque_path, sizeof cheque_path, "%s",
           shared_path("data/docs/micr/cheques/wikimedia_sample_check.png"));
  memset(&line_data, 0, sizeof line_data);
  memset(&cheque_data, 0, sizeof cheque_data);
  if (!read_file(line_path, &line_data) || !read_file(cheque_path, &cheque_data)) {
    fprintf(is_ci() ? stderr : stdout, "%s: cheque test data missing under %s\n",
            is_ci() ? "FAIL" : "SKIP", shared_path(""));
    CHECK(!is_ci());
    free(line_data.data);
    free(cheque_data.data);
    return;
  }
  status = kyc_engine_create(config, &engine);
  if (kyc_status_code(status) == KYC_MODEL_NOT_FOUND && !is_ci()) {
    printf("SKIP: cheque test: %s\n", kyc_status_message(status));
    kyc_status_destroy(status);
    free(line_data.data);
    free(cheque_data.data);
    return;
  }
  EXPECT_STATUS(status, KYC_OK);
  line = encoded_image(&line_data);
  cheque = encoded_image(&cheque_data);
  if (engine != NULL) {
    /* NULL handles and arguments: clear codes, *out_report untouched. */
    EXPECT_STATUS(kyc_read_cheque(NULL, &cheque, NULL, &report), KYC_INVALID_ARGUMENT);
    EXPECT_STATUS(kyc_read_cheque(engine, NULL, NULL, &report), KYC_INVALID_ARGUMENT);
    EXPECT_STATUS(kyc_read_cheque(engine, &cheque, NULL, NULL), KYC_INVALID_ARGUMENT);
    EXPECT_STATUS(kyc_read_micr(NULL, &line, NULL, &report), KYC_INVALID_ARGUMENT);
    EXPECT_STATUS(kyc_read_micr(engine, NULL, NULL, &report), KYC_INVALID_ARGUMENT);
    expect_message_names(kyc_read_cheque(engine, &cheque, "{\"colour\": 1}", &report),
                         KYC_INVALID_ARGUMENT, "colour", __LINE__);
    EXPECT_STATUS(kyc_read_micr(engine, &line, "[", &report), KYC_INVALID_ARGUMENT);
    EXPECT_STATUS(kyc_read_micr(engine, &line, "{\"as_of\": \"soon\"}", &report),
                  KYC_INVALID_ARGUMENT);
    CHECK(report == SENTINEL_REPORT);

    /* A real MICR line with a valid ABA routing number reads clean. */
    report = NULL;
    EXPECT_STATUS(kyc_read_micr(engine, &line, "{\"as_of\": \"2026-06-01\"}", &report), KYC_OK);
    CHECK(report != NULL && strstr(kyc_report_json(report), "\"schema\":\"kyc.micr\"") != NULL);
    CHECK(report != NULL && strstr(kyc_report_json(report), "\"checksum_valid\"") != NULL);
    CHECK(report != NULL && kyc_report_is_match(report) == 1);
    kyc_report_destroy(report);

    /* data/docs/README.md: the Wikimedia cheque's routing number fails the ABA checksum. */
    report = NULL;
    EXPECT_STATUS(kyc_read_cheque(engine, &cheque, NULL, &report), KYC_OK);
    CHECK(report != NULL && strstr(kyc_report_json(report), "\"schema\":\"kyc.cheque\"") != NULL);
    CHECK(report != NULL && strstr(kyc_report_json(report), "\"checksum_mismatch\"") != NULL);
    CHECK(report != NULL && kyc_report_is_match(report) == 0);
    CHECK(report != NULL && strstr(kyc_report_json(report), "\"no_store\"") != NULL);
    kyc_report_destroy(report);

    /* Duplicate presentment through the caller's store: new, then seen before. The store sees
     * the report's presentment_key, not the numbers. */
    {
      key_store store;
      char expected_key[128];
      memset(&store, 0, sizeof store);
      report = NULL;
      EXPECT_STATUS(kyc_read_cheque_with_store(engine, &cheque, NULL, key_store_check_and_record,
                                               &store, &report),
                    KYC_OK);
      CHECK(store.calls == 1 && store.count == 1);
      snprintf(expected_key, sizeof expected_key, "\"presentment_key\":\"%s\"", store.keys[0]);
      CHECK(report != NULL && strstr(kyc_report_json(report), expected_key) != NULL);
      CHECK(report != NULL && strstr(kyc_report_json(report), "\"first_presentment\"") != NULL);
      kyc_report_destroy(report);
      report = NULL;
      EXPECT_STATUS(kyc_read_cheque_with_store(engine, &cheque, "{\"as_of\": \"2026-06-01\"}",
                                               key_store_check_and_record, &store, &report),
                    KYC_OK);
      CHECK(store.calls == 2 && store.count == 1);
      CHECK(report != NULL && strstr(kyc_report_json(report), "\"seen_before\"") != NULL);
      kyc_report_destroy(report);
      /* A failing store (-1, or an answer that is neither 0 nor 1) is an error, not a pass. */
      report = SENTINEL_REPORT;
      store.answer_override = -1;
      expect_message_names(kyc_read_cheque_with_store(engine, &cheque, NULL,
                                                      key_store_check_and_record, &store, &report),
                           KYC_INVALID_ARGUMENT, "presentment store failed", __LINE__);
      store.answer_override = 7;
      EXPECT_STATUS(kyc_read_cheque_with_store(engine, &cheque, NULL, key_store_check_and_record,
                                               &store, &report),
                    KYC_INVALID_ARGUMENT);
      CHECK(report == SENTINEL_REPORT);
      /* No store: exactly kyc_read_cheque. */
      report = NULL;
      EXPECT_STATUS(kyc_read_cheque_with_store(engine, &cheque, NULL, NULL, NULL, &report), KYC_OK);
      CHECK(report != NULL && strstr(kyc_report_json(report), "\"no_store\"") != NULL);
      kyc_report_destroy(report);
      EXPECT_STATUS(kyc_read_cheque_with_store(NULL, &cheque, NULL, key_store_check_and_record,
                                               &store, &report),
                    KYC_INVALID_ARGUMENT);
    }
    kyc_engine_destroy(engine);
  }
  free(line_data.data);
  free(cheque_data.data);
}

int main(void) {
  static const char* const files[] = {
      "data/faces/face_recognition/examples/obama.jpg",
      "data/faces/face_recognition/examples/obama2.jpg",
      "data/faces/face_recognition/examples/biden.jpg",
      "data/faces/orl/s11/1.pgm",
  };
  enum { kFiles = sizeof files / sizeof files[0] };
  buffer data[kFiles];
  kyc_image images[kFiles];
  kyc_engine* engine = NULL;
  kyc_status* status;
  int i;

  printf("kyc C ABI test: library %s, C API version %u\n", kyc_version_string(),
         (unsigned)kyc_api_version());
  test_version_and_null_safety();
  test_engine_create_errors();
  test_documents();
  test_cheques();

  memset(data, 0, sizeof data);
  for (i = 0; i < kFiles; ++i) {
    const char* path = shared_path(files[i]);
    if (!read_file(path, &data[i])) {
      int ci = is_ci();
      fprintf(ci ? stderr : stdout,
              "%s: test data missing: %s (set KYC_SHARED to the shared folder)\n",
              ci ? "FAIL" : "SKIP", path);
      while (--i >= 0) free(data[i].data);
      if (ci || g_failed > 0) return 1;
      return SKIP_RETURN_CODE;
    }
    images[i] = encoded_image(&data[i]);
  }

  status = kyc_engine_create(NULL, &engine);
  if (kyc_status_code(status) == KYC_MODEL_NOT_FOUND && !is_ci()) {
    printf("SKIP: face models not installed: %s\n", kyc_status_message(status));
    kyc_status_destroy(status);
    for (i = 0; i < kFiles; ++i) free(data[i].data);
    return g_failed > 0 ? 1 : SKIP_RETURN_CODE;
  }
  EXPECT_STATUS(status, KYC_OK);
  CHECK(engine != NULL);
  if (engine != NULL) {
    test_null_arguments(engine, &images[0]);
    test_bad_images(engine, &images[0]);
    test_face_match(engine, &images[0], &images[1], &images[2]);
    test_raw_pixels(engine, &data[3]);
    test_check_photo(engine, &images[0]);
    test_package_errors(engine);
    kyc_engine_destroy(engine);
  }

  for (i = 0; i < kFiles; ++i) free(data[i].data);
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
