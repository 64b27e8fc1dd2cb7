// Applicant forms (CSV / JSON) → ApplicantRecord. Column names are matched loosely because every
// onboarding front end names them differently; values are kept as typed except unambiguous
// dates (→ ISO) and sex (→ M/F/X).
#include "kyc/applicant.hpp"

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "document/text/dates.hpp"
#include "document/text/utf8.hpp"
#include "kyc/error.hpp"
#include "package/csv.hpp"

namespace kyc {
namespace {

enum class Column {
  given_names,
  middle_name,
  surname,
  full_name,
  date_of_birth,
  document_number,
  document_type,
  street,
  street2,
  city,
  region,
  postal_code,
  country,
  date_of_expiry,
  date_of_issue,
  sex,
  nationality,
  issuing_country,
  issuing_region,
  personal_number,
  email,
  phone,
};

// "Date of Birth", "date-of-birth", "DateOfBirth " → "date_of_birth"; "Licence #" → "licence".
std::string normalize_header(std::string_view name) {
  std::string out;
  char previous = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool upper = c >= 'A' && c <= 'Z';
    const bool alnum = upper || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) {
      // camelCase boundary: "dateOfBirth" → "date_of_birth"
      if (upper && previous >= 'a' && previous <= 'z') out.push_back('_');
      out.push_back(upper ? static_cast<char>(c - 'A' + 'a') : c);
    } else if (!out.empty() && out.back() != '_') {
      out.push_back('_');
    }
    previous = c;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

const std::unordered_map<std::string, Column>& column_aliases() {
  static const std::unordered_map<std::string, Column> map = [] {
    std::unordered_map<std::string, Column> m;
    const auto add = [&m](Column c, std::initializer_list<const char*> names) {
      for (const char* name : names) m.emplace(name, c);
    };
    add(Column::given_names,
        {"first_name", "firstname", "first", "fname", "given_name", "given_names", "givenname",
         "givennames", "forename", "forenames", "first_names"});
    add(Column::middle_name,
        {"middle_name", "middlename", "middle", "middle_names", "middle_initial"});
    add(Column::surname, {"last_name", "lastname", "last", "lname", "surname", "family_name",
                          "familyname", "surnames"});
    add(Column::full_name, {"name", "full_name", "fullname", "applicant_name", "customer_name"});
    add(Column::date_of_birth,
        {"dob", "date_of_birth", "dateofbirth", "birth_date", "birthdate", "birthday", "d_o_b"});
    add(Column::document_number, {"licence",
                                  "license",
                                  "licence_number",
                                  "license_number",
                                  "licence_no",
                                  "license_no",
                                  "licence_num",
                                  "license_num",
                                  "drivers_license",
                                  "drivers_licence",
                                  "drivers_license_number",
                                  "drivers_licence_number",
                                  "driver_license_number",
                                  "driver_licence_number",
                                  "driving_licence_number",
                                  "dl_number",
                                  "dl_no",
                                  "dl",
                                  "document_number",
                                  "document_no",
                                  "doc_number",
                                  "doc_no",
                                  "passport_number",
                                  "passport_no",
                                  "passport",
                                  "id_number",
                                  "id_no",
                                  "id_card_number"});
    add(Column::document_type, {"document_type", "doc_type", "id_type"});
    add(Column::street, {"address", "street", "street_address", "address_line1", "address_line_1",
                         "address1", "addr", "address_1", "line1"});
    add(Column::street2, {"address_line2", "address_line_2", "address2", "address_2", "line2",
                          "apt", "apartment", "unit", "suite"});
    add(Column::city, {"city", "town", "locality", "city_town"});
    add(Column::region, {"state", "province", "region", "state_province", "state_code"});
    add(Column::postal_code, {"zip", "zip_code", "zipcode", "postcode", "post_code", "postal_code",
                              "postalcode", "zip_postcode"});
    add(Column::country, {"country", "country_code"});
    add(Column::date_of_expiry,
        {"expiry", "expiry_date", "expiration", "expiration_date", "date_of_expiry", "expires",
         "exp_date", "valid_until", "licence_expiry", "license_expiry", "license_expiration"});
    add(Column::date_of_issue, {"issue_date", "date_of_issue", "issued", "issued_on", "issue",
                                "licence_issue_date", "license_issue_date"});
    add(Column::sex, {"sex", "gender"});
    add(Column::nationality, {"nationality", "citizenship"});
    add(Column::issuing_country, {"issuing_country", "country_of_issue", "issuer_country"});
    add(Column::issuing_region, {"issuing_state", "issuing_region", "jurisdiction",
                                 "state_of_issue", "issuing_jurisdiction"});
    add(Column::personal_number, {"personal_number", "national_id", "ssn_last4"});
    add(Column::email, {"email", "e_mail", "email_address"});
    add(Column::phone, {"phone", "phone_number", "mobile", "telephone", "tel", "mobile_number"});
    return m;
  }();
  return map;
}

std::optional<Column> column_of(std::string_view header) {
  const auto it = column_aliases().find(normalize_header(header));
  if (it == column_aliases().end()) return std::nullopt;
  return it->second;
}

std::string trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// An unambiguous full date becomes ISO; anything else stays as typed for the check to resolve.
std::string normalize_date(const std::string& typed, text::DateRole role) {
  const text::ParsedDate parsed = text::parse_date(typed, role, text::CivilDate{2000, 1, 1});
  if (parsed.candidates.size() == 1 && !parsed.century_inferred) {
    return parsed.candidates.front().date.iso();
  }
  return typed;
}

std::string normalize_sex(const std::string& typed) {
  std::string up;
  for (char c : typed) up.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c);
  if (up == "M" || up == "MALE" || up == "1") return "M";
  if (up == "F" || up == "FEMALE" || up == "2") return "F";
  if (up == "X" || up == "U" || up == "9" || up == "UNSPECIFIED" || up == "NON-BINARY") return "X";
  return typed;
}

// "LAST, FIRST MIDDLE" or "First Middle Last".
void split_full_name(const std::string& full, DocumentFields& f) {
  const std::size_t comma = full.find(',');
  if (comma != std::string::npos) {
    f.surname = trim(full.substr(0, comma));
    f.given_names = trim(full.substr(comma + 1));
    return;
  }
  const std::size_t space = full.find_last_of(" \t");
  if (space == std::string::npos) {
    f.surname = full;
    return;
  }
  f.surname = trim(full.substr(space + 1));
  f.given_names = trim(full.substr(0, space));
}

// Collects (column, value) pairs into a record, rejecting two columns for one field.
class RecordBuilder {
 public:
  using DuplicateError = std::function<void(const std::string& header, Column)>;

