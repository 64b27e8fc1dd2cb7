"""Lambda entry points of the kyc serverless example (see README.md and template.yaml).

``handler``      S3 ObjectCreated events, directly (S3 -> Lambda) or through SQS
                 (S3 -> SQS -> Lambda, with partial-batch failure reporting).
``api_handler``  API Gateway GET /results/{id}.

Module state (the kyc engine, boto3 clients) lives in kyc_lambda.runtime and is reused by every
invocation that the same container serves.
"""

from __future__ import annotations

import os
import time
from typing import Any, Dict, List

from kyc_lambda import api, runtime
from kyc_lambda.events import (BadMessage, event_kind, objects_from_s3_notification,
                               objects_from_sqs_body)
from kyc_lambda.logs import log
from kyc_lambda.processor import Processor


def handler(event: Dict[str, Any], context: Any) -> Dict[str, Any]:
    request_id = getattr(context, "aws_request_id", None)
    kind = event_kind(event)
    started = time.perf_counter()
    if kind == "s3_test":
        log("s3.test_event_ignored", request_id=request_id)
        return {"ignored": "s3:TestEvent"}
    settings = runtime.Settings.from_env()
    processor = Processor(settings, request_id)

    if kind == "s3":
        # Asynchronous invocation: an exception makes Lambda retry (twice) and then hand the
        # event to the function's on-failure destination / DLQ. Unusable objects do not raise:
        # they are stored as error results.
        outcomes = [processor.process(ref) for ref in objects_from_s3_notification(event)]
        log("invocation", request_id=request_id, trigger="s3", objects=len(outcomes),
            ms=round((time.perf_counter() - started) * 1000.0, 1))
        return {"results": [o.__dict__ for o in outcomes]}

    if kind == "sqs":
        failures: List[Dict[str, str]] = []
        processed = 0
        reserve_ms = int(os.environ.get("KYC_TIME_RESERVE_MS", "15000"))
        for record in event["Records"]:
            message_id = record.get("messageId")
            if _remaining_ms(context) < reserve_ms:
                # Too little time left for another verification: hand the rest back to SQS
                # now rather than time out, which would make SQS redeliver the whole batch.
                failures.append({"itemIdentifier": message_id})
                continue
            try:
                for ref in objects_from_sqs_body(record.get("body")):
                    processor.process(ref)
                    processed += 1
            except BadMessage as e:
                # Not a shape we know: reported as failed so that, after maxReceiveCount, SQS
                # moves it to the dead-letter queue where someone can look at it.
                log("sqs.bad_message", request_id=request_id, message_id=message_id, error=str(e))
                failures.append({"itemIdentifier": message_id})
            except Exception as e:  # noqa: BLE001 - every other message of the batch still runs
                log("sqs.retry", request_id=request_id, message_id=message_id,
                    error=type(e).__name__, code=_aws_code(e))
                failures.append({"itemIdentifier": message_id})
        log("invocation", request_id=request_id, trigger="sqs", messages=len(event["Records"]),
            objects=processed, failed=len(failures),
            ms=round((time.perf_counter() - started) * 1000.0, 1))
        return {"batchItemFailures": failures}

    raise ValueError("unsupported event: expected an S3 notification or an SQS batch")


def api_handler(event: Dict[str, Any], context: Any) -> Dict[str, Any]:
    return api.get_result(event, context)


def _remaining_ms(context: Any) -> float:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return remaining() if callable(remaining) else float("inf")


def _aws_code(e: Exception) -> Any:
    response = getattr(e, "response", None)
    return (response or {}).get("Error", {}).get("Code") if isinstance(response, dict) else None
