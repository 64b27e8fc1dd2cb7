"""One S3 object -> one result item in DynamoDB -> one SNS notification, idempotently.

Delivery is at least once (S3 notifications, SQS, Lambda retries), so the same object can arrive
several times, possibly after a crash half-way. The result id is derived from the object's
identity (bucket, key, version id, ETag), and:

1. if an item with that id exists and ``notified`` is true, the delivery is a duplicate: nothing;
2. if it exists with ``notified`` false, an earlier run stored it and stopped before (or while)
   notifying: publish now, then set ``notified`` (conditionally, so it is set once);
3. otherwise verify, store with ``attribute_not_exists(pk)`` (a concurrent twin loses and leaves
   the notification to the winner, whose own redelivery repairs it if it dies), publish, mark.

The one window left is a crash after ``Publish`` and before the mark: the redelivery publishes a
second time. Messages carry the result id so subscribers can drop the rare repeat.

Errors: an object that cannot be verified (corrupt, not an image, unsafe archive, too large,
deleted) becomes an item with ``status = "error"`` and a stable code, because retrying cannot fix
it. AWS errors (throttling, 5xx, network, access) and an engine that cannot start propagate so the
platform retries and, in the end, parks the event in the dead-letter queue.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Dict, Optional

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

import kyc

from . import runtime
from .events import ObjectRef
from .logs import log
from .summary import package_summary, photo_summary

RESULT_TYPE = "kyc.result"
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

# kyc errors that mean "this input cannot be verified"; anything else from kyc is about the
# deployment (models, configuration, an AWS backend that is down) and is retried.
_INPUT_ERRORS = (kyc.InvalidArgumentError, kyc.InvalidImageError, kyc.UnsupportedFormatError,
                 kyc.LimitExceededError, kyc.IoError)
_MISSING_OBJECT = {"NoSuchKey", "NoSuchVersion", "404", "NotFound"}


@dataclass
class Outcome:
    result_id: str
    action: str  # "stored", "duplicate", "repaired", "lost_race"
    status: Optional[str] = None
    verdict: Optional[str] = None


def result_id(ref: ObjectRef) -> str:
    """The same object version always gets the same id; another upload to the key gets another."""
    basis = "\x00".join([ref.bucket, ref.key, ref.version_id or "", ref.etag or ""])
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


def _now() -> str:
    """UTC, ISO 8601 with milliseconds: 2026-11-21T22:47:00.123Z."""
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"


def to_dynamo(item: Dict[str, Any]) -> Dict[str, Any]:
    # DynamoDB has no float type: numbers go through Decimal; None values are left out.
    plain = json.loads(json.dumps(item), parse_float=Decimal)
    return {k: _serializer.serialize(v) for k, v in plain.items() if v is not None}


def from_dynamo(item: Dict[str, Any]) -> Dict[str, Any]:
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def to_json_value(value: Any) -> Any:
    """DynamoDB values (Decimal, sets) as plain JSON values."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, set, tuple)):
        return [to_json_value(v) for v in value]
    return value


def _error_code(e: ClientError) -> str:
    return str(e.response.get("Error", {}).get("Code", ""))