  explicit RecordBuilder(DuplicateError on_duplicate) : on_duplicate_(std::move(on_duplicate)) {}

  void add(const std::string& header, const std::string& raw_value) {
    const std::string value = trim(raw_value);
    const std::optional<Column> column = column_of(header);
    if (!column) {
      record_.extra.emplace_back(header, value);
      return;
    }
    std::string* slot = slot_for(*column);
    if (slot == nullptr) return;
    const bool appendable = *column == Column::middle_name || *column == Column::street2;
    if (!appendable && seen_.count(static_cast<int>(*column)) != 0) on_duplicate_(header, *column);
    seen_.insert({static_cast<int>(*column), true});
    if (value.empty()) return;
    if (appendable) {
      if (!slot->empty()) slot->push_back(' ');
      *slot += value;
    } else if (!slot->empty()) {
      *slot = value + " " + *slot;  // a middle name or second line arrived first
    } else {
      *slot = value;
    }
  }

  ApplicantRecord finish() {
    DocumentFields& f = record_.fields;
    if (!record_.full_name.empty() && f.surname.empty() && f.given_names.empty()) {
      split_full_name(record_.full_name, f);
    } else if (!record_.full_name.empty()) {
      record_.extra.emplace_back("name", record_.full_name);  // split columns win
      record_.full_name.clear();
    }
    f.date_of_birth = normalize_date(f.date_of_birth, text::DateRole::birth);
    f.date_of_expiry = normalize_date(f.date_of_expiry, text::DateRole::expiry);
    f.date_of_issue = normalize_date(f.date_of_issue, text::DateRole::issue);
    f.sex = normalize_sex(f.sex);
    return std::move(record_);
  }

 private:
  std::string* slot_for(Column c) {
    DocumentFields& f = record_.fields;
    switch (c) {
      case Column::given_names:
        return &f.given_names;
      case Column::middle_name:
        return &f.given_names;
      case Column::surname:
        return &f.surname;
      case Column::full_name:
        return &record_.full_name;
      case Column::date_of_birth:
        return &f.date_of_birth;
      case Column::document_number:
        return &f.document_number;
      case Column::document_type:
        return &f.document_type;
      case Column::street:
        return &f.address.street;
      case Column::street2:
        return &f.address.street;
      case Column::city:
        return &f.address.city;
      case Column::region:
        return &f.address.region;
      case Column::postal_code:
        return &f.address.postal_code;
      case Column::country:
        return &f.address.country;
      case Column::date_of_expiry:
        return &f.date_of_expiry;
      case Column::date_of_issue:
        return &f.date_of_issue;
      case Column::sex:
        return &f.sex;
      case Column::nationality:
        return &f.nationality;
      case Column::issuing_country:
        return &f.issuing_country;
      case Column::issuing_region:
        return &f.issuing_region;
      case Column::personal_number:
        return &f.personal_number;
      case Column::email:
        return &record_.email;
      case Column::phone:
        return &record_.phone;
    }
    return nullptr;
  }

