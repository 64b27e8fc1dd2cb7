// kyc — the C ABI (bindings/c/include/kyc/kyc.h) over the C++ API.
//
// Every entry point runs inside KYC_C_BEGIN / KYC_C_END: no C++ exception crosses into C. Errors
// become heap-allocated kyc_status objects (code + UTF-8 message); NULL means success. Outputs are
// written only after everything that can fail has succeeded, so they are untouched on error.
#include "kyc/kyc.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "document/fields_json.hpp"
#include "kyc/aamva.hpp"
#include "kyc/applicant.hpp"
#include "kyc/config.hpp"
#include "kyc/consistency.hpp"
#include "kyc/engine.hpp"
#include "kyc/error.hpp"
#include "kyc/face.hpp"
#include "kyc/image.hpp"
#include "kyc/mrz.hpp"
#include "kyc/onboarding.hpp"
#include "kyc/photo.hpp"
#include "kyc/results.hpp"
#include "kyc/version.hpp"

// The C enums are the same numbers as the C++ ones (part of the ABI contract).
static_assert(KYC_INVALID_ARGUMENT == static_cast<int>(kyc::ErrorCode::invalid_argument), "");
static_assert(KYC_INVALID_IMAGE == static_cast<int>(kyc::ErrorCode::invalid_image), "");
static_assert(KYC_UNSUPPORTED_FORMAT == static_cast<int>(kyc::ErrorCode::unsupported_format), "");
static_assert(KYC_LIMIT_EXCEEDED == static_cast<int>(kyc::ErrorCode::limit_exceeded), "");
static_assert(KYC_MODEL_NOT_FOUND == static_cast<int>(kyc::ErrorCode::model_not_found), "");
static_assert(KYC_INVALID_CONFIG == static_cast<int>(kyc::ErrorCode::invalid_config), "");
static_assert(KYC_BACKEND_UNAVAILABLE == static_cast<int>(kyc::ErrorCode::backend_unavailable), "");
static_assert(KYC_IO_ERROR == static_cast<int>(kyc::ErrorCode::io_error), "");
static_assert(KYC_INTERNAL == static_cast<int>(kyc::ErrorCode::internal), "");
static_assert(KYC_PIXEL_GRAY == static_cast<int>(kyc::PixelFormat::gray), "");
static_assert(KYC_PIXEL_BGR == static_cast<int>(kyc::PixelFormat::bgr), "");
static_assert(KYC_PIXEL_RGB == static_cast<int>(kyc::PixelFormat::rgb), "");
static_assert(KYC_PIXEL_BGRA == static_cast<int>(kyc::PixelFormat::bgra), "");
static_assert(KYC_PIXEL_RGBA == static_cast<int>(kyc::PixelFormat::rgba), "");

// A status and its message live in one malloc'd block, so creating one never throws; when even
// that allocation fails, the static out-of-memory status is returned (and never freed).
struct kyc_status {
  kyc_code code;
  const char* message;
};

struct kyc_engine {
  kyc::Engine engine;
};

struct kyc_report {
  std::string json;
  int is_match = 0;
};

struct kyc_buffer {
  std::vector<std::uint8_t> bytes;
};

