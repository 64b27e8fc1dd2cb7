"""Type stubs of the kyc package."""

import os
import sys
from typing import Any, Callable, Dict, List, Mapping, Optional, Protocol, Tuple, Union

import numpy
import numpy.typing

from ._errors import BackendUnavailableError as BackendUnavailableError
from ._errors import Error as Error
from ._errors import InternalError as InternalError
from ._errors import InvalidArgumentError as InvalidArgumentError
from ._errors import InvalidConfigError as InvalidConfigError
from ._errors import InvalidImageError as InvalidImageError
from ._errors import IoError as IoError
from ._errors import LimitExceededError as LimitExceededError
from ._errors import ModelNotFoundError as ModelNotFoundError
from ._errors import UnsupportedFormatError as UnsupportedFormatError
from ._kyc import AamvaResult as AamvaResult
from ._kyc import Address as Address
from ._kyc import ApplicantRecord as ApplicantRecord
from ._kyc import ChequeCheck as ChequeCheck
from ._kyc import ChequeReadResult as ChequeReadResult
from ._kyc import InMemoryPresentmentStore as InMemoryPresentmentStore
from ._kyc import MicrField as MicrField
from ._kyc import MicrFields as MicrFields
from ._kyc import MicrReadResult as MicrReadResult
from ._kyc import PresentmentStore as PresentmentStore
from ._kyc import aba_checksum_valid as aba_checksum_valid
from ._kyc import parse_micr_line as parse_micr_line
from ._kyc import presentment_key as presentment_key
from ._kyc import ConsistencyResult as ConsistencyResult
from ._kyc import DocumentFields as DocumentFields
from ._kyc import DocumentRead as DocumentRead
from ._kyc import DocumentReadResult as DocumentReadResult
from ._kyc import MrzResult as MrzResult
from ._kyc import PackageReport as PackageReport
from ._kyc import check_consistency as check_consistency
from ._kyc import load_applicant as load_applicant
from ._kyc import parse_aamva as parse_aamva
from ._kyc import parse_mrz as parse_mrz
from ._kyc import ComparedFace as ComparedFace
from ._kyc import Decision as Decision
from ._kyc import Face as Face
from ._kyc import FaceMatchResult as FaceMatchResult
from ._kyc import ImageInfo as ImageInfo
from ._kyc import PhotoCheckResult as PhotoCheckResult
from ._kyc import RuleResult as RuleResult
from ._kyc import photo_profile_json as photo_profile_json
from ._kyc import photo_profile_names as photo_profile_names
from ._kyc import photo_rule_ids as photo_rule_ids
from ._kyc import Point as Point
from ._kyc import Pose as Pose
from ._kyc import Rect as Rect
from ._kyc import StageTimings as StageTimings
from ._kyc import available_backends as available_backends
from ._kyc import build_info as build_info

if sys.version_info >= (3, 12):
    from collections.abc import Buffer as _Buffer
else:
    _Buffer = Union[bytes, bytearray, memoryview]

__all__ = [
    "Engine",
    "FaceMatchResult",
    "AamvaResult",
    "Address",
    "ApplicantRecord",
    "ConsistencyResult",
    "DocumentFields",
    "DocumentRead",
    "DocumentReadResult",
    "MrzResult",
    "PackageReport",
    "check_consistency",
    "load_applicant",
    "parse_aamva",
    "parse_mrz",
    "PhotoCheckResult",
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

__version__: str
SCHEMA_VERSION: int

class _PILImageLike(Protocol):
    """What kyc uses of a PIL.Image.Image (pillow is optional)."""

    @property
    def mode(self) -> str: ...
    @property
    def size(self) -> Tuple[int, int]: ...
    def convert(self, mode: str) -> Any: ...
    def tobytes(self) -> bytes: ...

#: Every accepted image argument: a path, encoded bytes, a uint8 pixel array (HxW, HxWx3, HxWx4)
#: or a PIL image.
_ImageLike = Union[
    str,
    os.PathLike[str],
    bytes,
    bytearray,
    memoryview,
    numpy.typing.NDArray[numpy.uint8],
    _Buffer,
    _PILImageLike,
]

def packaged_model_dir() -> Optional[str]: ...

class Engine:
    def __init__(
        self,
        *,
        model_dir: Union[str, os.PathLike[str], None] = ...,
        packaged_model_dir: Union[str, os.PathLike[str], None] = ...,
        limits: Mapping[str, int] = ...,
        face: Mapping[str, Union[str, int, float, bool]] = ...,
        document: Mapping[str, Union[str, int, float, bool]] = ...,
        cheque: Mapping[str, Union[str, int]] = ...,
        max_pooled_instances: int = ...,
    ) -> None: ...
    @classmethod
    def from_json(cls, text: str) -> "Engine": ...
    @classmethod
    def from_json_file(cls, path: Union[str, os.PathLike[str]]) -> "Engine": ...
    @property
    def config(self) -> Dict[str, Any]: ...
    @property
    def info(self) -> Dict[str, Any]: ...
    def face_match(
        self,
        source: _ImageLike,
        target: _ImageLike,
        *,
        threshold: Optional[float] = None,
        similarity_threshold: Optional[float] = None,
        operating_point: Optional[str] = None,
        rgb: bool = False,
    ) -> FaceMatchResult: ...
    def check_photo(
        self, image: _ImageLike, profile: Union[str, Dict[str, Any]] = "icao", *, rgb: bool = False
    ) -> PhotoCheckResult: ...
    def annotate_photo(
        self,
        image: _ImageLike,
        profile: Union[str, Dict[str, Any]] = "icao",
        *,
        format: str = "png",
        rgb: bool = False,
    ) -> Tuple[PhotoCheckResult, bytes]: ...
    def read_document(
        self, front: _ImageLike, back: Optional[_ImageLike] = None, *, rgb: bool = False
    ) -> DocumentReadResult: ...
    def read_cheque(
        self,
        image: _ImageLike,
        *,
        rgb: bool = False,
        presentment_store: Union[PresentmentStore, Callable[[str], bool], None] = None,
        as_of: Optional[str] = None,
        stale_after_days: Optional[int] = None,
        postdated_tolerance_days: Optional[int] = None,
    ) -> ChequeReadResult: ...
    def read_micr(
        self, image: _ImageLike, *, rgb: bool = False, as_of: Optional[str] = None
    ) -> MicrReadResult: ...
    def check_consistency(
        self, applicant: Union[ApplicantRecord, str, bytes, Dict[str, Any]], documents: List[DocumentRead]
    ) -> ConsistencyResult: ...
    def verify_package(self, package: Union[bytes, str, os.PathLike[str]]) -> PackageReport: ...
    def detect_faces(self, image: _ImageLike, *, rgb: bool = False) -> List[Face]: ...
    def face_embeddings(
        self, image: _ImageLike, faces: Optional[List[Face]] = None, *, rgb: bool = False
    ) -> List[numpy.typing.NDArray[numpy.float32]]: ...
