"""``kyc-eval mrz``: MRZ reading accuracy, check-digit validity and speed on document images.

Every image under ``--images`` (recursively, sorted) is read with ``Engine.read_document``.
Images listed in ``--expected`` are scored field by field; the others (e.g. specimens with no
ground truth) count only towards "MRZ found" and "check digits valid".

Expected-values JSON: an object with ``images`` mapping a path *relative to --images* to an
entry. Two entry shapes are accepted:

kyc's own (``"schema": "kyc.eval.mrz_expected"``)::

    {"schema": "kyc.eval.mrz_expected", "schema_version": 1,
     "images": {"tests/data/passport-td3.jpg": {
        "format": "TD3",
        "fields": {"document_type": "P", "issuing_country": "UTO", "document_number": "L898902C3",
                   "surname": "ERIKSSON", "given_names": "ANNA MARIA", "nationality": "UTO",
                   "date_of_birth": "1974-08-12", "sex": "F", "date_of_expiry": "2012-04-15",
                   "optional_data": "ZE184226B"}}}}

PassportEye's test expectations as curated in the shared data (``expected_fields_normalized``
with ``birth_date`` / ``expiry_date`` in YYMMDD and ``<`` fillers) are read as they are.

Only the fields an entry lists are scored. Values are compared in MRZ form: upper case, ``<``
fillers as spaces, runs of spaces collapsed, trimmed; dates as YYMMDD (ISO dates are converted),
so ``"P<"`` equals ``"P"`` and ``"1974-08-12"`` equals ``"740812"``.

Nothing personal is printed or written: the report records per field whether it was right, never
the value.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import kyc

from . import metrics
from .common import cpu_seconds, format_table, list_images, provenance, seed_everything, write_json

SCHEMA = "kyc.eval.mrz"

#: The scored fields (kyc DocumentFields names, plus the MRZ optional data).
FIELDS = (
    "document_type",
    "issuing_country",
    "document_number",
    "surname",
    "given_names",
    "nationality",
    "date_of_birth",
    "sex",
    "date_of_expiry",
    "optional_data",
)
DATE_FIELDS = ("date_of_birth", "date_of_expiry")

#: Other spellings of the field names found in expected-values files.
FIELD_ALIASES = {
    "birth_date": "date_of_birth",
    "expiry_date": "date_of_expiry",
    "expiration_date": "date_of_expiry",
    "country": "issuing_country",
    "number": "document_number",
    "names": "given_names",
    "type": "document_type",
}

#: PassportEye's MRZ attribute for each scored field (optional data: personal_number in TD3,
#: optional1 in TD1/TD2).
PASSPORTEYE_FIELDS = {
    "document_type": "type",
    "issuing_country": "country",
    "document_number": "number",
    "surname": "surname",
    "given_names": "names",
    "nationality": "nationality",
    "date_of_birth": "date_of_birth",
    "sex": "sex",
    "date_of_expiry": "expiration_date",
}

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def normalise(field: str, value: Any) -> str:
    """A value in comparable MRZ form (see the module doc)."""
    text = "" if value is None else str(value)
    if field in DATE_FIELDS:
        m = _ISO_DATE.match(text.strip())
        if m:
            return m.group(1)[2:] + m.group(2) + m.group(3)
    text = text.upper().replace("<", " ")
    return " ".join(text.split())


def load_expected(path: Path) -> Dict[str, Dict[str, Any]]:
    """``{relative path: {"format": str|None, "fields": {field: normalised value}}}``."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    images = doc.get("images") if isinstance(doc, dict) else None
    if not isinstance(images, dict):
        raise ValueError(f"{path}: expected an object with an 'images' object")
    out: Dict[str, Dict[str, Any]] = {}
    for relative, entry in images.items():
        if not isinstance(entry, dict):
            raise ValueError(f"{path}: images[{relative!r}] is not an object")
        raw = entry.get("fields", entry.get("expected_fields_normalized"))
        if not isinstance(raw, dict):
            raise ValueError(
                f"{path}: images[{relative!r}] has neither 'fields' nor 'expected_fields_normalized'"
            )
        fields = {}
        for name, value in raw.items():
            canonical = FIELD_ALIASES.get(name, name)
            if canonical not in FIELDS:
                raise ValueError(
                    f"{path}: images[{relative!r}]: unknown field {name!r} (known: {', '.join(FIELDS)})"
                )
            fields[canonical] = normalise(canonical, value)
        out[os.path.normpath(relative)] = {"format": entry.get("format"), "fields": fields}
    return out


