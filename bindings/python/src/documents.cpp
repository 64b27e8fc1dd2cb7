// Python bindings of the document side: fields, AAMVA barcodes, applicant forms, the
// consistency check. Typed objects with the JSON report one call away (to_dict / to_json).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "kyc/kyc.hpp"
#include "report_methods.hpp"

namespace py = pybind11;

namespace kyc_python {
namespace {

std::string json_dumps(const py::object& value) {
  return py::module_::import("json").attr("dumps")(value).cast<std::string>();
}

// Bytes from bytes / bytearray / memoryview / str (UTF-8).
std::string payload_bytes(const py::object& data, const char* what) {
  if (py::isinstance<py::bytes>(data)) return data.cast<std::string>();
  if (py::isinstance<py::str>(data)) return data.cast<std::string>();
  if (py::isinstance<py::bytearray>(data) || py::isinstance<py::memoryview>(data)) {
    return py::bytes(data).cast<std::string>();
  }
  throw py::type_error(std::string(what) + ": expected bytes or str, got " +
                       py::str(py::type::of(data).attr("__name__")).cast<std::string>());
}

}  // namespace

void bind_documents(py::module_& m) {
  py::class_<kyc::Address>(m, "Address", "A postal address; empty strings are unknown.")
      .def(py::init<>())
      .def_readwrite("street", &kyc::Address::street)
      .def_readwrite("city", &kyc::Address::city)
      .def_readwrite("region", &kyc::Address::region)
      .def_readwrite("postal_code", &kyc::Address::postal_code)
      .def_readwrite("country", &kyc::Address::country);

  py::class_<kyc::DocumentFields>(
      m, "DocumentFields",
      "Normalised document or applicant fields (dates ISO YYYY-MM-DD; empty = absent).")
      .def(py::init<>())
      .def_readwrite("document_type", &kyc::DocumentFields::document_type)
      .def_readwrite("issuing_country", &kyc::DocumentFields::issuing_country)
      .def_readwrite("issuing_region", &kyc::DocumentFields::issuing_region)
      .def_readwrite("document_number", &kyc::DocumentFields::document_number)
      .def_readwrite("surname", &kyc::DocumentFields::surname)
      .def_readwrite("given_names", &kyc::DocumentFields::given_names)
      .def_readwrite("nationality", &kyc::DocumentFields::nationality)
      .def_readwrite("date_of_birth", &kyc::DocumentFields::date_of_birth)
      .def_readwrite("sex", &kyc::DocumentFields::sex)
      .def_readwrite("date_of_issue", &kyc::DocumentFields::date_of_issue)
      .def_readwrite("date_of_expiry", &kyc::DocumentFields::date_of_expiry)
      .def_readwrite("personal_number", &kyc::DocumentFields::personal_number)
      .def_readwrite("address", &kyc::DocumentFields::address)
      .def("__repr__", [](const kyc::DocumentFields&) {
        return std::string("DocumentFields(...)");  // never print personal data
      });

  py::class_<kyc::DocumentRead>(
      m, "DocumentRead",
      "One source's reading of a document, as the consistency check consumes it.")
      .def(py::init([](const std::string& source, const kyc::DocumentFields& fields,
                       std::vector<std::string> verified, std::vector<std::string> truncated) {
             kyc::DocumentRead read;
             bool known = false;
             for (auto s : {kyc::FieldSource::mrz, kyc::FieldSource::barcode, kyc::FieldSource::viz,
                            kyc::FieldSource::applicant, kyc::FieldSource::external}) {
               if (source == kyc::field_source_name(s)) {
                 read.source = s;
                 known = true;
               }
             }
             if (!known) {
               throw py::value_error(
                   "source: expected mrz, barcode, viz, applicant or external, "
                   "got \"" +
                   source + "\"");
             }
             read.fields = fields;
             read.verified_fields = std::move(verified);
             read.truncated_fields = std::move(truncated);
             return read;
           }),
           py::arg("source"), py::arg("fields"),
           py::arg("verified_fields") = std::vector<std::string>{},
           py::arg("truncated_fields") = std::vector<std::string>{})
      .def_property_readonly(
          "source", [](const kyc::DocumentRead& r) { return kyc::field_source_name(r.source); })
      .def_readonly("fields", &kyc::DocumentRead::fields)
      .def_readonly("verified_fields", &kyc::DocumentRead::verified_fields)
      .def_readonly("truncated_fields", &kyc::DocumentRead::truncated_fields);

  py::class_<kyc::AamvaResult> aamva(m, "AamvaResult",
                                     "An AAMVA DL/ID barcode (or magnetic stripe), parsed.");
  aamva.def_readonly("valid", &kyc::AamvaResult::valid)
      .def_readonly("reason", &kyc::AamvaResult::reason)
      .def_readonly("message", &kyc::AamvaResult::message)
      .def_readonly("format", &kyc::AamvaResult::format)
      .def_readonly("fields", &kyc::AamvaResult::fields)
      .def_readonly("jurisdiction_name", &kyc::AamvaResult::jurisdiction_name)
      .def_property_readonly("iin", [](const kyc::AamvaResult& r) { return r.header.iin; })
      .def_property_readonly("aamva_version",
                             [](const kyc::AamvaResult& r) { return r.header.aamva_version; })
      .def_readonly("warnings", &kyc::AamvaResult::warnings)
      .def("to_document_read", &kyc::AamvaResult::to_document_read)
      .def("__repr__", [](const kyc::AamvaResult& r) {
        return std::string("AamvaResult(valid=") + (r.valid ? "True" : "False") + ", reason='" +
               r.reason + "', format='" + r.format + "')";
      });
  add_report_methods(aamva);

  m.def(
      "parse_aamva",
      [](const py::object& payload) {
        const std::string bytes = payload_bytes(payload, "payload");
        py::gil_scoped_release release;
        return kyc::parse_aamva(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      },
      py::arg("payload"),
      "Parses an AAMVA DL/ID payload (PDF417 text or magnetic stripe). An unrecognised payload "
      "is a result with valid=False and a reason.\n\n:rtype: AamvaResult");

  py::class_<kyc::MrzResult> mrz(m, "MrzResult",
                                 "A machine-readable zone, parsed and check-digit verified.");
  mrz.def_property_readonly(
         "status", [](const kyc::MrzResult& r) { return kyc::mrz_status_name(r.status); },
         "\"valid\", \"invalid\", \"unrecognized\" or \"not_found\".")
      .def_property_readonly("format",
                             [](const kyc::MrzResult& r) { return kyc::mrz_format_name(r.format); })
      .def_readonly("valid", &kyc::MrzResult::valid)
      .def_readonly("lines", &kyc::MrzResult::lines)
      .def_readonly("fields", &kyc::MrzResult::fields)
      .def_readonly("message", &kyc::MrzResult::message)
      .def_property_readonly("specimen",
                             [](const kyc::MrzResult& r) { return r.flags.specimen_state; })
      .def_property_readonly("repaired_fields",
                             [](const kyc::MrzResult& r) {
                               std::vector<std::string> out;
                               for (const auto& rep : r.repairs) out.push_back(rep.field);
                               return out;
                             })
      .def("verified_fields", &kyc::MrzResult::verified_fields)
      .def("to_document_read", &kyc::MrzResult::to_document_read)
      .def("__repr__", [](const kyc::MrzResult& r) {
        return std::string("MrzResult(status='") + kyc::mrz_status_name(r.status) + "', format='" +
               kyc::mrz_format_name(r.format) + "')";
      });
  add_report_methods(mrz);

  m.def(
      "parse_mrz",
      [](const py::object& lines) {
        std::vector<std::string> text;
        if (py::isinstance<py::str>(lines)) {
          const std::string joined = lines.cast<std::string>();
          py::gil_scoped_release release;
          return kyc::parse_mrz(std::string_view(joined));
        }
        try {
          text = lines.cast<std::vector<std::string>>();
        } catch (const py::cast_error&) {
          throw py::type_error("lines: expected a str or a list of str");
        }
        py::gil_scoped_release release;
        return kyc::parse_mrz(text);
      },
      py::arg("lines"),
      "Parses MRZ text (a list of lines, or one str with newlines), verifies every check digit "
      "and repairs OCR confusions. Bad text is a result (status), not an exception.\n\n"
      ":rtype: MrzResult");

  py::class_<kyc::DocumentReadResult> document(m, "DocumentReadResult",
                                               "Everything read from a document's sides.");
  document.def_readonly("barcode", &kyc::DocumentReadResult::barcode)
      .def_readonly("mrz", &kyc::DocumentReadResult::mrz)
      .def_readonly("notes", &kyc::DocumentReadResult::notes)
      .def_property_readonly("machine_readable", &kyc::DocumentReadResult::machine_readable)
      .def("reads", &kyc::DocumentReadResult::reads)
      .def("__repr__", [](const kyc::DocumentReadResult& r) {
        return std::string("DocumentReadResult(machine_readable=") +
               (r.machine_readable() ? "True" : "False") + ")";
      });
  add_report_methods(document);

  py::class_<kyc::PackageReport> package(m, "PackageReport",
                                         "The onboarding decision for a KYC package.");
  package
      .def_property_readonly(
          "verdict",
          [](const kyc::PackageReport& r) { return kyc::package_verdict_name(r.verdict); },
          "\"approved\", \"rejected\" or \"review\".")
      .def_property_readonly("is_approved", &kyc::PackageReport::is_approved)
      .def_readonly("reasons", &kyc::PackageReport::reasons)
      .def_readonly("face_match", &kyc::PackageReport::face_match)
      .def_readonly("document", &kyc::PackageReport::document)
      .def_readonly("consistency", &kyc::PackageReport::consistency)
      .def("__repr__", [](const kyc::PackageReport& r) {
        std::string why;
        for (const auto& reason : r.reasons) why += (why.empty() ? "'" : ", '") + reason + "'";
        return std::string("PackageReport(verdict='") + kyc::package_verdict_name(r.verdict) +
               "', reasons=[" + why + "])";
      });
  add_report_methods(package);

  py::class_<kyc::ApplicantRecord>(m, "ApplicantRecord", "An applicant's form, typed.")
      .def_readonly("fields", &kyc::ApplicantRecord::fields)
      .def_readonly("email", &kyc::ApplicantRecord::email)
      .def_readonly("phone", &kyc::ApplicantRecord::phone)
      .def_readonly("full_name", &kyc::ApplicantRecord::full_name)
      .def_readonly("extra", &kyc::ApplicantRecord::extra)
      .def_readonly("line", &kyc::ApplicantRecord::line)
      .def("to_document_read", &kyc::ApplicantRecord::to_document_read);

  m.def(
      "load_applicant",
      [](const py::object& data) -> kyc::ApplicantRecord {
        if (py::isinstance<py::dict>(data)) return kyc::load_applicant_json(json_dumps(data));
        const std::string text = payload_bytes(data, "applicant");
        std::size_t i = 0;
        // Skip a BOM and blanks to see whether this is JSON or CSV.
        if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
        while (i < text.size() &&
               (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) {
          ++i;
        }
        py::gil_scoped_release release;
        if (i < text.size() && text[i] == '{') return kyc::load_applicant_json(text);
        return kyc::load_applicant_csv(text);
      },
      py::arg("form"),
      "Loads an applicant form: CSV text/bytes (header + one row), JSON text, or a dict. "
      "Malformed input raises kyc.InvalidArgumentError with line and column.");

  py::class_<kyc::ConsistencyResult> consistency(
      m, "ConsistencyResult", "Applicant vs document sources, per field, with the verdict.");
  consistency
      .def_property_readonly(
          "verdict",
          [](const kyc::ConsistencyResult& r) { return kyc::consistency_verdict_name(r.verdict); })
      .def_property_readonly("is_consistent", &kyc::ConsistencyResult::is_consistent)
      .def_readonly("rule", &kyc::ConsistencyResult::rule)
      .def_readonly("rule_field", &kyc::ConsistencyResult::rule_field)
      .def_readonly("as_of", &kyc::ConsistencyResult::as_of)
      .def("__repr__", [](const kyc::ConsistencyResult& r) {
        return std::string("ConsistencyResult(verdict='") +
               kyc::consistency_verdict_name(r.verdict) + "', rule='" + r.rule + "')";
      });
  add_report_methods(consistency);

  m.def(
      "check_consistency",
      [](const kyc::ApplicantRecord& applicant, const std::vector<kyc::DocumentRead>& documents,
         const std::string& as_of, int minimum_age, double name_threshold, double address_threshold,
         std::optional<std::vector<std::string>> required_fields, bool address_decides) {
        kyc::ConsistencyOptions options;
        options.as_of = as_of;
        options.minimum_age = minimum_age;
        options.name_threshold = name_threshold;
        options.address_threshold = address_threshold;
        if (required_fields) options.required_fields = *required_fields;
        options.address_decides = address_decides;
        py::gil_scoped_release release;
        return kyc::check_consistency(applicant, documents, options);
      },
      py::arg("applicant"), py::arg("documents"), py::kw_only(), py::arg("as_of") = "",
      py::arg("minimum_age") = 18, py::arg("name_threshold") = 0.8,
      py::arg("address_threshold") = 0.8, py::arg("required_fields") = py::none(),
      py::arg("address_decides") = true,
      "Compares an applicant with document reads (see docs/consistency.md).\n\n"
      ":rtype: ConsistencyResult");
}

}  // namespace kyc_python
