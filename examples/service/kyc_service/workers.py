"""Worker threads (the durable queue's consumers) and the webhook delivery thread."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import threading
import time
from typing import Any, Dict, List, Optional

import httpx

from .audit import AuditLog
from .db import Database
from .processors import INPUT_ERRORS, PROCESSORS, Context, JobInfo, Outcome, input_error_outcome
from .settings import Settings
from .store import ObjectIntegrityError, ObjectNotFoundError

log = logging.getLogger("kyc_service")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Kyc-Signature header: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class WorkerPool:
    def __init__(self, settings: Settings, db: Database, ctx: Context, audit: AuditLog,
                 incarnation: str) -> None:
        self.settings = settings
        self.db = db
        self.ctx = ctx
        self.audit = audit
        self.incarnation = incarnation
        self.stop = threading.Event()
        self.threads: List[threading.Thread] = []

    def start(self) -> None:
        for jid in self.db.requeue_stale(self.incarnation):
            self.audit.write("job", job_id=jid, status="queued", cause="requeued_after_restart")
        for n in range(self.settings.workers):
            t = threading.Thread(target=self._run, args=(f"{self.incarnation}:{n}",),
                                 name=f"kyc-worker-{n}", daemon=True)
            t.start()
            self.threads.append(t)

    def shutdown(self, timeout: float = 30.0) -> None:
        self.stop.set()
        deadline = time.monotonic() + timeout
        for t in self.threads:
            t.join(max(0.0, deadline - time.monotonic()))

    def _run(self, owner: str) -> None:
        kinds = list(PROCESSORS)
        try:
            while not self.stop.is_set():
                job = self.db.claim(owner, self.settings.lease_seconds, kinds)
                if job is None:
                    self.stop.wait(self.settings.poll_interval)
                    continue
                try:
                    self._process(job, owner)
                except Exception:  # noqa: BLE001 - e.g. the database stayed locked: keep the
                    # worker alive; the job's lease expires and it is claimed again.
                    log.exception("worker %s: job %s could not be recorded", owner, job["id"])
                    self.stop.wait(1.0)
        finally:
            self.db.close_thread_connection()

    def _process(self, job: Any, owner: str) -> None:
        # The lease is renewed every third of its length while the job runs, so a slow job is
        # not taken over by another worker; a killed process stops renewing it.
        done = threading.Event()
        heartbeat = threading.Thread(target=self._renew_lease, args=(job["id"], owner, done),
                                     name="kyc-lease", daemon=True)
        heartbeat.start()
        try:
            self._process_leased(job, owner)
        finally:
            done.set()
            heartbeat.join()

    def _renew_lease(self, job_id: str, owner: str, done: threading.Event) -> None:
        try:
            while not done.wait(self.settings.lease_seconds / 3):
                if not self.db.extend_lease(job_id, owner, self.settings.lease_seconds):
                    return
        finally:
            self.db.close_thread_connection()

    def _process_leased(self, job: Any, owner: str) -> None:
        jid, kind = job["id"], job["kind"]
        if job["attempts"] > self.settings.max_attempts:
            self._finish(job, owner, "failed", None,
                         {"code": "max_attempts",
                          "message": f"gave up after {self.settings.max_attempts} attempts"})
            return
        self.audit.write("job", job_id=jid, kind=kind, status="running", attempt=job["attempts"])
        started = time.monotonic()
        if self.settings.test_job_delay_ms:
            # Test hook (KYC_SERVICE_TEST_JOB_DELAY_MS): keeps a job 'running' long enough for a
            # test to kill the process mid-job. Never set in production.
            if self.stop.wait(self.settings.test_job_delay_ms / 1000.0):
                self.db.release(jid, owner)
                self.audit.write("job", job_id=jid, status="queued", cause="released_on_shutdown")
                return
        try:
            outcome = PROCESSORS[kind](self.ctx, json.loads(job["inputs"]),
                                       JobInfo(jid, job["client_id"], job["attempts"]))
        except INPUT_ERRORS as exc:
            outcome = input_error_outcome(exc)
        except (ObjectIntegrityError, ObjectNotFoundError) as exc:
            # Retrying cannot repair a stored object: fail now with a clear reason.
            self._finish(job, owner, "failed", None, {"code": exc.code, "message": str(exc)})
            return
        except Exception as exc:  # noqa: BLE001 - a job must never take its worker down
            error = {"code": getattr(exc, "code", "internal"), "message": f"{type(exc).__name__}: {exc}"}
            log.warning("job %s attempt %d failed: %s", jid, job["attempts"], type(exc).__name__)
            if job["attempts"] >= self.settings.max_attempts:
                self._finish(job, owner, "failed", None,
                             {"code": "max_attempts", "message": f"gave up after {job['attempts']} "
                              f"attempts; last error: {error['message']}"})
            else:
                self.db.retry_later(jid, owner, error)
                self.audit.write("job", job_id=jid, status="queued", cause="retry", error_code=error["code"])
            return
        if self.settings.test_finish_delay_ms:
            # Test hook (KYC_SERVICE_TEST_FINISH_DELAY_MS): a kill in this window loses the
            # outcome after the processor's own side effects (a cheque's presentment row) were
            # committed. Never set in production.
            if self.stop.wait(self.settings.test_finish_delay_ms / 1000.0):
                self.db.release(jid, owner)
                self.audit.write("job", job_id=jid, status="queued", cause="released_on_shutdown")
                return
        self._finish(job, owner, "done", outcome, None, ms=(time.monotonic() - started) * 1000)

    def _finish(self, job: Any, owner: str, status: str, outcome: Optional[Outcome],
                error: Optional[Dict[str, str]], ms: Optional[float] = None) -> None:
        jid, kind = job["id"], job["kind"]
        event: Dict[str, Any] = {
            "type": f"{kind}.completed", "event_id": f"evt_{jid}", "id": jid, "kind": kind,
            "status": status, "created": int(time.time()),
        }
        if outcome is not None:
            event["verdict"] = outcome.verdict
            # Stable codes only (rule ids / reason codes): never messages or document fields.
            event["reasons"] = [r.get("rule") or r.get("check") or r.get("code") for r in outcome.reasons]
        if error is not None:
            event["error_code"] = error["code"]
        result = None
        if outcome is not None:
            result = {"verdict": outcome.verdict, "reasons": outcome.reasons, "report": outcome.report,
                      "annotated_ref": outcome.annotated_ref}
        ok = self.db.finish(jid, owner, status, result, error, [event])
        fields: Dict[str, Any] = {"job_id": jid, "kind": kind, "status": status if ok else "lease_lost"}
        if outcome is not None:
            fields["verdict"] = outcome.verdict
        if error is not None:
            fields["error_code"] = error["code"]
        if ms is not None:
            fields["ms"] = round(ms, 1)
        self.audit.write("job", **fields)


class WebhookDeliverer:
    """Sends outbox rows: at-least-once, retried with exponential backoff and jitter, resumed
    after a restart (rows without delivered_at are simply due again)."""

    def __init__(self, settings: Settings, db: Database, audit: AuditLog) -> None:
        self.settings = settings
        self.db = db
        self.audit = audit
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="kyc-webhooks", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def shutdown(self, timeout: float = 15.0) -> None:
        self.stop.set()
        self.thread.join(timeout)

    def _run(self) -> None:
        with httpx.Client(timeout=self.settings.webhook_timeout, follow_redirects=False) as client:
            while not self.stop.is_set():
                rows = self.db.due_deliveries()
                for row in rows:
                    if self.stop.is_set():
                        break
                    self._deliver(client, row)
                if not rows:
                    self.stop.wait(self.settings.poll_interval)
        self.db.close_thread_connection()

    def _deliver(self, client: httpx.Client, row: Any) -> None:
        body = row["payload"].encode("utf-8")
        ts = int(time.time())
        headers = {"Content-Type": "application/json", "User-Agent": "kyc-service-webhooks/1",
                   "X-Kyc-Event-Id": row["event_id"], "X-Kyc-Signature": sign(row["secret"], ts, body)}
        attempt = row["attempts"] + 1
        error = None
        try:
            response = client.post(row["url"], content=body, headers=headers)
            if 200 <= response.status_code < 300:
                self.db.delivery_done(row["event_id"], row["subscription_id"])
                self.audit.write("webhook", event_id=row["event_id"], subscription_id=row["subscription_id"],
                                 attempt=attempt, status=response.status_code, delivered=True)
                return
            error = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            error = type(exc).__name__
        if attempt >= self.settings.webhook_max_attempts:
            next_at = None
        else:
            delay = min(self.settings.webhook_backoff_max,
                        self.settings.webhook_backoff_base * (2 ** (attempt - 1)))
            next_at = time.time() + delay * random.uniform(0.5, 1.5)
        self.db.delivery_failed(row["event_id"], row["subscription_id"], error, next_at)
        self.audit.write("webhook", event_id=row["event_id"], subscription_id=row["subscription_id"],
                         attempt=attempt, error=error, delivered=False, gave_up=next_at is None)
