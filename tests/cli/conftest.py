"""Fixtures of the CLI tests: the built `kyc` binary (--kyc-binary or $KYC_BINARY) and the shared
test data, used in place (KYC_SHARED; a missing file skips the test, or fails it when CI=true,
as tests/support/shared_data.hpp does for the C++ tests)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def pytest_addoption(parser):
    parser.addoption("--kyc-binary", default=os.environ.get("KYC_BINARY"),
                     help="path of the built kyc command (default: $KYC_BINARY)")
    parser.addoption("--default-shared", default=str(REPO_ROOT.parent / "shared"),
                     help="the shared folder when KYC_SHARED is not set (ctest passes the one "
                          "CMake was configured with)")


def shared_dir(config) -> Path:
    return Path(os.environ.get("KYC_SHARED") or config.getoption("--default-shared")).resolve()


def pytest_configure(config):
    # The binaries the tests spawn find the OCR-B MRZ model in the shared folder (as `make`
    # arranges), unless the caller pointed them elsewhere.
    os.environ.setdefault("KYC_TESSDATA_DIR", str(shared_dir(config) / "models" / "tessdata"))


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


@pytest.fixture(scope="session")
def kyc_binary(pytestconfig) -> Path:
    value = pytestconfig.getoption("--kyc-binary")
    if not value:
        pytest.fail("give --kyc-binary PATH or set KYC_BINARY (ctest does)", pytrace=False)
    path = Path(value)
    if not path.is_file():
        pytest.fail(f"kyc binary not found: {path}", pytrace=False)
    return path


@pytest.fixture(scope="session")
def shared(pytestconfig):
    """shared("data/faces/...") -> Path, or skip (fail under CI=true) when it is missing."""
    root = shared_dir(pytestconfig)

    def require(relative: str) -> Path:
        path = root / relative
        if not path.is_file():
            reason = f"test data missing: {path} (set KYC_SHARED; currently {root})"
            if in_ci():
                pytest.fail(reason, pytrace=False)
            pytest.skip(reason)
        return path

    return require
