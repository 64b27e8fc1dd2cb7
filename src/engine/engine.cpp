#include "kyc/engine.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>

#include "engine/onboarding.hpp"
#include "engine/registry.hpp"
#include "engine/timing.hpp"
#include "image/probe.hpp"
#include "kyc/error.hpp"
#include "kyc/models.hpp"
#include "photo/measure.hpp"

namespace kyc {
namespace {

using detail::Clock;
using detail::ms_since;

// kyc::Error is the one exception type the API throws: anything else escaping a backend (OpenCV,
// dlib, the standard library) becomes Error(internal) naming the operation.
template <typename F>
auto guarded(const char* operation, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw Error(ErrorCode::internal, std::string(operation) + ": out of memory");
  } catch (const std::exception& e) {
    throw Error(ErrorCode::internal, std::string(operation) + ": " + e.what());
  } catch (...) {
    throw Error(ErrorCode::internal, std::string(operation) + ": unknown failure");
  }
}

// A decoded image, or the caller's pixels when they were given as a view.
struct Decoded {
  Image owned;
  ImageView view;
  ImageInfo info;
};

}  // namespace

struct Engine::Impl {
  Config config;
  std::shared_ptr<FaceAnalyzer> analyzer;
  std::shared_ptr<FaceComparer> comparer;
  std::unique_ptr<detail::DocumentServices> documents;

  // Photo checks want 68-point landmarks; that model (~100 MB) is loaded on the first check, so
  // engines that only match faces never pay for it.
  mutable std::once_flag photo_once;
  mutable std::shared_ptr<FaceAnalyzer> photo_analyzer;

  // Cheque OCR models (E-13B + eng) are loaded on the first cheque; a failed load is retried.
  mutable std::once_flag cheque_once;
  mutable std::unique_ptr<ChequeReader> cheque_reader;

  const ChequeReader& cheques() const {
    std::call_once(cheque_once, [this] {
      ChequeReaderOptions options;
      options.micr_model = config.cheque.micr_model;
      options.tessdata_dir = config.document.tessdata_dir;
      options.limits = config.limits;
      cheque_reader = std::make_unique<ChequeReader>(std::move(options));
    });
    return *cheque_reader;
  }

  ChequeOptions cheque_options(ChequeOptions options) const {
    if (!options.stale_after_days) options.stale_after_days = config.cheque.stale_after_days;
    if (!options.postdated_tolerance_days) {
      options.postdated_tolerance_days = config.cheque.postdated_tolerance_days;
    }
    if (options.as_of.empty()) options.as_of = config.cheque.as_of;
    return options;
  }

  const FaceAnalyzer& photo_face_analyzer() const {
    std::call_once(photo_once, [this] {
      photo_analyzer = analyzer;
      if (config.face.landmarks == 68 ||
          (config.face.analyzer != "dlib" && config.face.analyzer != "local.dlib")) {
        return;  // already 68 points, or a backend with its own landmarks
      }
      Config with68 = config;
      with68.face.landmarks = 68;
      try {
        photo_analyzer =
            detail::find_face_analyzer(with68.face.analyzer)(with68, ModelLocator(with68));
      } catch (const Error& e) {
        if (e.code() != ErrorCode::model_not_found) throw;
        // Degrade to 5 points: the rules that need 68 say so in their results.
      }
    });
    return *photo_analyzer;
  }

  PhotoCheckResult check_photo(const ImageInput& photo, const PhotoProfile& profile) const {
    const FaceAnalyzer& photo_analyzer_ref = photo_face_analyzer();  // first call loads models
    const auto start = Clock::now();
    auto t = Clock::now();
    const Decoded image = decode(photo);
    const double decode_ms = ms_since(t);
    StageTimings timings;
    timings.decode_ms = decode_ms;
    const std::vector<Face> faces = photo_analyzer_ref.analyze(image.view, &timings);
    t = Clock::now();
    PhotoCheckResult result = detail::measure_photo(image.view, image.info, faces, profile);
    result.rules_ms = ms_since(t);
    result.analyzer = photo_analyzer_ref.name();
    result.analyzer_model = photo_analyzer_ref.model();
    timings.total_ms = ms_since(start);
    result.timings = timings;
    return result;
  }

