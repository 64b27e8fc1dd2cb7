"""SQLite: clients, the durable job queue, results, webhook subscriptions and the outbox.

One connection per thread (sqlite3 connections must not be shared), WAL so readers never wait for
the writer, a busy timeout so writers queue instead of failing, and explicit BEGIN IMMEDIATE
transactions for every read-modify-write. synchronous=NORMAL in WAL mode loses nothing when the
process is killed (only an OS crash can drop the last commits).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

SCHEMA = """
CREATE TABLE IF NOT EXISTS clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    key_sha256 TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients(id),
    inputs TEXT NOT NULL,              -- JSON: object references and parameters, no personal data
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until REAL,
    error TEXT,                        -- JSON {code, message} when failed
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_claim ON jobs (status, created_at);
CREATE TABLE IF NOT EXISTS results (
    job_id TEXT PRIMARY KEY REFERENCES jobs(id),
    verdict TEXT NOT NULL,
    reasons TEXT NOT NULL,             -- JSON list
    report TEXT,                       -- JSON report of the library
    annotated_ref TEXT,                -- object address of the explanatory picture
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS webhooks (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES clients(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL,              -- JSON list of event types
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    event_id TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    url TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    delivered_at REAL,
    failed_at REAL,
    last_error TEXT,
    created_at REAL NOT NULL,
    PRIMARY KEY (event_id, subscription_id)
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (delivered_at, failed_at, next_attempt_at);
-- Cheques seen by this deployment (duplicate presentment). The key is the library's
-- presentment_key: SHA-256 of routing|account|serial, never the numbers themselves. Global, not
-- per client: a cheque presented through two clients (channels) is the fraud to catch.
CREATE TABLE IF NOT EXISTS presentments (
    key TEXT PRIMARY KEY,
    first_job_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    first_seen REAL NOT NULL
);
"""


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(16)}"


class Database:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self.conn().executescript(SCHEMA)  # idempotent (IF NOT EXISTS); executescript commits itself

    def conn(self) -> sqlite3.Connection:
        c = getattr(self._local, "conn", None)
        if c is None:
            c = sqlite3.connect(self.path, isolation_level=None, timeout=30.0,
                                check_same_thread=True)
            c.row_factory = sqlite3.Row
            c.execute("PRAGMA journal_mode=WAL")
            c.execute("PRAGMA synchronous=NORMAL")
            c.execute("PRAGMA busy_timeout=30000")
            c.execute("PRAGMA foreign_keys=ON")
            self._local.conn = c
        return c

    def close_thread_connection(self) -> None:
        c = getattr(self._local, "conn", None)
        if c is not None:
            c.close()
            self._local.conn = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        c = self.conn()
        c.execute("BEGIN IMMEDIATE")
        try:
            yield c
        except BaseException:
            c.execute("ROLLBACK")
            raise
        c.execute("COMMIT")

    # --- clients -------------------------------------------------------------------------------
    def create_client(self, name: str) -> str:
        """Create (or re-key) a client; returns the new API key. Only its SHA-256 is stored."""
        api_key = "kyc_" + secrets.token_urlsafe(32)
        now = time.time()
        with self.transaction() as c:
            row = c.execute("SELECT id FROM clients WHERE name = ?", (name,)).fetchone()
            if row:
                c.execute("UPDATE clients SET key_sha256 = ? WHERE id = ?", (hash_key(api_key), row["id"]))
            else:
                c.execute("INSERT INTO clients (id, name, key_sha256, created_at) VALUES (?, ?, ?, ?)",
                          (new_id("cl"), name, hash_key(api_key), now))
        return api_key

    def client_for_key(self, api_key: str) -> Optional[sqlite3.Row]:
        return self.conn().execute("SELECT id, name FROM clients WHERE key_sha256 = ?",
                                   (hash_key(api_key),)).fetchone()

    # --- jobs ----------------------------------------------------------------------------------
    def enqueue(self, job_id: str, kind: str, client_id: str, inputs: Dict[str, Any]) -> None:
        now = time.time()
        with self.transaction() as c:
            c.execute("INSERT INTO jobs (id, kind, client_id, inputs, status, created_at, updated_at) "
                      "VALUES (?, ?, ?, ?, 'queued', ?, ?)",
                      (job_id, kind, client_id, json.dumps(inputs), now, now))

    def requeue_stale(self, incarnation: str) -> List[str]:
        """Jobs left 'running' by an earlier process (killed or crashed) go back to the queue."""
        with self.transaction() as c:
            rows = c.execute("UPDATE jobs SET status = 'queued', lease_owner = NULL, lease_until = NULL, "
                             "updated_at = ? WHERE status = 'running' AND "
                             "(lease_owner IS NULL OR lease_owner NOT LIKE ?) RETURNING id",
                             (time.time(), incarnation + ":%")).fetchall()
        return [r["id"] for r in rows]

    def claim(self, owner: str, lease_seconds: float, kinds: List[str]) -> Optional[sqlite3.Row]:
        """Atomically take the oldest queued job (or one whose lease expired)."""
        now = time.time()
        marks = ",".join("?" * len(kinds))
        with self.transaction() as c:
            return c.execute(
                f"UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = ?, "
                f"lease_until = ?, updated_at = ? WHERE id = (SELECT id FROM jobs WHERE kind IN ({marks}) "
                f"AND (status = 'queued' OR (status = 'running' AND lease_until < ?)) "
                f"ORDER BY created_at LIMIT 1) RETURNING *",
                (owner, now + lease_seconds, now, *kinds, now)).fetchone()

    def extend_lease(self, job_id: str, owner: str, lease_seconds: float) -> bool:
        with self.transaction() as c:
            cur = c.execute("UPDATE jobs SET lease_until = ? WHERE id = ? AND status = 'running' AND "
                            "lease_owner = ?", (time.time() + lease_seconds, job_id, owner))
            return cur.rowcount > 0

    def release(self, job_id: str, owner: str) -> None:
        """Give a claimed job back (graceful shutdown) without counting the attempt."""
        with self.transaction() as c:
            c.execute("UPDATE jobs SET status = 'queued', attempts = MAX(attempts - 1, 0), "
                      "lease_owner = NULL, lease_until = NULL, updated_at = ? "
                      "WHERE id = ? AND status = 'running' AND lease_owner = ?",
                      (time.time(), job_id, owner))

    def retry_later(self, job_id: str, owner: str, error: Dict[str, str]) -> None:
        with self.transaction() as c:
            c.execute("UPDATE jobs SET status = 'queued', lease_owner = NULL, lease_until = NULL, "
                      "error = ?, updated_at = ? WHERE id = ? AND status = 'running' AND lease_owner = ?",
                      (json.dumps(error), time.time(), job_id, owner))

    def finish(self, job_id: str, owner: str, status: str, result: Optional[Dict[str, Any]],
               error: Optional[Dict[str, str]], events: List[Dict[str, Any]]) -> bool:
        """ONE transaction: the result (at most one per job), the job's final status, the outbox
        rows of every matching subscription. False when the lease was lost meanwhile."""
        now = time.time()
        with self.transaction() as c:
            job = c.execute("SELECT client_id, kind FROM jobs WHERE id = ? AND status = 'running' "
                            "AND lease_owner = ?", (job_id, owner)).fetchone()
            if job is None:
                return False
            if result is not None:
                c.execute("INSERT OR IGNORE INTO results (job_id, verdict, reasons, report, annotated_ref, "
                          "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                          (job_id, result["verdict"], json.dumps(result["reasons"]),
                           json.dumps(result.get("report")), result.get("annotated_ref"), now))
            c.execute("UPDATE jobs SET status = ?, error = ?, lease_owner = NULL, lease_until = NULL, "
                      "updated_at = ? WHERE id = ?",
                      (status, json.dumps(error) if error else None, now, job_id))
            subs = c.execute("SELECT id, url, events FROM webhooks WHERE client_id = ?",
                             (job["client_id"],)).fetchall()
            for event in events:
                for sub in subs:
                    if event["type"] in json.loads(sub["events"]):
                        c.execute("INSERT OR IGNORE INTO outbox (event_id, subscription_id, url, payload, "
                                  "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                                  (event["event_id"], sub["id"], sub["url"], json.dumps(event, sort_keys=True),
                                   now, now))
        return True

    def job(self, job_id: str, client_id: str, kind: str) -> Optional[sqlite3.Row]:
        return self.conn().execute(
            "SELECT j.*, r.verdict, r.reasons, r.report, r.annotated_ref FROM jobs j "
            "LEFT JOIN results r ON r.job_id = j.id WHERE j.id = ? AND j.client_id = ? AND j.kind = ?",
            (job_id, client_id, kind)).fetchone()

    # --- cheques -------------------------------------------------------------------------------
    def record_presentment(self, key: str, job_id: str, client_id: str) -> bool:
        """True when the cheque `key` was presented before by ANOTHER job; records it in any case.

        Atomic: INSERT OR IGNORE decides the first presenter (of two concurrent jobs exactly one
        inserts). A job that finds its own id in the row is a retry of the first presentment (e.g.
        killed after this row was committed but before its result was), not a duplicate."""
        with self.transaction() as c:
            inserted = c.execute("INSERT OR IGNORE INTO presentments (key, first_job_id, client_id, first_seen) "
                                 "VALUES (?, ?, ?, ?)", (key, job_id, client_id, time.time())).rowcount
            if inserted:
                return False
            row = c.execute("SELECT first_job_id FROM presentments WHERE key = ?", (key,)).fetchone()
            return row["first_job_id"] != job_id

    # --- webhooks ------------------------------------------------------------------------------
    def add_webhook(self, client_id: str, url: str, secret: str, events: List[str]) -> Dict[str, Any]:
        wid = new_id("wh")
        now = time.time()
        with self.transaction() as c:
            c.execute("INSERT INTO webhooks (id, client_id, url, secret, events, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?)", (wid, client_id, url, secret, json.dumps(events), now))
        return {"id": wid, "url": url, "events": events, "created_at": now}

    def webhooks(self, client_id: str) -> List[Dict[str, Any]]:
        rows = self.conn().execute("SELECT id, url, events, created_at FROM webhooks WHERE client_id = ? "
                                   "ORDER BY created_at", (client_id,)).fetchall()
        return [{"id": r["id"], "url": r["url"], "events": json.loads(r["events"]),
                 "created_at": r["created_at"]} for r in rows]

    def delete_webhook(self, client_id: str, webhook_id: str) -> bool:
        with self.transaction() as c:
            cur = c.execute("DELETE FROM webhooks WHERE id = ? AND client_id = ?", (webhook_id, client_id))
            return cur.rowcount > 0

    def due_deliveries(self, limit: int = 20) -> List[sqlite3.Row]:
        return self.conn().execute(
            "SELECT o.*, w.secret FROM outbox o JOIN webhooks w ON w.id = o.subscription_id "
            "WHERE o.delivered_at IS NULL AND o.failed_at IS NULL AND o.next_attempt_at <= ? "
            "ORDER BY o.next_attempt_at LIMIT ?", (time.time(), limit)).fetchall()

    def delivery_done(self, event_id: str, subscription_id: str) -> None:
        with self.transaction() as c:
            c.execute("UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL "
                      "WHERE event_id = ? AND subscription_id = ?", (time.time(), event_id, subscription_id))

    def delivery_failed(self, event_id: str, subscription_id: str, error: str,
                        next_attempt_at: Optional[float]) -> None:
        with self.transaction() as c:
            if next_attempt_at is None:
                c.execute("UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ? "
                          "WHERE event_id = ? AND subscription_id = ?",
                          (time.time(), error, event_id, subscription_id))
            else:
                c.execute("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? "
                          "WHERE event_id = ? AND subscription_id = ?",
                          (next_attempt_at, error, event_id, subscription_id))
