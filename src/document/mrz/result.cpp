// MrzResult: conversion for the consistency check and the JSON report (schema "kyc.mrz" v1).
#include <nlohmann/json.hpp>

#include "document/fields_json.hpp"
#include "kyc/mrz.hpp"

namespace kyc {

std::vector<std::string> MrzResult::verified_fields() const {
  std::vector<std::string> out;
  for (const auto& c : check_digits) {
    if (!c.valid) continue;
    if (c.field == "document_number" && !fields.document_number.empty()) {
      out.push_back("document_number");
    } else if (c.field == "date_of_birth" && !fields.date_of_birth.empty()) {
      out.push_back("date_of_birth");
    } else if (c.field == "date_of_expiry" && !fields.date_of_expiry.empty()) {
      out.push_back("date_of_expiry");
    } else if (c.field == "optional_data" && !fields.personal_number.empty()) {
      out.push_back("personal_number");
    }
  }
  return out;
}

DocumentRead MrzResult::to_document_read() const {
  DocumentRead read;
  read.source = FieldSource::mrz;
  read.fields = fields;
  read.verified_fields = verified_fields();
  if (flags.names_truncated) read.truncated_fields = {"surname", "given_names"};
  return read;
}

std::string MrzResult::to_json(int indent) const {
  using json = nlohmann::ordered_json;
  json j;
  j["schema"] = "kyc.mrz";
  j["schema_version"] = 1;
  j["status"] = mrz_status_name(status);
  j["valid"] = valid;
  j["format"] = mrz_format_name(format);
  if (!message.empty()) j["message"] = message;
  j["lines"] = lines;
  if (raw_lines != lines) j["raw_lines"] = raw_lines;
  j["fields"] = detail::to_json(fields);
  if (!optional_data.empty()) j["optional_data"] = optional_data;
  if (!optional_data_2.empty()) j["optional_data_2"] = optional_data_2;
  json extra = json::object();
  for (const auto& [name, value] : extra_fields) extra[name] = value;
  if (!extra.empty()) j["extra_fields"] = extra;
  json checks = json::array();
  for (const auto& c : check_digits) {
    checks.push_back({{"field", c.field},
                      {"expected", std::string(1, c.expected)},
                      {"found", std::string(1, c.found)},
                      {"valid", c.valid}});
  }
  j["check_digits"] = checks;
  json repaired = json::array();
  for (const auto& r : repairs) {
    repaired.push_back({{"field", r.field},
                        {"line", r.line},
                        {"column", r.column},
                        {"original", std::string(1, r.original)},
                        {"replacement", std::string(1, r.replacement)},
                        {"by_check_digit", r.by_check_digit}});
  }
  j["repairs"] = repaired;
  json problem_list = json::array();
  for (const auto& p : problems) problem_list.push_back({{"field", p.field}, {"code", p.code}});
  j["problems"] = problem_list;
  j["flags"] = {{"specimen_state", flags.specimen_state},
                {"unknown_country", flags.unknown_country},
                {"repaired", flags.repaired},
                {"long_document_number", flags.long_document_number},
                {"names_truncated", flags.names_truncated}};
  j["verified_fields"] = verified_fields();
  if (geometry.found) {
    j["geometry"] = {{"box",
                      {{"x", geometry.box.x},
                       {"y", geometry.box.y},
                       {"width", geometry.box.width},
                       {"height", geometry.box.height}}},
                     {"angle_degrees", geometry.angle_degrees},
                     {"rotation", geometry.rotation}};
  }
  if (ocr_confidence >= 0) j["ocr_confidence"] = ocr_confidence;
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kyc
