"""Cheques through Python: MICR parsing, ABA checksum, presentment stores (a PresentmentStore
subclass and a plain callable, called from the reading thread with the GIL released), typed
results with to_dict/to_json, the MICR crops and the Wikimedia sample cheque under ../shared.
Only aggregates are asserted on real crops; no crop content is printed."""

from __future__ import annotations

import json
import threading

import pytest

import kyc
from testdata import SHARED_DIR, require_shared

MICR = SHARED_DIR / "data" / "docs" / "micr"
US_CROP = "lines/reallife_cgi_1212993800-0.tif"


@pytest.fixture(scope="module")
def cases() -> dict:
    require_shared("data/docs/micr/micr_cases.json")
    return json.loads((MICR / "micr_cases.json").read_text())


@pytest.fixture(scope="module")
def cheque_engine() -> kyc.Engine:
    require_shared("models/tessdata/e13b.traineddata")
    return kyc.Engine(document={"tessdata_dir": str(SHARED_DIR / "models" / "tessdata")},
                      cheque={"as_of": "2026-06-01"})


def test_parse_finos_cases(cases):
    for case in cases["finos_parse_cases"]:
        fields = kyc.parse_micr_line(case["input"], symbols="finos")
        expected = case["expected"]
        assert fields.routing.value == expected["routing"], case["id"]
        assert fields.account.value == expected["account"], case["id"]
        assert fields.serial.value == expected["check_number"], case["id"]
        assert kyc.parse_micr_line(case["input_unicode"]).to_dict() == fields.to_dict()
    with pytest.raises(kyc.InvalidArgumentError):
        kyc.parse_micr_line("T1T", symbols="klingon")


def test_aba_and_canadian_layout():
    # data/docs/README.md: the Wikimedia sample cheque's routing 011234567 fails the checksum.
    assert not kyc.aba_checksum_valid("011234567")
    assert kyc.aba_checksum_valid("031100649")
    ca = kyc.parse_micr_line("\u244612345\u2449001\u2446 1234567\u2448")
    assert ca.layout == "canada"
    assert (ca.branch_transit.value, ca.institution.value) == ("12345", "001")
    assert "1234567" not in repr(ca)  # reprs never show account numbers


def test_presentment_key_is_sha256():
    import hashlib

    key = kyc.presentment_key("031901835", "002131252", "001521")
    assert key == hashlib.sha256(b"031901835|002131252|1521").hexdigest()
    assert kyc.presentment_key("", "1", "2") == ""


def test_read_micr_crop(cheque_engine, cases):
    require_shared("data/docs/micr/" + US_CROP)
    truth = next(c for c in cases["doubango_crops"]["crops"] if c["image"] == US_CROP)
    expected = kyc.parse_micr_line(truth["ground_truth"], symbols="doubango")
    result = cheque_engine.read_micr(str(MICR / US_CROP))
    assert isinstance(result, kyc.MicrReadResult)
    assert result.found and result.model == "e13b"
    assert result.fields.routing.value == expected.routing.value
    assert result.fields.account.value == expected.account.value
    assert 0 <= result.fields.routing.confidence <= 100
    assert result.verdict == "clean"
    d = result.to_dict()
    assert (d["schema"], d["schema_version"]) == ("kyc.micr", 1)
    assert json.loads(result.to_json(indent=2)) == d
    assert {c.id for c in result.checks} == {"micr_read", "aba_checksum", "field_lengths"}


class DictStore(kyc.PresentmentStore):
    """A caller's store (the service example keeps one in SQLite)."""

    def __init__(self):
        super().__init__()
        self.keys = set()
        self.threads = set()

    def check_and_record(self, key: str) -> bool:
        self.threads.add(threading.get_ident())
        seen = key in self.keys
        self.keys.add(key)
        return seen


def test_read_cheque_with_python_stores(cheque_engine):
    require_shared("data/docs/micr/cheques/wikimedia_sample_check.png")
    path = str(MICR / "cheques" / "wikimedia_sample_check.png")
    store = DictStore()
    first = cheque_engine.read_cheque(path, presentment_store=store)
    assert isinstance(first, kyc.ChequeReadResult)
    assert first.micr.fields.routing.value == "011234567"
    assert first.check("aba_checksum").reason == "checksum_mismatch"
    assert first.verdict == "suspicious" and first.decided_by == "aba_checksum"
    assert first.as_of == "2026-06-01"  # from the engine's cheque config
    assert len(first.presentment_key) == 64
    assert store.keys == {first.presentment_key}
    assert first.check("duplicate_presentment").status == "pass"
    second = cheque_engine.read_cheque(path, presentment_store=store)
    assert second.check("duplicate_presentment").reason == "seen_before"

    # A plain callable works too.
    asked = []
    third = cheque_engine.read_cheque(path, presentment_store=lambda key: asked.append(key) or True)
    assert asked == [first.presentment_key]
    assert third.check("duplicate_presentment").status == "fail"
    # No store: unable to assess, the key is still given.
    fourth = cheque_engine.read_cheque(path)
    assert fourth.check("duplicate_presentment").reason == "no_store"
    assert fourth.to_dict()["schema"] == "kyc.cheque"
    assert [c["id"] for c in fourth.to_dict()["checks"]] == [c.id for c in fourth.checks]


def test_store_errors_are_kyc_errors(cheque_engine):
    require_shared("data/docs/micr/cheques/wikimedia_sample_check.png")
    path = str(MICR / "cheques" / "wikimedia_sample_check.png")

    def broken(key):
        raise RuntimeError("database is locked")

    with pytest.raises(kyc.Error, match="database is locked"):
        cheque_engine.read_cheque(path, presentment_store=broken)
    with pytest.raises(kyc.Error, match="bool"):
        cheque_engine.read_cheque(path, presentment_store=lambda key: "yes")
    with pytest.raises(TypeError):
        cheque_engine.read_cheque(path, presentment_store=42)
    with pytest.raises(kyc.InvalidArgumentError):
        cheque_engine.read_cheque(path, as_of="next week")


def test_bad_images(cheque_engine):
    with pytest.raises(kyc.InvalidImageError):
        cheque_engine.read_cheque(b"not an image at all")
    with pytest.raises(kyc.InvalidImageError):
        cheque_engine.read_micr(b"\x89PNG\r\n\x1a\n truncated")


def test_threads_release_the_gil(cheque_engine, cases):
    """4 threads read the same crops concurrently: identical results, and the store callback is
    reached from the worker threads (the GIL is released around the native call)."""
    crops = [c["image"] for c in cases["doubango_crops"]["crops"][:8]]
    for c in crops:
        require_shared("data/docs/micr/" + c)
    expected = [cheque_engine.read_micr(str(MICR / c)).to_json() for c in crops]
    results: dict = {}

    def work(t: int) -> None:
        results[t] = [cheque_engine.read_micr(str(MICR / c)).to_json() for c in crops]

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[t] == expected for t in range(4))


def test_in_memory_store():
    store = kyc.InMemoryPresentmentStore()
    assert store.check_and_record("k") is False
    assert store.check_and_record("k") is True
    assert len(store) == 1
