"""Authentication, isolation between clients, upload limits, encryption at rest (tamper, key
rotation), rate limit, refusal to start without a key."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
from conftest import BIDEN, OBAMA, SERVICE_DIR, new_key, require_shared, wait_job


def test_auth_required_and_other_clients_ids_do_not_exist(service):
    photo = require_shared(OBAMA).read_bytes()
    with service.client(None) as anonymous:
        r = anonymous.post("/photos", content=photo, headers={"Content-Type": "image/jpeg"})
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert anonymous.get("/webhooks", headers={"X-API-Key": "kyc_wrong"}).status_code == 401
        assert anonymous.get("/webhooks", headers={"Authorization": f"Bearer {service.alice}"}).status_code == 200
    with service.client(service.alice) as alice, service.client(service.bob) as bob:
        r = alice.post("/photos", content=photo, headers={"Content-Type": "image/jpeg"})
        job = wait_job(alice, r.json()["status_url"])
        assert alice.get(job["annotated_url"]).status_code == 200
        # Bob cannot tell Alice's ids from ids that never existed.
        for url in (job["status_url"], job["annotated_url"], f"/applications/{job['id']}"):
            r = bob.get(url)
            assert r.status_code == 404 and r.json()["detail"]["code"] == "not_found", url
        assert bob.get("/photos/ph_never_existed").json() == bob.get(job["status_url"]).json()


def raw_request(port: int, head: str, body_chunks, read_timeout: float = 10) -> tuple:
    """Send a request on a raw socket; returns (status line, total body bytes sent)."""
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=read_timeout) as s:
        s.sendall(head.encode())
        s.setblocking(True)
        for chunk in body_chunks:
            try:
                s.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
            s.settimeout(0.01)
            try:
                early = s.recv(4096)
                if early:
                    return early.split(b"\r\n")[0].decode(), sent, early
            except (socket.timeout, BlockingIOError):
                pass
            s.settimeout(read_timeout)
        s.settimeout(read_timeout)
        data = s.recv(4096)
        return data.split(b"\r\n")[0].decode(), sent, data


def test_upload_limits_413_without_reading_the_whole_body(make_service, say):
    svc = make_service(KYC_SERVICE_MAX_PHOTO=str(256 * 1024), KYC_SERVICE_MAX_PACKAGE=str(512 * 1024))
    key = svc.create_key("alice")
    # 1. A declared Content-Length over the cap: refused before a single body byte is sent.
    head = (f"POST /photos HTTP/1.1\r\nHost: x\r\nX-API-Key: {key}\r\nContent-Type: image/jpeg\r\n"
            f"Content-Length: {100 * 1024 * 1024}\r\n\r\n")
    started = time.perf_counter()
    status, sent, _ = raw_request(svc.port, head, [])
    assert status.startswith("HTTP/1.1 413"), status
    assert sent == 0 and time.perf_counter() - started < 5
    # 2. Chunked, no length: cut off once past the cap (we stop as soon as the answer arrives).
    head = (f"POST /applications HTTP/1.1\r\nHost: x\r\nX-API-Key: {key}\r\nContent-Type: application/zip\r\n"
            f"Transfer-Encoding: chunked\r\n\r\n")
    chunk = os.urandom(64 * 1024)
    framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    status, sent, _ = raw_request(svc.port, head, [framed] * 400)  # would be 25 MiB
    assert status.startswith("HTTP/1.1 413"), status
    say(f"chunked upload cut off after {sent} bytes sent (cap 524288)")
    assert sent < 512 * 1024 + 4 * 1024 * 1024, sent  # socket buffers allow a few MiB in flight
    # 3. Multipart over the cap through httpx: the same 413 with a JSON reason.
    with svc.client(key) as c:
        r = c.post("/photos", files={"photo": ("big.jpg", b"\xff\xd8\xff" + os.urandom(300 * 1024), "image/jpeg")})
        assert r.status_code == 413 and r.json()["detail"]["code"] == "too_large"
        assert c.get("/healthz").status_code == 200  # the service is fine afterwards


def test_objects_are_encrypted_and_tampering_is_a_clear_job_error(make_service):
    photo = require_shared(OBAMA).read_bytes()
    svc = make_service()
    key = svc.create_key("alice")
    with svc.client(key) as c:
        job = wait_job(c, c.post("/photos", content=photo, headers={"Content-Type": "image/jpeg"}).json()["status_url"])
        assert job["status"] == "done"
        png = c.get(job["annotated_url"]).content
        files = svc.object_files()
        assert len(files) == 2  # the photo and its annotated picture
        for f in files:
            blob = f.read_bytes()
            assert blob.startswith(b"KYCO\x01\x02k1")  # format version 1, key id "k1"
            for plain in (photo, png):
                for start in (0, len(plain) // 2, len(plain) - 64):
                    assert plain[start:start + 64] not in blob
        # The address is a keyed HMAC, not the plain SHA-256 of the photo.
        import hashlib
        assert hashlib.sha256(photo).hexdigest() not in {job["objects"]["photo"], *[f.parent.name + f.name for f in files]}
        photo_file = svc.data_dir / "objects" / job["objects"]["photo"][:2] / job["objects"]["photo"][2:]
        blob = bytearray(photo_file.read_bytes())
        blob[len(blob) // 2] ^= 0x01
        photo_file.write_bytes(bytes(blob))
        # Same bytes again -> deduplicated onto the tampered object -> authentication fails.
        again = wait_job(c, c.post("/photos", content=photo, headers={"Content-Type": "image/jpeg"}).json()["status_url"])
        assert again["status"] == "failed" and again["attempts"] == 1
        assert again["error"]["code"] == "object_integrity"
        assert "authentication failed" in again["error"]["message"]
        annotated_file = svc.data_dir / "objects" / job["objects"]["annotated"][:2] / job["objects"]["annotated"][2:]
        annotated_file.write_bytes(annotated_file.read_bytes()[:-1])
        r = c.get(job["annotated_url"])
        assert r.status_code == 500 and r.json()["detail"]["code"] == "object_integrity"
        assert c.get("/healthz").json()["workers_alive"] == 2  # nothing crashed


def test_key_rotation_keeps_old_objects_readable(make_service):
    k1, k2 = f"k1:{new_key()}", f"k2:{new_key()}"
    svc = make_service(keys=k1)
    key = svc.create_key("alice")
    with svc.client(key) as c:
        old = wait_job(c, c.post("/photos", content=require_shared(OBAMA).read_bytes(),
                                 headers={"Content-Type": "image/jpeg"}).json()["status_url"])
    svc.stop()
    svc.keys = f"{k2},{k1}"  # k2 becomes current; k1 stays readable
    svc.start()
    with svc.client(key) as c:
        r = c.get(old["annotated_url"])
        assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
        new = wait_job(c, c.post("/photos", content=require_shared(BIDEN).read_bytes(),
                                 headers={"Content-Type": "image/jpeg"}).json()["status_url"])
        assert new["status"] == "done"
        new_file = svc.data_dir / "objects" / new["objects"]["photo"][:2] / new["objects"]["photo"][2:]
        assert new_file.read_bytes().startswith(b"KYCO\x01\x02k2")
        # Same photo as before the rotation: same address (dedupe survives rotation), read with k1.
        again = wait_job(c, c.post("/photos", content=require_shared(OBAMA).read_bytes(),
                                   headers={"Content-Type": "image/jpeg"}).json()["status_url"])
        assert again["status"] == "done" and again["objects"]["photo"] == old["objects"]["photo"]
    svc.stop()
    svc.keys = k2  # k1 retired too early: a clear error, not a crash
    svc.start()
    with svc.client(key) as c:
        r = c.get(old["annotated_url"])
        assert r.status_code == 500 and "'k1'" in r.json()["detail"]["message"]


def test_service_refuses_to_start_without_a_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KYC_SERVICE_")}
    env["PYTHONPATH"] = str(SERVICE_DIR)
    out = subprocess.run([sys.executable, "-m", "kyc_service", "serve", "--data", str(tmp_path)],
                         cwd=SERVICE_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "no encryption key" in out.stderr and "KYC_SERVICE_KEYS" in out.stderr
    env["KYC_SERVICE_KEYS"] = "k1:c2hvcnQ="
    out = subprocess.run([sys.executable, "-m", "kyc_service", "serve", "--data", str(tmp_path)],
                         cwd=SERVICE_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "must be 32 bytes" in out.stderr


def test_rate_limit_429_with_retry_after(make_service):
    svc = make_service(KYC_SERVICE_RATE="2/s burst 3")
    alice, bob = svc.create_key("alice"), svc.create_key("bob")
    with svc.client(alice) as c:
        codes = [c.get("/webhooks") for _ in range(8)]
    limited = [r for r in codes if r.status_code == 429]
    assert [r.status_code for r in codes[:3]] == [200, 200, 200]
    assert limited, [r.status_code for r in codes]
    assert int(limited[0].headers["retry-after"]) >= 1
    assert limited[0].json()["detail"]["code"] == "rate_limited"
    with svc.client(bob) as c:  # per client: Bob has his own bucket
        assert c.get("/webhooks").status_code == 200
    time.sleep(1.1)
    with svc.client(alice) as c:
        assert c.get("/webhooks").status_code == 200
    with httpx.Client(base_url=svc.url) as c:
        assert c.get("/healthz").status_code == 200  # unauthenticated health is not limited
