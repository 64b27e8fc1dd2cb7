// JSON form of DocumentFields, shared by every document report. Absent (empty) fields are
// omitted, so a report shows exactly what a source provided.
#pragma once

#include <nlohmann/json.hpp>

#include "kyc/document.hpp"

namespace kyc::detail {

nlohmann::ordered_json to_json(const Address& address);
nlohmann::ordered_json to_json(const DocumentFields& fields);

}  // namespace kyc::detail