namespace {

kyc_status g_out_of_memory = {KYC_INTERNAL, "out of memory"};

kyc_status* make_status(kyc_code code, const char* message) noexcept {
  if (message == nullptr) message = "";
  const std::size_t length = std::strlen(message);
  void* block = std::malloc(sizeof(kyc_status) + length + 1);
  if (block == nullptr) return &g_out_of_memory;
  auto* status = static_cast<kyc_status*>(block);
  char* text = reinterpret_cast<char*>(status + 1);
  std::memcpy(text, message, length + 1);
  status->code = code;
  status->message = text;
  return status;
}

kyc_code to_c_code(kyc::ErrorCode code) noexcept {
  const int value = static_cast<int>(code);
  if (value >= KYC_INVALID_ARGUMENT && value <= KYC_INTERNAL) return static_cast<kyc_code>(value);
  return KYC_INTERNAL;
}

// Maps the exception being handled to a status. Only called from inside a catch block.
kyc_status* status_from_current_exception() noexcept {
  try {
    throw;
  } catch (const kyc::Error& e) {
    return make_status(to_c_code(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    return &g_out_of_memory;
  } catch (const std::exception& e) {
    // Unexpected exceptions from kyc or a dependency (OpenCV, dlib) are internal errors.
    try {
      return make_status(KYC_INTERNAL, (std::string("internal error: ") + e.what()).c_str());
    } catch (...) {
      return &g_out_of_memory;
    }
  } catch (...) {
    return make_status(KYC_INTERNAL, "internal error: unknown exception");
  }
}

}  // namespace

#define KYC_C_BEGIN try {
#define KYC_C_END                           \
  }                                         \
  catch (...) {                             \
    return status_from_current_exception(); \
  }                                         \
  return nullptr;

namespace {

[[noreturn]] void invalid_argument(const std::string& message) {
  throw kyc::Error(kyc::ErrorCode::invalid_argument, message);
}

void require_not_null(const void* pointer, const char* function, const char* name) {
  if (pointer == nullptr) invalid_argument(std::string(function) + ": " + name + " is NULL");
}

// Builds the C++ image argument. The pixels or bytes stay owned by the caller; the returned
// ImageInput is only used during the call.
kyc::ImageInput to_image_input(const kyc_image* image, const char* function, const char* name) {
  const std::string where = std::string(function) + ": " + name;
  require_not_null(image, function, name);
  // A caller built against a newer header may pass a larger struct: read the fields we know.
  if (image->struct_size < sizeof(kyc_image)) {
    invalid_argument(
        where + ": struct_size is " + std::to_string(image->struct_size) +
        ", expected at least sizeof(kyc_image) = " + std::to_string(sizeof(kyc_image)));
  }
  if (image->data == nullptr) invalid_argument(where + ": data is NULL");
  if (image->size == 0) invalid_argument(where + ": size is 0");
  if (image->encoded == 1) return kyc::ImageInput::from_bytes(image->data, image->size);
  if (image->encoded != 0) {
    invalid_argument(where + ": encoded must be 0 or 1, got " + std::to_string(image->encoded));
  }
  // A C caller may store any integer in the enum; reading an out-of-range value as the C++ enum
  // type would be undefined, so the raw integer is copied out and checked first.
  std::underlying_type_t<kyc_pixel_format> raw_format;
  static_assert(sizeof raw_format == sizeof image->format, "");
  std::memcpy(&raw_format, &image->format, sizeof raw_format);
  const long long format = static_cast<long long>(raw_format);
  if (format < KYC_PIXEL_GRAY || format > KYC_PIXEL_RGBA) {
    invalid_argument(where + ": unknown pixel format " + std::to_string(format));
  }
  if (image->row_stride < 0 ||
      image->row_stride > static_cast<int64_t>(std::numeric_limits<std::ptrdiff_t>::max())) {
    invalid_argument(where + ": row_stride " + std::to_string(image->row_stride) +
                     " is out of range");
  }
  // The rows before the last one must fit in `size`; checked here by division so that an absurd
  // stride cannot overflow the size computation.
  if (image->height > 1 && image->row_stride > 0 &&
      static_cast<std::size_t>(image->height - 1) >
          image->size / static_cast<std::size_t>(image->row_stride)) {
    invalid_argument(where + ": buffer of " + std::to_string(image->size) +
                     " bytes is too small for " + std::to_string(image->height) + " rows of " +
                     std::to_string(image->row_stride) + " bytes");
  }
  return kyc::ImageView(image->data, image->size, image->width, image->height,
                        static_cast<kyc::PixelFormat>(format),
                        static_cast<std::ptrdiff_t>(image->row_stride));
}

kyc::FaceMatchOptions parse_face_match_options(const char* options_json) {
  kyc::FaceMatchOptions options;
  if (options_json == nullptr || options_json[0] == '\0') return options;
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(options_json);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range.406 for a number beyond double (1e400).
    invalid_argument(std::string("kyc_face_match: options_json is not valid JSON: ") + e.what());
  }
  if (!json.is_object()) invalid_argument("kyc_face_match: options_json must be a JSON object");
  for (const auto& item : json.items()) {
    const std::string& key = item.key();
    const nlohmann::json& value = item.value();
    if (value.is_null()) continue;  // null = not given
    if (key == "distance_threshold" || key == "similarity_threshold") {
      if (!value.is_number()) {
        invalid_argument("kyc_face_match: options_json: " + key + ": expected a number");
      }
      auto& target =
          key == "distance_threshold" ? options.distance_threshold : options.similarity_threshold;
      target = value.get<double>();
    } else if (key == "operating_point") {
      if (!value.is_string()) {
        invalid_argument("kyc_face_match: options_json: " + key + ": expected a string");
      }
      options.operating_point = value.get<std::string>();
    } else {
      invalid_argument("kyc_face_match: options_json: unknown key \"" + key +
                       "\" (expected distance_threshold, similarity_threshold or "
                       "operating_point)");
    }
  }
  return options;
}

kyc::PhotoProfile photo_profile(const char* profile) {
  if (profile == nullptr || profile[0] == '\0') return kyc::PhotoProfile::builtin("icao");
  const char* first = profile;
  while (*first == ' ' || *first == '\t' || *first == '\n' || *first == '\r') ++first;
  if (*first == '{') return kyc::PhotoProfile::from_json(profile);
  return kyc::PhotoProfile::builtin(profile);
}

kyc::ConsistencyOptions consistency_options(const nlohmann::json& j) {
  constexpr const char* where = "kyc_check_consistency: options";
  if (!j.is_object()) invalid_argument(std::string(where) + ": expected an object");
  kyc::ConsistencyOptions options;
  for (const auto& [key, value] : j.items()) {
    const std::string at = std::string(where) + "." + key;
    if (key == "as_of") {
      if (!value.is_string()) invalid_argument(at + ": expected a string (YYYY-MM-DD)");
      options.as_of = value.get<std::string>();
    } else if (key == "minimum_age") {
      if (!value.is_number_integer()) invalid_argument(at + ": expected an integer");
      options.minimum_age = value.get<int>();
    } else if (key == "name_threshold" || key == "address_threshold") {
      if (!value.is_number()) invalid_argument(at + ": expected a number");
      (key == "name_threshold" ? options.name_threshold : options.address_threshold) =
          value.get<double>();
    } else if (key == "required_fields") {
      if (!value.is_array()) invalid_argument(at + ": expected an array of strings");
      options.required_fields.clear();
      for (const auto& f : value) {
        if (!f.is_string()) invalid_argument(at + ": expected an array of strings");
        options.required_fields.push_back(f.get<std::string>());
      }
    } else if (key == "address_decides") {
      if (!value.is_boolean()) invalid_argument(at + ": expected true or false");
      options.address_decides = value.get<bool>();
    } else {
      invalid_argument(std::string(where) + ": unknown key \"" + key + "\"");
    }
  }
  return options;
}

// A kyc_presentment_fn as a kyc::PresentmentStore. The callback is C: it cannot throw, so its
// failure is a return value, turned into the same error a failing Python store gives.
class CallbackPresentmentStore final : public kyc::PresentmentStore {
 public:
  CallbackPresentmentStore(kyc_presentment_fn fn, void* user_data)
      : fn_(fn), user_data_(user_data) {}
  bool check_and_record(const std::string& key) override {
    const int answer = fn_(user_data_, key.c_str());
    if (answer == 0 || answer == 1) return answer == 1;
    throw kyc::Error(kyc::ErrorCode::invalid_argument,
                     "kyc_read_cheque: presentment store failed: the callback returned " +
                         std::to_string(answer) + " (1 = seen before, 0 = new)");
  }