  Decoded decode(const ImageInput& input) const {
    Decoded d;
    switch (input.kind()) {
      case ImageInput::Kind::view:
        d.view = input.view();
        if (d.view.empty()) throw Error(ErrorCode::invalid_argument, "image: empty view");
        d.info.format = ImageFormat::raw;
        d.info.width = d.view.width();
        d.info.height = d.view.height();
        detail::check_image_limits(d.info, config.limits);
        return d;
      case ImageInput::Kind::bytes:
        d.owned = decode_image(input.bytes(), input.size(), config.limits);
        break;
      case ImageInput::Kind::path:
        d.owned = load_image(input.path(), config.limits);
        break;
    }
    d.view = d.owned.view();
    d.info = d.owned.info();
    return d;
  }

  OperatingPoint operating_point(const std::string& name) const {
    for (const auto& p : comparer->operating_points()) {
      if (p.name == name) return p;
    }
    throw Error(ErrorCode::invalid_argument, "face match: unknown operating point '" + name +
                                                 "' (default, fmr1e-2, fmr1e-3, fmr1e-4)");
  }

  FaceMatchResult face_match(const ImageInput& source, const ImageInput& target,
                             const FaceMatchOptions& options) const;

  // Fills `result` from a comparer's own image-pair comparison, with the same statuses, ordering
  // and threshold semantics as the embedding path.
  void compare_pair(const Decoded& src, const Decoded& dst, FaceMatchResult& result) const {
    ImagePairComparison pair = comparer->compare_images(
        src.view, dst.view, result.decision.similarity_threshold, &result.timings);
    result.backend_request_ids = std::move(pair.request_ids);
    result.source_face_count = pair.source_face_count;
    result.source_face = std::move(pair.source_face);
    const double not_compared = std::numeric_limits<double>::quiet_NaN();
    if (!result.source_face || pair.target_faces.empty()) {
      result.status = !result.source_face ? FaceMatchStatus::no_face_in_source
                                          : FaceMatchStatus::no_face_in_target;
      for (auto& face : pair.target_faces) {
        result.unmatched.push_back({std::move(face), not_compared, not_compared, false});
      }
      return;
    }
    std::vector<ComparedFace> compared;
    for (std::size_t i = 0; i < pair.target_faces.size(); ++i) {
      ComparedFace c;
      c.similarity = i < pair.similarities.size() ? pair.similarities[i] : not_compared;
      c.distance = std::isfinite(c.similarity) ? comparer->distance_for_similarity(c.similarity)
                                               : not_compared;
      c.match = std::isfinite(c.similarity) && c.similarity >= result.decision.similarity_threshold;
      c.face = std::move(pair.target_faces[i]);
      compared.push_back(std::move(c));
    }
    // Best first; faces without a score last.
    std::stable_sort(
        compared.begin(), compared.end(), [](const ComparedFace& a, const ComparedFace& b) {
          const bool fa = std::isfinite(a.similarity), fb = std::isfinite(b.similarity);
          if (fa != fb) return fa;
          return fa && a.similarity > b.similarity;
        });
    for (auto& c : compared) (c.match ? result.matches : result.unmatched).push_back(std::move(c));
    result.status = result.matches.empty() ? FaceMatchStatus::no_match : FaceMatchStatus::match;
  }

