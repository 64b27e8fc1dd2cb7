#include "document/fields_json.hpp"

#include "document/verify/field_access.hpp"
#include "kyc/error.hpp"

namespace kyc {

const char* field_source_name(FieldSource source) noexcept {
  switch (source) {
    case FieldSource::mrz:
      return "mrz";
    case FieldSource::barcode:
      return "barcode";
    case FieldSource::viz:
      return "viz";
    case FieldSource::applicant:
      return "applicant";
    case FieldSource::external:
      return "external";
  }
  return "unknown";
}

namespace detail {

namespace {
void put_if(nlohmann::ordered_json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}
}  // namespace

nlohmann::ordered_json to_json(const Address& address) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  put_if(j, "street", address.street);
  put_if(j, "city", address.city);
  put_if(j, "region", address.region);
  put_if(j, "postal_code", address.postal_code);
  put_if(j, "country", address.country);
  return j;
}

nlohmann::ordered_json to_json(const DocumentFields& fields) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  put_if(j, "document_type", fields.document_type);
  put_if(j, "issuing_country", fields.issuing_country);
  put_if(j, "issuing_region", fields.issuing_region);
  put_if(j, "document_number", fields.document_number);
  put_if(j, "surname", fields.surname);
  put_if(j, "given_names", fields.given_names);
  put_if(j, "nationality", fields.nationality);
  put_if(j, "date_of_birth", fields.date_of_birth);
  put_if(j, "sex", fields.sex);
  put_if(j, "date_of_issue", fields.date_of_issue);
  put_if(j, "date_of_expiry", fields.date_of_expiry);
  put_if(j, "personal_number", fields.personal_number);
  if (!fields.address.empty()) j["address"] = to_json(fields.address);
  return j;
}

nlohmann::ordered_json to_json(const DocumentRead& read) {
  return {{"source", field_source_name(read.source)},
          {"fields", to_json(read.fields)},
          {"verified_fields", read.verified_fields},
          {"truncated_fields", read.truncated_fields}};
}

namespace {

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw Error(ErrorCode::invalid_argument, where + ": " + what);
}

std::string string_at(const nlohmann::json& value, const std::string& where) {
  if (!value.is_string()) bad(where, "expected a string");
  return value.get<std::string>();
}

std::vector<std::string> field_names(const nlohmann::json& value, const std::string& where) {
  if (!value.is_array()) bad(where, "expected an array of field names");
  std::vector<std::string> names;
  DocumentFields probe;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string name = string_at(value[i], where + "[" + std::to_string(i) + "]");
    if (field_by_name(probe, name) == nullptr && name != "address") {
      bad(where, "unknown field \"" + name + "\"");
    }
    names.push_back(name);
  }
  return names;
}

}  // namespace

FieldSource field_source_from_name(const std::string& name, const std::string& where) {
  for (FieldSource s : {FieldSource::mrz, FieldSource::barcode, FieldSource::viz,
                        FieldSource::applicant, FieldSource::external}) {
    if (name == field_source_name(s)) return s;
  }
  bad(where, "unknown source \"" + name + "\" (mrz, barcode, viz, applicant, external)");
}

DocumentFields document_fields_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) bad(where, "expected an object of document fields");
  DocumentFields fields;
  for (const auto& [key, value] : j.items()) {
    const std::string at = where + "." + key;
    if (key == "address") {
      if (!value.is_object()) bad(at, "expected an object");
      for (const auto& [part, v] : value.items()) {
        const std::string text = string_at(v, at + "." + part);
        if (part == "street")
          fields.address.street = text;
        else if (part == "city")
          fields.address.city = text;
        else if (part == "region")
          fields.address.region = text;
        else if (part == "postal_code")
          fields.address.postal_code = text;
        else if (part == "country")
          fields.address.country = text;
        else
          bad(at, "unknown key \"" + part + "\" (street, city, region, postal_code, country)");
      }
      continue;
    }
    std::string* member = field_by_name(fields, key);
    if (member == nullptr) bad(where, "unknown field \"" + key + "\"");
    *member = string_at(value, at);
  }
  return fields;
}

DocumentRead document_read_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) bad(where, "expected an object {source, fields, ...}");
  DocumentRead read;
  bool have_source = false;
  for (const auto& [key, value] : j.items()) {
    const std::string at = where + "." + key;
    if (key == "source") {
      read.source = field_source_from_name(string_at(value, at), at);
      have_source = true;
    } else if (key == "fields") {
      read.fields = document_fields_from_json(value, at);
    } else if (key == "verified_fields") {
      read.verified_fields = field_names(value, at);
    } else if (key == "truncated_fields") {
      read.truncated_fields = field_names(value, at);
    } else {
      bad(where, "unknown key \"" + key + "\" (source, fields, verified_fields, truncated_fields)");
    }
  }
  if (!have_source) bad(where, "\"source\" is required");
  return read;
}

}  // namespace detail
}  // namespace kyc
