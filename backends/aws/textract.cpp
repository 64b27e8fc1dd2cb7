#include "backends/aws/textract.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "backends/aws/rekognition.hpp"
#include "kyc/error.hpp"

namespace kyc::aws {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// AnalyzeID's documented normalized fields: 19 for US driver's licences, 10 for US passports
// (https://docs.aws.amazon.com/textract/latest/dg/identitydocumentfields.html).
const std::set<std::string>& known_types() {
  static const std::set<std::string> types = {
      "FIRST_NAME",       "LAST_NAME",       "MIDDLE_NAME",
      "SUFFIX",           "CITY_IN_ADDRESS", "ZIP_CODE_IN_ADDRESS",
      "STATE_IN_ADDRESS", "COUNTY",          "DOCUMENT_NUMBER",
      "EXPIRATION_DATE",  "DATE_OF_BIRTH",   "STATE_NAME",
      "DATE_OF_ISSUE",    "CLASS",           "RESTRICTIONS",
      "ENDORSEMENTS",     "ID_TYPE",         "VETERAN",
      "ADDRESS",          "PLACE_OF_BIRTH",  "MRZ_CODE"};
  return types;
}

// The documentation's example spells types as "first name"; the list as FIRST_NAME.
std::string normalize_type(const std::string& raw) {
  std::string out;
  for (char c : raw) {
    if (c == ' ' || c == '-') {
      out.push_back('_');
    } else {
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

std::string string_member(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

float float_member(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<float>() : 0.0f;
}

std::string trim(const std::string& text) {
  const std::size_t b = text.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return text.substr(b, text.find_last_not_of(" \t\r\n") - b + 1);
}

// "YYYY-MM-DDTHH:MM:SS" -> "YYYY-MM-DD" when it has that shape, else "".
std::string iso_date(const std::string& normalized) {
  if (normalized.size() < 10 || normalized[4] != '-' || normalized[7] != '-') return "";
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(normalized[static_cast<std::size_t>(i)]))) {
      return "";
    }
  }
  return normalized.substr(0, 10);
}

json parse_object(const std::string& text, const char* operation) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) {
    throw Error(ErrorCode::backend_unavailable,
                std::string("AWS textract ") + operation + ": the answer is not a JSON object");
  }
  return j;
}

void map_fields(AnalyzeIdResult& result) {
  DocumentFields& f = result.fields;
  std::string first, middle;
  for (const IdDocumentField& field : result.raw_fields) {
    const std::string text = trim(field.text);
    const std::string& t = field.type;
    if (t == "FIRST_NAME")
      first = text;
    else if (t == "MIDDLE_NAME")
      middle = text;
    else if (t == "LAST_NAME")
      f.surname = text;
    else if (t == "DOCUMENT_NUMBER")
      f.document_number = text;
    else if (t == "DATE_OF_BIRTH")
      f.date_of_birth = iso_date(field.normalized);
    else if (t == "EXPIRATION_DATE")
      f.date_of_expiry = iso_date(field.normalized);
    else if (t == "DATE_OF_ISSUE")
      f.date_of_issue = iso_date(field.normalized);
    else if (t == "ADDRESS")
      f.address.street = text;
    else if (t == "CITY_IN_ADDRESS")
      f.address.city = text;
    else if (t == "STATE_IN_ADDRESS")
      f.address.region = text;
    else if (t == "ZIP_CODE_IN_ADDRESS")
      f.address.postal_code = text;
    else if (t == "STATE_NAME")
      f.issuing_region = text;
    else if (t == "ID_TYPE") {
      std::string upper = normalize_type(text);
      if (upper.find("PASSPORT") != std::string::npos)
        f.document_type = "P";
      else if (upper.find("DRIVER") != std::string::npos)
        f.document_type = "DL";
      else if (!upper.empty())
        f.document_type = "ID";
    }
  }
  f.given_names = trim(first + " " + middle);
  // AnalyzeID reads US-issued documents only (how-it-works-identity.html).
  if (!result.raw_fields.empty()) f.issuing_country = "USA";
  if (!f.address.empty()) f.address.country = "USA";
}

Rect box_of(const json& block, int width, int height) {
  const auto geometry = block.find("Geometry");
  if (geometry == block.end() || !geometry->is_object()) return {};
  const auto box = geometry->find("BoundingBox");
  if (box == geometry->end() || !box->is_object()) return {};
  return Rect{float_member(*box, "Left") * width, float_member(*box, "Top") * height,
              float_member(*box, "Width") * width, float_member(*box, "Height") * height};
}

}  // namespace

AnalyzeIdResult parse_analyze_id(const std::string& text, const MrzParseOptions& mrz_options) {
  const json j = parse_object(text, "AnalyzeID");
  AnalyzeIdResult result;
  result.model_version = string_member(j, "AnalyzeIDModelVersion");
  if (const auto meta = j.find("DocumentMetadata"); meta != j.end() && meta->is_object()) {
    result.pages = static_cast<int>(float_member(*meta, "Pages"));
  }
  const auto docs = j.find("IdentityDocuments");
  if (docs == j.end() || !docs->is_array() || docs->empty()) return result;
  result.documents = static_cast<int>(docs->size());
  const json& doc = (*docs)[0];
  const auto fields = doc.find("IdentityDocumentFields");
  if (fields != doc.end() && fields->is_array()) {
    for (const auto& field : *fields) {
      if (!field.is_object()) continue;
      IdDocumentField out;
      if (const auto type = field.find("Type"); type != field.end() && type->is_object()) {
        out.type = normalize_type(string_member(*type, "Text"));
      }
      if (const auto value = field.find("ValueDetection");
          value != field.end() && value->is_object()) {
        out.text = string_member(*value, "Text");
        out.confidence = float_member(*value, "Confidence");
        if (const auto n = value->find("NormalizedValue"); n != value->end() && n->is_object()) {
          out.normalized = string_member(*n, "Value");
        }
      }
      if (out.type.empty()) continue;
      if (known_types().count(out.type) == 0) result.unrecognized_types.push_back(out.type);
      if (out.type == "MRZ_CODE" && !trim(out.text).empty()) {
        result.mrz = parse_mrz(std::string_view(out.text), mrz_options);
      }
      result.raw_fields.push_back(std::move(out));
    }
  }
  map_fields(result);
  return result;
}