class KycReader:
    name = "kyc"

    def __init__(self, engine: "kyc.Engine") -> None:
        self.engine = engine

    def read(self, data: bytes) -> Dict[str, Any]:
        start, cpu = time.perf_counter(), cpu_seconds()
        result = self.engine.read_document(data)
        elapsed = (time.perf_counter() - start) * 1000.0
        cpu_ms = (cpu_seconds() - cpu) * 1000.0
        mrz = result.to_dict().get("mrz")
        if not mrz or mrz.get("status") in (None, "not_found"):
            return {"found": False, "ms": elapsed, "cpu_ms": cpu_ms}
        checks = mrz.get("check_digits") or []
        values = dict(mrz.get("fields") or {})
        values["optional_data"] = mrz.get("optional_data", "")
        return {
            "found": True,
            "ms": elapsed,
            "cpu_ms": cpu_ms,
            "status": mrz.get("status"),
            "format": mrz.get("format"),
            "check_digits": [bool(c.get("valid")) for c in checks],
            "check_digits_valid": bool(checks) and all(c.get("valid") for c in checks),
            "repaired": bool((mrz.get("flags") or {}).get("repaired")),
            "values": {f: normalise(f, values.get(f, "")) for f in FIELDS},
        }


class PassportEyeReader:
    name = "passporteye"

    def __init__(self) -> None:
        try:
            from passporteye import read_mrz
        except ImportError as e:
            raise RuntimeError(
                f"the passporteye peer is not installed (pip install passporteye): {e}"
            ) from None
        self.read_mrz = read_mrz

    def read(self, data: bytes) -> Dict[str, Any]:
        start, cpu = time.perf_counter(), cpu_seconds()
        with warnings.catch_warnings():  # scikit-image deprecations inside PassportEye
            warnings.simplefilter("ignore")
            mrz = self.read_mrz(io.BytesIO(data))
        elapsed = (time.perf_counter() - start) * 1000.0
        cpu_ms = (cpu_seconds() - cpu) * 1000.0
        if mrz is None:
            return {"found": False, "ms": elapsed, "cpu_ms": cpu_ms}
        checks = [bool(v) for v in getattr(mrz, "valid_check_digits", [])]
        values = {f: getattr(mrz, attr, "") for f, attr in PASSPORTEYE_FIELDS.items()}
        values["optional_data"] = getattr(mrz, "personal_number", None) or getattr(
            mrz, "optional1", ""
        )
        return {
            "found": True,
            "ms": elapsed,
            "cpu_ms": cpu_ms,
            "status": "valid" if getattr(mrz, "valid", False) else "invalid",
            "format": getattr(mrz, "mrz_type", None),
            "check_digits": checks,
            "check_digits_valid": bool(checks) and all(checks),
            "repaired": False,
            "values": {f: normalise(f, values.get(f, "")) for f in FIELDS},
        }


