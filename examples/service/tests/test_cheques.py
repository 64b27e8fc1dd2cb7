"""Cheques end to end: POST /cheques -> verdict and checks equal to engine.read_cheque on the same
bytes (with a fresh in-memory presentment store), duplicate presentment in SQLite (global scope,
a job's retry is not its own duplicate, also across kill -9), no MICR numbers in the audit log or
webhooks, auth and bad input."""

from __future__ import annotations

import datetime
import json
import sqlite3
import threading
import time
from typing import Any, Dict, List

import kyc
import pytest
from conftest import require_shared, wait_job

CHEQUES = "data/docs/micr/cheques"
SAMPLE = f"{CHEQUES}/sample_check_03.jpg"
TEMPLATE = f"{CHEQUES}/template_check_01.jpg"
# The one shared cheque whose routing, account and serial are all read: the duplicate tests use it.
WIKIMEDIA = f"{CHEQUES}/wikimedia_sample_check.png"
AS_OF = "2024-01-01"


def checks_of(report: Dict[str, Any]) -> List[tuple]:
    return [(c["id"], c["status"], c["reason"]) for c in report["checks"]]


def failing(report: Dict[str, Any]) -> List[Dict[str, str]]:
    return [{"check": c["id"], "reason": c["reason"]} for c in report["checks"] if c["status"] == "fail"]


def oracle(engine: Any, data: bytes, store: Any = None) -> Dict[str, Any]:
    store = store if store is not None else kyc.InMemoryPresentmentStore()
    return engine.read_cheque(data, presentment_store=store, as_of=AS_OF).to_dict()


def assert_job_matches(job: Dict[str, Any], expected: Dict[str, Any]) -> None:
    assert job["status"] == "done", job
    assert job["verdict"] == expected["verdict"]
    assert job["reasons"] == failing(expected)
    assert job["report"]["schema"] == "kyc.cheque"
    assert job["report"]["decided_by"] == expected["decided_by"]
    assert checks_of(job["report"]) == checks_of(expected)
    assert job["as_of"] == AS_OF and job["report"]["as_of"] == AS_OF


def micr_numbers(report: Dict[str, Any]) -> List[str]:
    """The routing and account numbers as read (long enough not to match a timestamp by chance)."""
    fields = report["micr"]["fields"]
    values = [fields[name]["value"] for name in ("routing", "account")]
    assert all(v and len(v) >= 6 for v in values), "the test cheque's numbers were not read"
    return values


def presentment_rows(svc: Any) -> List[tuple]:
    db = sqlite3.connect(svc.data_dir / "kyc_service.sqlite3")
    try:
        return db.execute("SELECT key, first_job_id, client_id FROM presentments").fetchall()
    finally:
        db.close()


def test_cheque_verdict_and_checks_equal_the_library(service, engine, say):
    # Neither cheque has routing + account + serial read, so neither records a presentment: the
    # shared service's table cannot change their duplicate check.
    sample, template = require_shared(SAMPLE).read_bytes(), require_shared(TEMPLATE).read_bytes()
    with service.client(service.alice) as c:
        started = time.perf_counter()
        r = c.post("/cheques", files={"cheque": ("cheque.jpg", sample, "image/jpeg")}, data={"as_of": AS_OF})
        assert r.status_code == 202, r.text
        accepted = r.json()
        assert accepted["status_url"] == f"/cheques/{accepted['id']}" and accepted["id"].startswith("cq_")
        assert r.headers["location"] == accepted["status_url"]
        job = wait_job(c, accepted["status_url"])
        say(f"cheque job end to end: {(time.perf_counter() - started) * 1000:.0f} ms")
        assert_job_matches(job, oracle(engine, sample))
        assert job["objects"]["cheque"]

        r = c.post(f"/cheques?as_of={AS_OF}", content=template, headers={"Content-Type": "image/jpeg"})
        assert r.status_code == 202, r.text
        assert_job_matches(wait_job(c, r.json()["status_url"]), oracle(engine, template))

        # Without as_of the date check judges from the upload day (UTC), fixed in the job.
        today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
        r = c.post("/cheques", content=template, headers={"Content-Type": "image/jpeg"})
        job = wait_job(c, r.json()["status_url"])
        assert job["as_of"] in (today, datetime.datetime.now(datetime.timezone.utc).date().isoformat())
        assert job["report"]["as_of"] == job["as_of"]


