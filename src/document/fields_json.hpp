// JSON form of DocumentFields, shared by every document report. Absent (empty) fields are
// omitted, so a report shows exactly what a source provided.
#pragma once

#include <nlohmann/json.hpp>

#include "kyc/document.hpp"

namespace kyc::detail {

nlohmann::ordered_json to_json(const Address& address);
nlohmann::ordered_json to_json(const DocumentFields& fields);
nlohmann::ordered_json to_json(const DocumentRead& read);

/// Strict inverse of to_json: unknown keys, wrong types and unknown sources are
/// Error(invalid_argument) naming the key (`where` prefixes it, e.g. "documents[1]").
DocumentFields document_fields_from_json(const nlohmann::json& j, const std::string& where);
DocumentRead document_read_from_json(const nlohmann::json& j, const std::string& where);
FieldSource field_source_from_name(const std::string& name, const std::string& where);

}  // namespace kyc::detail
