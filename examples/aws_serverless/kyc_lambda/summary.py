"""What of a kyc report goes into the result item: verdict-level data only.

A package report (``kyc.package_report``) holds the applicant's document fields (names, dates,
numbers, the MRZ lines) and entry names chosen by the uploader; a photo report holds face
geometry. None of that is stored: the item keeps the verdict, the reason codes, the rule ids with
their reason codes and states, and counts. Field *names* ("date_of_birth") are stored, values
never. Whoever needs the full report re-runs kyc on the S3 object, which stays the source of
truth under its own encryption and access policy.
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple


def photo_summary(result: Any) -> Tuple[str, List[str], Dict[str, Any]]:
    """(verdict, reasons, summary) of a kyc.PhotoCheckResult."""
    report = result.to_dict()
    failed = [{"id": r.id, "reason": r.reason} for r in result.rules if r.status == "fail"]
    unable = [{"id": r.id, "reason": r.reason} for r in result.rules
              if r.status == "unable_to_assess"]
    summary = {
        "schema": report.get("schema"),
        "schema_version": report.get("schema_version"),
        "profile": result.profile,
        "decided_by": result.decided_by,
        "counts": report.get("summary"),
        "face_count": result.face_count,
        "failed_rules": failed,
        "unassessed_rules": unable,
    }
    return result.verdict, [r["id"] for r in failed + unable], summary


def _pick(d: Any, *keys: str) -> Dict[str, Any]:
    return {k: d[k] for k in keys if isinstance(d, dict) and k in d}


def package_summary(result: Any) -> Tuple[str, List[str], Dict[str, Any]]:
    """(verdict, reasons, summary) of a kyc.PackageReport, without document field values."""
    report = result.to_dict()
    summary: Dict[str, Any] = _pick(report, "schema", "schema_version")
    package = report.get("package") or {}
    summary["entries"] = [_pick(e, "role", "detected_type", "bytes", "sha256")
                          for e in package.get("entries", [])]
    summary["package_warnings"] = len(package.get("warnings", []))
    face = report.get("face_match")
    if face:
        summary["face_match"] = _pick(face, "status", "match", "similarity")
        decision = face.get("decision") or {}
        summary["face_match"]["operating_point"] = decision.get("operating_point")
    document = report.get("document")
    if document:
        summary["document"] = {
            "machine_readable": document.get("machine_readable"),
            "mrz_status": (document.get("mrz") or {}).get("status"),
            "barcode_status": (document.get("barcode") or {}).get("status"),
        }
    consistency = report.get("consistency")
    if consistency:
        summary["consistency"] = {
            "verdict": consistency.get("verdict"),
            "rule": consistency.get("rule"),  # {"name": rule id, "field": field name}
            "fields": [_pick(f, "field", "state", "reason") for f in consistency.get("fields", [])],
            "validity": [_pick(v, "check", "state", "reason")
                         for v in consistency.get("validity", [])],
        }
    verification = report.get("verification")
    if verification:
        summary["verification"] = _pick(verification, "verifier", "status", "reason")
    return result.verdict, list(result.reasons), summary