class Processor:
    def __init__(self, settings: runtime.Settings, request_id: Optional[str] = None):
        self.settings = settings
        self.request_id = request_id
        self.s3 = runtime.client("s3", settings)
        self.dynamodb = runtime.client("dynamodb", settings)
        self.sns = runtime.client("sns", settings)

    # -- the idempotent flow ----------------------------------------------------------------------
    def process(self, ref: ObjectRef) -> Outcome:
        rid = result_id(ref)
        existing = self.get_item(rid)
        if existing is not None:
            if existing.get("notified"):
                self._log("kyc.duplicate", rid, ref, existing)
                return Outcome(rid, "duplicate", existing.get("status"), existing.get("verdict"))
            self.notify(existing)
            self._log("kyc.repaired", rid, ref, existing)
            return Outcome(rid, "repaired", existing.get("status"), existing.get("verdict"))

        item = self.evaluate(ref, rid)
        try:
            self.dynamodb.put_item(TableName=self.settings.table, Item=to_dynamo(item),
                                   ConditionExpression="attribute_not_exists(pk)")
        except ClientError as e:
            if _error_code(e) != "ConditionalCheckFailedException":
                raise
            # A concurrent delivery stored it first; it notifies (or its redelivery repairs).
            self._log("kyc.lost_race", rid, ref, item)
            return Outcome(rid, "lost_race", item["status"], item.get("verdict"))
        self.notify(item)
        self._log("kyc.result", rid, ref, item)
        return Outcome(rid, "stored", item["status"], item.get("verdict"))

    def get_item(self, rid: str) -> Optional[Dict[str, Any]]:
        answer = self.dynamodb.get_item(TableName=self.settings.table, Key={"pk": {"S": rid}},
                                        ConsistentRead=True)
        return from_dynamo(answer["Item"]) if "Item" in answer else None

    def notify(self, item: Dict[str, Any]) -> None:
        """Publish the result, then mark the item notified (once, conditionally)."""
        message = {
            "type": RESULT_TYPE,
            "id": item["pk"],
            "kind": item.get("kind"),
            "status": item.get("status"),
            "verdict": item.get("verdict"),
            "reasons": item.get("reasons", []),
            "error_code": (item.get("error") or {}).get("code"),
            "s3": item.get("s3"),
        }
        attributes = {
            # Subscribers filter on these (e.g. {"verdict": ["rejected", "review"]}).
            "verdict": {"DataType": "String", "StringValue": item.get("verdict") or "error"},
            "status": {"DataType": "String", "StringValue": str(item.get("status"))},
            "kind": {"DataType": "String", "StringValue": str(item.get("kind"))},
        }
        self.sns.publish(TopicArn=self.settings.topic_arn,
                         Message=json.dumps(to_json_value(message), separators=(",", ":")),
                         MessageAttributes=attributes)
        try:
            self.dynamodb.update_item(
                TableName=self.settings.table, Key={"pk": {"S": item["pk"]}},
                UpdateExpression="SET notified = :true, notified_at = :now",
                ConditionExpression="attribute_exists(pk) AND notified = :false",
                ExpressionAttributeValues={":true": {"BOOL": True}, ":false": {"BOOL": False},
                                           ":now": {"S": _now()}})
        except ClientError as e:
            if _error_code(e) != "ConditionalCheckFailedException":
                raise

    # -- download and verify ----------------------------------------------------------------------
    def evaluate(self, ref: ObjectRef, rid: str) -> Dict[str, Any]:
        started = time.perf_counter()
        item: Dict[str, Any] = {
            "pk": rid,
            "created_at": _now(),
            "notified": False,
            "request_id": self.request_id,
            "s3": ref.to_dict(),
            "kyc_version": kyc.__version__,
        }
        try:
            data = self.download(ref, item)
        except _ObjectUnusable as e:
            return self._error_item(item, _kind_by_name(ref.key), e.code, started)
        kind = "package" if data[:4] == b"PK\x03\x04" else _kind_by_name(ref.key)
        item["kind"] = kind
        engine = runtime.engine()  # models or configuration missing: raises, retried, then DLQ
        warm_started = time.perf_counter()
        try:
            with runtime.traced(f"kyc.{kind}"):
                if kind == "package":
                    verdict, reasons, summary = package_summary(engine.verify_package(data))
                else:
                    verdict, reasons, summary = photo_summary(
                        engine.check_photo(data, profile=self.settings.photo_profile))
        except _INPUT_ERRORS as e:
            return self._error_item(item, kind, e.code, started)
        item.update(status="done", verdict=verdict, reasons=reasons, summary=summary,
                    backend=_backend_name(engine),
                    ms={"verify": round((time.perf_counter() - warm_started) * 1000.0, 1),
                        "total": round((time.perf_counter() - started) * 1000.0, 1)})
        return item

    def download(self, ref: ObjectRef, item: Dict[str, Any]) -> bytes:
        # Pin the exact version the event announced: a version id, else the ETag (a key written
        # again since then fails the precondition instead of verifying other bytes).
        kwargs: Dict[str, Any] = {"Bucket": ref.bucket, "Key": ref.key}
        if ref.version_id:
            kwargs["VersionId"] = ref.version_id
        elif ref.etag:
            kwargs["IfMatch"] = f'"{ref.etag}"'
        try:
            answer = self.s3.get_object(**kwargs)
        except ClientError as e:
            code = _error_code(e)
            if code in _MISSING_OBJECT:
                raise _ObjectUnusable("object_not_found") from None
            if code in ("PreconditionFailed", "412"):
                raise _ObjectUnusable("object_changed") from None
            raise  # access denied, throttling, 5xx: retried by the platform
        body = answer["Body"]
        item["s3"].update(etag=str(answer.get("ETag", "")).strip('"') or ref.etag,
                          version_id=answer.get("VersionId") or ref.version_id)
        size = int(answer.get("ContentLength", -1))
        item["s3"]["size"] = size
        limit = self.settings.max_object_bytes
        if size > limit:
            body.close()  # the body is streamed: closing it downloads nothing more
            raise _ObjectUnusable("object_too_large")
        data = body.read(limit + 1)
        body.close()
        if len(data) > limit:  # a ContentLength that lied
            raise _ObjectUnusable("object_too_large")
        if not data:
            raise _ObjectUnusable("object_empty")
        return data

    def _error_item(self, item: Dict[str, Any], kind: str, code: str,
                    started: float) -> Dict[str, Any]:
        item.setdefault("kind", kind)
        item.update(status="error", reasons=[code], error={"code": code},
                    ms={"total": round((time.perf_counter() - started) * 1000.0, 1)})
        return item

    def _log(self, event: str, rid: str, ref: ObjectRef, item: Dict[str, Any]) -> None:
        log(event, request_id=self.request_id, result_id=rid, bucket=ref.bucket,
            version_id=ref.version_id, kind=item.get("kind"), status=item.get("status"),
            verdict=item.get("verdict"), reasons=to_json_value(item.get("reasons")),
            error_code=(item.get("error") or {}).get("code"), ms=to_json_value(item.get("ms")))


class _ObjectUnusable(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _kind_by_name(key: str) -> str:
    return "package" if key.lower().endswith(".zip") else "photo"


def _backend_name(engine: Any) -> Dict[str, Any]:
    face = engine.config.get("face", {})
    document = engine.config.get("document", {})
    return {"face": face.get("comparer"), "document": document.get("reader")}
