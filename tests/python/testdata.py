"""Where the shared test photos are, and how a missing one is reported.

Photos are used in place from the shared data folder: $KYC_SHARED, default ``../shared`` beside
the repository root (see shared/README.md); nothing is copied into the repository. A missing file
skips the test locally and fails it when CI=true.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DIR = Path(os.environ.get("KYC_SHARED") or (REPO_ROOT.parent / "shared")).resolve()
FACES_DIR = SHARED_DIR / "data" / "faces"

# Photos used by the tests (paths relative to shared/data/faces).
OBAMA = "face_recognition/examples/obama.jpg"
OBAMA2 = "face_recognition/examples/obama2.jpg"
BIDEN = "face_recognition/examples/biden.jpg"
TWO_PEOPLE = "face_recognition/examples/two_people.jpg"
RGBA_PNG = "face_recognition/tests/test_images/32bit.png"
FACE_API_IDENTITIES = "tables/face-api.js_identities.tsv"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require_file(relative: str) -> Path:
    """The path of a shared data file; skip (fail under CI=true) when it is missing."""
    path = FACES_DIR / relative
    if not path.is_file():
        reason = (
            f"test data missing: {path} (set KYC_SHARED to the shared folder; "
            f"currently {SHARED_DIR})"
        )
        if in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return path


def require_shared(relative: str) -> Path:
    """A file anywhere under the shared folder (e.g. "data/docs/..."); skip/fail like require_file."""
    path = SHARED_DIR / relative
    if not path.is_file():
        reason = f"test data missing: {path} (set KYC_SHARED; currently {SHARED_DIR})"
        if in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return path
