// Python bindings of cheques: MICR parsing, the ABA checksum, presentment keys and stores, the
// typed cheque and MICR results (to_dict / to_json). A Python presentment store is either a
// subclass of kyc.PresentmentStore (check_and_record overridden) or any callable key -> bool;
// both are called with the GIL re-acquired from the reading thread.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "kyc/kyc.hpp"
#include "report_methods.hpp"

namespace py = pybind11;

namespace kyc_python {
namespace {

// A Python failure inside a store becomes a kyc::Error while the GIL is held (the Python
// exception object must not outlive the GIL).
[[noreturn]] void store_failed(const std::string& what) {
  throw kyc::Error(kyc::ErrorCode::invalid_argument, "presentment store failed: " + what);
}

class PyPresentmentStore : public kyc::PresentmentStore {
 public:
  bool check_and_record(const std::string& key) override {
    py::gil_scoped_acquire gil;
    try {
      py::function override =
          py::get_override(static_cast<const kyc::PresentmentStore*>(this), "check_and_record");
      if (!override) store_failed("check_and_record is not implemented");
      return override(key).cast<bool>();
    } catch (py::error_already_set& e) {
      store_failed(e.what());
    } catch (const py::cast_error&) {
      store_failed("check_and_record must return a bool");
    }
  }
};

class CallableStore final : public kyc::PresentmentStore {
 public:
  explicit CallableStore(py::object fn) : fn_(std::move(fn)) {}
  bool check_and_record(const std::string& key) override {
    py::gil_scoped_acquire gil;
    try {
      return fn_(key).cast<bool>();
    } catch (py::error_already_set& e) {
      store_failed(e.what());
    } catch (const py::cast_error&) {
      store_failed("the callable must return a bool");
    }
  }

