"""``kyc-eval photo``: per-rule confusion matrices of the passport-photo checker.

Labels table (TSV with a header), paths relative to ``--root``. Two shapes:

1. ``path`` and ``condition`` columns (e.g. ``tables/yale_conditions.tsv`` of the shared data):
   the condition is turned into expected rule outcomes by :data:`CONDITION_EXPECTATIONS`.
2. ``path`` and one column per rule id (``eyes_open``, ``mouth_closed``, ...) holding ``pass``,
   ``fail`` or nothing (not labelled); a table may mix both, explicit columns win.

A *positive* is a defect: the rule is expected to fail. For each rule:
TP = expected fail, kyc fails; FN = expected fail, kyc passes; TN = expected pass, kyc passes;
FP = expected pass, kyc fails. A rule kyc reports ``unable_to_assess`` is counted apart
(``unassessed``), not in the matrix, so that it is visible rather than silently scored.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Sequence

import kyc

from . import metrics
from .common import cpu_seconds, format_table, provenance, seed_everything, write_json

SCHEMA = "kyc.eval.photo"

#: The rules the Yale conditions stress.
STRESSED_RULES = ("eyes_open", "neutral_expression", "mouth_closed", "illumination_evenness")
_ALL_PASS = {rule: "pass" for rule in STRESSED_RULES}

#: Condition -> expected outcome per rule. Only what the condition makes certain is labelled:
#: a nominal photo passes all four rules; a defect condition fails the rule it is about and
#: says nothing about the others (a wink may come with a smile, a surprised face with raised
#: brows). Conditions absent here, or mapped to {}, are not scored: glasses (no rule among the
#: four), sad (not clearly outside "neutral"), sleepy (eyes partly closed: borderline by design).
CONDITION_EXPECTATIONS: Dict[str, Dict[str, str]] = {
    "normal": dict(_ALL_PASS),
    "noglasses": dict(_ALL_PASS),
    "centerlight": dict(_ALL_PASS),
    "wink": {"eyes_open": "fail"},
    "happy": {"neutral_expression": "fail"},
    "surprised": {"mouth_closed": "fail"},
    "leftlight": {"illumination_evenness": "fail"},
    "rightlight": {"illumination_evenness": "fail"},
    "glasses": {},
    "sad": {},
    "sleepy": {},
}


def read_labels(path: Path) -> List[Dict[str, Any]]:
    """``[{"path", "condition", "expected": {rule: "pass"|"fail"}}]`` in file order."""
    rule_ids = set(kyc.photo_rule_ids())
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f, delimiter="\t")
        columns = reader.fieldnames or []
        if "path" not in columns:
            raise ValueError(f"{path}: missing column 'path'")
        rule_columns = [c for c in columns if c in rule_ids]
        if "condition" not in columns and not rule_columns:
            raise ValueError(
                f"{path}: need a 'condition' column or rule-id columns ({', '.join(sorted(rule_ids))})"
            )
        out = []
        for line, row in enumerate(reader, start=2):
            condition = (row.get("condition") or "").strip()
            expected = dict(CONDITION_EXPECTATIONS.get(condition, {}))
            if condition and condition not in CONDITION_EXPECTATIONS and not rule_columns:
                raise ValueError(
                    f"{path}:{line}: unknown condition {condition!r} (known: {', '.join(CONDITION_EXPECTATIONS)})"
                )
            for rule in rule_columns:
                value = (row.get(rule) or "").strip().lower()
                if value in ("pass", "fail"):
                    expected[rule] = value
                elif value:
                    raise ValueError(f"{path}:{line}: column {rule}: expected pass, fail or empty")
            out.append({"path": row["path"].strip(), "condition": condition, "expected": expected})
    return out


def run(args: Any, argv: Sequence[str]) -> int:
    seed_everything()
    labels_path = Path(args.labels)
    root = Path(args.root)
    out_dir = Path(args.out)
    labels = read_labels(labels_path)
    missing = [e["path"] for e in labels if not (root / e["path"]).is_file()]
    if missing:
        print(
            f"kyc-eval photo: {len(missing)} image(s) missing under {root}, first: {missing[0]}",
            file=sys.stderr,
        )
        return 2
    engine = kyc.Engine(**(args.engine_config or {}))
    rules = sorted(
        {rule for e in labels for rule in e["expected"]},
        key=lambda r: kyc.photo_rule_ids().index(r),
    )
    matrix = {rule: {"tp": 0, "fp": 0, "tn": 0, "fn": 0, "unassessed": 0} for rule in rules}
    by_condition: Dict[str, Dict[str, Dict[str, int]]] = {}
    records = []
    times = []
    cpu_times = []
    engine.check_photo(
        (root / labels[0]["path"]).read_bytes(), args.profile
    )  # warm-up: model loading
    for entry in labels:
        data = (root / entry["path"]).read_bytes()
        start, cpu = time.perf_counter(), cpu_seconds()
        result = engine.check_photo(data, args.profile)
        times.append((time.perf_counter() - start) * 1000.0)
        cpu_times.append((cpu_seconds() - cpu) * 1000.0)
        outcome = {}
        for rule, expected in entry["expected"].items():
            got = result.rule(rule)
            status = got.status if got is not None else "unable_to_assess"
            outcome[rule] = {
                "expected": expected,
                "status": status,
                "value": got.value if got is not None else None,
            }
            cell = _cell(expected, status)
            matrix[rule][cell] += 1
            counts = by_condition.setdefault(entry["condition"] or "-", {}).setdefault(
                rule, {"tp": 0, "fp": 0, "tn": 0, "fn": 0, "unassessed": 0}
            )
            counts[cell] += 1
        records.append(
            {
                "image": entry["path"],
                "condition": entry["condition"],
                "verdict": result.verdict,
                "face_count": result.face_count,
                "rules": outcome,
            }
        )
    for counts in matrix.values():
        _add_rates(counts)
    report = {
        "schema": SCHEMA,
        "schema_version": 1,
        "provenance": provenance(engine, argv, {"labels": labels_path}),
        "settings": {
            "root": str(root),
            "profile": args.profile,
            "positive": "rule expected to fail (a defect)",
        },
        "condition_expectations": CONDITION_EXPECTATIONS,
        "photos": len(labels),
        "labelled_photos": sum(1 for e in labels if e["expected"]),
        "no_face_photos": sum(1 for r in records if r["face_count"] == 0),
        "rules": matrix,
        "by_condition": by_condition,
        "timing_per_photo": metrics.timing_summary(times),
        "cpu_time_per_photo": metrics.timing_summary(cpu_times),
        "photos_detail": records,
    }
    write_json(out_dir / "photo.json", report)
    print(summary_table(report))
    print(f"\nreport: {out_dir / 'photo.json'}")
    return 0


def _cell(expected: str, status: str) -> str:
    if status not in ("pass", "fail"):
        return "unassessed"
    if expected == "fail":
        return "tp" if status == "fail" else "fn"
    return "fp" if status == "fail" else "tn"


def _add_rates(c: Dict[str, Any]) -> None:
    scored = c["tp"] + c["fp"] + c["tn"] + c["fn"]
    c["scored"] = scored
    c["accuracy"] = (c["tp"] + c["tn"]) / scored if scored else None
    c["sensitivity"] = (
        c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else None
    )  # defects caught
    c["specificity"] = (
        c["tn"] / (c["tn"] + c["fp"]) if c["tn"] + c["fp"] else None
    )  # good photos passed


def summary_table(report: Dict[str, Any]) -> str:
    header = [
        "rule",
        "TP",
        "FP",
        "TN",
        "FN",
        "unassessed",
        "accuracy",
        "sensitivity",
        "specificity",
    ]
    rows = [
        [
            rule,
            c["tp"],
            c["fp"],
            c["tn"],
            c["fn"],
            c["unassessed"],
            c["accuracy"],
            c["sensitivity"],
            c["specificity"],
        ]
        for rule, c in report["rules"].items()
    ]
    t = report["timing_per_photo"]
    return format_table(header, rows) + (
        f"\n{report['photos']} photos ({report['labelled_photos']} labelled, {report['no_face_photos']} without a face); "
        f"check_photo mean {t.get('mean_ms', 0):.1f} ms, p50 {t.get('p50_ms', 0):.1f} ms, p95 {t.get('p95_ms', 0):.1f} ms"
    )