def test_duplicate_presentment_is_global_and_leaks_no_numbers(make_service, receiver, engine):
    data = require_shared(WIKIMEDIA).read_bytes()
    store = kyc.InMemoryPresentmentStore()
    first_expected, again_expected = oracle(engine, data, store), oracle(engine, data, store)
    assert ("duplicate_presentment", "pass", "first_presentment") in checks_of(first_expected)
    routing, account = micr_numbers(first_expected)

    hook = receiver()
    svc = make_service()
    alice, bob = svc.create_key("alice"), svc.create_key("bob")
    with svc.client(alice) as a, svc.client(bob) as b:
        sub = a.post("/webhooks", json={"url": hook.url, "events": ["cheque.completed"]})
        assert sub.status_code == 201, sub.text
        first = wait_job(a, a.post(f"/cheques?as_of={AS_OF}", content=data,
                                   headers={"Content-Type": "image/png"}).json()["status_url"])
        assert_job_matches(first, first_expected)
        second = wait_job(a, a.post("/cheques", files={"cheque": ("c.png", data, "image/png")},
                                    data={"as_of": AS_OF}).json()["status_url"])
        # The same cheque again: duplicate_presentment fails, and the verdict is suspicious.
        assert ("duplicate_presentment", "fail", "seen_before") in checks_of(second["report"])
        assert second["verdict"] == "suspicious"
        assert_job_matches(second, again_expected)
        # Another client presenting the same cheque: a duplicate too (the scope is the deployment).
        third = wait_job(b, b.post(f"/cheques?as_of={AS_OF}", content=data,
                                   headers={"Content-Type": "image/png"}).json()["status_url"])
        assert_job_matches(third, again_expected)
        # ... who learns nothing of the first presentment beyond the reason code.
        assert first["id"] not in json.dumps(third) and "alice" not in json.dumps(third)
        assert b.get(first["status_url"]).status_code == 404

    rows = presentment_rows(svc)
    assert len(rows) == 1
    key, first_job_id, _ = rows[0]
    fields = first_expected["micr"]["fields"]
    assert key == first_expected["presentment_key"] == kyc.presentment_key(
        fields["routing"]["value"], fields["account"]["value"], fields["serial"]["value"])
    assert first_job_id == first["id"]

    hook.wait_for(lambda reqs: len(reqs) >= 2)
    bodies = [json.loads(r["body"]) for r in hook.requests]
    assert sorted(e["id"] for e in bodies) == sorted([first["id"], second["id"]])  # bob has no hook
    for event in bodies:
        job = first if event["id"] == first["id"] else second
        assert event["type"] == "cheque.completed" and event["kind"] == "cheque"
        assert event["verdict"] == job["verdict"]
        assert event["reasons"] == [r["check"] for r in job["reasons"]]
    raw = b"".join(r["body"] for r in hook.requests).decode()
    audit = (svc.data_dir / "audit.ndjson").read_text()
    assert any(json.loads(line).get("kind") == "cheque" for line in audit.splitlines())
    for number in (routing, account, fields["raw_line"]):
        assert number not in raw
        assert number not in audit


def test_a_retry_of_the_first_presentment_is_not_its_own_duplicate(tmp_path, engine):
    # The processor run twice for one job id (attempt 1 killed after its presentment row was
    # committed, attempt 2 the retry), then by another job: only the other job is a duplicate.
    import os
    from kyc_service.db import Database
    from kyc_service.processors import Context, JobInfo, process_cheque
    from kyc_service.store import ObjectStore

    data = require_shared(WIKIMEDIA).read_bytes()
    db = Database(tmp_path / "db.sqlite3")
    store = ObjectStore(tmp_path / "objects", [("k1", os.urandom(32))], os.urandom(32))
    ref, _ = store.put(data)
    ctx = Context(engine, store, db)
    inputs = {"cheque": ref, "as_of": AS_OF}
    expected = oracle(engine, data)

    def duplicate_check(outcome: Any) -> tuple:
        return next((c["id"], c["status"], c["reason"]) for c in outcome.report["checks"]
                    if c["id"] == "duplicate_presentment")

    attempt1 = process_cheque(ctx, inputs, JobInfo("cq_first", "cl_a", 1))
    attempt2 = process_cheque(ctx, inputs, JobInfo("cq_first", "cl_a", 2))
    for outcome in (attempt1, attempt2):
        assert duplicate_check(outcome) == ("duplicate_presentment", "pass", "first_presentment")
        assert outcome.verdict == expected["verdict"] and checks_of(outcome.report) == checks_of(expected)
    other = process_cheque(ctx, inputs, JobInfo("cq_other", "cl_a", 1))
    assert duplicate_check(other) == ("duplicate_presentment", "fail", "seen_before")
    assert other.verdict == "suspicious"