  DuplicateError on_duplicate_;
  ApplicantRecord record_;
  std::unordered_map<int, bool> seen_;
};

std::string_view checked_text(std::string_view text, const ApplicantLimits& limits,
                              const char* what) {
  if (text.size() > limits.max_bytes) {
    throw Error(ErrorCode::limit_exceeded,
                std::string(what) + " is " + std::to_string(text.size()) +
                    " bytes, above the limit of " + std::to_string(limits.max_bytes));
  }
  if (text.size() >= 2 && ((static_cast<unsigned char>(text[0]) == 0xFF &&
                            static_cast<unsigned char>(text[1]) == 0xFE) ||
                           (static_cast<unsigned char>(text[0]) == 0xFE &&
                            static_cast<unsigned char>(text[1]) == 0xFF))) {
    throw Error(ErrorCode::invalid_argument,
                std::string(what) + " is UTF-16 (byte-order mark); save it as UTF-8");
  }
  text = text::strip_utf8_bom(text);
  if (const auto bad = text::find_invalid_utf8(text)) {
    throw Error(ErrorCode::invalid_argument,
                std::string(what) + " line " + std::to_string(bad->line) + ", column " +
                    std::to_string(bad->column) + ": invalid UTF-8 (byte offset " +
                    std::to_string(bad->byte_offset) + ")");
  }
  return text;
}

std::vector<ApplicantRecord> load_csv_rows(std::string_view input, const ApplicantLimits& limits) {
  const std::string_view text = checked_text(input, limits, "CSV");
  csv::Limits csv_limits;
  csv_limits.max_rows = limits.max_rows + 1;  // the header
  csv_limits.max_fields_per_row = limits.max_fields_per_row;
  csv_limits.max_field_bytes = limits.max_field_bytes;
  const std::vector<csv::Row> rows = csv::parse(text, csv_limits);
  if (rows.empty()) throw Error(ErrorCode::invalid_argument, "CSV is empty (no header row)");

  const csv::Row& header = rows.front();
  for (const csv::Cell& cell : header.cells) {
    if (trim(cell.value).empty()) {
      throw Error(ErrorCode::invalid_argument,
                  "CSV " + csv::where(text, cell.offset) + ": empty column name in the header");
    }
  }
  if (rows.size() < 2) {
    throw Error(ErrorCode::invalid_argument,
                "CSV " + csv::where(text, header.end_offset) + ": header only, no applicant row");
  }

  std::vector<ApplicantRecord> records;
  records.reserve(rows.size() - 1);
  // Line numbers advance incrementally: one pass over the text, not one per row.
  std::size_t line = 1, line_offset = 0;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const csv::Row& row = rows[r];
    if (row.cells.size() != header.cells.size()) {
      const std::size_t at = row.cells.size() > header.cells.size()
                                 ? row.cells[header.cells.size()].offset
                                 : row.end_offset;
      throw Error(ErrorCode::invalid_argument,
                  "CSV " + csv::where(text, at) + ": row has " + std::to_string(row.cells.size()) +
                      " fields, the header has " + std::to_string(header.cells.size()));
    }
    RecordBuilder builder([&](const std::string& name, Column) {
      std::size_t offset = 0;
      for (const csv::Cell& cell : header.cells) {
        if (cell.value == name) offset = cell.offset;
      }
      throw Error(ErrorCode::invalid_argument,
                  "CSV " + csv::where(text, offset) + ": column \"" + name +
                      "\" names a field that an earlier column already gives");
    });
    for (std::size_t c = 0; c < row.cells.size(); ++c) {
      builder.add(trim(header.cells[c].value), row.cells[c].value);
    }
    ApplicantRecord record = builder.finish();
    line += text::position_of(text.substr(line_offset, row.offset - line_offset),
                              row.offset - line_offset)
                .line -
            1;
    line_offset = row.offset;
    record.line = line;
    records.push_back(std::move(record));
  }
  return records;
}