AnalyzeIdResult analyze_id(const JsonClient& client, const std::vector<ImageView>& pages,
                           const MrzParseOptions& mrz_options) {
  if (pages.empty() || pages.size() > 2) {
    throw Error(ErrorCode::invalid_argument, "AnalyzeID takes 1 or 2 pages (front, back)");
  }
  std::string body = "{\"DocumentPages\":[";
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const PreparedImage prepared = prepare_image(pages[i]);  // 5 MB per page (model doc)
    if (i > 0) body += ',';
    body += "{\"Bytes\":\"" + base64_encode(prepared.bytes) + "\"}";
  }
  body += "]}";
  const JsonResponse response = client.call("AnalyzeID", body);
  AnalyzeIdResult result = parse_analyze_id(response.body, mrz_options);
  result.request_id = response.request_id;
  return result;
}

std::vector<DocumentRead> AnalyzeIdResult::to_document_reads() const {
  std::vector<DocumentRead> reads;
  DocumentRead printed;
  printed.source = FieldSource::viz;
  printed.fields = fields;
  reads.push_back(std::move(printed));
  if (mrz && mrz->status != MrzStatus::unrecognized) reads.push_back(mrz->to_document_read());
  return reads;
}

std::string AnalyzeIdResult::to_json(int indent) const {
  ordered_json j;
  j["schema"] = "kyc.textract_id";
  j["schema_version"] = 1;
  const DocumentFields& f = fields;
  j["fields"] = {{"document_type", f.document_type},
                 {"issuing_country", f.issuing_country},
                 {"issuing_region", f.issuing_region},
                 {"document_number", f.document_number},
                 {"surname", f.surname},
                 {"given_names", f.given_names},
                 {"date_of_birth", f.date_of_birth},
                 {"date_of_issue", f.date_of_issue},
                 {"date_of_expiry", f.date_of_expiry},
                 {"address",
                  {{"street", f.address.street},
                   {"city", f.address.city},
                   {"region", f.address.region},
                   {"postal_code", f.address.postal_code},
                   {"country", f.address.country}}}};
  ordered_json raw = ordered_json::array();
  for (const auto& r : raw_fields) {
    raw.push_back({{"type", r.type},
                   {"text", r.text},
                   {"normalized", r.normalized},
                   {"confidence", r.confidence}});
  }
  j["raw_fields"] = std::move(raw);
  j["unrecognized_types"] = unrecognized_types;
  j["mrz"] = mrz ? ordered_json::parse(mrz->to_json()) : ordered_json(nullptr);
  j["documents"] = documents;
  j["pages"] = pages;
  j["model_version"] = model_version;
  j["request_id"] = request_id;
  return j.dump(indent);
}

DetectTextResult parse_detect_document_text(const std::string& text, int width, int height) {
  const json j = parse_object(text, "DetectDocumentText");
  DetectTextResult result;
  result.model_version = string_member(j, "DetectDocumentTextModelVersion");
  if (const auto meta = j.find("DocumentMetadata"); meta != j.end() && meta->is_object()) {
    result.pages = static_cast<int>(float_member(*meta, "Pages"));
  }
  const auto blocks = j.find("Blocks");
  if (blocks == j.end() || !blocks->is_array()) return result;
  for (const auto& block : *blocks) {
    if (!block.is_object() || string_member(block, "BlockType") != "LINE") continue;
    TextLine line;
    line.text = string_member(block, "Text");
    line.confidence = float_member(block, "Confidence");
    line.box = box_of(block, width, height);
    line.handwriting = string_member(block, "TextType") == "HANDWRITING";
    result.lines.push_back(std::move(line));
  }
  return result;
}

DetectTextResult detect_document_text(const JsonClient& client, const ImageView& page) {
  const PreparedImage prepared = prepare_image(page);
  const JsonResponse response = client.call(
      "DetectDocumentText", "{\"Document\":{\"Bytes\":\"" + base64_encode(prepared.bytes) + "\"}}");
  DetectTextResult result = parse_detect_document_text(response.body, page.width(), page.height());
  result.request_id = response.request_id;
  return result;
}

TextractReader::TextractReader(const AwsConfig& config)
    : client_(std::make_shared<JsonClient>(textract_service(), config)) {}

AnalyzeIdResult TextractReader::analyze_id(const std::vector<ImageView>& pages,
                                           const MrzParseOptions& mrz_options) const {
  return aws::analyze_id(*client_, pages, mrz_options);
}

DetectTextResult TextractReader::detect_text(const ImageView& page) const {
  return detect_document_text(*client_, page);
}

}  // namespace kyc::aws
