"""Passport photos end to end: upload (multipart and raw), verdict = the library's on the same
bytes, annotated PNG, dedupe, corrupt images."""

from __future__ import annotations

import io
import time

import kyc
import pytest
from conftest import BIDEN, OBAMA, require_shared, wait_job


def failing_rules(result) -> list:
    return [r["id"] for r in result.to_dict()["rules"] if r["status"] == "fail"]


def test_photo_multipart_end_to_end(service, engine, say):
    photo = require_shared(OBAMA).read_bytes()
    expected = engine.check_photo(photo, profile="icao")
    with service.client(service.alice) as c:
        started = time.perf_counter()
        r = c.post("/photos", files={"photo": ("obama.jpg", photo, "image/jpeg")}, data={"profile": "icao"})
        assert r.status_code == 202, r.text
        accepted = r.json()
        assert accepted["status"] == "queued" and accepted["status_url"] == f"/photos/{accepted['id']}"
        assert r.headers["x-request-id"]
        job = wait_job(c, accepted["status_url"])
        say(f"photo job end to end: {(time.perf_counter() - started) * 1000:.0f} ms")
        assert job["status"] == "done", job
        assert job["verdict"] == expected.verdict
        assert [x["rule"] for x in job["reasons"]] == failing_rules(expected)
        assert all(x["message"] for x in job["reasons"])
        assert job["report"]["schema"] == "kyc.photo_check"
        assert job["report"]["summary"] == expected.to_dict()["summary"]

        png = c.get(job["annotated_url"])
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        from PIL import Image
        img = Image.open(io.BytesIO(png.content))
        img.load()  # decodes the whole picture
        assert img.width > 0 and img.height > 0


def test_photo_raw_body_with_profile_and_dedupe(service, engine):
    photo = require_shared(BIDEN).read_bytes()
    expected = engine.check_photo(photo, profile="uk")
    with service.client(service.alice) as c:
        first = c.post("/photos?profile=uk", content=photo, headers={"Content-Type": "image/jpeg"})
        assert first.status_code == 202, first.text
        job1 = wait_job(c, first.json()["status_url"])
        assert job1["profile"] == "uk" and job1["verdict"] == expected.verdict
        files_before = service.object_files()
        second = c.post("/photos?profile=uk", content=photo, headers={"Content-Type": "image/jpeg"})
        job2 = wait_job(c, second.json()["status_url"])
        assert job2["id"] != job1["id"]
        # Same bytes -> same address -> one object (and the annotated picture is the same too).
        assert job2["objects"]["photo"] == job1["objects"]["photo"]
        assert service.object_files() == files_before


def test_photo_bad_requests(service):
    with service.client(service.alice) as c:
        r = c.post("/photos", content=b"hello", headers={"Content-Type": "text/plain"})
        assert r.status_code == 415 and r.json()["detail"]["code"] == "unsupported_media_type"
        r = c.post("/photos", content=b"", headers={"Content-Type": "image/jpeg"})
        assert r.status_code == 400 and r.json()["detail"]["code"] == "empty_body"
        r = c.post("/photos", content=b"definitely not an image", headers={"Content-Type": "image/png"})
        assert r.status_code == 422 and r.json()["detail"]["code"] == "not_an_image"
        r = c.post("/photos", files={"picture": ("a.jpg", b"\xff\xd8\xff", "image/jpeg")})
        assert r.status_code == 422 and r.json()["detail"]["code"] == "missing_part"
        r = c.post("/photos?profile=mars", content=require_shared(OBAMA).read_bytes(),
                   headers={"Content-Type": "image/jpeg"})
        assert r.status_code == 422 and r.json()["detail"]["code"] == "unknown_profile"


def test_corrupt_image_is_a_job_result_with_the_library_error_code(service, engine):
    # A JPEG signature followed by garbage passes the up-front sniffing; decoding is the
    # library's job, and its error code becomes the result (verdict "error"), not a retry.
    corrupt = require_shared(OBAMA).read_bytes()[:600] + b"\x00garbage" * 10
    with pytest.raises(kyc.Error) as raised:
        engine.check_photo(corrupt)
    with service.client(service.alice) as c:
        r = c.post("/photos", content=corrupt, headers={"Content-Type": "image/jpeg"})
        assert r.status_code == 202
        job = wait_job(c, r.json()["status_url"])
    assert job["status"] == "done" and job["attempts"] == 1
    assert job["verdict"] == "error"
    assert job["reasons"][0]["code"] == raised.value.code
    assert "annotated_url" not in job


def test_large_photo_upload_streams_through_the_disk_spool(service, engine, tmp_path):
    # A multi-MiB PNG (over the 1 MiB in-memory spool, under the 10 MiB default limit).
    import os
    from PIL import Image
    source = Image.open(require_shared(OBAMA)).convert("RGB").resize((1820, 2274))
    noise = Image.frombytes("RGB", source.size, os.urandom(source.width * source.height * 3))
    big = Image.blend(source, noise, 0.03)
    path = tmp_path / "big.png"
    big.save(path, "PNG", compress_level=1)
    data = path.read_bytes()
    assert 3 * 1024 * 1024 < len(data) < 10 * 1024 * 1024, len(data)
    expected = engine.check_photo(data)
    with service.client(service.alice) as c:
        r = c.post("/photos", files={"photo": ("big.png", data, "image/png")})
        assert r.status_code == 202, r.text
        job = wait_job(c, r.json()["status_url"])
    assert job["status"] == "done" and job["verdict"] == expected.verdict
    assert job["report"]["image"] == expected.to_dict()["image"]  # the whole PNG arrived: same decoded image
    assert not any((service.data_dir / "tmp").iterdir())  # spooled bodies are deleted


def test_concurrent_jobs_share_one_engine_and_each_has_one_result(service, engine, say):
    import sqlite3
    from concurrent.futures import ThreadPoolExecutor
    photos = {name: require_shared(name).read_bytes() for name in (OBAMA, BIDEN)}
    expected = {name: engine.check_photo(data).verdict for name, data in photos.items()}
    order = [OBAMA, BIDEN] * 4

    def submit(name):
        with service.client(service.alice) as c:
            r = c.post("/photos", content=photos[name], headers={"Content-Type": "image/jpeg"})
            return name, wait_job(c, r.json()["status_url"])

    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(submit, order))
    say(f"8 concurrent photo jobs (2 workers): {time.perf_counter() - started:.2f} s")
    for name, job in results:
        assert job["status"] == "done" and job["verdict"] == expected[name]
    ids = [job["id"] for _, job in results]
    db = sqlite3.connect(service.data_dir / "kyc_service.sqlite3")
    marks = ",".join("?" * len(ids))
    assert db.execute(f"SELECT COUNT(*) FROM results WHERE job_id IN ({marks})", ids).fetchone() == (len(ids),)