  Decision decide(const FaceMatchOptions& options) const {
    const int given = options.distance_threshold.has_value() +
                      options.similarity_threshold.has_value() +
                      options.operating_point.has_value();
    if (given > 1) {
      throw Error(ErrorCode::invalid_argument,
                  "face match: give at most one of distance_threshold, similarity_threshold, "
                  "operating_point");
    }
    Decision decision;
    decision.calibration = comparer->calibration_source();
    if (options.distance_threshold) {
      const double t = *options.distance_threshold;
      if (!(t > 0 && t < 10)) {
        throw Error(ErrorCode::invalid_argument,
                    "face match: distance_threshold must be a number in (0, 10)");
      }
      decision.operating_point = "custom";
      decision.distance_threshold = t;
      decision.similarity_threshold = comparer->similarity(t);
      return decision;
    }
    if (options.similarity_threshold) {
      const double s = *options.similarity_threshold;
      if (!(s >= 0 && s <= 100)) {
        throw Error(ErrorCode::invalid_argument,
                    "face match: similarity_threshold must be a number in [0, 100]");
      }
      decision.operating_point = "custom";
      decision.similarity_threshold = s;
      decision.distance_threshold = comparer->distance_for_similarity(s);
      return decision;
    }
    const OperatingPoint point =
        operating_point(options.operating_point.value_or(config.face.operating_point));
    decision.operating_point = point.name;
    decision.distance_threshold = point.distance;
    decision.similarity_threshold = comparer->similarity(point.distance);
    decision.fmr = point.fmr;
    return decision;
  }
};

Engine::Engine(Config config) : impl_(std::make_unique<Impl>()) {
  guarded("engine", [&] {
    config.validate();
    impl_->config = std::move(config);
    const ModelLocator models(impl_->config);
    impl_->analyzer =
        detail::find_face_analyzer(impl_->config.face.analyzer)(impl_->config, models);
    impl_->comparer =
        detail::find_face_comparer(impl_->config.face.comparer)(impl_->config, models);
    impl_->documents = std::make_unique<detail::DocumentServices>(impl_->config);
  });
}

Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

const Config& Engine::config() const {
  return impl_->config;
}
const FaceAnalyzer& Engine::face_analyzer() const {
  return *impl_->analyzer;
}
const FaceComparer& Engine::face_comparer() const {
  return *impl_->comparer;
}

PhotoCheckResult Engine::check_photo(const ImageInput& photo, const std::string& profile) const {
  return guarded("check_photo",
                 [&] { return impl_->check_photo(photo, PhotoProfile::builtin(profile)); });
}

PhotoCheckResult Engine::check_photo(const ImageInput& photo, const PhotoProfile& profile) const {
  return guarded("check_photo", [&] { return impl_->check_photo(photo, profile); });
}

DocumentReadResult Engine::read_document(const ImageInput& front) const {
  return guarded("read_document", [&] {
    const Decoded side = impl_->decode(front);
    return impl_->documents->read(side.view, nullptr);
  });
}

DocumentReadResult Engine::read_document(const ImageInput& front, const ImageInput& back) const {
  return guarded("read_document", [&] {
    const Decoded first = impl_->decode(front);
    const Decoded second = impl_->decode(back);
    return impl_->documents->read(first.view, &second.view);
  });
}

ChequeReadResult Engine::read_cheque(const ImageInput& cheque, const ChequeOptions& options) const {
  return guarded("read_cheque", [&] {
    return impl_->cheques().read_cheque(cheque, impl_->cheque_options(options));
  });
}

MicrReadResult Engine::read_micr(const ImageInput& line, const ChequeOptions& options) const {
  return guarded("read_micr",
                 [&] { return impl_->cheques().read_micr(line, impl_->cheque_options(options)); });
}

ConsistencyResult Engine::check_consistency(const ApplicantRecord& applicant,
                                            const std::vector<DocumentRead>& documents) const {
  return guarded("check_consistency", [&] {
    return kyc::check_consistency(applicant, documents, impl_->documents->consistency_options());
  });
}

VerificationResult Engine::verify_record(const DocumentFields& fields) const {
  return guarded("verify_record", [&] {
    const RecordVerifier* verifier = impl_->documents->verifier();
    if (verifier == nullptr) {
      throw Error(ErrorCode::backend_unavailable,
                  "verify_record: no record verifier configured (set verifier.url)");
    }
    return verifier->verify(fields);
  });
}

PackageReport Engine::verify_package(const std::uint8_t* zip, std::size_t size) const {
  return guarded("verify_package",
                 [&] { return detail::verify_package(*this, *impl_->documents, zip, size); });
}

