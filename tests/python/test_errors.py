"""Misuse and unusable input raise the kyc.Error hierarchy (or TypeError for a wrong type)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import kyc
from testdata import OBAMA

ALL_ERRORS = {
    kyc.InvalidArgumentError: "invalid_argument",
    kyc.InvalidImageError: "invalid_image",
    kyc.UnsupportedFormatError: "unsupported_format",
    kyc.LimitExceededError: "limit_exceeded",
    kyc.InvalidConfigError: "invalid_config",
    kyc.ModelNotFoundError: "model_not_found",
    kyc.BackendUnavailableError: "backend_unavailable",
    kyc.IoError: "io_error",
    kyc.InternalError: "internal",
}


def test_hierarchy():
    for cls, code in ALL_ERRORS.items():
        assert issubclass(cls, kyc.Error)
        assert cls.code == code
    for cls in (
        kyc.InvalidArgumentError,
        kyc.InvalidImageError,
        kyc.UnsupportedFormatError,
        kyc.LimitExceededError,
        kyc.InvalidConfigError,
    ):
        assert issubclass(cls, ValueError)
    assert issubclass(kyc.IoError, OSError)
    for cls in (kyc.ModelNotFoundError, kyc.BackendUnavailableError, kyc.InternalError):
        assert not issubclass(cls, ValueError)
    error = pickle.loads(pickle.dumps(kyc.InvalidImageError("bad")))
    assert isinstance(error, kyc.InvalidImageError) and str(error) == "bad"


def test_garbage_bytes(engine, face_file):
    with pytest.raises(kyc.InvalidImageError) as info:
        engine.face_match(b"this is not an image at all" * 10, face_file(OBAMA))
    assert isinstance(info.value, ValueError)
    assert info.value.code == "invalid_image"
    assert str(info.value)


def test_corrupt_images(engine, face_file):
    data = face_file(OBAMA).read_bytes()
    for corrupt in (
        data[: len(data) // 3],  # truncated JPEG
        data[:600],  # header only
        b"\xff\xd8\xff" + b"junk" * 100,  # JPEG signature, garbage after it
        b"\x89PNG\r\n\x1a\n" + b"junk" * 100,  # PNG signature, garbage after it
    ):
        with pytest.raises(kyc.InvalidImageError) as info:
            engine.face_match(corrupt, data)
        assert isinstance(info.value, ValueError)
        assert info.value.code == "invalid_image"


def test_empty_bytes(engine):
    with pytest.raises(kyc.Error) as info:
        engine.detect_faces(b"")
    assert isinstance(info.value, ValueError)


def test_unknown_config_key():
    with pytest.raises(kyc.InvalidConfigError) as info:
        kyc.Engine(no_such_setting=1)
    assert "no_such_setting" in str(info.value)
    assert isinstance(info.value, ValueError)
    assert info.value.code == "invalid_config"
    with pytest.raises(kyc.InvalidConfigError):
        kyc.Engine(face={"jiters": 1})
    with pytest.raises(kyc.InvalidConfigError):
        kyc.Engine(face={"jitters": "many"})
    with pytest.raises(kyc.InvalidConfigError):
        kyc.Engine(limits=object())  # not JSON-serialisable
    with pytest.raises(kyc.InvalidConfigError):
        kyc.Engine.from_json("{not json")


def test_unknown_backend():
    with pytest.raises(kyc.BackendUnavailableError) as info:
        kyc.Engine(face={"analyzer": "no.such.backend"})
    assert info.value.code == "backend_unavailable"


def test_missing_model_dir_is_still_searched_elsewhere_or_reported(tmp_path):
    # An empty explicit model_dir: the other locations are still searched; if none has the
    # models, the error names what is missing.
    try:
        kyc.Engine(model_dir=str(tmp_path))
    except kyc.ModelNotFoundError as e:
        assert e.code == "model_not_found" and str(e)


@pytest.mark.parametrize(
    "value", [42, 3.5, None, object(), [1, 2, 3], {"path": "x"}, np.uint8(7)]
)
def test_wrong_type(engine, face_file, value):
    with pytest.raises(TypeError) as info:
        engine.face_match(value, face_file(OBAMA))
    assert "source" in str(info.value)
    with pytest.raises(TypeError) as info:
        engine.face_match(face_file(OBAMA), value)
    assert "target" in str(info.value)


def test_wrong_dtype_is_type_error(engine):
    with pytest.raises(TypeError, match="uint8"):
        engine.detect_faces(np.zeros((100, 100, 3), dtype=np.float32))
    with pytest.raises(TypeError, match="uint8"):
        engine.detect_faces(np.zeros((100, 100), dtype=np.uint16))


def test_wrong_shape_is_invalid_argument(engine):
    for shape in [(100, 100, 2), (100, 100, 5), (2, 100, 100, 3), (0, 100, 3), (100, 0)]:
        with pytest.raises(kyc.InvalidArgumentError) as info:
            engine.detect_faces(np.zeros(shape, dtype=np.uint8))
        assert isinstance(info.value, ValueError)


def test_nonexistent_path(engine, face_file, tmp_path):
    missing = tmp_path / "does-not-exist.jpg"
    with pytest.raises(kyc.IoError) as info:
        engine.face_match(str(missing), face_file(OBAMA))
    assert isinstance(info.value, OSError)
    assert info.value.code == "io_error"
    with pytest.raises(kyc.IoError):
        engine.detect_faces(missing)  # pathlib too


def test_directory_is_not_an_image(engine, tmp_path):
    with pytest.raises(kyc.IoError):
        engine.detect_faces(tmp_path)


def test_bad_options(engine, face_file):
    path = face_file(OBAMA)
    with pytest.raises(kyc.InvalidArgumentError):
        engine.face_match(path, path, operating_point="no-such-point")
    with pytest.raises(kyc.InvalidArgumentError):
        engine.face_match(path, path, threshold=0.5, similarity_threshold=90.0)
    with pytest.raises(TypeError):
        engine.face_match(path, path, 0.5)  # thresholds are keyword-only
    with pytest.raises(TypeError):
        engine.face_embeddings(path, faces=[1, 2])


def test_limits_are_enforced(face_file):
    small = kyc.Engine(limits={"max_encoded_bytes": 1000})
    with pytest.raises(kyc.LimitExceededError) as info:
        small.detect_faces(face_file(OBAMA).read_bytes())
    assert isinstance(info.value, ValueError)
    with pytest.raises(kyc.LimitExceededError):
        small.detect_faces(face_file(OBAMA))


def test_limits_apply_before_copying_views(engine):
    # A broadcast view describes 70000x1000x3 pixels backed by 3 bytes; copying it to pack the
    # strides would allocate 200 MB before the engine could refuse it.
    huge = np.broadcast_to(np.zeros(3, np.uint8), (70000, 1000, 3))
    with pytest.raises(kyc.LimitExceededError):
        engine.detect_faces(huge)


def test_pil_size_is_checked_before_decoding(engine):
    Image = pytest.importorskip("PIL.Image")
    small = kyc.Engine(limits={"max_pixels": 100 * 100})
    with pytest.raises(kyc.LimitExceededError):
        small.detect_faces(Image.new("RGB", (200, 200)))


def test_sixteen_bit_pil_images_are_scaled_not_clipped(engine, face_file):
    Image = pytest.importorskip("PIL.Image")
    # The photo as 16-bit grey (0..65535): clipping to 8 bits would make it a white sheet with no
    # face; scaling keeps the face.
    grey = np.asarray(Image.open(face_file(OBAMA)).convert("L"), dtype=np.uint16) * 257
    sixteen = Image.fromarray(grey)
    assert sixteen.mode == "I;16"
    assert len(engine.detect_faces(sixteen)) == 1