 private:
  py::object fn_;
};

}  // namespace

/// The store argument of read_cheque/read_micr: None, a PresentmentStore, or a callable.
/// `holder` keeps a callable's adaptor alive for the call.
kyc::PresentmentStore* presentment_store_arg(const py::object& store,
                                             std::unique_ptr<kyc::PresentmentStore>& holder) {
  if (store.is_none()) return nullptr;
  if (py::isinstance<kyc::PresentmentStore>(store)) return store.cast<kyc::PresentmentStore*>();
  if (PyCallable_Check(store.ptr()) != 0) {
    holder = std::make_unique<CallableStore>(store);
    return holder.get();
  }
  throw py::type_error(
      "presentment_store: expected a kyc.PresentmentStore, a callable "
      "(key: str) -> bool, or None");
}

void bind_cheques(py::module_& m) {
  py::class_<kyc::MicrField>(m, "MicrField", "One MICR field with its OCR confidence.")
      .def_readonly("value", &kyc::MicrField::value)
      .def_readonly("confidence", &kyc::MicrField::confidence,
                    "0..100 (weakest word of the field); -1 when parsed from text.")
      .def_property_readonly("present", &kyc::MicrField::present)
      .def("__repr__", [](const kyc::MicrField& f) {
        return std::string("MicrField(present=") + (f.present() ? "True" : "False") + ")";
      });

  py::class_<kyc::MicrFields> fields(m, "MicrFields", "The fields of a MICR line.");
  fields.def_readonly("raw_line", &kyc::MicrFields::raw_line)
      .def_property_readonly(
          "layout", [](const kyc::MicrFields& f) { return kyc::micr_layout_name(f.layout); },
          "\"us\", \"canada\" or \"unknown\".")
      .def_readonly("routing", &kyc::MicrFields::routing)
      .def_readonly("branch_transit", &kyc::MicrFields::branch_transit)
      .def_readonly("institution", &kyc::MicrFields::institution)
      .def_readonly("account", &kyc::MicrFields::account)
      .def_readonly("serial", &kyc::MicrFields::serial)
      .def_readonly("amount", &kyc::MicrFields::amount)
      .def_readonly("amount_cents", &kyc::MicrFields::amount_cents)
      .def_readonly("has_auxiliary_on_us", &kyc::MicrFields::has_auxiliary_on_us)
      .def_readonly("unreadable_characters", &kyc::MicrFields::unreadable_characters)
      .def(
          "to_json",
          [](const kyc::MicrFields& f, std::optional<int> indent) {
            return f.to_json(indent.value_or(-1));
          },
          py::arg("indent") = py::none())
      .def("to_dict", [](const kyc::MicrFields& f) { return json_loads(f.to_json()); })
      .def("__repr__", [](const kyc::MicrFields& f) {
        // No field values: they are personal data.
        return std::string("MicrFields(layout='") + kyc::micr_layout_name(f.layout) + "')";
      });

  py::class_<kyc::ChequeCheck>(m, "ChequeCheck", "One individually reported cheque check.")
      .def_readonly("id", &kyc::ChequeCheck::id)
      .def_property_readonly(
          "status",
          [](const kyc::ChequeCheck& c) { return kyc::cheque_check_status_name(c.status); },
          "\"pass\", \"fail\" or \"unable_to_assess\".")
      .def_readonly("reason", &kyc::ChequeCheck::reason)
      .def_readonly("message", &kyc::ChequeCheck::message)
      .def("__repr__", [](const kyc::ChequeCheck& c) {
        return "ChequeCheck(id='" + c.id + "', status='" + kyc::cheque_check_status_name(c.status) +
               "', reason='" + c.reason + "')";
      });

  py::class_<kyc::MicrReadResult> micr(m, "MicrReadResult", "A MICR line read from an image.");
  micr.def_readonly("found", &kyc::MicrReadResult::found)
      .def_readonly("fields", &kyc::MicrReadResult::fields)
      .def_readonly("ocr_confidence", &kyc::MicrReadResult::ocr_confidence)
      .def_readonly("checks", &kyc::MicrReadResult::checks)
      .def_readonly("presentment_key", &kyc::MicrReadResult::presentment_key)
      .def_readonly("model", &kyc::MicrReadResult::model)
      .def_property_readonly(
          "verdict",
          [](const kyc::MicrReadResult& r) { return kyc::cheque_verdict_name(r.verdict); },
          "\"clean\", \"suspicious\" or \"unable_to_assess\".")
      .def_readonly("decided_by", &kyc::MicrReadResult::decided_by)
      .def("__repr__", [](const kyc::MicrReadResult& r) {
        return std::string("MicrReadResult(verdict='") + kyc::cheque_verdict_name(r.verdict) +
               "', decided_by='" + r.decided_by + "')";
      });
  add_report_methods(micr);

  py::class_<kyc::ChequeReadResult> cheque(m, "ChequeReadResult",
                                           "A cheque: MICR line, printed fields, every check.");
  cheque.def_readonly("micr", &kyc::ChequeReadResult::micr)
      .def_readonly("courtesy_cents", &kyc::ChequeReadResult::courtesy_cents)
      .def_readonly("legal_cents", &kyc::ChequeReadResult::legal_cents)
      .def_readonly("date_iso", &kyc::ChequeReadResult::date_iso)
      .def_readonly("signature_ink", &kyc::ChequeReadResult::signature_ink)
      .def_readonly("checks", &kyc::ChequeReadResult::checks)
      .def_readonly("presentment_key", &kyc::ChequeReadResult::presentment_key)
      .def_property_readonly(
          "verdict",
          [](const kyc::ChequeReadResult& r) { return kyc::cheque_verdict_name(r.verdict); },
          "\"clean\", \"suspicious\" or \"unable_to_assess\".")
      .def_readonly("decided_by", &kyc::ChequeReadResult::decided_by)
      .def_readonly("as_of", &kyc::ChequeReadResult::as_of)
      .def(
          "check",
          [](const kyc::ChequeReadResult& r,
             const std::string& id) -> std::optional<kyc::ChequeCheck> {
            const kyc::ChequeCheck* c = r.check(id);
            if (c == nullptr) return std::nullopt;
            return *c;
          },
          py::arg("id"), "The check with this id, or None.")
      .def("__repr__", [](const kyc::ChequeReadResult& r) {
        return std::string("ChequeReadResult(verdict='") + kyc::cheque_verdict_name(r.verdict) +
               "', decided_by='" + r.decided_by + "')";
      });
  add_report_methods(cheque);

  py::class_<kyc::PresentmentStore, PyPresentmentStore>(
      m, "PresentmentStore",
      "Answers 'was this cheque presented before?' for the duplicate_presentment check. Subclass "
      "it and override check_and_record(key) -> bool (True = seen before; record the key in any "
      "case). It is called from the reading thread with the GIL held; it only sees the "
      "presentment key (a SHA-256), never account numbers.")
      .def(py::init<>())
      .def("check_and_record", &kyc::PresentmentStore::check_and_record, py::arg("key"));

  py::class_<kyc::InMemoryPresentmentStore, kyc::PresentmentStore>(
      m, "InMemoryPresentmentStore", "A thread-safe PresentmentStore in process memory.")
      .def(py::init<>())
      .def("__len__", &kyc::InMemoryPresentmentStore::size);

  m.def(
      "parse_micr_line",
      [](const std::string& line, const std::string& symbols) {
        kyc::MicrParseOptions options;
        if (symbols == "unicode") {
          options.symbols = kyc::MicrSymbols::unicode;
        } else if (symbols == "doubango") {
          options.symbols = kyc::MicrSymbols::doubango;
        } else if (symbols == "finos") {
          options.symbols = kyc::MicrSymbols::finos;
        } else {
          throw kyc::Error(kyc::ErrorCode::invalid_argument,
                           "symbols: '" + symbols + "' is not one of unicode, doubango, finos");
        }
        py::gil_scoped_release release;
        return kyc::parse_micr_line(line, options);
      },
      py::arg("line"), py::arg("symbols") = "unicode",
      "Parses a MICR line (Unicode ⑆⑇⑈⑉, or the letters of `symbols`: \"doubango\" A B C D, "
      "\"finos\" T U A D).\n\n:rtype: MicrFields");
  m.def(
      "aba_checksum_valid", [](const std::string& r) { return kyc::aba_checksum_valid(r); },
      py::arg("routing"), "The ABA 3-7-1 routing-number checksum.");
  m.def(
      "presentment_key",
      [](const std::string& routing, const std::string& account, const std::string& serial) {
        return kyc::presentment_key(routing, account, serial);
      },
      py::arg("routing"), py::arg("account"), py::arg("serial"),
      "SHA-256 hex of routing|account|serial (serial without leading zeros); '' if any is empty.");
}

}  // namespace kyc_python
