"""Passport-photo checks through Python: verdicts, rules, profiles, annotation, errors."""

from __future__ import annotations

import io
import json
import threading

import numpy as np
import pytest

import kyc
from testdata import OBAMA, require_file

PORTRAIT = "face_recognition/examples/knn_examples/train/alex_lacamoire/img1.jpg"


@pytest.fixture(scope="module")
def passport_png(pil) -> bytes:
    """A real frontal portrait cropped to 35x45 (head ~75 % of the height), as PNG bytes."""
    image = pil.open(require_file(PORTRAIT)).convert("RGB").crop((153, 0, 153 + 568, 730))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_geometry_rules_pass_on_a_35x45_crop(engine, passport_png):
    result = engine.check_photo(passport_png, "icao")
    assert result.profile == "icao"
    assert result.face_count == 1
    for rule in ("single_face", "aspect_ratio", "head_height", "eye_line", "horizontal_centre",
                 "roll", "yaw", "sharpness", "colour", "compression"):
        assert result.rule(rule).status == "pass", result.rule(rule)
    # He smiles with his teeth showing: the photo is not compliant, and says why.
    assert result.verdict == "non_compliant"
    failed = {r.id for r in result.failed}
    assert {"mouth_closed", "neutral_expression"} <= failed
    assert result.decided_by in failed
    assert all(r.message for r in result.failed)


def test_report_json_and_units(engine, passport_png):
    report = engine.check_photo(passport_png).to_dict()
    assert report["schema"] == "kyc.photo_check" and report["schema_version"] == kyc.SCHEMA_VERSION
    head = next(r for r in report["rules"] if r["id"] == "head_height")
    assert head["unit"] == "fraction of image height"
    assert head["min"] == 0.70 and head["max"] == 0.80 and head["source"]
    assert 0.70 <= head["value"] <= 0.80


def test_rotation_reads_as_roll(engine, pil, passport_png):
    tilted = pil.open(io.BytesIO(passport_png)).rotate(12, resample=pil.BICUBIC, fillcolor=(235, 235, 235))
    result = engine.check_photo(np.asarray(tilted), rgb=True)
    roll = result.rule("roll")
    # PIL rotates counter-clockwise: the head tilts to the image left (the subject's right).
    assert roll.status == "fail" and roll.value == pytest.approx(-12, abs=1.5)
    assert "tilted" in roll.message


def test_us_profile_wants_a_square(engine, passport_png):
    result = engine.check_photo(passport_png, "us")
    assert result.rule("aspect_ratio").status == "fail"
    assert result.rule("aspect_ratio").reason == "too_large"


def test_custom_profile_as_dict(engine, passport_png):
    profile = {"name": "mine", "rules": {"single_face": {"min": 1, "max": 1, "source": "test"}}}
    result = engine.check_photo(passport_png, profile)
    assert result.verdict == "compliant" and [r.id for r in result.rules] == ["single_face"]


def test_annotation_is_a_png_of_the_same_size(engine, pil, passport_png):
    result, png = engine.annotate_photo(passport_png, "icao")
    assert png[:4] == b"\x89PNG"
    assert pil.open(io.BytesIO(png)).size == (568, 730)
    assert result.verdict == "non_compliant"
    _, jpeg = engine.annotate_photo(passport_png, format="jpeg")
    assert jpeg[:2] == b"\xff\xd8"


def test_no_face_gives_unable_rules_not_an_exception(engine):
    noise = np.random.default_rng(7).integers(0, 255, size=(600, 480, 3), dtype=np.uint8)
    result = engine.check_photo(noise)
    assert result.verdict == "non_compliant"
    assert result.rule("single_face").status == "fail"
    assert result.rule("head_height").status == "unable_to_assess"
    assert result.rule("head_height").reason == "no_face"
    assert result.rule("head_height").value is None


def test_bad_profiles_and_inputs(engine, passport_png):
    with pytest.raises(kyc.InvalidArgumentError, match="icao"):
        engine.check_photo(passport_png, "passport")
    with pytest.raises(kyc.InvalidConfigError, match="nope"):
        engine.check_photo(passport_png, {"name": "x", "rules": {"nope": {}}})
    with pytest.raises(kyc.InvalidConfigError, match="min is greater than max"):
        engine.check_photo(passport_png, {"name": "x", "rules": {"roll": {"min": 5, "max": -5}}})
    with pytest.raises(TypeError):
        engine.check_photo(passport_png, 42)
    with pytest.raises(ValueError):
        engine.annotate_photo(passport_png, format="gif")
    with pytest.raises(kyc.InvalidImageError):
        engine.check_photo(b"\xff\xd8\xff\xe0 truncated jpeg")


def test_profiles_are_listed_and_round_trip():
    assert kyc.photo_profile_names() == ["icao", "us", "uk", "schengen"]
    for name in kyc.photo_profile_names():
        profile = json.loads(kyc.photo_profile_json(name))
        assert profile["name"] == name
        assert set(profile["rules"]) <= set(kyc.photo_rule_ids())
        assert all(rule["source"] for rule in profile["rules"].values())


def test_threads_share_one_engine(engine, passport_png):
    expected = engine.check_photo(passport_png).to_dict()
    expected.pop("timings_ms")
    results = []

    def work():
        for _ in range(2):
            got = engine.check_photo(passport_png).to_dict()
            got.pop("timings_ms")
            for rule in got["rules"]:
                rule.pop("ms")
            results.append(got)

    for rule in expected["rules"]:
        rule.pop("ms")
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8 and all(r == expected for r in results)