Image Engine::decode(const ImageInput& input) const {
  return guarded("decode", [&] {
    switch (input.kind()) {
      case ImageInput::Kind::bytes:
        return decode_image(input.bytes(), input.size(), impl_->config.limits);
      case ImageInput::Kind::path:
        return load_image(input.path(), impl_->config.limits);
      case ImageInput::Kind::view:
        break;
    }
    throw Error(ErrorCode::invalid_argument, "decode: the input is already pixels");
  });
}

std::vector<Face> Engine::detect_faces(const ImageInput& input) const {
  return guarded("detect_faces", [&] {
    const Decoded image = impl_->decode(input);
    return impl_->analyzer->analyze(image.view, nullptr);
  });
}

std::vector<Embedding> Engine::face_embeddings(const ImageInput& input,
                                               const std::vector<Face>& faces) const {
  return guarded("face_embeddings", [&] {
    const Decoded image = impl_->decode(input);
    return impl_->comparer->embed(image.view, faces, nullptr);
  });
}

FaceMatchResult Engine::face_match(const ImageInput& source, const ImageInput& target,
                                   const FaceMatchOptions& options) const {
  return guarded("face_match", [&] { return impl_->face_match(source, target, options); });
}

FaceMatchResult Engine::Impl::face_match(const ImageInput& source, const ImageInput& target,
                                         const FaceMatchOptions& options) const {
  const auto start = Clock::now();
  FaceMatchResult result;
  result.decision = decide(options);  // validate options before any work
  result.analyzer = analyzer->name();
  result.comparer = comparer->name();
  result.analyzer_model = analyzer->model();
  result.comparer_model = comparer->model();

  auto t = Clock::now();
  const Decoded src = decode(source);
  const Decoded dst = decode(target);
  result.timings.decode_ms = ms_since(t);
  result.source_image = src.info;
  result.target_image = dst.info;

  // Backends that compare image pairs themselves (AWS CompareFaces) skip analysis and embeddings.
  if (comparer->compares_image_pairs()) {
    compare_pair(src, dst, result);
    result.timings.total_ms = ms_since(start);
    return result;
  }

  // Both images are always analysed so that a report names every problem at once.
  std::vector<Face> source_faces = analyzer->analyze(src.view, &result.timings);
  std::vector<Face> target_faces = analyzer->analyze(dst.view, &result.timings);
  result.source_face_count = static_cast<int>(source_faces.size());

  if (source_faces.empty() || target_faces.empty()) {
    result.status = source_faces.empty() ? FaceMatchStatus::no_face_in_source
                                         : FaceMatchStatus::no_face_in_target;
    if (!source_faces.empty()) result.source_face = source_faces.front();
    // Nothing was compared: NaN (null in JSON) rather than a distance of 0, which reads
    // "identical".
    const double not_compared = std::numeric_limits<double>::quiet_NaN();
    for (auto& face : target_faces) {
      result.unmatched.push_back({std::move(face), not_compared, not_compared, false});
    }
    result.timings.total_ms = ms_since(start);
    return result;
  }

  result.source_face = source_faces.front();  // largest first
  const std::vector<Embedding> source_embedding =
      comparer->embed(src.view, {source_faces.front()}, &result.timings);
  const std::vector<Embedding> target_embeddings =
      comparer->embed(dst.view, target_faces, &result.timings);

  t = Clock::now();
  std::vector<ComparedFace> compared;
  compared.reserve(target_faces.size());
  for (std::size_t i = 0; i < target_faces.size(); ++i) {
    ComparedFace c;
    c.distance = comparer->distance(source_embedding.front(), target_embeddings[i]);
    c.similarity = comparer->similarity(c.distance);
    c.match = c.distance <= result.decision.distance_threshold;
    c.face = std::move(target_faces[i]);
    compared.push_back(std::move(c));
  }
  std::stable_sort(
      compared.begin(), compared.end(),
      [](const ComparedFace& a, const ComparedFace& b) { return a.distance < b.distance; });
  for (auto& c : compared) (c.match ? result.matches : result.unmatched).push_back(std::move(c));
  result.status = result.matches.empty() ? FaceMatchStatus::no_match : FaceMatchStatus::match;
  result.timings.match_ms = ms_since(t);
  result.timings.total_ms = ms_since(start);
  return result;
}

}  // namespace kyc
