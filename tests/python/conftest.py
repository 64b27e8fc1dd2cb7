"""Shared fixtures of the kyc Python tests (data location: see testdata.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

import kyc
from testdata import in_ci, require_file


@pytest.fixture(scope="session")
def face_file() -> Callable[[str], Path]:
    """face_file("face_recognition/examples/obama.jpg") -> Path, or skip/fail when missing."""
    return require_file


@pytest.fixture(scope="session")
def engine() -> kyc.Engine:
    """One engine shared by the whole session (as an application would)."""
    return kyc.Engine()


@pytest.fixture(scope="session")
def pil():
    """The PIL.Image module (pillow is in the `test` extra); skip (fail under CI) without it."""
    try:
        from PIL import Image
    except ImportError:
        if in_ci():
            pytest.fail("pillow is not installed (pip install .[test])", pytrace=False)
        pytest.skip("pillow is not installed (pip install .[test])")
    return Image
