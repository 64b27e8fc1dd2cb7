// Document reading and the KYC-package flow.
#include "engine/onboarding.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "engine/timing.hpp"
#include "kyc/error.hpp"

namespace kyc {
namespace {

using nlohmann::ordered_json;

ordered_json parse_report(const std::string& json) {
  return ordered_json::parse(json);
}

}  // namespace

const char* package_verdict_name(PackageVerdict verdict) noexcept {
  switch (verdict) {
    case PackageVerdict::approved:
      return "approved";
    case PackageVerdict::rejected:
      return "rejected";
    case PackageVerdict::review:
      return "review";
  }
  return "unknown";
}

bool DocumentReadResult::machine_readable() const {
  return (barcode && barcode->valid) || (mrz && mrz->status == MrzStatus::valid) ||
         (external && external->mrz && external->mrz->status == MrzStatus::valid);
}

std::vector<DocumentRead> DocumentReadResult::reads() const {
  std::vector<DocumentRead> out;
  if (barcode && barcode->valid) out.push_back(barcode->to_document_read());
  if (mrz && (mrz->status == MrzStatus::valid || mrz->status == MrzStatus::invalid)) {
    out.push_back(mrz->to_document_read());
  }
  if (external) out.insert(out.end(), external->reads.begin(), external->reads.end());
  if (viz) {
    DocumentRead read = viz->to_document_read();
    if (!(read.fields.surname.empty() && read.fields.given_names.empty() &&
          read.fields.date_of_birth.empty() && read.fields.document_number.empty())) {
      out.push_back(std::move(read));
    }
  }
  return out;
}

std::string DocumentReadResult::to_json(int indent) const {
  ordered_json j;
  j["schema"] = "kyc.document";
  j["schema_version"] = kReportSchemaVersion;
  j["machine_readable"] = machine_readable();
  j["barcode"] = barcode ? parse_report(barcode->to_json()) : ordered_json();
  j["mrz"] = mrz ? parse_report(mrz->to_json()) : ordered_json();
  j["viz"] = viz ? parse_report(viz->to_json()) : ordered_json();
  j["viz_mrz"] = viz_mrz ? parse_report(viz_mrz->to_json()) : ordered_json();
  if (external) {
    j["external"] = {{"reader", external->reader},
                     {"request_id", external->request_id},
                     {"report", parse_report(external->evidence_json)}};
  } else {
    j["external"] = nullptr;
  }
  j["notes"] = notes;
  j["timings_ms"] = {
      {"barcode", barcode_ms}, {"mrz", mrz_ms}, {"viz", viz_ms}, {"total", total_ms}};
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string PackageReport::to_json(int indent) const {
  ordered_json j;
  j["schema"] = "kyc.package_report";
  j["schema_version"] = kReportSchemaVersion;
  j["verdict"] = package_verdict_name(verdict);
  j["reasons"] = reasons;
  j["package"] = parse_report(package.to_json());
  j["face_match"] = face_match ? parse_report(face_match->to_json()) : ordered_json();
  j["document"] = document ? parse_report(document->to_json()) : ordered_json();
  j["consistency"] = consistency ? parse_report(consistency->to_json()) : ordered_json();
  j["verification"] = verification ? parse_report(verification->to_json()) : ordered_json();
  j["total_ms"] = total_ms;
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace detail {

DocumentServices::DocumentServices(const Config& config) : config_(config) {
  if (config.document.reader == "aws.textract") external_ = make_textract_document_reader(config);
  if (!config.verifier.url.empty()) {
    HttpVerifierConfig http;
    http.url = config.verifier.url;
    http.auth_header = config.verifier.auth_header;
    http.request_timeout = std::chrono::milliseconds(config.verifier.timeout_ms);
    http.connect_timeout = std::chrono::milliseconds(config.verifier.connect_timeout_ms);
    http.max_attempts = config.verifier.max_attempts;
    http.ca_bundle = config.verifier.ca_bundle;
    http.max_response_bytes = config.verifier.max_response_bytes;
    verifier_ = std::make_unique<HttpRecordVerifier>(std::move(http));
  }
}

const MrzReader& DocumentServices::mrz() const {
  std::call_once(mrz_once_, [this] {
    MrzReaderOptions options;
    options.tessdata_dir = config_.document.tessdata_dir;
    options.model = config_.document.mrz_model;
    options.parse.reference_date = config_.document.as_of;
    options.limits = config_.limits;
    mrz_ = std::make_unique<MrzReader>(std::move(options));
  });
  return *mrz_;
}

const VizReader& DocumentServices::viz() const {
  std::call_once(viz_once_, [this] {
    VizReaderOptions options;
    options.tessdata_dir = config_.document.tessdata_dir;
    options.language = config_.document.viz_model;
    options.extraction.reference_date = config_.document.as_of;
    options.limits = config_.limits;
    viz_ = std::make_unique<VizReader>(std::move(options));
  });
  return *viz_;
}

ConsistencyOptions DocumentServices::consistency_options() const {
  ConsistencyOptions options;
  options.as_of = config_.document.as_of;
  options.minimum_age = config_.document.minimum_age;
  options.address_decides = config_.document.address_decides;
  options.name_threshold = config_.document.name_threshold;
  options.address_threshold = config_.document.address_threshold;
  return options;
}

DocumentReadResult DocumentServices::read(const ImageView& front, const ImageView* back) const {
  const auto start = Clock::now();
  DocumentReadResult result;

  // The barcode first: it is fast, and a valid AAMVA barcode means a North American licence,
  // which carries no MRZ (searching for one costs up to seconds on a card without it).
  auto t = Clock::now();
  for (const ImageView* side : {back, &front}) {
    if (side == nullptr) continue;
    AamvaResult barcode = read_aamva(*side);
    if (barcode.reason == "no_barcode") continue;
    result.barcode = std::move(barcode);
    break;
  }
  if (!result.barcode) result.notes.emplace_back("no_barcode");
  result.barcode_ms = ms_since(t);

  t = Clock::now();
  if (external_) {
    // The remote reader replaces the local MRZ and printed-zone OCR.
    result.external = external_(front, back);
    result.mrz_ms = ms_since(t);
    result.notes.emplace_back("read_by_" + result.external->reader);
    result.total_ms = ms_since(start);
    return result;
  }
  if (result.barcode && result.barcode->valid) {
    result.notes.emplace_back("mrz_skipped_barcode_valid");
  } else {
    // Passports and most ID cards carry the MRZ on the front; TD1 cards on the back.
    MrzResult mrz = this->mrz().read(ImageInput(front));
    if (mrz.status == MrzStatus::not_found && back != nullptr) {
      MrzResult on_back = this->mrz().read(ImageInput(*back));
      if (on_back.status != MrzStatus::not_found) mrz = std::move(on_back);
    }
    if (mrz.status == MrzStatus::not_found) result.notes.emplace_back("mrz_not_found");
    result.mrz = std::move(mrz);
  }
  result.mrz_ms = ms_since(t);

  t = Clock::now();
  if (config_.document.viz) {
    result.viz = viz().read(ImageInput(front));
    if (result.mrz && result.mrz->status != MrzStatus::not_found &&
        result.mrz->status != MrzStatus::unrecognized) {
      result.viz_mrz = cross_check_viz_mrz(result.viz->fields, *result.mrz);
    }
  } else {
    result.notes.emplace_back("viz_disabled");
  }
  result.viz_ms = ms_since(t);
  result.total_ms = ms_since(start);
  return result;
}

namespace {

// The data sources the consistency check compares against the applicant: the document reads,
// and the registry's answer when it returned or confirmed values.
std::vector<DocumentRead> consistency_sources(const PackageReport& report,
                                              const DocumentFields& sent) {
  std::vector<DocumentRead> reads =
      report.document ? report.document->reads() : std::vector<DocumentRead>{};
  if (report.verification) {
    DocumentRead external = report.verification->to_document_read(sent);
    if (!external.verified_fields.empty()) reads.push_back(std::move(external));
  }
  return reads;
}

// The fields sent to the registry: the most trustworthy machine-readable source.
DocumentFields best_fields(const DocumentReadResult& document) {
  if (document.mrz && document.mrz->status == MrzStatus::valid) return document.mrz->fields;
  if (document.external && document.external->mrz &&
      document.external->mrz->status == MrzStatus::valid) {
    return document.external->mrz->fields;
  }
  if (document.barcode && document.barcode->valid) return document.barcode->fields;
  if (document.mrz && document.mrz->status == MrzStatus::invalid) return document.mrz->fields;
  if (document.external && !document.external->reads.empty()) {
    return document.external->reads.front().fields;
  }
  return {};
}

}  // namespace

PackageReport verify_package(const Engine& engine, const DocumentServices& documents,
                             const std::uint8_t* zip, std::size_t size) {
  const auto start = Clock::now();
  PackageReport report;
  report.package = read_package(zip, size, engine.config().package_limits);
  // Roles from names and shapes first; when a selfie is still missing, let the face detector
  // say which images show a face.
  if (report.package.find(PackageRole::selfie) == nullptr) {
    assign_package_roles(report.package, [&engine](const PackageEntry& entry) {
      try {
        return !engine.detect_faces(ImageInput::from_bytes(entry.bytes.data(), entry.bytes.size()))
                    .empty();
      } catch (const Error&) {
        return false;
      }
    });
  }
  const Package& package = report.package;
  const PackageEntry* form = package.find(PackageRole::applicant_form);
  const PackageEntry* selfie = package.find(PackageRole::selfie);
  const PackageEntry* front = package.find(PackageRole::document_front);
  if (front == nullptr) front = package.find(PackageRole::document);
  const PackageEntry* back = package.find(PackageRole::document_back);

  std::vector<std::string> rejected;
  std::vector<std::string> review;
  if (form == nullptr) review.emplace_back("missing_applicant_form");
  if (selfie == nullptr) review.emplace_back("missing_selfie");
  if (front == nullptr && back == nullptr) review.emplace_back("missing_document");

  // Face match: the document's portrait is its largest face (the source), the selfie the target.
  const PackageEntry* portrait = front != nullptr ? front : back;
  if (selfie != nullptr && portrait != nullptr) {
    report.face_match =
        engine.face_match(ImageInput::from_bytes(portrait->bytes.data(), portrait->bytes.size()),
                          ImageInput::from_bytes(selfie->bytes.data(), selfie->bytes.size()));
    switch (report.face_match->status) {
      case FaceMatchStatus::match:
        break;
      case FaceMatchStatus::no_match:
        rejected.emplace_back("face_mismatch");
        break;
      case FaceMatchStatus::no_face_in_source:
        review.emplace_back("no_face_on_document");
        break;
      case FaceMatchStatus::no_face_in_target:
        review.emplace_back("no_face_in_selfie");
        break;
    }
  }

  // Document read: decode each side once.
  if (front != nullptr || back != nullptr) {
    const PackageEntry* first = front != nullptr ? front : back;
    const PackageEntry* second = front != nullptr ? back : nullptr;
    const Image first_image =
        engine.decode(ImageInput::from_bytes(first->bytes.data(), first->bytes.size()));
    std::optional<Image> second_image;
    if (second != nullptr) {
      second_image =
          engine.decode(ImageInput::from_bytes(second->bytes.data(), second->bytes.size()));
    }
    const ImageView second_view = second_image ? second_image->view() : ImageView();
    report.document = documents.read(first_image.view(), second_image ? &second_view : nullptr);
    const bool read_remotely =
        report.document->external && !report.document->external->reads.empty();
    if (!report.document->machine_readable() && !read_remotely) {
      review.emplace_back(report.document->mrz && report.document->mrz->status == MrzStatus::invalid
                              ? "mrz_check_digits_invalid"
                              : "document_unreadable");
    }
  }

  // Third-party registry.
  const DocumentFields sent = report.document ? best_fields(*report.document) : DocumentFields{};
  if (documents.verifier() != nullptr && report.document) {
    report.verification = documents.verifier()->verify(sent);
    if (report.verification->status == VerificationStatus::not_verified) {
      rejected.emplace_back("registry_not_verified");
    } else if (!report.verification->is_verified()) {
      review.emplace_back("registry_unavailable");
    }
  }

  // The applicant's data against everything read.
  if (form != nullptr) {
    const std::string_view text(reinterpret_cast<const char*>(form->bytes.data()),
                                form->bytes.size());
    const ApplicantRecord applicant =
        form->detected_type == "json" ? load_applicant_json(text, engine.config().applicant_limits)
                                      : load_applicant_csv(text, engine.config().applicant_limits);
    report.consistency = check_consistency(applicant, consistency_sources(report, sent),
                                           documents.consistency_options());
    if (report.consistency->verdict == ConsistencyVerdict::inconsistent) {
      rejected.emplace_back("data_inconsistent");
    } else if (report.consistency->verdict == ConsistencyVerdict::unable_to_assess) {
      review.emplace_back("consistency_unable_to_assess");
    }
  }

  report.reasons = rejected;
  report.reasons.insert(report.reasons.end(), review.begin(), review.end());
  report.verdict = !rejected.empty() ? PackageVerdict::rejected
                   : !review.empty() ? PackageVerdict::review
                                     : PackageVerdict::approved;
  report.total_ms = ms_since(start);
  return report;
}

}  // namespace detail
}  // namespace kyc
