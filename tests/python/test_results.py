"""Result objects: read-only attributes, to_dict()/to_json() round trips, schema_version."""

from __future__ import annotations

import json

import pytest

import kyc
from testdata import OBAMA, TWO_PEOPLE


@pytest.fixture(scope="module")
def result(engine, face_file):
    return engine.face_match(face_file(OBAMA), face_file(TWO_PEOPLE))


def test_report_round_trip(result):
    report = result.to_dict()
    assert report["schema_version"] == kyc.SCHEMA_VERSION == result.schema_version
    assert report["status"] == result.status
    assert json.loads(result.to_json()) == report
    assert json.loads(result.to_json(indent=2)) == report
    assert "\n" in result.to_json(indent=2) and "\n" not in result.to_json()
    # The report is plain JSON data: it serialises again unchanged.
    assert json.loads(json.dumps(report)) == report


def test_report_has_no_image_data(result):
    text = result.to_json()
    assert len(text) < 64 * 1024
    assert "base64" not in text.lower()


def test_nested_objects_round_trip(result):
    objects = [
        result.decision,
        result.timings,
        result.source_image,
        result.target_image,
        result.source_face,
        result.source_face.box,
        result.source_face.pose,
        result.source_face.landmarks[0],
        result.matches[0],
        result.unmatched[0],
    ]
    for obj in objects:
        data = obj.to_dict()
        assert isinstance(data, dict) and data
        assert json.loads(obj.to_json()) == data
        assert json.loads(obj.to_json(indent=1)) == data
        assert type(obj).__name__ in repr(obj)


def test_values_are_consistent(result):
    assert result.timings.total_ms > 0
    assert result.timings.total_ms >= result.timings.detect_ms
    assert result.timings.to_dict()["total_ms"] == result.timings.total_ms
    assert result.decision.to_dict()["distance_threshold"] == result.decision.distance_threshold
    assert result.source_image.to_dict()["format"] == "jpeg"
    box = result.source_face.box
    assert box.to_dict() == pytest.approx(
        {"x": box.x, "y": box.y, "width": box.width, "height": box.height}
    )
    assert box.area == pytest.approx(box.width * box.height)
    compared = result.matches[0].to_dict()
    assert compared["distance"] == result.matches[0].distance
    assert compared["match"] is True
    assert result.analyzer and result.comparer
    assert result.analyzer_model and result.comparer_model
    assert "FaceMatchResult" in repr(result) and result.status in repr(result)


def test_attributes_are_read_only(result):
    with pytest.raises(AttributeError):
        result.status = "match"
    with pytest.raises(AttributeError):
        result.timings.total_ms = 0.0
    with pytest.raises(AttributeError):
        result.source_face.box.x = 1.0


def test_results_outlive_the_engine(face_file):
    engine = kyc.Engine()
    result = engine.face_match(face_file(OBAMA), face_file(TWO_PEOPLE))
    face = result.matches[0].face
    del engine, result
    assert face.box.width > 0
    assert face.to_dict()


def test_openblas_runs_on_fitting_kernels():
    # kyc sets OPENBLAS_CORETYPE before loading OpenBLAS when the CPU has AVX2/AVX-512, so the
    # library never reports the SSE3 fallback (which makes embeddings ~35 % slower).
    import kyc

    info = kyc.build_info()
    assert "BLAS: OpenBLAS" in info or "BLAS: reference" in info
    assert "WARNING" not in info, info
