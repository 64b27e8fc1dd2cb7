"""The event shapes this function receives, turned into object references.

* An S3 notification (``{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
  "s3": {"bucket": {"name"}, "object": {"key", "size", "eTag", "versionId"}}}]}``), either as
  the Lambda event itself (S3 -> Lambda) or as the body of an SQS message (S3 -> SQS -> Lambda),
  or wrapped once more in an SNS envelope (S3 -> SNS -> SQS).
* The ``s3:TestEvent`` S3 sends when a notification configuration is saved: no records, ignored.

Object keys arrive URL-encoded with ``+`` for spaces (``my+photo%2B1.jpg`` is ``my photo+1.jpg``),
so they are decoded with ``unquote_plus`` before use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional
from urllib.parse import unquote_plus


class BadMessage(ValueError):
    """A message that is not any shape this function understands (retrying cannot help)."""


@dataclass(frozen=True)
class ObjectRef:
    bucket: str
    key: str
    version_id: Optional[str]
    etag: Optional[str]
    size: Optional[int]

    def to_dict(self) -> Dict[str, Any]:
        return {"bucket": self.bucket, "key": self.key, "version_id": self.version_id,
                "etag": self.etag}


def is_test_event(payload: Any) -> bool:
    return isinstance(payload, dict) and payload.get("Event") == "s3:TestEvent"


def objects_from_s3_notification(payload: Any) -> List[ObjectRef]:
    """The created objects of one S3 notification; [] for a test event or non-creation events."""
    if is_test_event(payload):
        return []
    if not isinstance(payload, dict) or not isinstance(payload.get("Records"), list):
        raise BadMessage("not an S3 notification: no Records list")
    refs = []
    for record in payload["Records"]:
        if not isinstance(record, dict) or record.get("eventSource") != "aws:s3":
            raise BadMessage("a record that is not from aws:s3")
        if not isinstance(record.get("eventName"), str):
            raise BadMessage("an S3 record without eventName")
        if not record["eventName"].startswith("ObjectCreated:"):
            continue  # deletions, restores, ... carry nothing to verify
        try:
            bucket = record["s3"]["bucket"]["name"]
            obj = record["s3"]["object"]
            key = unquote_plus(obj["key"])
        except (KeyError, TypeError) as e:
            raise BadMessage(f"S3 record without {e}") from None
        etag = obj.get("eTag") or obj.get("etag")
        refs.append(ObjectRef(bucket=bucket, key=key, version_id=obj.get("versionId") or None,
                              etag=etag.strip('"') if etag else None,
                              size=obj.get("size") if isinstance(obj.get("size"), int) else None))
    return refs


def objects_from_sqs_body(body: str) -> List[ObjectRef]:
    """The objects announced by one SQS message body (S3 notification, possibly inside SNS)."""
    try:
        payload = json.loads(body)
    except (TypeError, ValueError):
        raise BadMessage("SQS body is not JSON") from None
    if isinstance(payload, dict) and payload.get("Type") == "Notification" and "Message" in payload:
        try:
            payload = json.loads(payload["Message"])  # S3 -> SNS -> SQS without raw delivery
        except (TypeError, ValueError):
            raise BadMessage("SNS envelope whose Message is not JSON") from None
    return objects_from_s3_notification(payload)


def event_kind(event: Any) -> str:
    """"sqs", "s3", "s3_test" or "unknown" for a Lambda event."""
    if is_test_event(event):
        return "s3_test"
    records = event.get("Records") if isinstance(event, dict) else None
    if isinstance(records, list) and records and isinstance(records[0], dict):
        source = records[0].get("eventSource")
        if source == "aws:sqs":
            return "sqs"
        if source == "aws:s3":
            return "s3"
    return "unknown"
