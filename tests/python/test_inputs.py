"""Every accepted image argument type gives the same decision and (nearly) the same distance."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

from testdata import OBAMA, OBAMA2, RGBA_PNG


@pytest.fixture(scope="module")
def pair(face_file):
    return face_file(OBAMA), face_file(OBAMA2)


@pytest.fixture(scope="module")
def reference(engine, pair):
    """The result for two path strings; every other input type is compared with it."""
    result = engine.face_match(str(pair[0]), str(pair[1]))
    assert result.status == "match"
    return result


@pytest.fixture(scope="module")
def rgb_pixels(pil, pair):
    """Both photos decoded by Pillow as HxWx3 RGB arrays."""
    return tuple(np.asarray(pil.open(p).convert("RGB")) for p in pair)


@pytest.fixture(scope="module")
def bgr_reference(engine, rgb_pixels):
    """The result for contiguous BGR arrays (OpenCV's layout): the exact baseline for pixels."""
    source, target = (np.ascontiguousarray(a[:, :, ::-1]) for a in rgb_pixels)
    result = engine.face_match(source, target)
    assert result.status == "match"
    return result


def check_same(result, reference, tolerance):
    assert result.status == reference.status
    assert result.source_face_count == reference.source_face_count
    assert len(result.matches) == len(reference.matches)
    assert result.distance == pytest.approx(reference.distance, abs=tolerance)


def test_path_str(reference):
    assert reference.source_image.format == "jpeg"
    assert reference.source_image.width > 0 and reference.source_image.height > 0
    assert reference.source_image.encoded_bytes > 0


def test_pathlib_path(engine, pair, reference):
    check_same(engine.face_match(pathlib.Path(pair[0]), pathlib.Path(pair[1])), reference, 1e-9)


def test_bytes(engine, pair, reference):
    source, target = (p.read_bytes() for p in pair)
    result = engine.face_match(source, target)
    check_same(result, reference, 1e-9)
    assert result.source_image.encoded_bytes == len(source)


def test_bytearray_and_memoryview(engine, pair, reference):
    source = bytearray(pair[0].read_bytes())
    target = memoryview(pair[1].read_bytes())
    check_same(engine.face_match(source, target), reference, 1e-9)


def test_numpy_1d_is_encoded_bytes(engine, pair, reference):
    source = np.fromfile(pair[0], dtype=np.uint8)
    check_same(engine.face_match(source, pair[1]), reference, 1e-9)


def test_numpy_bgr_close_to_path(bgr_reference, reference):
    # Pillow and OpenCV may decode JPEG with slightly different IDCT/upsampling.
    check_same(bgr_reference, reference, 0.03)
    assert bgr_reference.source_image.format == "raw"


def test_numpy_rgb_with_flag(engine, rgb_pixels, bgr_reference):
    result = engine.face_match(*rgb_pixels, rgb=True)
    check_same(result, bgr_reference, 1e-6)


def test_numpy_gray(engine, pil, pair, bgr_reference):
    source, target = (np.asarray(pil.open(p).convert("L")) for p in pair)
    assert source.ndim == 2
    check_same(engine.face_match(source, target), bgr_reference, 0.1)
    # HxWx1 is gray too, and a non-contiguous gray array gives exactly the same result.
    gray = engine.face_match(source, target)
    check_same(engine.face_match(source[:, :, None], target[:, :, None]), gray, 1e-9)
    check_same(engine.face_match(np.asfortranarray(source), np.asfortranarray(target)), gray, 1e-9)


def test_numpy_bgra(engine, rgb_pixels, bgr_reference):
    def bgra(rgb):
        alpha = np.full(rgb.shape[:2] + (1,), 255, dtype=np.uint8)
        return np.concatenate([rgb[:, :, ::-1], alpha], axis=2)

    source, target = (bgra(a) for a in rgb_pixels)
    assert source.shape[2] == 4 and source.flags.c_contiguous
    check_same(engine.face_match(source, target), bgr_reference, 1e-3)
    # RGBA with rgb=True
    rgba = [np.concatenate([a, np.full(a.shape[:2] + (1,), 255, np.uint8)], axis=2)
            for a in rgb_pixels]
    check_same(engine.face_match(*rgba, rgb=True), bgr_reference, 1e-3)


def test_non_contiguous_arrays(engine, rgb_pixels, bgr_reference):
    source_rgb, target_rgb = rgb_pixels
    # 1. Channel-reversed views (negative channel stride): converted through a packed copy.
    source, target = source_rgb[:, :, ::-1], target_rgb[:, :, ::-1]
    assert not source.flags.c_contiguous
    check_same(engine.face_match(source, target), bgr_reference, 1e-6)

    # 2. A crop of a larger canvas: padded rows, packed pixels (zero copy with a row stride).
    def padded(rgb):
        h, w, _ = rgb.shape
        canvas = np.zeros((h + 10, w + 37, 3), dtype=np.uint8)
        canvas[5 : 5 + h, 20 : 20 + w] = rgb[:, :, ::-1]
        return canvas[5 : 5 + h, 20 : 20 + w]

    source, target = padded(source_rgb), padded(target_rgb)
    assert not source.flags.c_contiguous and source.strides[1] == 3
    check_same(engine.face_match(source, target), bgr_reference, 1e-6)

    # 3. Fortran order (every stride unusual).
    source = np.asfortranarray(source_rgb[:, :, ::-1])
    target = np.asfortranarray(target_rgb[:, :, ::-1])
    check_same(engine.face_match(source, target), bgr_reference, 1e-6)

    # 4. BGR memory read through a channel-reversed view, declared as RGB.
    source_bgr = np.ascontiguousarray(source_rgb[:, :, ::-1])
    target_bgr = np.ascontiguousarray(target_rgb[:, :, ::-1])
    reversed_views = engine.face_match(source_bgr[:, :, ::-1], target_bgr[:, :, ::-1], rgb=True)
    check_same(reversed_views, bgr_reference, 1e-6)

    # 5. Upside-down views (negative row stride).
    flipped = engine.face_match(source_rgb[::-1, :, ::-1], target_rgb[::-1, :, ::-1])
    assert flipped.status in ("match", "no_face_in_source", "no_face_in_target", "no_match")


def test_memoryview_of_pixels(engine, rgb_pixels, bgr_reference):
    source, target = (np.ascontiguousarray(a[:, :, ::-1]) for a in rgb_pixels)
    check_same(engine.face_match(memoryview(source), memoryview(target)), bgr_reference, 1e-6)


def test_pil_images(engine, pil, pair, rgb_pixels, bgr_reference):
    source, target = (pil.open(p) for p in pair)
    assert source.mode == "RGB"
    check_same(engine.face_match(source, target), bgr_reference, 1e-6)
    # Other modes are converted: L (gray) and RGBA.
    gray = engine.face_match(source.convert("L"), target.convert("L"))
    check_same(gray, bgr_reference, 0.1)
    rgba = engine.face_match(source.convert("RGBA"), target.convert("RGBA"))
    check_same(rgba, bgr_reference, 1e-3)
    palette = engine.face_match(source.convert("P"), target)
    assert palette.status == "match"


def test_rgba_png(engine, pil, face_file, reference):
    # A 32-bit PNG, as a path (decoded by kyc) and as a PIL RGBA image.
    path = face_file(RGBA_PNG)
    image = pil.open(path)
    assert image.mode == "RGBA"
    by_path = engine.detect_faces(path)
    by_pil = engine.detect_faces(image)
    assert len(by_path) == len(by_pil)
    if by_path:
        assert by_path[0].box.x == pytest.approx(by_pil[0].box.x, abs=2.0)
