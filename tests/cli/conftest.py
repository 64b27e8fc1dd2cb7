"""Fixtures of the CLI tests: the built `kyc` binary (--kyc-binary or $KYC_BINARY) and the shared
test data, used in place (KYC_SHARED; a missing file skips the test, or fails it when CI=true,
as tests/support/shared_data.hpp does for the C++ tests)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DIR = Path(os.environ.get("KYC_SHARED") or (REPO_ROOT.parent / "shared")).resolve()


def pytest_addoption(parser):
    parser.addoption("--kyc-binary", default=os.environ.get("KYC_BINARY"),
                     help="path of the built kyc command (default: $KYC_BINARY)")


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
def shared():
    """shared("data/faces/...") -> Path, or skip (fail under CI=true) when it is missing."""

    def require(relative: str) -> Path:
        path = SHARED_DIR / relative
        if not path.is_file():
            reason = f"test data missing: {path} (set KYC_SHARED; currently {SHARED_DIR})"
            if in_ci():
                pytest.fail(reason, pytrace=False)
            pytest.skip(reason)
        return path

    return require