[[noreturn]] void json_error(std::string_view text, std::size_t byte, const std::string& what) {
  const text::TextPosition pos = text::position_of(text, byte);
  throw Error(ErrorCode::invalid_argument, "JSON line " + std::to_string(pos.line) + ", column " +
                                               std::to_string(pos.column) + ": " + what);
}

std::string scalar_text(const nlohmann::json& value, const std::string& key) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return value.dump();
  if (value.is_null()) return "";
  throw Error(ErrorCode::invalid_argument,
              "JSON: the value of \"" + key + "\" must be a string or a number");
}

}  // namespace

DocumentRead ApplicantRecord::to_document_read() const {
  DocumentRead read;
  read.source = FieldSource::applicant;
  read.fields = fields;
  return read;
}

ApplicantRecord load_applicant_csv(std::string_view text, const ApplicantLimits& limits) {
  ApplicantLimits form_limits = limits;
  form_limits.max_rows = 1;  // a form is one applicant: a second row is an error, not ignored
  try {
    return std::move(load_csv_rows(text, form_limits).front());
  } catch (const Error& e) {
    const std::string message = e.what();
    if (e.code() != ErrorCode::limit_exceeded || message.find(" rows") == std::string::npos) throw;
    // Keep "CSV line L, column C" and say what is wrong with a form.
    throw Error(ErrorCode::invalid_argument,
                message.substr(0, message.find(": ")) +
                    ": a second applicant row; a form holds one applicant (manifests: "
                    "load_applicants_csv)");
  }
}

ApplicantRecord load_applicant_csv(const std::vector<std::uint8_t>& bytes,
                                   const ApplicantLimits& limits) {
  return load_applicant_csv(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), limits);
}

std::vector<ApplicantRecord> load_applicants_csv(std::string_view text,
                                                 const ApplicantLimits& limits) {
  return load_csv_rows(text, limits);
}

ApplicantRecord load_applicant_json(std::string_view input, const ApplicantLimits& limits) {
  const std::string_view text = checked_text(input, limits, "JSON");
  nlohmann::json doc;
  try {
    const std::size_t max_depth = limits.max_json_depth;
    doc = nlohmann::json::parse(
        text.begin(), text.end(),
        [max_depth](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
          if ((event == nlohmann::json::parse_event_t::object_start ||
               event == nlohmann::json::parse_event_t::array_start) &&
              static_cast<std::size_t>(depth) >= max_depth) {
            throw Error(ErrorCode::limit_exceeded,
                        "JSON nested deeper than " + std::to_string(max_depth) + " levels");
          }
          return true;
        });
  } catch (const nlohmann::json::parse_error& e) {
    json_error(text, e.byte > 0 ? e.byte - 1 : 0, "malformed JSON");
  } catch (const nlohmann::json::exception& e) {
    // A number beyond double (1e400) is out_of_range.406, not a parse_error.
    throw Error(ErrorCode::invalid_argument, std::string("applicant JSON: ") + e.what());
  }
  const nlohmann::json* object = &doc;
  if (doc.is_object() && doc.contains("applicant") && doc["applicant"].is_object()) {
    object = &doc["applicant"];
  }
  if (!object->is_object()) {
    throw Error(ErrorCode::invalid_argument,
                "JSON: expected an object with the applicant's fields");
  }
  if (object->size() > limits.max_fields_per_row) {
    throw Error(ErrorCode::limit_exceeded,
                "JSON: more than " + std::to_string(limits.max_fields_per_row) + " fields");
  }
  RecordBuilder builder([](const std::string& key, Column) {
    throw Error(ErrorCode::invalid_argument,
                "JSON: key \"" + key + "\" names a field that another key already gives");
  });
  const auto check_size = [&](const std::string& key, const std::string& value) {
    if (value.size() > limits.max_field_bytes) {
      throw Error(ErrorCode::limit_exceeded, "JSON: the value of \"" + key + "\" is longer than " +
                                                 std::to_string(limits.max_field_bytes) + " bytes");
    }
    return value;
  };
  for (const auto& [key, value] : object->items()) {
    const std::optional<Column> column = column_of(key);
    if (value.is_object() && column == Column::street) {  // "address": {street, city, ...}
      for (const auto& [sub_key, sub_value] : value.items()) {
        builder.add(sub_key, check_size(sub_key, scalar_text(sub_value, sub_key)));
      }
      continue;
    }
    if (!column && (value.is_object() || value.is_array())) {
      builder.add(key, check_size(key, value.dump()));
      continue;
    }
    builder.add(key, check_size(key, scalar_text(value, key)));
  }
  return builder.finish();
}

}  // namespace kyc
