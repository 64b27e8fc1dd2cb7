#include "document/fields_json.hpp"

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

}  // namespace detail
}  // namespace kyc
