// DocumentFields members by their stable names, for configurable field lists (verifier requests,
// registry answers).
#pragma once

#include <string>

#include "kyc/document.hpp"

namespace kyc::detail {

/// The scalar member named `name`, or nullptr for an unknown name (addresses are not scalar).
inline std::string* field_by_name(DocumentFields& f, const std::string& name) {
  if (name == "document_type") return &f.document_type;
  if (name == "issuing_country") return &f.issuing_country;
  if (name == "issuing_region") return &f.issuing_region;
  if (name == "document_number") return &f.document_number;
  if (name == "surname") return &f.surname;
  if (name == "given_names") return &f.given_names;
  if (name == "nationality") return &f.nationality;
  if (name == "date_of_birth") return &f.date_of_birth;
  if (name == "sex") return &f.sex;
  if (name == "date_of_issue") return &f.date_of_issue;
  if (name == "date_of_expiry") return &f.date_of_expiry;
  if (name == "personal_number") return &f.personal_number;
  return nullptr;
}

inline const std::string* field_by_name(const DocumentFields& f, const std::string& name) {
  return field_by_name(const_cast<DocumentFields&>(f), name);
}

}  // namespace kyc::detail
