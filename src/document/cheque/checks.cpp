// The cheque checks (each individually reported), the verdict, the presentment store and the
// JSON reports (schemas "kyc.micr" and "kyc.cheque", version 1). Messages never contain account
// numbers, amounts or dates: those are personal data.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "document/cheque/micr_internal.hpp"
#include "document/text/dates.hpp"
#include "kyc/error.hpp"

namespace kyc {

const char* cheque_check_status_name(ChequeCheckStatus status) noexcept {
  switch (status) {
    case ChequeCheckStatus::pass:
      return "pass";
    case ChequeCheckStatus::fail:
      return "fail";
    case ChequeCheckStatus::unable_to_assess:
      break;
  }
  return "unable_to_assess";
}

const char* cheque_verdict_name(ChequeVerdict verdict) noexcept {
  switch (verdict) {
    case ChequeVerdict::clean:
      return "clean";
    case ChequeVerdict::suspicious:
      return "suspicious";
    case ChequeVerdict::unable_to_assess:
      break;
  }
  return "unable_to_assess";
}

bool InMemoryPresentmentStore::check_and_record(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  return !keys_.insert(key).second;
}

std::size_t InMemoryPresentmentStore::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return keys_.size();
}

namespace detail {
namespace {

constexpr std::size_t kMaxAccountLength = 17;  // ANSI X9.100-160-1 on-us account positions
constexpr std::size_t kMaxSerialLength = 15;   // auxiliary on-us field positions
constexpr std::size_t kAmountLength = 10;      // ⑇dddddddddd⑇
constexpr double kMinSignatureInk = 0.005;     // ink fraction below which no signature is seen
constexpr int kDefaultStaleAfterDays = 180;    // US banks may refuse cheques older than 6 months

ChequeCheck make(const char* id, ChequeCheckStatus status, const char* reason,
                 std::string message) {
  return {id, status, reason, std::move(message)};
}

bool has_unreadable(const MicrField& f) {
  return f.value.find('?') != std::string::npos;
}

bool digits_only(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

ChequeCheck aba_check(const MicrFields& f) {
  const char* id = "aba_checksum";
  if (!f.routing.present()) {
    return make(id, ChequeCheckStatus::unable_to_assess, "no_routing",
                "no transit (routing) field was read");
  }
  if (has_unreadable(f.routing)) {
    return make(id, ChequeCheckStatus::unable_to_assess, "unreadable",
                "the routing number has unreadable characters");
  }
  if (f.layout == MicrLayout::canada) {
    return make(id, ChequeCheckStatus::unable_to_assess, "canadian_transit",
                "Canadian transit (branch-institution) numbers carry no ABA checksum");
  }
  if (f.layout != MicrLayout::us) {
    return make(id, ChequeCheckStatus::unable_to_assess, "not_aba_routing",
                "the transit field is not a 9-digit ABA routing number");
  }
  if (!aba_checksum_valid(f.routing.value)) {
    return make(id, ChequeCheckStatus::fail, "checksum_mismatch",
                "the routing number fails the ABA 3-7-1 checksum");
  }
  return make(id, ChequeCheckStatus::pass, "checksum_valid",
              "the routing number passes the ABA 3-7-1 checksum");
}

ChequeCheck lengths_check(const MicrFields& f) {
  const char* id = "field_lengths";
  if (!f.routing.present() || !f.account.present()) {
    return make(id, ChequeCheckStatus::unable_to_assess, "fields_missing",
                "routing or account field not read");
  }
  if (has_unreadable(f.routing) || has_unreadable(f.account) || has_unreadable(f.serial) ||
      has_unreadable(f.amount)) {
    return make(id, ChequeCheckStatus::unable_to_assess, "unreadable",
                "a MICR field has unreadable characters");
  }
  if (f.layout == MicrLayout::unknown) {
    return make(id, ChequeCheckStatus::fail, "routing_length",
                "the transit field has " + std::to_string(f.routing.value.size()) +
                    " characters (US: 9 digits; Canada: 5 digits, dash, 3 digits)");
  }
  std::string account_digits;
  for (char c : f.account.value)
    if (c != '-') account_digits += c;
  if (account_digits.empty() || account_digits.size() > kMaxAccountLength) {
    return make(id, ChequeCheckStatus::fail, "account_length",
                "the account field has " + std::to_string(account_digits.size()) + " digits (1.." +
                    std::to_string(kMaxAccountLength) + ")");
  }
  if (f.serial.present() &&
      (!digits_only(f.serial.value) || f.serial.value.size() > kMaxSerialLength)) {
    return make(id, ChequeCheckStatus::fail, "serial_length",
                "the cheque number has " + std::to_string(f.serial.value.size()) +
                    " characters (at most " + std::to_string(kMaxSerialLength) + " digits)");
  }
  if (f.amount.present() && f.amount.value.size() != kAmountLength) {
    return make(id, ChequeCheckStatus::fail, "amount_length",
                "the amount field has " + std::to_string(f.amount.value.size()) +
                    " characters (10 digits)");
  }
  return make(id, ChequeCheckStatus::pass, "lengths_valid", "every MICR field has a valid length");
}

ChequeCheck duplicate_check(const std::string& key, const ChequeOptions& options) {
  const char* id = "duplicate_presentment";
  if (key.empty()) {
    return make(id, ChequeCheckStatus::unable_to_assess, "fields_missing",
                "routing, account or cheque number not read");
  }
  if (options.presentment_store == nullptr) {
    return make(id, ChequeCheckStatus::unable_to_assess, "no_store",
                "no presentment store was given");
  }
  if (options.presentment_store->check_and_record(key)) {
    return make(id, ChequeCheckStatus::fail, "seen_before",
                "a cheque with the same routing, account and cheque number was presented before");
  }
  return make(id, ChequeCheckStatus::pass, "first_presentment",
              "first presentment of this routing, account and cheque number");
}

std::string key_of(const MicrFields& f) {
  if (has_unreadable(f.routing) || has_unreadable(f.account) || has_unreadable(f.serial)) return {};
  return presentment_key(f.routing.value, f.account.value, f.serial.value);
}

ChequeCheck serial_check(const MicrFields& micr, const ChequePrintedField& printed) {
  const char* id = "serial_consistency";
  if (!micr.serial.present() || has_unreadable(micr.serial)) {
    return make(id, ChequeCheckStatus::unable_to_assess, "micr_serial_missing",
                "no cheque number read in the MICR line");
  }
  std::string digits;
  for (char c : printed.text)
    if (c >= '0' && c <= '9') digits += c;
  if (!printed.found || digits.empty()) {
    return make(id, ChequeCheckStatus::unable_to_assess, "printed_serial_unreadable",
                "the printed cheque number (top right) was not read");
  }
  if (without_leading_zeros(digits) != without_leading_zeros(micr.serial.value)) {
    return make(id, ChequeCheckStatus::fail, "serial_mismatch",
                "the MICR cheque number differs from the printed one");
  }
  return make(id, ChequeCheckStatus::pass, "serial_match",
              "the MICR cheque number equals the printed one");
}

ChequeCheck amount_check(const ChequeReadResult& r) {
  const char* id = "amount_consistency";
  struct Source {
    const char* name;
    std::optional<std::int64_t> cents;
  };
  std::optional<std::int64_t> micr;
  // An all-zero amount field is a blank encoded field (not yet encoded by the bank of first
  // deposit), not an amount.
  if (r.micr.fields.amount_cents && *r.micr.fields.amount_cents > 0) {
    micr = r.micr.fields.amount_cents;
  }
  const Source sources[] = {
      {"courtesy", r.courtesy_cents}, {"legal", r.legal_cents}, {"micr", micr}};
  std::vector<const Source*> known;
  for (const auto& s : sources)
    if (s.cents) known.push_back(&s);
  if (known.size() < 2) {
    return make(id, ChequeCheckStatus::unable_to_assess, "amounts_unreadable",
                "fewer than two of courtesy amount, legal amount and MICR amount were read");
  }
  for (std::size_t i = 0; i < known.size(); ++i) {
    for (std::size_t j = i + 1; j < known.size(); ++j) {
      if (*known[i]->cents != *known[j]->cents) {
        static const std::string suffix = "_mismatch";
        const std::string reason = std::string(known[i]->name) + "_" + known[j]->name;
        ChequeCheck c{id, ChequeCheckStatus::fail, reason + suffix,
                      std::string("the ") + known[i]->name + " amount differs from the " +
                          known[j]->name + " amount"};
        return c;
      }
    }
  }
  std::string compared;
  for (const auto* s : known) compared += (compared.empty() ? "" : ", ") + std::string(s->name);
  return make(id, ChequeCheckStatus::pass, "amounts_agree", "amounts agree (" + compared + ")");
}

ChequeCheck date_check(const ChequeReadResult& r, const text::CivilDate& as_of,
                       const ChequeOptions& options) {
  const char* id = "date";
  const auto date = text::parse_iso_date(r.date_iso);
  if (!date) {
    return make(id, ChequeCheckStatus::unable_to_assess, "date_unreadable",
                "the cheque date was not read");
  }
  const std::int64_t age = as_of.days() - date->days();
  const int stale_after = options.stale_after_days.value_or(kDefaultStaleAfterDays);
  const int tolerance = options.postdated_tolerance_days.value_or(0);
  if (age > stale_after) {
    return make(
        id, ChequeCheckStatus::fail, "stale",
        "dated more than " + std::to_string(stale_after) + " days before the reference date");
  }
  if (-age > tolerance) {
    return make(id, ChequeCheckStatus::fail, "postdated",
                "dated more than " + std::to_string(tolerance) + " days after the reference date");
  }
  return make(id, ChequeCheckStatus::pass, "date_valid", "dated within the accepted window");
}

ChequeCheck signature_check(double ink) {
  const char* id = "signature_present";
  if (ink < 0) {
    return make(id, ChequeCheckStatus::unable_to_assess, "not_measured",
                "the signature region was not measured");
  }
  if (ink < kMinSignatureInk) {
    return make(id, ChequeCheckStatus::fail, "no_signature_ink", "no ink in the signature region");
  }
  return make(id, ChequeCheckStatus::pass, "signature_ink", "ink in the signature region");
}

ChequeCheck altered_check(const std::vector<ChequeRegion>& regions) {
  const char* id = "altered_regions";
  if (regions.empty()) {
    return make(id, ChequeCheckStatus::unable_to_assess, "not_measured",
                "no region statistics were measured");
  }
  for (const auto& r : regions) {
    if (r.suspicious) {
      ChequeCheck c{id, ChequeCheckStatus::fail, r.reason.empty() ? "altered_region" : r.reason,
                    "the " + r.name + " region looks altered (background or ink differs)"};
      return c;
    }
  }
  return make(id, ChequeCheckStatus::pass, "no_alteration",
              "amount and payee regions match the page background and ink");
}

text::CivilDate reference_date(const ChequeOptions& options) {
  if (options.as_of.empty()) return text::today_utc();
  const auto d = text::parse_iso_date(options.as_of);
  if (!d) {
    throw Error(ErrorCode::invalid_argument, "as_of must be a date YYYY-MM-DD");
  }
  return *d;
}

void validate(const ChequeOptions& options) {
  if (options.stale_after_days.value_or(0) < 0 ||
      options.postdated_tolerance_days.value_or(0) < 0) {
    throw Error(ErrorCode::invalid_argument,
                "stale_after_days and postdated_tolerance_days must be >= 0");
  }
  reference_date(options);
}

}  // namespace

std::vector<ChequeCheck> micr_checks(const MicrFields& fields, bool found) {
  std::vector<ChequeCheck> checks;
  if (!found) {
    checks.push_back(make("micr_read", ChequeCheckStatus::unable_to_assess, "not_found",
                          "no MICR line was read"));
  } else if (!fields.routing.present()) {
    checks.push_back(make("micr_read", ChequeCheckStatus::unable_to_assess, "no_transit_field",
                          "a MICR line was read but no transit field"));
  } else {
    checks.push_back(make("micr_read", ChequeCheckStatus::pass, "read", "MICR line read"));
  }
  checks.push_back(aba_check(fields));
  checks.push_back(lengths_check(fields));
  return checks;
}

void decide(const std::vector<ChequeCheck>& checks, const std::vector<std::string>& required,
            ChequeVerdict& verdict, std::string& decided_by) {
  // Without a MICR line there is no evidence the image is a cheque at all: other "failures"
  // (no signature ink on a blank page) would be false fraud signals.
  for (const auto& c : checks) {
    if (c.id == "micr_read" && c.status != ChequeCheckStatus::pass) {
      verdict = ChequeVerdict::unable_to_assess;
      decided_by = c.id;
      return;
    }
  }
  for (const auto& c : checks) {
    if (c.status == ChequeCheckStatus::fail) {
      verdict = ChequeVerdict::suspicious;
      decided_by = c.id;
      return;
    }
  }
  for (const auto& id : required) {
    for (const auto& c : checks) {
      if (c.id == id && c.status != ChequeCheckStatus::pass) {
        verdict = ChequeVerdict::unable_to_assess;
        decided_by = c.id;
        return;
      }
    }
  }
  verdict = ChequeVerdict::clean;
  decided_by = "all_checks";
}

void finish_micr(MicrReadResult& r, const ChequeOptions& options) {
  validate(options);
  r.checks = micr_checks(r.fields, r.found);
  r.presentment_key = key_of(r.fields);
  decide(r.checks, {"micr_read", "field_lengths"}, r.verdict, r.decided_by);
}

}  // namespace detail

void assess_cheque(ChequeReadResult& r, const ChequeOptions& options) {
  using namespace detail;  // NOLINT: the check builders above
  finish_micr(r.micr, options);
  const text::CivilDate as_of = reference_date(options);
  r.as_of = as_of.iso();
  r.checks = r.micr.checks;
  r.checks.push_back(serial_check(r.micr.fields, r.printed_serial));
  r.checks.push_back(amount_check(r));
  r.checks.push_back(date_check(r, as_of, options));
  r.checks.push_back(signature_check(r.signature_ink));
  r.checks.push_back(altered_check(r.regions));
  r.presentment_key = r.micr.presentment_key;
  r.checks.push_back(duplicate_check(r.presentment_key, options));
  decide(r.checks, {"micr_read", "field_lengths"}, r.verdict, r.decided_by);
}

// ---------------------------------------------------------------------------------------------
// JSON

namespace {

using json = nlohmann::ordered_json;

json field_json(const MicrField& f) {
  json j;
  j["value"] = f.value.empty() ? json(nullptr) : json(f.value);
  j["confidence"] = f.confidence < 0 ? json(nullptr) : json(f.confidence);
  return j;
}

json fields_json(const MicrFields& f) {
  json j;
  j["raw_line"] = f.raw_line;
  j["layout"] = micr_layout_name(f.layout);
  j["routing"] = field_json(f.routing);
  if (f.layout == MicrLayout::canada) {
    j["branch_transit"] = field_json(f.branch_transit);
    j["institution"] = field_json(f.institution);
  }
  j["account"] = field_json(f.account);
  j["serial"] = field_json(f.serial);
  j["amount"] = field_json(f.amount);
  j["amount_cents"] = f.amount_cents ? json(*f.amount_cents) : json(nullptr);
  j["auxiliary_on_us"] = f.has_auxiliary_on_us;
  j["unreadable_characters"] = f.unreadable_characters;
  return j;
}

json rect_json(const Rect& r) {
  return {{"x", r.x}, {"y", r.y}, {"width", r.width}, {"height", r.height}};
}

json checks_json(const std::vector<ChequeCheck>& checks) {
  json a = json::array();
  for (const auto& c : checks) {
    a.push_back({{"id", c.id},
                 {"status", cheque_check_status_name(c.status)},
                 {"reason", c.reason},
                 {"message", c.message}});
  }
  return a;
}

void add_micr_body(json& j, const MicrReadResult& r) {
  j["found"] = r.found;
  j["model"] = r.model;
  j["ocr_confidence"] = r.ocr_confidence < 0 ? json(nullptr) : json(r.ocr_confidence);
  j["fields"] = fields_json(r.fields);
  j["geometry"] = {{"found", r.geometry.found},
                   {"box", rect_json(r.geometry.box)},
                   {"angle_degrees", r.geometry.angle_degrees},
                   {"rotation", r.geometry.rotation}};
}

json printed_json(const ChequePrintedField& f) {
  return {{"found", f.found},
          {"text", f.found ? json(f.text) : json(nullptr)},
          {"confidence", f.confidence},
          {"region", rect_json(f.region)}};
}

std::string dump(const json& j, int indent) {
  return j.dump(indent < 0 ? -1 : indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string MicrFields::to_json(int indent) const {
  return dump(fields_json(*this), indent);
}

std::string MicrReadResult::to_json(int indent) const {
  json j;
  j["schema"] = "kyc.micr";
  j["schema_version"] = 1;
  j["verdict"] = cheque_verdict_name(verdict);
  j["decided_by"] = decided_by;
  add_micr_body(j, *this);
  j["checks"] = checks_json(checks);
  j["presentment_key"] = presentment_key.empty() ? json(nullptr) : json(presentment_key);
  return dump(j, indent);
}

const ChequeCheck* ChequeReadResult::check(std::string_view id) const {
  for (const auto& c : checks)
    if (c.id == id) return &c;
  return nullptr;
}

std::string ChequeReadResult::to_json(int indent) const {
  json j;
  j["schema"] = "kyc.cheque";
  j["schema_version"] = 1;
  j["verdict"] = cheque_verdict_name(verdict);
  j["decided_by"] = decided_by;
  j["as_of"] = as_of;
  json m;
  add_micr_body(m, micr);
  j["micr"] = std::move(m);
  json printed;
  printed["courtesy_amount"] = printed_json(courtesy_amount);
  printed["courtesy_cents"] = courtesy_cents ? json(*courtesy_cents) : json(nullptr);
  printed["legal_amount"] = printed_json(legal_amount);
  printed["legal_cents"] = legal_cents ? json(*legal_cents) : json(nullptr);
  printed["date"] = printed_json(date);
  printed["date_iso"] = date_iso.empty() ? json(nullptr) : json(date_iso);
  printed["serial"] = printed_json(printed_serial);
  printed["signature_ink"] = signature_ink < 0 ? json(nullptr) : json(signature_ink);
  j["printed"] = printed;
  json regions_json = json::array();
  for (const auto& r : regions) {
    regions_json.push_back({{"name", r.name},
                            {"region", rect_json(r.region)},
                            {"background_delta", r.background_delta},
                            {"ink_delta", r.ink_delta},
                            {"suspicious", r.suspicious},
                            {"reason", r.reason}});
  }
  j["regions"] = std::move(regions_json);
  j["checks"] = checks_json(checks);
  j["presentment_key"] = presentment_key.empty() ? json(nullptr) : json(presentment_key);
  return dump(j, indent);
}

}  // namespace kyc
