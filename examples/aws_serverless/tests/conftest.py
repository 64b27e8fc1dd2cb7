"""Fixtures: moto in server mode on loopback, a fresh stack per test, the shared test data.

Test data is read in place from the shared folder ($KYC_SHARED, default ../shared beside the
repository): a missing file fails the test when CI=true and skips it with the reason otherwise.
"""

from __future__ import annotations

import io
import json
import os
import sys
import zipfile
from pathlib import Path

import pytest

EXAMPLE_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = EXAMPLE_DIR.parents[1]
sys.path.insert(0, str(EXAMPLE_DIR))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import kyc  # noqa: E402
from moto_stack import MotoServer, Stack  # noqa: E402

SHARED_DIR = Path(os.environ.get("KYC_SHARED") or (REPO_ROOT.parent / "shared")).resolve()
OBAMA = "data/faces/face_recognition/examples/obama.jpg"
PASSPORT = "data/docs/passporteye/tests/data/passport-td3.jpg"
MRZ_MODEL = "models/tessdata/mrz.traineddata"
# The ICAO 9303 specimen (Anna Maria Eriksson) matching the passport-td3.jpg page, as the
# repository's Python tests use it (tests/python/test_documents.py).
SPECIMEN_FORM = ("surname,given_names,date_of_birth,passport_number\n"
                 "Eriksson,Anna Maria,1974-08-12,L898902C3\n")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def shared(relative: str) -> Path:
    path = SHARED_DIR / relative
    if not path.is_file():
        reason = (f"test data missing: {path} (set KYC_SHARED to the shared folder; "
                  f"now {SHARED_DIR})")
        if in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return path


def build_package(files: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.fixture(scope="session")
def kyc_config() -> dict:
    return {"document": {"tessdata_dir": str(shared(MRZ_MODEL).parent)}}


@pytest.fixture(scope="session")
def local_engine(kyc_config) -> "kyc.Engine":
    """An engine of its own: the oracle for what the handler must have stored."""
    return kyc.Engine.from_json(json.dumps(kyc_config))


@pytest.fixture(scope="session")
def photo_bytes() -> bytes:
    return shared(OBAMA).read_bytes()


@pytest.fixture(scope="session")
def package_bytes(photo_bytes) -> bytes:
    """A KYC package built now: applicant form, passport page, and someone else's selfie."""
    return build_package({"form.csv": SPECIMEN_FORM, "passport.jpg": shared(PASSPORT).read_bytes(),
                          "selfie.jpg": photo_bytes})


@pytest.fixture(scope="session")
def moto_server():
    server = MotoServer()
    yield server
    server.stop()


@pytest.fixture
def stack(moto_server, kyc_config, monkeypatch) -> Stack:
    s = Stack(moto_server.endpoint)
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "KYC_BACKEND",
                 "KYC_MAX_OBJECT_BYTES"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {**moto_server.environment(), **s.environment(),
                        "KYC_CONFIG_JSON": json.dumps(kyc_config)}.items():
        monkeypatch.setenv(name, value)
    return s
