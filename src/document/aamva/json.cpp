// JSON report of an AamvaResult: {"schema": "kyc.aamva", "schema_version": 1, ...} (docs/aamva.md).
#include <nlohmann/json.hpp>

#include "document/fields_json.hpp"
#include "kyc/aamva.hpp"

namespace kyc {

namespace {

using Json = nlohmann::ordered_json;

void put_if(Json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

Json flag_json(AamvaFlag flag) {
  if (flag == AamvaFlag::unknown) return nullptr;
  return flag == AamvaFlag::yes;
}

Json position_json(const Pdf417Position& p) {
  Json corners = Json::array();
  for (int i = 0; i < 4; ++i) corners.push_back({{"x", p.x[i]}, {"y", p.y[i]}});
  return corners;
}

}  // namespace

std::string AamvaResult::to_json(int indent) const {
  Json j;
  j["schema"] = "kyc.aamva";
  j["schema_version"] = 1;
  j["valid"] = valid;
  if (!reason.empty()) j["reason"] = reason;
  if (!message.empty()) j["message"] = message;
  if (!format.empty()) j["format"] = format;

  Json h = Json::object();
  put_if(h, "file_type", header.file_type);
  put_if(h, "iin", header.iin);
  if (header.aamva_version >= 0) {
    h["aamva_version"] = header.aamva_version;
    if (const int year = aamva_standard_year(header.aamva_version)) h["standard_year"] = year;
  }
  if (header.jurisdiction_version >= 0) h["jurisdiction_version"] = header.jurisdiction_version;
  if (header.entry_count > 0) h["entry_count"] = header.entry_count;
  j["header"] = h;
  if (const AamvaJurisdiction* jur = aamva_jurisdiction(header.iin)) {
    j["jurisdiction"] = {{"iin", jur->iin},
                         {"abbreviation", jur->abbreviation},
                         {"name", jur->name},
                         {"country", jur->country}};
  }
  j["fields"] = detail::to_json(fields);

  Json name = Json::object();
  put_if(name, "first", first_name);
  put_if(name, "middle", middle_name);
  put_if(name, "suffix", name_suffix);
  name["truncated"] = {{"family", aamva_flag_name(family_name_truncated)},
                       {"first", aamva_flag_name(first_name_truncated)},
                       {"middle", aamva_flag_name(middle_name_truncated)}};
  j["name"] = name;
  Json street = Json::array();
  if (!street_line_1.empty()) street.push_back(street_line_1);
  if (!street_line_2.empty()) street.push_back(street_line_2);
  j["street_lines"] = street;

  Json phys = Json::object();
  if (height_inches > 0) phys["height_inches"] = height_inches;
  if (height_cm > 0) phys["height_cm"] = height_cm;
  put_if(phys, "height_as_given", height_as_given);
  if (weight_lb > 0) phys["weight_lb"] = weight_lb;
  if (weight_kg > 0) phys["weight_kg"] = weight_kg;
  if (weight_range >= 0) {
    const AamvaWeightRange wr = aamva_weight_range_lb(weight_range);
    phys["weight_range"] = {{"code", weight_range}, {"min_lb", wr.min_lb}, {"max_lb", wr.max_lb}};
  }
  put_if(phys, "eye_color", eye_color);
  put_if(phys, "hair_color", hair_color);
  put_if(phys, "ethnicity", ethnicity);
  put_if(phys, "place_of_birth", place_of_birth);
  j["physical"] = phys;

  Json lic = Json::object();
  put_if(lic, "vehicle_class", vehicle_class);
  put_if(lic, "restriction_codes", restriction_codes);
  put_if(lic, "endorsement_codes", endorsement_codes);
  put_if(lic, "document_discriminator", document_discriminator);
  put_if(lic, "inventory_control_number", inventory_control_number);
  put_if(lic, "revision_date", revision_date);
  put_if(lic, "compliance_type", compliance_type);
  put_if(lic, "under_18_until", under_18_until);
  put_if(lic, "under_19_until", under_19_until);
  put_if(lic, "under_21_until", under_21_until);
  lic["organ_donor"] = flag_json(organ_donor);
  lic["veteran"] = flag_json(veteran);
  lic["temporary_lawful_status"] = flag_json(temporary_lawful_status);
  j["licence"] = lic;

  Json subs = Json::array();
  for (const auto& sf : subfiles) {
    Json s;
    s["type"] = sf.type;
    if (sf.declared_offset >= 0) s["declared_offset"] = sf.declared_offset;
    if (sf.declared_length >= 0) s["declared_length"] = sf.declared_length;
    Json els = Json::array();
    // Values may hold non-UTF-8 bytes (Latin-1 payloads): replace them rather than throw.
    for (const auto& el : sf.elements) els.push_back({{"id", el.id}, {"value", el.value}});
    s["elements"] = els;
    subs.push_back(s);
  }
  j["subfiles"] = subs;
  if (has_position) j["position"] = position_json(position);
  j["warnings"] = warnings;
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace kyc
