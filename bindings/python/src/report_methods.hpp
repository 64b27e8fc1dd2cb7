// Shared by the binding sources: results with a JSON report get to_json(indent=None) and
// to_dict() the same way everywhere.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>

namespace kyc_python {

inline pybind11::object json_loads(const std::string& text) {
  return pybind11::module_::import("json").attr("loads")(text);
}

template <typename T>
void add_report_methods(pybind11::class_<T>& cls) {
  cls.def(
         "to_json",
         [](const T& r, std::optional<int> indent) { return r.to_json(indent.value_or(-1)); },
         pybind11::arg("indent") = pybind11::none(),
         "The JSON report (with schema and schema_version).\n\n:rtype: str")
      .def(
          "to_dict", [](const T& r) { return json_loads(r.to_json()); },
          "The JSON report as a dict.\n\n:rtype: dict");
}

}  // namespace kyc_python
