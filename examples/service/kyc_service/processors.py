"""Job kinds: kind -> processor. A processor turns a job's stored inputs into an Outcome.

To add a kind: write a function (ctx, inputs, job) -> Outcome and register it in PROCESSORS; the
queue, workers, results, webhooks and audit need no change (the route is the only other piece).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

import kyc

from .db import Database
from .store import ObjectStore


@dataclass
class Context:
    engine: "kyc.Engine"
    store: ObjectStore
    db: Optional[Database] = None  # for kinds that keep state across jobs (cheque presentments)


@dataclass
class JobInfo:
    """The claimed job a processor runs for (its id is stable across retries)."""
    id: str
    client_id: str
    attempt: int


@dataclass
class Outcome:
    verdict: str
    reasons: List[Dict[str, Any]]
    report: Optional[Dict[str, Any]] = None
    annotated_ref: Optional[str] = None


# Input problems are the client's: the same bytes would fail again, so they are a result with
# verdict "error" (and the library's error code), not a retry.
INPUT_ERRORS = (kyc.InvalidImageError, kyc.UnsupportedFormatError, kyc.InvalidArgumentError,
                kyc.LimitExceededError)


def input_error_outcome(exc: Exception) -> Outcome:
    return Outcome(verdict="error", reasons=[{"code": getattr(exc, "code", "invalid_input"),
                                              "message": str(exc)}])


def process_photo(ctx: Context, inputs: Dict[str, Any], job: JobInfo) -> Outcome:
    data = ctx.store.get(inputs["photo"])
    result, png = ctx.engine.annotate_photo(data, inputs.get("profile", "icao"), format="png")
    report = result.to_dict()
    reasons = [{"rule": r["id"], "reason": r.get("reason"), "message": r.get("message")}
               for r in report.get("rules", []) if r.get("status") == "fail"]
    annotated, _ = ctx.store.put(png)
    return Outcome(verdict=result.verdict, reasons=reasons, report=report, annotated_ref=annotated)


PART_NAMES = ("form", "selfie", "document_front", "document_back")


def assemble_package(parts: Dict[str, bytes], extensions: Dict[str, str]) -> bytes:
    """The ZIP layout of docs/package.md: a form (CSV or JSON), a selfie, a document front and
    optionally its back. Names carry the role hints the library's identification uses; a single
    document side is named 'document' (passport page or one-sided card)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for part in PART_NAMES:
            if part not in parts:
                continue
            stem = part
            if part == "document_front" and "document_back" not in parts:
                stem = "document"
            z.writestr(f"{stem}.{extensions[part]}", parts[part])
    return out.getvalue()


def process_application(ctx: Context, inputs: Dict[str, Any], job: JobInfo) -> Outcome:
    if "package" in inputs:
        package = ctx.store.get(inputs["package"])
    else:
        refs = inputs["parts"]
        package = assemble_package({name: ctx.store.get(ref["ref"]) for name, ref in refs.items()},
                                   {name: ref["ext"] for name, ref in refs.items()})
    report = ctx.engine.verify_package(package)
    return Outcome(verdict=report.verdict, reasons=[{"code": c} for c in report.reasons],
                   report=report.to_dict())


class SqlitePresentmentStore(kyc.PresentmentStore):
    """The library's duplicate-presentment store over the service's `presentments` table, bound
    to one job: check_and_record(key) is true only when ANOTHER job presented the cheque first
    (a retry of the first job is not its own duplicate). Only the SHA-256 key is stored."""

    def __init__(self, db: Database, job: JobInfo) -> None:
        super().__init__()
        self.db = db
        self.job = job
        self.failure: Optional[BaseException] = None

    def check_and_record(self, key: str) -> bool:
        try:
            return self.db.record_presentment(key, self.job.id, self.job.client_id)
        except BaseException as exc:
            # The library wraps it as InvalidArgumentError (an input error, final); kept here so
            # the job re-raises the real cause and is retried (e.g. the database stayed locked).
            self.failure = exc
            raise


def process_cheque(ctx: Context, inputs: Dict[str, Any], job: JobInfo) -> Outcome:
    if ctx.db is None:
        raise RuntimeError("cheque jobs need the database (presentment store)")
    data = ctx.store.get(inputs["cheque"])
    # as_of is fixed at submission (the client's, or the upload day in UTC): a retry after
    # midnight judges the date exactly as the first attempt would have.
    store = SqlitePresentmentStore(ctx.db, job)
    try:
        result = ctx.engine.read_cheque(data, presentment_store=store, as_of=inputs["as_of"])
    except kyc.Error:
        if store.failure is not None:
            raise store.failure from None  # the service's fault, not the cheque's: retry
        raise
    # Check ids and reason codes only: the messages are in the report (the owner's data).
    reasons = [{"check": c.id, "reason": c.reason} for c in result.checks if c.status == "fail"]
    return Outcome(verdict=result.verdict, reasons=reasons, report=result.to_dict())


Processor = Callable[[Context, Dict[str, Any], JobInfo], Outcome]

PROCESSORS: Dict[str, Processor] = {
    "photo": process_photo,
    "application": process_application,
    "cheque": process_cheque,
}

EVENT_TYPES = sorted(f"{kind}.completed" for kind in PROCESSORS)


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
