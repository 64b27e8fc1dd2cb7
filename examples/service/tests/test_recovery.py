"""Crash recovery: kill -9 in the middle of a job; after a restart the job completes exactly once
(one result row, one webhook event id)."""

from __future__ import annotations

import json
import sqlite3
import time

from conftest import OBAMA, require_shared, wait_job


def test_kill_9_mid_job_is_retried_not_lost_not_duplicated(make_service, receiver, engine, say):
    photo = require_shared(OBAMA).read_bytes()
    hook = receiver()
    # Test hook: every claimed job sleeps 30 s before processing, long enough to be killed.
    svc = make_service(KYC_SERVICE_TEST_JOB_DELAY_MS="30000")
    key = svc.create_key("alice")
    with svc.client(key) as c:
        assert c.post("/webhooks", json={"url": hook.url}).status_code == 201
        accepted = c.post("/photos", content=photo, headers={"Content-Type": "image/jpeg"}).json()
        running = wait_job(c, accepted["status_url"], until=("running",), timeout=30)
        assert running["attempts"] == 1
    svc.kill9()

    db = sqlite3.connect(svc.data_dir / "kyc_service.sqlite3")
    assert db.execute("SELECT status FROM jobs WHERE id = ?", (accepted["id"],)).fetchone() == ("running",)
    svc.env.pop("KYC_SERVICE_TEST_JOB_DELAY_MS")
    started = time.perf_counter()
    svc.start()
    with svc.client(key) as c:
        job = wait_job(c, accepted["status_url"])
    say(f"recovered job done {time.perf_counter() - started:.2f} s after the restart began")
    assert job["status"] == "done" and job["attempts"] == 2
    assert job["verdict"] == engine.check_photo(photo).verdict
    assert db.execute("SELECT COUNT(*) FROM results WHERE job_id = ?", (accepted["id"],)).fetchone() == (1,)
    assert db.execute("SELECT COUNT(*) FROM outbox").fetchone() == (1,)
    hook.wait_for(lambda reqs: len(reqs) >= 1)
    time.sleep(1.0)
    assert len(hook.requests) == 1
    assert json.loads(hook.requests[0]["body"])["id"] == accepted["id"]
    events = [e for e in svc.audit_lines() if e.get("job_id") == accepted["id"] and e["event"] == "job"]
    assert [e["status"] for e in events] == ["queued", "running", "queued", "running", "done"]
    assert events[2]["cause"] == "requeued_after_restart"


def test_graceful_stop_releases_the_lease_without_counting_an_attempt(make_service):
    svc = make_service(KYC_SERVICE_TEST_JOB_DELAY_MS="30000")
    key = svc.create_key("alice")
    with svc.client(key) as c:
        accepted = c.post("/photos", content=require_shared(OBAMA).read_bytes(),
                          headers={"Content-Type": "image/jpeg"}).json()
        wait_job(c, accepted["status_url"], until=("running",), timeout=30)
        r = c.get(accepted["status_url"] + "/annotated")
        assert r.status_code == 409 and r.json()["detail"]["code"] == "not_ready"
    t = time.perf_counter()
    svc.stop()
    assert time.perf_counter() - t < 20
    db = sqlite3.connect(svc.data_dir / "kyc_service.sqlite3")
    assert db.execute("SELECT status, attempts, lease_owner FROM jobs WHERE id = ?",
                      (accepted["id"],)).fetchone() == ("queued", 0, None)


def test_a_job_that_keeps_failing_ends_failed_after_max_attempts(make_service):
    # Jobs whose attempts are used up (e.g. killed every time) end 'failed' with a reason
    # instead of looping forever: simulated by kills with max_attempts=1.
    svc = make_service(KYC_SERVICE_TEST_JOB_DELAY_MS="30000", KYC_SERVICE_MAX_ATTEMPTS="1")
    key = svc.create_key("alice")
    with svc.client(key) as c:
        accepted = c.post("/photos", content=require_shared(OBAMA).read_bytes(),
                          headers={"Content-Type": "image/jpeg"}).json()
        wait_job(c, accepted["status_url"], until=("running",), timeout=30)
    svc.kill9()
    svc.start()
    with svc.client(key) as c:
        job = wait_job(c, accepted["status_url"], timeout=30)
    assert job["status"] == "failed" and job["error"]["code"] == "max_attempts"
    assert "verdict" not in job


def test_a_slow_job_keeps_its_lease_and_runs_once(make_service):
    # Lease of 1 s, job of 3 s: without renewal the second worker would take the job over.
    svc = make_service(KYC_SERVICE_TEST_JOB_DELAY_MS="3000", KYC_SERVICE_LEASE_SECONDS="1")
    key = svc.create_key("alice")
    with svc.client(key) as c:
        accepted = c.post("/photos", content=require_shared(OBAMA).read_bytes(),
                          headers={"Content-Type": "image/jpeg"}).json()
        job = wait_job(c, accepted["status_url"], timeout=60)
    assert job["status"] == "done" and job["attempts"] == 1
    runs = [e for e in svc.audit_lines() if e.get("job_id") == accepted["id"] and e.get("status") == "running"]
    assert len(runs) == 1
