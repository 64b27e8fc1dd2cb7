"""Job kinds: kind -> processor. A processor turns a job's stored inputs into an Outcome.

To add a kind (e.g. cheques): write a function (ctx, inputs) -> Outcome and register it in
PROCESSORS; the queue, workers, results, webhooks and audit need no change.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

import kyc

from .store import ObjectStore


@dataclass
class Context:
    engine: "kyc.Engine"
    store: ObjectStore


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


def process_photo(ctx: Context, inputs: Dict[str, Any]) -> Outcome:
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


def process_application(ctx: Context, inputs: Dict[str, Any]) -> Outcome:
    if "package" in inputs:
        package = ctx.store.get(inputs["package"])
    else:
        refs = inputs["parts"]
        package = assemble_package({name: ctx.store.get(ref["ref"]) for name, ref in refs.items()},
                                   {name: ref["ext"] for name, ref in refs.items()})
    report = ctx.engine.verify_package(package)
    return Outcome(verdict=report.verdict, reasons=[{"code": c} for c in report.reasons],
                   report=report.to_dict())


Processor = Callable[[Context, Dict[str, Any]], Outcome]

PROCESSORS: Dict[str, Processor] = {
    "photo": process_photo,
    "application": process_application,
}

EVENT_TYPES = sorted(f"{kind}.completed" for kind in PROCESSORS)


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