def score(read: Dict[str, Any], expected: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """The per-image record written to the report: booleans and counts only, no values."""
    record = {
        k: read.get(k) for k in ("found", "status", "format", "check_digits_valid", "repaired")
    }
    record["ms"] = round(read["ms"], 3)
    record["cpu_ms"] = round(read["cpu_ms"], 3)
    if read.get("found"):
        record["check_digits_total"] = len(read["check_digits"])
        record["check_digits_ok"] = sum(read["check_digits"])
    if expected is not None:
        values = read.get("values") or {}
        record["fields_correct"] = {
            f: bool(read.get("found")) and values.get(f) == v for f, v in expected["fields"].items()
        }
        record["document_correct"] = all(record["fields_correct"].values())
        if expected.get("format"):
            record["format_correct"] = read.get("format") == expected["format"]
    return record


def summarise(records: List[Dict[str, Any]]) -> Dict[str, Any]:
    n = len(records)
    found = [r for r in records if r["found"]]
    labelled = [r for r in records if "fields_correct" in r]
    per_field: Dict[str, Dict[str, Any]] = {}
    for field in FIELDS:
        scored = [r["fields_correct"][field] for r in labelled if field in r["fields_correct"]]
        if scored:
            per_field[field] = {
                "correct": sum(scored),
                "total": len(scored),
                "accuracy": sum(scored) / len(scored),
            }
    digits_total = sum(r.get("check_digits_total", 0) for r in found)
    digits_ok = sum(r.get("check_digits_ok", 0) for r in found)
    return {
        "documents": n,
        "mrz_found": len(found),
        "mrz_found_rate": len(found) / n if n else None,
        "check_digits_valid_documents": sum(1 for r in records if r.get("check_digits_valid")),
        "check_digit_validity_rate": (
            (sum(1 for r in records if r.get("check_digits_valid")) / n) if n else None
        ),
        "check_digits": {
            "valid": digits_ok,
            "total": digits_total,
            "rate": digits_ok / digits_total if digits_total else None,
        },
        "repaired_documents": sum(1 for r in records if r.get("repaired")),
        "labelled_documents": len(labelled),
        "document_accuracy": (
            (sum(1 for r in labelled if r["document_correct"]) / len(labelled))
            if labelled
            else None
        ),
        "format_accuracy": _rate([r["format_correct"] for r in labelled if "format_correct" in r]),
        "field_accuracy": per_field,
        "timing_per_document": metrics.timing_summary([r["ms"] for r in records]),
        "cpu_time_per_document": metrics.timing_summary([r["cpu_ms"] for r in records]),
    }


def _rate(values: List[bool]) -> Optional[float]:
    return sum(values) / len(values) if values else None


def run(args: Any, argv: Sequence[str]) -> int:
    seed_everything()
    images_dir = Path(args.images)
    out_dir = Path(args.out)
    expected_root = Path(args.expected_root) if args.expected_root else images_dir
    # Expected entries keyed by resolved absolute path, so --expected-root may differ from --images.
    expected = {
        (expected_root / relative).resolve(): entry
        for relative, entry in (load_expected(Path(args.expected)) if args.expected else {}).items()
    }
    all_images = list_images(images_dir)
    unknown = set(expected) - {p.resolve() for p in all_images}
    if unknown:
        first = sorted(unknown)[0]
        print(
            f"kyc-eval mrz: {len(unknown)} expected image(s) are not under {images_dir}, first: {first} "
            "(paths in --expected are relative to --expected-root, default --images)",
            file=sys.stderr,
        )
        return 2
    images = (
        [p for p in all_images if p.resolve() in expected] if args.only_expected else all_images
    )
    if not images:
        print(f"kyc-eval mrz: no images under {images_dir}", file=sys.stderr)
        return 2

    config = dict(args.engine_config or {})
    document = dict(config.get("document", {}))
    if args.tessdata:
        document["tessdata_dir"] = str(args.tessdata)
    document.setdefault("viz", bool(args.viz))
    config["document"] = document
    engine = kyc.Engine(**config)
    readers: List[Any] = [KycReader(engine)]
    for peer in args.peer or []:
        if peer != "passporteye":
            raise ValueError(f"unknown MRZ peer {peer!r} (supported: passporteye)")
        readers.append(PassportEyeReader())

    inputs = {"expected": Path(args.expected)} if args.expected else {}
    report: Dict[str, Any] = {
        "schema": SCHEMA,
        "schema_version": 1,
        "provenance": provenance(engine, argv, inputs),
        "settings": {
            "images": str(images_dir),
            "expected_root": str(expected_root),
            "viz": document["viz"],
            "only_expected": bool(args.only_expected),
        },
        "systems": {},
    }
    print(
        f"kyc-eval mrz: {len(images)} images, {len(expected)} with expected fields", file=sys.stderr
    )
    for reader in readers:  # warm-up (model loading), not timed
        reader.read(images[0].read_bytes())
    for reader in readers:
        records = []
        for path in images:
            read = reader.read(path.read_bytes())
            record = score(read, expected.get(path.resolve()))
            record["image"] = str(path.relative_to(images_dir))
            records.append(record)
        report["systems"][reader.name] = {"summary": summarise(records), "documents": records}
    write_json(out_dir / "mrz.json", report)
    print(summary_table(report))
    print(f"\nreport: {out_dir / 'mrz.json'}")
    return 0


def summary_table(report: Dict[str, Any]) -> str:
    header = [
        "system",
        "documents",
        "MRZ found",
        "check digits valid",
        "labelled",
        "doc accuracy",
        "field accuracy (min)",
        "mean ms",
        "p50 ms",
        "p95 ms",
    ]
    rows = []
    field_rows = []
    for name, entry in report["systems"].items():
        s = entry["summary"]
        fields = s["field_accuracy"]
        t = s["timing_per_document"]
        rows.append(
            [
                name,
                s["documents"],
                s["mrz_found"],
                f"{s['check_digits_valid_documents']} ({s['check_digit_validity_rate']:.3f})",
                s["labelled_documents"],
                s["document_accuracy"],
                min((f["accuracy"] for f in fields.values()), default=None),
                t.get("mean_ms"),
                t.get("p50_ms"),
                t.get("p95_ms"),
            ]
        )
        for field, f in fields.items():
            field_rows.append([name, field, f"{f['correct']}/{f['total']}", f["accuracy"]])
    text = format_table(header, rows)
    if field_rows:
        text += "\n\n" + format_table(["system", "field", "correct", "accuracy"], field_rows)
    return text
