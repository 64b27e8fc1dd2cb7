"""Webhooks: subscriptions, HMAC signatures, retries with backoff, outbox across restarts."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from conftest import OBAMA, require_shared, wait_job


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """What a receiver does (the README's snippet): recompute HMAC-SHA256(secret, "<t>.<body>")."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"]) and abs(time.time() - int(parts["t"])) <= tolerance


def test_webhook_crud(service, receiver):
    hook = receiver()
    with service.client(service.bob) as c:
        r = c.post("/webhooks", json={"url": hook.url, "events": ["photo.completed"]})
        assert r.status_code == 201, r.text
        sub = r.json()
        assert sub["secret"].startswith("whsec_") and sub["events"] == ["photo.completed"]
        listed = c.get("/webhooks").json()["webhooks"]
        assert [w["id"] for w in listed] == [sub["id"]] and "secret" not in listed[0]
        assert c.post("/webhooks", json={"url": "ftp://x"}).status_code == 422
        assert c.post("/webhooks", json={"url": hook.url, "events": ["photo.deleted"]}).status_code == 422
        with service.client(service.alice) as alice:
            assert alice.delete(f"/webhooks/{sub['id']}").status_code == 404  # not Alice's
        assert c.delete(f"/webhooks/{sub['id']}").status_code == 204
        assert c.get("/webhooks").json()["webhooks"] == []


def test_signed_event_retried_after_500s_and_delivered_once_across_a_restart(make_service, receiver):
    hook = receiver(statuses=[500, 500])  # fails twice, then accepts
    svc = make_service(KYC_SERVICE_WEBHOOK_BACKOFF="0.2")
    key = svc.create_key("alice")
    secret = "a-test-secret-of-enough-length"
    with svc.client(key) as c:
        assert c.post("/webhooks", json={"url": hook.url, "secret": secret}).status_code == 201
        job = wait_job(c, c.post("/photos", content=require_shared(OBAMA).read_bytes(),
                                 headers={"Content-Type": "image/jpeg"}).json()["status_url"])
    hook.wait_for(lambda reqs: any(r["status"] == 200 for r in reqs))
    reqs = list(hook.requests)
    assert [r["status"] for r in reqs] == [500, 500, 200]
    gaps = [b["at"] - a["at"] for a, b in zip(reqs, reqs[1:])]
    assert gaps[0] >= 0.1 and gaps[1] >= 0.2, gaps  # 0.2 s * 2**(n-1), jitter 0.5-1.5
    for r in reqs:
        assert verify(secret, r["headers"]["X-Kyc-Signature"], r["body"])
        assert not verify("another-secret-entirely", r["headers"]["X-Kyc-Signature"], r["body"])
    event = json.loads(reqs[-1]["body"])
    assert event["type"] == "photo.completed" and event["id"] == job["id"]
    assert event["verdict"] == job["verdict"] and event["status"] == "done"
    assert event["reasons"] == [x["rule"] for x in job["reasons"]]
    assert {r["headers"]["X-Kyc-Event-Id"] for r in reqs} == {event["event_id"]}
    # Restart: the delivered event is not sent again.
    svc.stop()
    svc.start()
    time.sleep(1.5)
    assert len(hook.requests) == 3


def test_undelivered_events_are_sent_after_a_restart(make_service, receiver):
    svc = make_service(KYC_SERVICE_WEBHOOK_BACKOFF="0.2")
    key = svc.create_key("alice")
    hook = receiver(statuses=[503] * 1000)  # down for now
    with svc.client(key) as c:
        secret = c.post("/webhooks", json={"url": hook.url}).json()["secret"]
        job = wait_job(c, c.post("/photos", content=require_shared(OBAMA).read_bytes(),
                                 headers={"Content-Type": "image/jpeg"}).json()["status_url"])
    hook.wait_for(lambda reqs: len(reqs) >= 1)
    svc.stop()
    hook.statuses.clear()  # the receiver recovers while the service is down
    svc.start()
    hook.wait_for(lambda reqs: any(r["status"] == 200 for r in reqs))
    time.sleep(1.0)
    ok = [r for r in hook.requests if r["status"] == 200]
    assert len(ok) == 1
    assert json.loads(ok[0]["body"])["id"] == job["id"]
    assert verify(secret, ok[0]["headers"]["X-Kyc-Signature"], ok[0]["body"])
