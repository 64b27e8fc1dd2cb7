// kyc._kyc — the pybind11 extension module behind the `kyc` Python package.
//
// Conventions (docs: shared/guide STYLE.md §1.4 and §8.3 habit 9):
//  - Image arguments are duck-typed: a path (str / os.PathLike), encoded bytes (bytes, bytearray,
//    memoryview or any 1-D byte buffer), a uint8 pixel array through the buffer protocol (numpy:
//    HxW gray, HxWx3 BGR or RGB, HxWx4 BGRA or RGBA, any strides), or a PIL.Image.Image. numpy is
//    not needed at build time.
//  - Arguments are converted with the GIL held; the GIL is released only around the pure C++
//    call; Python results are built after it is re-acquired. The converted input keeps the Python
//    objects (and their exported buffers) alive for the duration of the call.
//  - kyc::Error becomes the kyc.Error subclass of its code (classes defined in kyc/_errors.py).
//  - Results are read-only objects; enums are exposed as their stable snake_case strings.

#include <pybind11/eval.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <cmath>

#include <Python.h>

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "kyc/kyc.hpp"

namespace py = pybind11;

namespace {

// ---------------------------------------------------------------------------------------------
// Errors

/// Raises the kyc.Error subclass for `code` with `message` (which may contain bytes that are not
/// valid UTF-8, e.g. from a file name: they are replaced, never a second error).
void set_kyc_error(const char* code, const char* message) {
  try {
    py::object cls = py::module_::import("kyc._errors").attr("error_class")(code);
    py::object text = py::reinterpret_steal<py::object>(
        PyUnicode_DecodeUTF8(message, static_cast<Py_ssize_t>(std::strlen(message)), "replace"));
    if (!text) throw py::error_already_set();
    py::object exc = cls(text);
    PyErr_SetObject(cls.ptr(), exc.ptr());
  } catch (py::error_already_set& e) {
    e.restore();  // e.g. kyc._errors could not be imported: report that instead
  }
}

void translate_exception(std::exception_ptr p) {
  if (!p) return;
  try {
    std::rethrow_exception(p);
  } catch (const kyc::Error& e) {
    set_kyc_error(kyc::error_code_name(e.code()), e.what());
  } catch (const py::error_already_set&) {
    throw;  // a Python exception travelling through C++: pybind11 restores it
  } catch (const py::builtin_exception&) {
    throw;  // py::type_error etc.: pybind11's own translation
  } catch (const std::bad_alloc&) {
    throw;  // MemoryError
  } catch (const std::exception& e) {
    // Anything else escaping the library is a bug or a dependency failure: kyc.InternalError.
    set_kyc_error("internal", e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// Image arguments

/// An ImageInput plus whatever keeps its memory alive. Must be destroyed with the GIL held (it
/// may release a Python buffer); never moved while a C++ call is using it.
struct ConvertedImage {
  std::optional<kyc::ImageInput> input;
  std::optional<py::buffer_info> buffer;  // an exported buffer (numpy array, bytes, ...)
  py::object keep;                        // e.g. the bytes of a PIL image
  std::vector<std::uint8_t> copy;         // a packed copy of a non-contiguous array

  const kyc::ImageInput& get() const { return *input; }
};

std::string type_name(py::handle obj) {
  return py::str(py::type::handle_of(obj).attr("__qualname__")).cast<std::string>();
}

[[noreturn]] void throw_type_error(const char* arg, py::handle obj) {
  throw py::type_error(std::string(arg) +
                       ": expected a path (str or os.PathLike), encoded image bytes (bytes, "
                       "bytearray, memoryview), a uint8 array (HxW, HxWx3 or HxWx4, e.g. numpy) "
                       "or a PIL.Image.Image; got " +
                       type_name(obj));
}

bool is_uint8_format(const std::string& format) {
  return format == "B" || format == "=B" || format == "<B" || format == ">B" || format == "|B";
}

std::string describe_dtype(py::handle obj, const py::buffer_info& info) {
  if (py::hasattr(obj, "dtype")) return py::str(obj.attr("dtype")).cast<std::string>();
  return "buffer format '" + info.format + "'";
}

std::string shape_string(const py::buffer_info& info) {
  std::ostringstream out;
  out << '(';
  for (std::size_t i = 0; i < info.shape.size(); ++i) out << (i ? ", " : "") << info.shape[i];
  out << (info.shape.size() == 1 ? ",)" : ")");
  return out.str();
}

/// Encoded image bytes from a 1-D buffer of bytes.
// The engine's limits, checked here before any copy: a broadcast or strided view can describe
// far more bytes than it occupies, and copying it would exhaust memory before the engine looked.
void check_pixel_limits(int64_t width, int64_t height, const char* arg,
                        const kyc::ImageLimits& limits) {
  if (width > limits.max_dimension || height > limits.max_dimension ||
      static_cast<uint64_t>(width) * static_cast<uint64_t>(height) > limits.max_pixels) {
    throw kyc::Error(kyc::ErrorCode::limit_exceeded,
                     std::string(arg) + ": " + std::to_string(width) + "x" +
                         std::to_string(height) +
                         " pixels exceed limits.max_pixels or limits.max_dimension");
  }
}

void from_encoded_buffer(ConvertedImage& out, py::buffer_info info, const char* arg, py::handle obj,
                         const kyc::ImageLimits& limits) {
  if (info.itemsize != 1) {
    throw py::type_error(std::string(arg) +
                         ": a 1-D buffer is read as encoded image bytes and "
                         "must have 1-byte items; got " +
                         describe_dtype(obj, info));
  }
  const auto size = static_cast<std::size_t>(info.shape.empty() ? info.size : info.shape[0]);
  if (size > limits.max_encoded_bytes) {
    throw kyc::Error(kyc::ErrorCode::limit_exceeded,
                     std::string(arg) + ": " + std::to_string(size) +
                         " encoded bytes exceed limits.max_encoded_bytes");
  }
  const auto* data = static_cast<const std::uint8_t*>(info.ptr);
  const py::ssize_t step = info.strides.empty() ? 1 : info.strides[0];
  if (step != 1 && size > 1) {
    out.copy.resize(size);
    for (std::size_t i = 0; i < size; ++i) out.copy[i] = data[static_cast<py::ssize_t>(i) * step];
    data = out.copy.data();
  }
  out.input = kyc::ImageInput::from_bytes(data, size);
  out.buffer = std::move(info);
}

/// Pixels from an HxW / HxWxC uint8 buffer.
void from_pixel_buffer(ConvertedImage& out, py::buffer_info info, bool rgb, const char* arg,
                       py::handle obj, const kyc::ImageLimits& limits) {
  if (info.itemsize != 1 || !is_uint8_format(info.format)) {
    throw py::type_error(std::string(arg) + ": image arrays must have dtype uint8; got " +
                         describe_dtype(obj, info));
  }
  const py::ssize_t channels = info.ndim == 3 ? info.shape[2] : 1;
  if (channels != 1 && channels != 3 && channels != 4) {
    throw kyc::Error(kyc::ErrorCode::invalid_argument,
                     std::string(arg) +
                         ": expected an array of shape HxW, HxWx1, HxWx3 or HxWx4; "
                         "got shape " +
                         shape_string(info));
  }
  const py::ssize_t height = info.shape[0];
  const py::ssize_t width = info.shape[1];
  if (height <= 0 || width <= 0 || height > INT_MAX || width > INT_MAX / 4) {
    throw kyc::Error(kyc::ErrorCode::invalid_argument,
                     std::string(arg) + ": invalid image array shape " + shape_string(info));
  }
  check_pixel_limits(width, height, arg, limits);
  kyc::PixelFormat format = kyc::PixelFormat::gray;
  if (channels == 3) format = rgb ? kyc::PixelFormat::rgb : kyc::PixelFormat::bgr;
  if (channels == 4) format = rgb ? kyc::PixelFormat::rgba : kyc::PixelFormat::bgra;

  const py::ssize_t row_stride = info.strides[0];
  const py::ssize_t pixel_stride = info.strides[1];
  const py::ssize_t channel_stride = info.ndim == 3 ? info.strides[2] : 1;
  const py::ssize_t row_bytes = width * channels;
  const auto* src = static_cast<const std::uint8_t*>(info.ptr);
  bool packed_pixels = pixel_stride == channels && (channels == 1 || channel_stride == 1);
  if (channels == 3 && pixel_stride == 3 && channel_stride == -1) {
    // A channel-reversed view of packed pixels (`rgb[:, :, ::-1]`, the usual OpenCV <-> PIL
    // conversion): the same memory read from its first byte in the other channel order.
    src -= 2;
    format = format == kyc::PixelFormat::bgr ? kyc::PixelFormat::rgb : kyc::PixelFormat::bgr;
    packed_pixels = true;
  }

  if (packed_pixels && row_stride >= row_bytes) {
    // Zero copy: rows may be padded or come from a slice; the row stride is passed through.
    const auto size = static_cast<std::size_t>((height - 1) * row_stride + row_bytes);
    out.input = kyc::ImageInput(kyc::ImageView(src, size, static_cast<int>(width),
                                               static_cast<int>(height), format, row_stride));
  } else {
    // Non-contiguous pixels (a strided slice, a channel-reversed view, a transposed array...):
    // make one packed copy.
    out.copy.resize(static_cast<std::size_t>(height * row_bytes));
    std::uint8_t* dst = out.copy.data();
    for (py::ssize_t y = 0; y < height; ++y) {
      const std::uint8_t* row = src + y * row_stride;
      if (packed_pixels) {
        std::memcpy(dst, row, static_cast<std::size_t>(row_bytes));
        dst += row_bytes;
        continue;
      }
      for (py::ssize_t x = 0; x < width; ++x) {
        const std::uint8_t* pixel = row + x * pixel_stride;
        for (py::ssize_t c = 0; c < channels; ++c) *dst++ = pixel[c * channel_stride];
      }
    }
    out.input = kyc::ImageInput(kyc::ImageView(out.copy.data(), out.copy.size(),
                                               static_cast<int>(width), static_cast<int>(height),
                                               format, static_cast<std::ptrdiff_t>(row_bytes)));
  }
  out.buffer = std::move(info);
}

/// The PIL.Image.Image class when PIL is already imported (we never import it ourselves: an
/// object cannot be a PIL image unless PIL.Image is loaded).
py::object pil_image_class() {
  py::dict modules = py::module_::import("sys").attr("modules");
  if (!modules.contains("PIL.Image")) return py::none();
  py::object mod = modules["PIL.Image"];
  if (mod.is_none() || !py::hasattr(mod, "Image")) return py::none();
  return mod.attr("Image");
}

void from_pil_image(ConvertedImage& out, py::handle image, const char* arg,
                    const kyc::ImageLimits& limits) {
  // PIL opens lazily: check the declared size before convert()/tobytes() decode the pixels.
  const auto declared = image.attr("size").cast<std::pair<int64_t, int64_t>>();
  check_pixel_limits(declared.first, declared.second, arg, limits);
  std::string mode = image.attr("mode").cast<std::string>();
  py::object converted = py::reinterpret_borrow<py::object>(image);
  if (mode.rfind("I;16", 0) == 0) {
    // 16-bit grey: scale to 8 bits (convert("L") would clip everything above 255 to white).
    // PIL's point() on "I" images needs a Python callable of the form v * scale + offset.
    const py::object scale_down = py::eval("lambda v: v * (1.0 / 256)");
    converted = image.attr("convert")("I").attr("point")(scale_down).attr("convert")("L");
    mode = "L";
  }
  std::string target;
  if (mode == "L" || mode == "RGB" || mode == "RGBA") {
    target = mode;
  } else if (mode == "1" || mode == "LA" || mode == "La" || mode == "I" || mode == "F" ||
             mode.rfind("I;16", 0) == 0) {
    target = "L";
  } else if (mode == "RGBa" || mode == "PA" ||
             (mode == "P" && image.attr("info").contains("transparency"))) {
    target = "RGBA";
  } else {
    target = "RGB";  // P, CMYK, YCbCr, LAB, HSV, RGBX, ...
  }
  if (target != mode) converted = image.attr("convert")(target);

  const auto size = converted.attr("size").cast<std::pair<int, int>>();
  py::bytes pixels = converted.attr("tobytes")();
  char* data = nullptr;
  Py_ssize_t length = 0;
  if (PyBytes_AsStringAndSize(pixels.ptr(), &data, &length) != 0) throw py::error_already_set();
  kyc::PixelFormat format = kyc::PixelFormat::gray;
  if (target == "RGB") format = kyc::PixelFormat::rgb;
  if (target == "RGBA") format = kyc::PixelFormat::rgba;
  out.input = kyc::ImageInput(kyc::ImageView(reinterpret_cast<const std::uint8_t*>(data),
                                             static_cast<std::size_t>(length), size.first,
                                             size.second, format));
  out.keep = std::move(pixels);
}

/// Converts one image argument. Runs with the GIL held.
ConvertedImage to_image_input(py::handle obj, bool rgb, const char* arg,
                              const kyc::ImageLimits& limits) {
  ConvertedImage out;
  if (py::isinstance<py::str>(obj) || py::hasattr(obj, "__fspath__")) {
    // os.fsencode gives the file system's bytes for any str or PathLike (surrogateescape kept).
    py::bytes path = py::module_::import("os").attr("fsencode")(obj);
    out.input = kyc::ImageInput::from_path(path.cast<std::string>());
    return out;
  }
  if (PyObject_CheckBuffer(obj.ptr())) {
    const bool bytes_like = PyBytes_Check(obj.ptr()) || PyByteArray_Check(obj.ptr());
    py::buffer_info info = py::reinterpret_borrow<py::buffer>(obj).request();
    if (info.ndim == 0) throw_type_error(arg, obj);  // e.g. a numpy scalar
    if (bytes_like || info.ndim <= 1) {
      from_encoded_buffer(out, std::move(info), arg, obj, limits);
    } else if (info.ndim == 2 || info.ndim == 3) {
      from_pixel_buffer(out, std::move(info), rgb, arg, obj, limits);
    } else {
      throw kyc::Error(kyc::ErrorCode::invalid_argument,
                       std::string(arg) +
                           ": expected an array of shape HxW, HxWx3 or HxWx4; got "
                           "shape " +
                           shape_string(info));
    }
    return out;
  }
  py::object pil_class = pil_image_class();
  if (!pil_class.is_none() && py::isinstance(obj, pil_class)) {
    from_pil_image(out, obj, arg, limits);
    return out;
  }
  throw_type_error(arg, obj);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Results as Python values

py::object json_loads(const std::string& text) {
  return py::module_::import("json").attr("loads")(py::str(text));
}

py::str json_dumps(const py::object& value, const py::object& indent) {
  return py::module_::import("json").attr("dumps")(value, py::arg("indent") = indent);
}

const char* landmark_scheme_name(kyc::LandmarkScheme scheme) {
  switch (scheme) {
    case kyc::LandmarkScheme::dlib5:
      return "dlib5";
    case kyc::LandmarkScheme::dlib68:
      return "dlib68";
    case kyc::LandmarkScheme::none:
      break;
  }
  return "none";
}

py::dict point_dict(const kyc::Point& p) {
  return py::dict(py::arg("x") = p.x, py::arg("y") = p.y);
}

py::dict rect_dict(const kyc::Rect& r) {
  return py::dict(py::arg("x") = r.x, py::arg("y") = r.y, py::arg("width") = r.width,
                  py::arg("height") = r.height);
}

py::dict pose_dict(const kyc::Pose& p) {
  return py::dict(py::arg("yaw") = p.yaw, py::arg("pitch") = p.pitch, py::arg("roll") = p.roll,
                  py::arg("method") = p.method);
}

py::dict timings_dict(const kyc::StageTimings& t) {
  return py::dict(py::arg("decode_ms") = t.decode_ms, py::arg("detect_ms") = t.detect_ms,
                  py::arg("landmarks_ms") = t.landmarks_ms, py::arg("embed_ms") = t.embed_ms,
                  py::arg("match_ms") = t.match_ms, py::arg("total_ms") = t.total_ms);
}

py::dict image_info_dict(const kyc::ImageInfo& i) {
  return py::dict(py::arg("format") = kyc::image_format_name(i.format), py::arg("width") = i.width,
                  py::arg("height") = i.height, py::arg("exif_orientation") = i.exif_orientation,
                  py::arg("encoded_bytes") = i.encoded_bytes);
}

py::dict decision_dict(const kyc::Decision& d) {
  return py::dict(py::arg("operating_point") = d.operating_point,
                  py::arg("distance_threshold") = d.distance_threshold,
                  py::arg("similarity_threshold") = d.similarity_threshold, py::arg("fmr") = d.fmr,
                  py::arg("calibration") = d.calibration);
}

py::object face_dict(const kyc::Face& f) {
  return json_loads(kyc::face_to_json(f));
}

// NaN marks "not compared" in C++ (a target face when the source has none): None in Python.
std::optional<double> measured(double value) {
  return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

py::dict compared_face_dict(const kyc::ComparedFace& c) {
  return py::dict(py::arg("face") = face_dict(c.face), py::arg("distance") = measured(c.distance),
                  py::arg("similarity") = measured(c.similarity), py::arg("match") = c.match);
}

std::string fmt(double value, int precision = 2) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(precision);
  out << value;
  return out.str();
}

std::string rect_repr(const kyc::Rect& r) {
  return "Rect(x=" + fmt(r.x, 1) + ", y=" + fmt(r.y, 1) + ", width=" + fmt(r.width, 1) +
         ", height=" + fmt(r.height, 1) + ")";
}

/// Adds to_dict() and to_json(indent=None) built from a dict function.
template <typename Class, typename T>
void add_dict_methods(Class& cls, py::object (*to_dict)(const T&), const char* what) {
  cls.def(
      "to_dict", [to_dict](const T& self) { return to_dict(self); },
      (std::string("The ") + what + " as a dict of plain Python values.\n\n:rtype: dict").c_str());
  cls.def(
      "to_json",
      [to_dict](const T& self, const py::object& indent) {
        return json_dumps(to_dict(self), indent);
      },
      py::arg("indent") = py::none(),
      (std::string("The ") + what + " as JSON text.\n\n:rtype: str").c_str());
}

template <typename T, py::dict (*F)(const T&)>
py::object as_object(const T& value) {
  return F(value);
}

// ---------------------------------------------------------------------------------------------
// Engine

kyc::FaceMatchOptions make_options(std::optional<double> distance_threshold,
                                   std::optional<double> similarity_threshold,
                                   std::optional<std::string> operating_point) {
  kyc::FaceMatchOptions options;
  options.distance_threshold = distance_threshold;
  options.similarity_threshold = similarity_threshold;
  options.operating_point = std::move(operating_point);
  return options;
}

py::list embeddings_to_python(const std::vector<kyc::Embedding>& embeddings) {
  py::list out;
  for (const auto& embedding : embeddings) {
    py::array_t<float> array(static_cast<py::ssize_t>(embedding.size()));
    if (!embedding.empty()) {
      std::memcpy(array.mutable_data(), embedding.data(), embedding.size() * sizeof(float));
    }
    out.append(std::move(array));
  }
  return out;
}

py::dict engine_info(const kyc::Engine& engine) {
  const kyc::FaceAnalyzer& analyzer = engine.face_analyzer();
  const kyc::FaceComparer& comparer = engine.face_comparer();
  const std::vector<kyc::OperatingPoint> points = comparer.operating_points();
  const std::string calibration = comparer.calibration_source();
  py::list point_list;
  for (const auto& p : points) {
    point_list.append(py::dict(py::arg("name") = p.name, py::arg("distance") = p.distance,
                               py::arg("similarity") = comparer.similarity(p.distance),
                               py::arg("fmr") = p.fmr, py::arg("fnmr") = p.fnmr));
  }
  return py::dict(py::arg("analyzer") = py::dict(py::arg("name") = analyzer.name(),
                                                 py::arg("model") = analyzer.model()),
                  py::arg("comparer") = py::dict(py::arg("name") = comparer.name(),
                                                 py::arg("model") = comparer.model()),
                  py::arg("operating_points") = point_list, py::arg("calibration") = calibration);
}

}  // namespace

namespace kyc_python {
void bind_documents(py::module_& m);
void bind_cheques(py::module_& m);
kyc::PresentmentStore* presentment_store_arg(const py::object& store,
                                             std::unique_ptr<kyc::PresentmentStore>& holder);
}

PYBIND11_MODULE(_kyc, m) {
  m.doc() =
      "Native core of the kyc package (identity verification: face match with evidence). Use the "
      "`kyc` package, not this module directly.";

  py::register_local_exception_translator(&translate_exception);

  m.attr("__version__") = kyc::version();
  m.attr("SCHEMA_VERSION") = kyc::kReportSchemaVersion;
  m.attr("HAVE_DLIB") = static_cast<bool>(KYC_HAVE_DLIB);
  m.attr("HAVE_AWS") = static_cast<bool>(KYC_HAVE_AWS);
  m.def("version", &kyc::version, "The native library's version, e.g. \"0.1.0\".\n\n:rtype: str");
  m.def("build_info", &kyc::build_info,
        "What this build uses: dlib version, BLAS, SIMD flags, OpenCV version.\n\n:rtype: str");
  m.def("available_backends", &kyc::available_backends,
        "Names of all registered backends, e.g. ['face_analyzer:dlib', 'face_comparer:dlib'].\n\n"
        ":rtype: list[str]");

  // --- value types -----------------------------------------------------------------------------
  py::class_<kyc::Point> point_cls(m, "Point", "A point in image pixels (x right, y down).");
  point_cls.def_readonly("x", &kyc::Point::x)
      .def_readonly("y", &kyc::Point::y)
      .def("__repr__", [](const kyc::Point& p) {
        return "Point(x=" + fmt(p.x, 1) + ", y=" + fmt(p.y, 1) + ")";
      });
  add_dict_methods(point_cls, &as_object<kyc::Point, point_dict>, "point");

  py::class_<kyc::Rect> rect_cls(m, "Rect", "A box in image pixels (x, y: top-left corner).");
  rect_cls.def_readonly("x", &kyc::Rect::x)
      .def_readonly("y", &kyc::Rect::y)
      .def_readonly("width", &kyc::Rect::width)
      .def_readonly("height", &kyc::Rect::height)
      .def_property_readonly("area", &kyc::Rect::area)
      .def("__repr__", &rect_repr);
  add_dict_methods(rect_cls, &as_object<kyc::Rect, rect_dict>, "box");

  py::class_<kyc::Pose> pose_cls(
      m, "Pose",
      "Head pose in degrees (yaw > 0: subject turns to their left; pitch > "
      "0: chin up; roll > 0: clockwise in the image).");
  pose_cls.def_readonly("yaw", &kyc::Pose::yaw)
      .def_readonly("pitch", &kyc::Pose::pitch)
      .def_readonly("roll", &kyc::Pose::roll)
      .def_readonly("method", &kyc::Pose::method)
      .def("__repr__", [](const kyc::Pose& p) {
        return "Pose(yaw=" + fmt(p.yaw, 1) + ", pitch=" + fmt(p.pitch, 1) +
               ", roll=" + fmt(p.roll, 1) + ", method='" + p.method + "')";
      });
  add_dict_methods(pose_cls, &as_object<kyc::Pose, pose_dict>, "pose");

  py::class_<kyc::Face> face_cls(m, "Face",
                                 "A detected face: box, confidence, landmarks and pose.");
  face_cls.def_readonly("box", &kyc::Face::box)
      .def_readonly("confidence", &kyc::Face::confidence)
      .def_readonly("detector_score", &kyc::Face::detector_score)
      .def_property_readonly(
          "landmark_scheme", [](const kyc::Face& f) { return landmark_scheme_name(f.scheme); },
          "\"none\", \"dlib5\" or \"dlib68\".")
      .def_readonly("landmarks", &kyc::Face::landmarks)
      .def_readonly("pose", &kyc::Face::pose)
      .def("eye_right", &kyc::Face::eye_right,
           "The subject's right eye centre (image left); needs landmarks.\n\n:rtype: Point")
      .def("eye_left", &kyc::Face::eye_left,
           "The subject's left eye centre (image right); needs landmarks.\n\n:rtype: Point")
      .def("inter_eye_distance", &kyc::Face::inter_eye_distance, ":rtype: float")
      .def("__repr__", [](const kyc::Face& f) {
        return "Face(box=" + rect_repr(f.box) + ", confidence=" + fmt(f.confidence, 3) +
               ", landmarks=" + std::to_string(f.landmarks.size()) + ")";
      });
  add_dict_methods(face_cls, &face_dict, "face");

  py::class_<kyc::StageTimings> timings_cls(m, "StageTimings",
                                            "Per-stage wall-clock timings in milliseconds.");
  timings_cls.def_readonly("decode_ms", &kyc::StageTimings::decode_ms)
      .def_readonly("detect_ms", &kyc::StageTimings::detect_ms)
      .def_readonly("landmarks_ms", &kyc::StageTimings::landmarks_ms)
      .def_readonly("embed_ms", &kyc::StageTimings::embed_ms)
      .def_readonly("match_ms", &kyc::StageTimings::match_ms)
      .def_readonly("total_ms", &kyc::StageTimings::total_ms)
      .def("__repr__", [](const kyc::StageTimings& t) {
        return "StageTimings(decode_ms=" + fmt(t.decode_ms) + ", detect_ms=" + fmt(t.detect_ms) +
               ", landmarks_ms=" + fmt(t.landmarks_ms) + ", embed_ms=" + fmt(t.embed_ms) +
               ", match_ms=" + fmt(t.match_ms) + ", total_ms=" + fmt(t.total_ms) + ")";
      });
  add_dict_methods(timings_cls, &as_object<kyc::StageTimings, timings_dict>, "timings");

  py::class_<kyc::ImageInfo> info_cls(m, "ImageInfo",
                                      "What decoding found out about an input image.");
  info_cls
      .def_property_readonly(
          "format", [](const kyc::ImageInfo& i) { return kyc::image_format_name(i.format); },
          "\"jpeg\", \"png\", ..., \"raw\" (pixels given directly) or \"unknown\".")
      .def_readonly("width", &kyc::ImageInfo::width)
      .def_readonly("height", &kyc::ImageInfo::height)
      .def_readonly("exif_orientation", &kyc::ImageInfo::exif_orientation)
      .def_readonly("encoded_bytes", &kyc::ImageInfo::encoded_bytes)
      .def("__repr__", [](const kyc::ImageInfo& i) {
        return std::string("ImageInfo(format='") + kyc::image_format_name(i.format) +
               "', width=" + std::to_string(i.width) + ", height=" + std::to_string(i.height) +
               ", exif_orientation=" + std::to_string(i.exif_orientation) + ")";
      });
  add_dict_methods(info_cls, &as_object<kyc::ImageInfo, image_info_dict>, "image information");

  py::class_<kyc::Decision> decision_cls(m, "Decision", "How the match decision was taken.");
  decision_cls.def_readonly("operating_point", &kyc::Decision::operating_point)
      .def_readonly("distance_threshold", &kyc::Decision::distance_threshold)
      .def_readonly("similarity_threshold", &kyc::Decision::similarity_threshold)
      .def_readonly("fmr", &kyc::Decision::fmr)
      .def_readonly("calibration", &kyc::Decision::calibration)
      .def("__repr__", [](const kyc::Decision& d) {
        return "Decision(operating_point='" + d.operating_point +
               "', distance_threshold=" + fmt(d.distance_threshold, 4) +
               ", similarity_threshold=" + fmt(d.similarity_threshold) + ")";
      });
  add_dict_methods(decision_cls, &as_object<kyc::Decision, decision_dict>, "decision");

  py::class_<kyc::ComparedFace> compared_cls(m, "ComparedFace",
                                             "A target face compared with the source face.");
  compared_cls.def_readonly("face", &kyc::ComparedFace::face)
      .def_property_readonly(
          "distance", [](const kyc::ComparedFace& c) { return measured(c.distance); },
          "L2 distance to the source face; None when nothing was compared.")
      .def_property_readonly(
          "similarity", [](const kyc::ComparedFace& c) { return measured(c.similarity); },
          "Similarity 0..100; None when nothing was compared.")
      .def_readonly("match", &kyc::ComparedFace::match)
      .def("__repr__", [](const kyc::ComparedFace& c) {
        return "ComparedFace(distance=" + fmt(c.distance, 4) + ", similarity=" + fmt(c.similarity) +
               ", match=" + (c.match ? "True" : "False") + ")";
      });
  add_dict_methods(compared_cls, &as_object<kyc::ComparedFace, compared_face_dict>,
                   "compared face");

  py::class_<kyc::FaceMatchResult> result_cls(
      m, "FaceMatchResult",
      "Outcome of a face match, with evidence (faces, distances, thresholds, timings).");
  result_cls
      .def_property_readonly(
          "status",
          [](const kyc::FaceMatchResult& r) { return kyc::face_match_status_name(r.status); },
          "\"match\", \"no_match\", \"no_face_in_source\" or \"no_face_in_target\".")
      .def_property_readonly("is_match", &kyc::FaceMatchResult::is_match)
      .def_property_readonly("similarity", &kyc::FaceMatchResult::best_similarity,
                             "Best similarity (0..100) over all target faces; 0 when none.")
      .def_property_readonly(
          "distance",
          [](const kyc::FaceMatchResult& r) -> std::optional<double> {
            std::optional<double> best;
            // Without a face on both sides nothing was compared (the target faces listed in
            // `unmatched` then carry no distance).
            if (r.status == kyc::FaceMatchStatus::no_face_in_source ||
                r.status == kyc::FaceMatchStatus::no_face_in_target) {
              return best;
            }
            for (const auto* list : {&r.matches, &r.unmatched}) {
              for (const auto& c : *list) {
                if (!best || c.distance < *best) best = c.distance;
              }
            }
            return best;
          },
          "Smallest L2 distance over the compared target faces; None when nothing was compared.")
      .def_readonly("source_face", &kyc::FaceMatchResult::source_face)
      .def_readonly("source_face_count", &kyc::FaceMatchResult::source_face_count)
      .def_readonly("matches", &kyc::FaceMatchResult::matches)
      .def_readonly("unmatched", &kyc::FaceMatchResult::unmatched)
      .def_readonly("decision", &kyc::FaceMatchResult::decision)
      .def_readonly("source_image", &kyc::FaceMatchResult::source_image)
      .def_readonly("target_image", &kyc::FaceMatchResult::target_image)
      .def_readonly("analyzer", &kyc::FaceMatchResult::analyzer)
      .def_readonly("comparer", &kyc::FaceMatchResult::comparer)
      .def_readonly("analyzer_model", &kyc::FaceMatchResult::analyzer_model)
      .def_readonly("comparer_model", &kyc::FaceMatchResult::comparer_model)
      .def_readonly("timings", &kyc::FaceMatchResult::timings)
      .def_property_readonly("schema_version",
                             [](const kyc::FaceMatchResult&) { return kyc::kReportSchemaVersion; })
      .def(
          "to_json",
          [](const kyc::FaceMatchResult& r, std::optional<int> indent) {
            return r.to_json(indent.value_or(-1));
          },
          py::arg("indent") = py::none(),
          "The JSON report (with schema_version); compact unless indent is given.\n\n:rtype: str")
      .def(
          "to_dict", [](const kyc::FaceMatchResult& r) { return json_loads(r.to_json()); },
          "The JSON report as a dict.\n\n:rtype: dict")
      .def("__repr__", [](const kyc::FaceMatchResult& r) {
        return std::string("FaceMatchResult(status='") + kyc::face_match_status_name(r.status) +
               "', similarity=" + fmt(r.best_similarity()) +
               ", matches=" + std::to_string(r.matches.size()) +
               ", unmatched=" + std::to_string(r.unmatched.size()) + ")";
      });

  kyc_python::bind_documents(m);
  kyc_python::bind_cheques(m);

  // --- passport-photo check -------------------------------------------------------------------
  py::class_<kyc::RuleResult> rule_cls(m, "RuleResult",
                                       "One photo rule: measured value, thresholds, verdict, "
                                       "message for the applicant.");
  rule_cls.def_readonly("id", &kyc::RuleResult::id)
      .def_property_readonly(
          "status", [](const kyc::RuleResult& r) { return kyc::rule_status_name(r.status); },
          "\"pass\", \"fail\" or \"unable_to_assess\".")
      .def_property_readonly(
          "value",
          [](const kyc::RuleResult& r) -> std::optional<double> {
            if (std::isnan(r.value)) return std::nullopt;
            return r.value;
          },
          "The measurement; None when it could not be measured.")
      .def_readonly("unit", &kyc::RuleResult::unit)
      .def_property_readonly("min", [](const kyc::RuleResult& r) { return r.thresholds.min; })
      .def_property_readonly("max", [](const kyc::RuleResult& r) { return r.thresholds.max; })
      .def_property_readonly("source", [](const kyc::RuleResult& r) { return r.thresholds.source; })
      .def_readonly("reason", &kyc::RuleResult::reason)
      .def_readonly("message", &kyc::RuleResult::message)
      .def_readonly("method", &kyc::RuleResult::method)
      .def("__repr__", [](const kyc::RuleResult& r) {
        return "RuleResult(id='" + r.id + "', status='" + kyc::rule_status_name(r.status) +
               "', value=" + (std::isnan(r.value) ? std::string("None") : fmt(r.value, 4)) +
               ", reason='" + r.reason + "')";
      });

  py::class_<kyc::PhotoCheckResult> photo_cls(
      m, "PhotoCheckResult", "Passport-photo verdict with one RuleResult per profile rule.");
  photo_cls
      .def_property_readonly(
          "verdict",
          [](const kyc::PhotoCheckResult& r) { return kyc::photo_verdict_name(r.verdict); },
          "\"compliant\", \"non_compliant\" or \"unable_to_assess\".")
      .def_property_readonly(
          "is_compliant",
          [](const kyc::PhotoCheckResult& r) { return r.verdict == kyc::PhotoVerdict::compliant; })
      .def_readonly("decided_by", &kyc::PhotoCheckResult::decided_by)
      .def_readonly("profile", &kyc::PhotoCheckResult::profile)
      .def_readonly("rules", &kyc::PhotoCheckResult::rules)
      .def_readonly("face_count", &kyc::PhotoCheckResult::face_count)
      .def_readonly("face", &kyc::PhotoCheckResult::face)
      .def_readonly("image", &kyc::PhotoCheckResult::image)
      .def_readonly("timings", &kyc::PhotoCheckResult::timings)
      .def(
          "rule",
          [](const kyc::PhotoCheckResult& r,
             const std::string& id) -> std::optional<kyc::RuleResult> {
            const kyc::RuleResult* found = r.rule(id);
            if (found == nullptr) return std::nullopt;
            return *found;
          },
          py::arg("id"), "The rule with this id, or None when the profile does not check it.")
      .def_property_readonly(
          "failed",
          [](const kyc::PhotoCheckResult& r) {
            std::vector<kyc::RuleResult> out;
            for (const auto& rule : r.rules) {
              if (rule.status == kyc::RuleStatus::fail) out.push_back(rule);
            }
            return out;
          },
          "The failing rules, in report order.")
      .def(
          "to_json",
          [](const kyc::PhotoCheckResult& r, std::optional<int> indent) {
            return r.to_json(indent.value_or(-1));
          },
          py::arg("indent") = py::none())
      .def("to_dict", [](const kyc::PhotoCheckResult& r) { return json_loads(r.to_json()); })
      .def("__repr__", [](const kyc::PhotoCheckResult& r) {
        int failed = 0;
        for (const auto& rule : r.rules) failed += rule.status == kyc::RuleStatus::fail;
        return std::string("PhotoCheckResult(verdict='") + kyc::photo_verdict_name(r.verdict) +
               "', profile='" + r.profile + "', failed=" + std::to_string(failed) + ")";
      });

  m.def("photo_profile_names", &kyc::PhotoProfile::builtin_names,
        "Names of the built-in photo profiles.\n\n:rtype: list[str]");
  m.def(
      "photo_profile_json",
      [](const std::string& name) { return kyc::PhotoProfile::builtin(name).to_json(2); },
      py::arg("name"), "A built-in profile as JSON text, to copy and adapt.\n\n:rtype: str");
  m.def("photo_rule_ids", &kyc::photo_rule_ids, "Every photo rule id, in report order.");

  // --- the engine ------------------------------------------------------------------------------
  py::class_<kyc::Engine>(m, "_Engine",
                          "The native engine; use kyc.Engine, which builds its JSON config.")
      .def(py::init([](const std::string& config_json) {
             kyc::Config config = kyc::Config::from_json(config_json);
             py::gil_scoped_release release;  // model loading takes a while
             return std::make_unique<kyc::Engine>(std::move(config));
           }),
           py::arg("config_json"))
      .def("config_json", [](const kyc::Engine& e) { return e.config().to_json(); })
      .def("info", &engine_info)
      .def(
          "face_match",
          [](const kyc::Engine& e, const py::object& source, const py::object& target,
             std::optional<double> distance_threshold, std::optional<double> similarity_threshold,
             std::optional<std::string> operating_point, bool rgb) {
            const ConvertedImage src = to_image_input(source, rgb, "source", e.config().limits);
            const ConvertedImage tgt = to_image_input(target, rgb, "target", e.config().limits);
            const kyc::FaceMatchOptions options =
                make_options(distance_threshold, similarity_threshold, std::move(operating_point));
            std::optional<kyc::FaceMatchResult> outcome;
            {
              py::gil_scoped_release release;
              outcome.emplace(e.face_match(src.get(), tgt.get(), options));
            }
            return std::move(*outcome);
          },
          py::arg("source"), py::arg("target"), py::arg("distance_threshold") = py::none(),
          py::arg("similarity_threshold") = py::none(), py::arg("operating_point") = py::none(),
          py::arg("rgb") = false)
      .def(
          "check_photo",
          [](const kyc::Engine& e, const py::object& image, const std::string& profile, bool rgb,
             std::optional<std::string> annotate) -> py::object {
            const ConvertedImage input = to_image_input(image, rgb, "image", e.config().limits);
            // A profile given as JSON text starts with '{'; otherwise it is a built-in name.
            const bool is_json = profile.find('{') != std::string::npos;
            kyc::AnnotationFormat format = kyc::AnnotationFormat::png;
            if (annotate && *annotate != "png") {
              if (*annotate != "jpeg" && *annotate != "jpg") {
                throw py::value_error("annotate: expected \"png\" or \"jpeg\", got \"" + *annotate +
                                      "\"");
              }
              format = kyc::AnnotationFormat::jpeg;
            }
            std::optional<kyc::PhotoCheckResult> outcome;
            std::vector<std::uint8_t> picture;
            {
              py::gil_scoped_release release;
              const kyc::PhotoProfile chosen = is_json ? kyc::PhotoProfile::from_json(profile)
                                                       : kyc::PhotoProfile::builtin(profile);
              if (!annotate) {
                outcome.emplace(e.check_photo(input.get(), chosen));
              } else if (input.get().kind() == kyc::ImageInput::Kind::view) {
                outcome.emplace(e.check_photo(input.get(), chosen));
                picture = kyc::annotate_photo(input.get().view(), *outcome, chosen, format);
              } else {
                // Decode once: the same pixels are checked and drawn on.
                const kyc::Image decoded = e.decode(input.get());
                outcome.emplace(e.check_photo(input.get(), chosen));
                picture = kyc::annotate_photo(decoded.view(), *outcome, chosen, format);
              }
            }
            if (!annotate) return py::cast(std::move(*outcome));
            return py::object(py::make_tuple(
                std::move(*outcome),
                py::bytes(reinterpret_cast<const char*>(picture.data()), picture.size())));
          },
          py::arg("image"), py::arg("profile"), py::arg("rgb") = false,
          py::arg("annotate") = py::none())
      .def(
          "read_document",
          [](const kyc::Engine& e, const py::object& front, const py::object& back, bool rgb) {
            const ConvertedImage first = to_image_input(front, rgb, "front", e.config().limits);
            std::optional<ConvertedImage> second;
            if (!back.is_none())
              second.emplace(to_image_input(back, rgb, "back", e.config().limits));
            py::gil_scoped_release release;
            return second ? e.read_document(first.get(), second->get())
                          : e.read_document(first.get());
          },
          py::arg("front"), py::arg("back") = py::none(), py::arg("rgb") = false)
      .def(
          "read_cheque",
          [](const kyc::Engine& e, const py::object& image, bool rgb, const py::object& store,
             std::optional<std::string> as_of, std::optional<int> stale_after_days,
             std::optional<int> postdated_tolerance_days) {
            const ConvertedImage input = to_image_input(image, rgb, "image", e.config().limits);
            std::unique_ptr<kyc::PresentmentStore> holder;
            kyc::ChequeOptions options;
            options.presentment_store = kyc_python::presentment_store_arg(store, holder);
            options.as_of = as_of.value_or("");
            options.stale_after_days = stale_after_days;
            options.postdated_tolerance_days = postdated_tolerance_days;
            py::gil_scoped_release release;
            return e.read_cheque(input.get(), options);
          },
          py::arg("image"), py::arg("rgb") = false, py::arg("presentment_store") = py::none(),
          py::arg("as_of") = py::none(), py::arg("stale_after_days") = py::none(),
          py::arg("postdated_tolerance_days") = py::none())
      .def(
          "read_micr",
          [](const kyc::Engine& e, const py::object& image, bool rgb,
             std::optional<std::string> as_of) {
            const ConvertedImage input = to_image_input(image, rgb, "image", e.config().limits);
            kyc::ChequeOptions options;
            options.as_of = as_of.value_or("");
            py::gil_scoped_release release;
            return e.read_micr(input.get(), options);
          },
          py::arg("image"), py::arg("rgb") = false, py::arg("as_of") = py::none())
      .def(
          "check_consistency",
          [](const kyc::Engine& e, const kyc::ApplicantRecord& applicant,
             const std::vector<kyc::DocumentRead>& documents) {
            py::gil_scoped_release release;
            return e.check_consistency(applicant, documents);
          },
          py::arg("applicant"), py::arg("documents"))
      .def(
          "verify_package",
          [](const kyc::Engine& e, const py::bytes& zip) {
            const std::string bytes = zip;
            py::gil_scoped_release release;
            return e.verify_package(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                    bytes.size());
          },
          py::arg("zip"))
      .def(
          "detect_faces",
          [](const kyc::Engine& e, const py::object& image, bool rgb) {
            const ConvertedImage input = to_image_input(image, rgb, "image", e.config().limits);
            std::vector<kyc::Face> faces;
            {
              py::gil_scoped_release release;
              faces = e.detect_faces(input.get());
            }
            return faces;
          },
          py::arg("image"), py::arg("rgb") = false)
      .def(
          "face_embeddings",
          [](const kyc::Engine& e, const py::object& image, const py::object& faces, bool rgb) {
            const ConvertedImage input = to_image_input(image, rgb, "image", e.config().limits);
            std::optional<std::vector<kyc::Face>> given;
            if (!faces.is_none()) {
              try {
                given = faces.cast<std::vector<kyc::Face>>();
              } catch (const py::cast_error&) {
                throw py::type_error(
                    "faces: expected a list of kyc.Face (from detect_faces), got " +
                    type_name(faces));
              }
            }
            std::vector<kyc::Embedding> embeddings;
            {
              py::gil_scoped_release release;
              if (given) {
                embeddings = e.face_embeddings(input.get(), *given);
              } else if (input.get().kind() == kyc::ImageInput::Kind::view) {
                embeddings = e.face_embeddings(input.get(), e.detect_faces(input.get()));
              } else {
                // Decode once for both detection and embedding.
                const kyc::Image decoded = e.decode(input.get());
                const kyc::ImageInput view(decoded);
                embeddings = e.face_embeddings(view, e.detect_faces(view));
              }
            }
            return embeddings_to_python(embeddings);
          },
          py::arg("image"), py::arg("faces") = py::none(), py::arg("rgb") = false);
}