def test_presentment_record_is_atomic_under_concurrency(tmp_path):
    from kyc_service.db import Database
    db = Database(tmp_path / "db.sqlite3")
    key = kyc.presentment_key("011000015", "123456789", "42")
    answers: Dict[str, bool] = {}
    barrier = threading.Barrier(8)

    def present(job_id: str) -> None:
        barrier.wait()
        answers[job_id] = db.record_presentment(key, job_id, "cl_x")
        db.close_thread_connection()

    threads = [threading.Thread(target=present, args=(f"cq_{n}",)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    firsts = [job for job, seen in answers.items() if not seen]
    assert len(answers) == 8 and len(firsts) == 1
    assert db.record_presentment(key, firsts[0], "cl_x") is False  # the first job's retry
    assert db.conn().execute("SELECT first_job_id FROM presentments").fetchall()[0][0] == firsts[0]


def test_kill_9_after_the_presentment_was_recorded(make_service, engine):
    # The job is killed after its presentment row was committed but before its result was: the
    # retry (same job id) must not report the cheque as its own duplicate.
    data = require_shared(WIKIMEDIA).read_bytes()
    svc = make_service(KYC_SERVICE_TEST_FINISH_DELAY_MS="30000")
    key = svc.create_key("alice")
    with svc.client(key) as c:
        accepted = c.post(f"/cheques?as_of={AS_OF}", content=data, headers={"Content-Type": "image/png"}).json()
        deadline = time.monotonic() + 60
        while not presentment_rows(svc):
            assert time.monotonic() < deadline, "the presentment was never recorded"
            time.sleep(0.05)
    svc.kill9()
    db = sqlite3.connect(svc.data_dir / "kyc_service.sqlite3")
    assert db.execute("SELECT status FROM jobs WHERE id = ?", (accepted["id"],)).fetchone() == ("running",)
    assert db.execute("SELECT COUNT(*) FROM results").fetchone() == (0,)
    assert [r[1] for r in presentment_rows(svc)] == [accepted["id"]]

    svc.env.pop("KYC_SERVICE_TEST_FINISH_DELAY_MS")
    svc.start()
    with svc.client(key) as c:
        job = wait_job(c, accepted["status_url"])
    assert job["attempts"] == 2
    assert_job_matches(job, oracle(engine, data))
    assert ("duplicate_presentment", "pass", "first_presentment") in checks_of(job["report"])
    assert len(presentment_rows(svc)) == 1


def test_cheque_auth_and_isolation(service):
    data = require_shared(TEMPLATE).read_bytes()
    with service.client(None) as anon:
        assert anon.post("/cheques", content=data, headers={"Content-Type": "image/jpeg"}).status_code == 401
        assert anon.get("/cheques/cq_nothing").status_code == 401
    with service.client(service.alice) as a, service.client(service.bob) as b:
        r = a.post(f"/cheques?as_of={AS_OF}", content=data, headers={"Content-Type": "image/jpeg"})
        url = r.json()["status_url"]
        assert a.get(url).status_code == 200
        other = b.get(url)
        assert other.status_code == 404 and other.json()["detail"]["code"] == "not_found"
        assert a.get("/cheques/cq_unknown").status_code == 404
        assert a.get(url.replace("/cheques/", "/photos/")).status_code == 404  # kinds stay apart
        wait_job(a, url)


@pytest.mark.parametrize("as_of", ["2024-13-01", "yesterday", "2024-02-30", "2024-1-01", "2024-01-01\n",
                                   "２０２４-01-01"])
def test_cheque_bad_as_of(service, as_of):
    data = require_shared(TEMPLATE).read_bytes()
    with service.client(service.alice) as c:
        r = c.post("/cheques", params={"as_of": as_of}, content=data, headers={"Content-Type": "image/jpeg"})
        assert r.status_code == 422 and r.json()["detail"]["code"] == "bad_as_of", r.text
        r = c.post("/cheques", files={"cheque": ("c.jpg", data, "image/jpeg")}, data={"as_of": as_of})
        assert r.status_code == 422 and r.json()["detail"]["code"] == "bad_as_of", r.text


def test_cheque_bad_requests(service, make_service):
    with service.client(service.alice) as c:
        r = c.post("/cheques", content=b"hello", headers={"Content-Type": "text/plain"})
        assert r.status_code == 415 and r.json()["detail"]["code"] == "unsupported_media_type"
        r = c.post("/cheques", content=b"", headers={"Content-Type": "image/jpeg"})
        assert r.status_code == 400 and r.json()["detail"]["code"] == "empty_body"
        r = c.post("/cheques", content=b"%PDF-1.4 not an image", headers={"Content-Type": "image/png"})
        assert r.status_code == 422 and r.json()["detail"]["code"] == "not_an_image"
        r = c.post("/cheques", files={"photo": ("a.jpg", b"\xff\xd8\xff", "image/jpeg")})
        assert r.status_code == 422 and r.json()["detail"]["code"] == "missing_part"
    # The photo upload limit applies (a tiny one here, so nothing big is sent), and the rate limit.
    small = make_service(KYC_SERVICE_MAX_PHOTO="1000", KYC_SERVICE_RATE="1/s burst 2", name="small")
    with small.client(small.create_key("alice")) as c:
        r = c.post("/cheques", content=require_shared(TEMPLATE).read_bytes(), headers={"Content-Type": "image/jpeg"})
        assert r.status_code == 413 and r.json()["detail"]["code"] == "too_large"
        codes = [c.get("/cheques/cq_unknown").status_code for _ in range(5)]
        assert codes[0] == 404 and 429 in codes, codes


def test_cheque_routes_in_openapi_and_audit(service):
    with service.client(None) as c:
        paths = c.get("/openapi.json").json()["paths"]
    assert {"/cheques", "/cheques/{cheque_id}"} <= set(paths)
    body = paths["/cheques"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in body and "image/*" in body
    assert {"HTTPBearer": []} in paths["/cheques"]["post"]["security"]
    with service.client(service.alice) as c:
        r = c.post(f"/cheques?as_of={AS_OF}", content=require_shared(TEMPLATE).read_bytes(),
                   headers={"Content-Type": "image/jpeg"})
        job = wait_job(c, r.json()["status_url"])
    lines = service.audit_lines()
    post = next(e for e in lines if e["event"] == "request" and e["request_id"] == r.headers["x-request-id"])
    assert (post["route"], post["status"], post["job_id"]) == ("/cheques", 202, job["id"])
    assert AS_OF not in json.dumps(post)  # query strings are never logged
    states = [(e["status"], e.get("kind")) for e in lines if e["event"] == "job" and e.get("job_id") == job["id"]]
    assert states == [("queued", "cheque"), ("running", "cheque"), ("done", "cheque")]


def test_a_presentment_store_failure_is_retried_not_an_input_error(tmp_path, engine):
    # The library turns an exception in the store into InvalidArgumentError, which the service
    # treats as final bad input; a database failure must instead reach the worker as itself (and
    # be retried). A real failure: the presentments table is gone.
    import os
    from kyc_service.db import Database
    from kyc_service.processors import INPUT_ERRORS, Context, JobInfo, process_cheque
    from kyc_service.store import ObjectStore

    db = Database(tmp_path / "db.sqlite3")
    db.conn().execute("DROP TABLE presentments")
    store = ObjectStore(tmp_path / "objects", [("k1", os.urandom(32))], os.urandom(32))
    ref, _ = store.put(require_shared(WIKIMEDIA).read_bytes())
    with pytest.raises(sqlite3.OperationalError, match="presentments") as raised:
        process_cheque(Context(engine, store, db), {"cheque": ref, "as_of": AS_OF}, JobInfo("cq_1", "cl_a", 1))
    assert not isinstance(raised.value, INPUT_ERRORS)


def test_corrupt_cheque_is_a_job_result_with_the_library_error_code(service, engine):
    corrupt = require_shared(WIKIMEDIA).read_bytes()[:400] + b"\x00broken" * 10  # PNG signature, bad chunks
    with pytest.raises(kyc.Error) as raised:
        engine.read_cheque(corrupt, presentment_store=kyc.InMemoryPresentmentStore(), as_of=AS_OF)
    with service.client(service.alice) as c:
        r = c.post(f"/cheques?as_of={AS_OF}", content=corrupt, headers={"Content-Type": "image/png"})
        assert r.status_code == 202, r.text
        job = wait_job(c, r.json()["status_url"])
    assert job["status"] == "done" and job["attempts"] == 1 and job["verdict"] == "error"
    assert job["reasons"][0]["code"] == raised.value.code
