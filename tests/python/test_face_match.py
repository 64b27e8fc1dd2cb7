"""Face match on real photos: same person matches, different people do not."""

from __future__ import annotations

import csv
from collections import defaultdict

import numpy as np
import pytest

import kyc
from testdata import BIDEN, FACE_API_IDENTITIES, OBAMA, OBAMA2, TWO_PEOPLE, require_file


def face_api_identities() -> dict:
    table = require_file(FACE_API_IDENTITIES)
    people = defaultdict(list)
    with open(table, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            people[row["identity"]].append(row["path"])
    return people


def test_same_person_matches(engine, face_file):
    result = engine.face_match(str(face_file(OBAMA)), str(face_file(OBAMA2)))
    assert result.status == "match"
    assert result.is_match
    assert result.source_face is not None
    assert result.source_face_count == 1
    assert len(result.matches) == 1 and not result.unmatched
    best = result.matches[0]
    assert best.match
    assert best.distance <= result.decision.distance_threshold
    assert result.distance == pytest.approx(best.distance)
    assert result.similarity == pytest.approx(best.similarity)
    assert 0.0 < result.similarity <= 100.0
    assert result.similarity >= result.decision.similarity_threshold


def test_different_people_do_not_match(engine, face_file):
    result = engine.face_match(face_file(OBAMA), face_file(BIDEN))
    assert result.status == "no_match"
    assert not result.is_match
    assert not result.matches
    assert len(result.unmatched) == 1
    assert result.unmatched[0].distance > result.decision.distance_threshold
    assert result.unmatched[0].similarity < result.decision.similarity_threshold


def test_face_api_same_identity_matches(engine, face_file):
    people = face_api_identities()
    sheldon = people["sheldon"]
    result = engine.face_match(face_file(sheldon[0]), face_file(sheldon[1]))
    assert result.status == "match", result.to_json(indent=2)


def test_face_api_different_identities_do_not_match(engine, face_file):
    people = face_api_identities()
    result = engine.face_match(face_file(people["sheldon"][0]), face_file(people["penny"][0]))
    assert result.status == "no_match", result.to_json(indent=2)


def test_group_photo_finds_the_person_among_others(engine, face_file):
    # two_people.jpg shows Biden and Obama: the Obama source matches one face, not the other.
    result = engine.face_match(face_file(OBAMA), face_file(TWO_PEOPLE))
    assert result.status == "match"
    assert len(result.matches) == 1
    assert len(result.unmatched) == 1
    assert result.matches[0].distance < result.unmatched[0].distance


def test_thresholds_change_the_decision(engine, face_file):
    source, target = face_file(OBAMA), face_file(OBAMA2)
    default = engine.face_match(source, target)
    strict = engine.face_match(source, target, threshold=default.distance / 2)
    assert strict.status == "no_match"
    assert strict.decision.operating_point == "custom"
    assert strict.decision.distance_threshold == pytest.approx(default.distance / 2)
    assert strict.distance == pytest.approx(default.distance)

    lenient = engine.face_match(source, target, similarity_threshold=1.0)
    assert lenient.status == "match"
    assert lenient.decision.similarity_threshold == pytest.approx(1.0)

    for point in ("default", "fmr1e-2", "fmr1e-3", "fmr1e-4"):
        result = engine.face_match(source, target, operating_point=point)
        assert result.decision.operating_point == point
        assert result.distance == pytest.approx(default.distance)


def test_no_face_in_source(engine, face_file):
    black = np.zeros((200, 200, 3), dtype=np.uint8)
    result = engine.face_match(black, face_file(OBAMA))
    assert result.status == "no_face_in_source"
    assert result.source_face is None
    assert result.source_face_count == 0
    assert not result.matches
    # The target's faces are still reported (as not compared), so a report names every problem.
    assert len(result.unmatched) == 1
    assert not result.unmatched[0].match
    assert result.unmatched[0].distance is None and result.unmatched[0].similarity is None
    assert result.unmatched[0].to_dict()["distance"] is None
    assert result.similarity == 0.0
    assert result.distance is None


def test_no_face_in_target(engine, face_file):
    gradient = np.tile(np.linspace(0, 255, 320, dtype=np.uint8), (240, 1))  # HxW gray ramp
    result = engine.face_match(face_file(OBAMA), gradient)
    assert result.status == "no_face_in_target"
    assert result.source_face is not None
    assert not result.matches and not result.unmatched
    assert result.distance is None


def test_detect_faces(engine, face_file):
    faces = engine.detect_faces(face_file(TWO_PEOPLE))
    assert len(faces) == 2
    assert faces[0].box.area >= faces[1].box.area  # largest first
    for face in faces:
        assert face.box.width > 0 and face.box.height > 0
        assert 0.0 <= face.confidence <= 1.0
        assert face.landmark_scheme in ("dlib5", "dlib68")
        assert len(face.landmarks) == int(face.landmark_scheme[4:])
        assert isinstance(face.pose, kyc.Pose)
    assert engine.detect_faces(np.zeros((120, 160), dtype=np.uint8)) == []


def test_face_embeddings_agree_with_face_match(engine, face_file):
    source, target = face_file(OBAMA), face_file(OBAMA2)
    faces = engine.detect_faces(source)
    (a,) = engine.face_embeddings(source, faces)
    (b,) = engine.face_embeddings(target)  # faces detected internally
    assert a.dtype == np.float32 and a.shape == (128,)
    assert b.shape == a.shape
    distance = float(np.linalg.norm(a.astype(np.float64) - b.astype(np.float64)))
    assert distance == pytest.approx(engine.face_match(source, target).distance, abs=1e-4)
    assert engine.face_embeddings(source, []) == []


def test_engine_config_and_info(engine):
    config = engine.config
    assert set(config) >= {"model_dir", "packaged_model_dir", "limits", "face"}
    assert config["face"]["detector"] == "hog"
    if kyc.packaged_model_dir() is not None:
        assert config["packaged_model_dir"] == kyc.packaged_model_dir()
    info = engine.info
    assert info["analyzer"]["name"] and info["comparer"]["name"]
    names = [p["name"] for p in info["operating_points"]]
    assert "default" in names
    assert "Engine" in repr(engine)


def test_engine_options_are_keywords(face_file):
    engine = kyc.Engine(face={"jitters": 1, "operating_point": "fmr1e-3"}, max_pooled_instances=2)
    assert engine.config["face"]["jitters"] == 1
    assert engine.config["max_pooled_instances"] == 2
    result = engine.face_match(face_file(OBAMA), face_file(OBAMA2))
    assert result.decision.operating_point == "fmr1e-3"
    assert result.status == "match"
    same = kyc.Engine.from_json('{"face": {"operating_point": "fmr1e-3"}}')
    assert same.config["face"]["operating_point"] == "fmr1e-3"


def test_module_metadata():
    assert kyc.__version__ == "0.1.0"
    assert kyc.SCHEMA_VERSION == 1
    assert isinstance(kyc.build_info(), str) and kyc.build_info()
    backends = kyc.available_backends()
    assert isinstance(backends, list) and all(isinstance(b, str) for b in backends)
