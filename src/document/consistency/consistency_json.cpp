// JSON of ConsistencyResult, schema "kyc.consistency" v1 (docs/consistency.md). States, scores
// and reason codes only: no personal value ever appears in the report.
#include <cmath>
#include <nlohmann/json.hpp>

#include "kyc/consistency.hpp"

namespace kyc {
namespace {

using nlohmann::ordered_json;

double round3(double v) {
  return std::isfinite(v) ? std::round(v * 1000.0) / 1000.0 : 0.0;
}

ordered_json sources_json(const std::vector<FieldSource>& sources) {
  ordered_json j = ordered_json::array();
  for (FieldSource s : sources) j.push_back(field_source_name(s));
  return j;
}

ordered_json comparison_json(const FieldComparison& c) {
  return {{"field", c.field},
          {"sources", {field_source_name(c.left), field_source_name(c.right)}},
          {"state", match_state_name(c.state)},
          {"score", round3(c.score)},
          {"reason", c.reason}};
}

}  // namespace

std::string ConsistencyResult::to_json(int indent) const {
  ordered_json j;
  j["schema"] = "kyc.consistency";
  j["schema_version"] = 1;
  j["verdict"] = consistency_verdict_name(verdict);
  j["rule"] = {{"name", rule}, {"field", rule_field}};
  j["as_of"] = as_of;
  j["sources"] = sources_json(sources);

  ordered_json fields_json = ordered_json::array();
  for (const FieldConsistency& f : fields) {
    fields_json.push_back({{"field", f.field},
                           {"state", match_state_name(f.state)},
                           {"score", round3(f.score)},
                           {"reason", f.reason},
                           {"compared_with", sources_json(f.sources)}});
  }
  j["fields"] = std::move(fields_json);

  ordered_json applicant_json = ordered_json::array();
  for (const FieldComparison& c : applicant_comparisons)
    applicant_json.push_back(comparison_json(c));
  j["applicant_comparisons"] = std::move(applicant_json);

  ordered_json cross_json = ordered_json::array();
  for (const FieldComparison& c : cross_source) cross_json.push_back(comparison_json(c));
  j["cross_source"] = std::move(cross_json);

  ordered_json validity_json = ordered_json::array();
  for (const ValidityCheck& v : validity) {
    validity_json.push_back({{"check", v.check},
                             {"state", validity_state_name(v.state)},
                             {"reason", v.reason},
                             {"sources", sources_json(v.sources)}});
  }
  j["validity"] = std::move(validity_json);
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kyc