 private:
  kyc_presentment_fn fn_;
  void* user_data_;
};

kyc::ChequeOptions cheque_options(const char* options_json, const char* function) {
  kyc::ChequeOptions options;
  if (options_json == nullptr) return options;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(options_json);
  } catch (const nlohmann::json::exception& e) {
    invalid_argument(std::string(function) + ": options_json is not valid JSON: " + e.what());
  }
  if (!j.is_object())
    invalid_argument(std::string(function) + ": options_json: expected an object");
  for (const auto& [key, value] : j.items()) {
    if (key == "as_of" && value.is_string()) {
      options.as_of = value.get<std::string>();
    } else if ((key == "stale_after_days" || key == "postdated_tolerance_days") &&
               value.is_number_integer() && value.get<long long>() >= 0 &&
               value.get<long long>() <= 36500) {
      (key == "stale_after_days" ? options.stale_after_days : options.postdated_tolerance_days) =
          value.get<int>();
    } else {
      invalid_argument(std::string(function) + ": options_json: unknown key or bad value for '" +
                       key + "'");
    }
  }
  return options;
}

}  // namespace

extern "C" {

uint32_t kyc_api_version(void) {
  return KYC_C_API_VERSION;
}

const char* kyc_version_string(void) {
  return kyc::version();
}

kyc_code kyc_status_code(const kyc_status* status) {
  return status == nullptr ? KYC_OK : status->code;
}

const char* kyc_status_message(const kyc_status* status) {
  return status == nullptr ? "" : status->message;
}

void kyc_status_destroy(kyc_status* status) {
  if (status != nullptr && status != &g_out_of_memory) std::free(status);
}

kyc_status* kyc_engine_create(const char* config_json, kyc_engine** out_engine) {
  KYC_C_BEGIN
  require_not_null(out_engine, "kyc_engine_create", "out_engine");
  kyc::Config config;
  if (config_json != nullptr && config_json[0] != '\0') {
    config = kyc::Config::from_json(config_json);
  }
  *out_engine = new kyc_engine{kyc::Engine(std::move(config))};
  KYC_C_END
}

void kyc_engine_destroy(kyc_engine* engine) {
  delete engine;
}

kyc_status* kyc_face_match(const kyc_engine* engine, const kyc_image* source,
                           const kyc_image* target, const char* options_json,
                           kyc_report** out_report) {
  KYC_C_BEGIN
  constexpr const char* function = "kyc_face_match";
  require_not_null(engine, function, "engine");
  require_not_null(out_report, function, "out_report");
  const kyc::ImageInput source_input = to_image_input(source, function, "source");
  const kyc::ImageInput target_input = to_image_input(target, function, "target");
  const kyc::FaceMatchOptions options = parse_face_match_options(options_json);
  const kyc::FaceMatchResult result =
      engine->engine.face_match(source_input, target_input, options);
  auto* report = new kyc_report{result.to_json(), result.is_match() ? 1 : 0};
  *out_report = report;
  KYC_C_END
}

kyc_status* kyc_detect_faces(const kyc_engine* engine, const kyc_image* image,
                             kyc_report** out_report) {
  KYC_C_BEGIN
  constexpr const char* function = "kyc_detect_faces";
  require_not_null(engine, function, "engine");
  require_not_null(out_report, function, "out_report");
  const kyc::ImageInput input = to_image_input(image, function, "image");
  const std::vector<kyc::Face> faces = engine->engine.detect_faces(input);
  std::string json = kyc::faces_to_json(faces);
  auto* report = new kyc_report{std::move(json), 0};
  *out_report = report;
  KYC_C_END
}

kyc_status* kyc_check_photo(const kyc_engine* engine, const kyc_image* photo, const char* profile,
                            kyc_report** out_report) {
  KYC_C_BEGIN
  constexpr const char* function = "kyc_check_photo";
  require_not_null(engine, function, "engine");
  require_not_null(out_report, function, "out_report");
  const kyc::ImageInput input = to_image_input(photo, function, "photo");
  const kyc::PhotoCheckResult result = engine->engine.check_photo(input, photo_profile(profile));
  auto* report =
      new kyc_report{result.to_json(), result.verdict == kyc::PhotoVerdict::compliant ? 1 : 0};
  *out_report = report;
  KYC_C_END
}

kyc_status* kyc_annotate_photo(const kyc_engine* engine, const kyc_image* photo,
                               const char* profile, kyc_annotation_format format,
                               kyc_buffer** out_image, kyc_report** out_report) {
  KYC_C_BEGIN
  constexpr const char* function = "kyc_annotate_photo";
  require_not_null(engine, function, "engine");
  require_not_null(out_image, function, "out_image");
  if (format != KYC_ANNOTATE_PNG && format != KYC_ANNOTATE_JPEG) {
    invalid_argument(std::string(function) +
                     ": format must be KYC_ANNOTATE_PNG or KYC_ANNOTATE_JPEG");
  }
  const kyc::ImageInput input = to_image_input(photo, function, "photo");
  const kyc::PhotoProfile chosen = photo_profile(profile);
  const kyc::PhotoCheckResult result = engine->engine.check_photo(input, chosen);
  // Pixels given as a view are drawn on directly; encoded input is decoded once more.
  std::vector<std::uint8_t> encoded;
  const auto draw = kyc::AnnotationFormat(format == KYC_ANNOTATE_JPEG ? kyc::AnnotationFormat::jpeg
                                                                      : kyc::AnnotationFormat::png);
  if (input.kind() == kyc::ImageInput::Kind::view) {
    encoded = kyc::annotate_photo(input.view(), result, chosen, draw);
  } else {
    const kyc::Image image = engine->engine.decode(input);
    encoded = kyc::annotate_photo(image.view(), result, chosen, draw);
  }
  auto buffer = std::make_unique<kyc_buffer>(kyc_buffer{std::move(encoded)});
  std::unique_ptr<kyc_report> report;
  if (out_report != nullptr) {
    report = std::make_unique<kyc_report>(
        kyc_report{result.to_json(), result.verdict == kyc::PhotoVerdict::compliant ? 1 : 0});
  }
  *out_image = buffer.release();
  if (out_report != nullptr) *out_report = report.release();
  KYC_C_END
}

kyc_status* kyc_parse_aamva(const uint8_t* payload, size_t size, kyc_report** out_report) {
  KYC_C_BEGIN
  require_not_null(out_report, "kyc_parse_aamva", "out_report");
  if (payload == nullptr && size != 0) require_not_null(payload, "kyc_parse_aamva", "payload");
  const kyc::AamvaResult result = kyc::parse_aamva(payload, size);
  *out_report = new kyc_report{result.to_json(), result.valid ? 1 : 0};
  KYC_C_END
}

kyc_status* kyc_parse_mrz(const char* text, kyc_report** out_report) {
  KYC_C_BEGIN
  require_not_null(text, "kyc_parse_mrz", "text");
  require_not_null(out_report, "kyc_parse_mrz", "out_report");
  const kyc::MrzResult result = kyc::parse_mrz(std::string_view(text));
  *out_report = new kyc_report{result.to_json(), result.valid ? 1 : 0};
  KYC_C_END
}

kyc_status* kyc_read_document(const kyc_engine* engine, const kyc_image* front,
                              const kyc_image* back, kyc_report** out_report) {
  KYC_C_BEGIN
  constexpr const char* function = "kyc_read_document";
  require_not_null(engine, function, "engine");
  require_not_null(out_report, function, "out_report");
  const kyc::ImageInput front_input = to_image_input(front, function, "front");
  const kyc::DocumentReadResult result =
      back == nullptr
          ? engine->engine.read_document(front_input)
          : engine->engine.read_document(front_input, to_image_input(back, function, "back"));
  *out_report = new kyc_report{result.to_json(), result.machine_readable() ? 1 : 0};
  KYC_C_END
}

kyc_status* kyc_read_cheque(const kyc_engine* engine, const kyc_image* cheque,
                            const char* options_json, kyc_report** out_report) {
  return kyc_read_cheque_with_store(engine, cheque, options_json, nullptr, nullptr, out_report);
}

kyc_status* kyc_read_cheque_with_store(const kyc_engine* engine, const kyc_image* cheque,
                                       const char* options_json, kyc_presentment_fn store,
                                       void* user_data, kyc_report** out_report) {
  KYC_C_BEGIN
  constexpr const char* function = "kyc_read_cheque";
  require_not_null(engine, function, "engine");
  require_not_null(out_report, function, "out_report");
  const kyc::ImageInput input = to_image_input(cheque, function, "cheque");
  kyc::ChequeOptions options = cheque_options(options_json, function);
  CallbackPresentmentStore callback(store, user_data);
  if (store != nullptr) options.presentment_store = &callback;
  const kyc::ChequeReadResult result = engine->engine.read_cheque(input, options);
  *out_report = new kyc_report{result.to_json(), result.verdict == kyc::ChequeVerdict::clean};
  KYC_C_END
}

kyc_status* kyc_read_micr(const kyc_engine* engine, const kyc_image* line, const char* options_json,
                          kyc_report** out_report) {
  KYC_C_BEGIN
  constexpr const char* function = "kyc_read_micr";
  require_not_null(engine, function, "engine");
  require_not_null(out_report, function, "out_report");
  const kyc::ImageInput input = to_image_input(line, function, "line");
  const kyc::MicrReadResult result =
      engine->engine.read_micr(input, cheque_options(options_json, function));
  *out_report = new kyc_report{result.to_json(), result.verdict == kyc::ChequeVerdict::clean};
  KYC_C_END
}

kyc_status* kyc_verify_package(const kyc_engine* engine, const uint8_t* zip, size_t size,
                               kyc_report** out_report) {
  KYC_C_BEGIN
  constexpr const char* function = "kyc_verify_package";
  require_not_null(engine, function, "engine");
  require_not_null(zip, function, "zip");
  require_not_null(out_report, function, "out_report");
  const kyc::PackageReport report = engine->engine.verify_package(zip, size);
  *out_report = new kyc_report{report.to_json(), report.is_approved() ? 1 : 0};
  KYC_C_END
}

kyc_status* kyc_check_consistency(const char* request_json, kyc_report** out_report) {
  KYC_C_BEGIN
  constexpr const char* function = "kyc_check_consistency";
  require_not_null(request_json, function, "request_json");
  require_not_null(out_report, function, "out_report");
  nlohmann::json request;
  try {
    request = nlohmann::json::parse(request_json);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range.406 for a number beyond double (1e400).
    invalid_argument(std::string(function) + ": request_json is not valid JSON: " + e.what());
  }
  if (!request.is_object()) invalid_argument(std::string(function) + ": expected a JSON object");
  std::optional<kyc::ApplicantRecord> applicant;
  std::vector<kyc::DocumentRead> documents;
  kyc::ConsistencyOptions options;
  for (const auto& [key, value] : request.items()) {
    if (key == "applicant") {
      applicant = kyc::load_applicant_json(value.dump());
    } else if (key == "applicant_csv") {
      if (!value.is_string())
        invalid_argument(std::string(function) + ": applicant_csv: expected a string");
      applicant = kyc::load_applicant_csv(value.get<std::string>());
    } else if (key == "documents") {
      if (!value.is_array())
        invalid_argument(std::string(function) + ": documents: expected an array");
      for (std::size_t i = 0; i < value.size(); ++i) {
        documents.push_back(
            kyc::detail::document_read_from_json(value[i], "documents[" + std::to_string(i) + "]"));
      }
    } else if (key == "options") {
      options = consistency_options(value);
    } else {
      invalid_argument(std::string(function) + ": unknown key \"" + key +
                       "\" (applicant, applicant_csv, documents, options)");
    }
  }
  if (!applicant)
    invalid_argument(std::string(function) + ": \"applicant\" or \"applicant_csv\" is required");
  const kyc::ConsistencyResult result = kyc::check_consistency(*applicant, documents, options);
  *out_report = new kyc_report{result.to_json(), result.is_consistent() ? 1 : 0};
  KYC_C_END
}

const uint8_t* kyc_buffer_data(const kyc_buffer* buffer) {
  return buffer == nullptr ? nullptr : buffer->bytes.data();
}

size_t kyc_buffer_size(const kyc_buffer* buffer) {
  return buffer == nullptr ? 0 : buffer->bytes.size();
}

void kyc_buffer_destroy(kyc_buffer* buffer) {
  delete buffer;
}

const char* kyc_report_json(const kyc_report* report) {
  return report == nullptr ? "" : report->json.c_str();
}

int kyc_report_is_match(const kyc_report* report) {
  return report == nullptr ? 0 : report->is_match;
}

void kyc_report_destroy(kyc_report* report) {
  delete report;
}

}  // extern "C"
