"""The kyc exception hierarchy.

The C++ library throws ``kyc::Error`` with a stable code; the extension module maps each code to
the class below whose ``code`` attribute equals the code's snake_case name. Errors caused by bad
input also derive from :class:`ValueError`, a file that cannot be read also from :class:`OSError`,
so generic ``except ValueError`` handlers keep working.

Messages name the offending input or setting but never contain image data or personal fields.
"""

from __future__ import annotations

from typing import Dict, Type

__all__ = [
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
    "error_class",
]


class Error(Exception):
    """Base class of every error raised by kyc."""

    #: Stable snake_case code of the error (``"invalid_image"``, ...), as used in JSON reports
    #: and by the C ABI.
    code: str = "internal"

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidArgumentError(Error, ValueError):
    """A parameter is out of range, missing or inconsistent (e.g. an image array of wrong shape)."""

    code = "invalid_argument"


class InvalidImageError(Error, ValueError):
    """The bytes are not a decodable image (corrupt, truncated, not an image)."""

    code = "invalid_image"


class UnsupportedFormatError(Error, ValueError):
    """A recognisable image format that kyc does not decode."""

    code = "unsupported_format"


class LimitExceededError(Error, ValueError):
    """The input is larger than a configured limit (encoded bytes, pixels, dimension)."""

    code = "limit_exceeded"


class InvalidConfigError(Error, ValueError):
    """The configuration is malformed: unknown key, wrong type or out-of-range value."""

    code = "invalid_config"


class ModelNotFoundError(Error):
    """A model file could not be located (the message names the file and where it was looked for)."""

    code = "model_not_found"


class BackendUnavailableError(Error):
    """A detector name that is not built in, or a backend that cannot start."""

    code = "backend_unavailable"


class IoError(Error, OSError):
    """A file could not be read."""

    code = "io_error"

    def __init__(self, message: str = "") -> None:
        # OSError's constructor interprets (errno, strerror, ...) tuples; pass the message only.
        OSError.__init__(self, message)
        self.message = message


class InternalError(Error):
    """A bug or an unexpected failure inside kyc or one of its dependencies."""

    code = "internal"


_BY_CODE: Dict[str, Type[Error]] = {
    cls.code: cls
    for cls in (
        InvalidArgumentError,
        InvalidImageError,
        UnsupportedFormatError,
        LimitExceededError,
        InvalidConfigError,
        ModelNotFoundError,
        BackendUnavailableError,
        IoError,
        InternalError,
    )
}


def error_class(code: str) -> Type[Error]:
    """The exception class for a snake_case error code (unknown codes map to InternalError)."""
    return _BY_CODE.get(code, InternalError)
