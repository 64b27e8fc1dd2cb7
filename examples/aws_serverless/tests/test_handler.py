"""The Lambda handler against moto in server mode: real S3 events in, DynamoDB items and SNS
messages out, idempotent on redelivery, errors as results, partial batch failures."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

import handler
import kyc
from kyc_lambda import runtime
from kyc_lambda.processor import result_id
from kyc_lambda.events import objects_from_s3_notification
from moto_stack import LambdaContext, split_notifications

PHOTO_KEY = "photos/applicant 42/face+front é.jpg"  # a space, a plus and a non-ASCII letter
PACKAGE_KEY = "applications/app 7.zip"
# Strings of the specimen form and passport that must never reach the item or the message.
PERSONAL = ["ERIKSSON", "Eriksson", "ANNA", "L898902C3", "1974-08-12", "ZE184226B", "form.csv",
            "passport.jpg", "selfie.jpg"]


def created_event(stack) -> dict:
    """The S3 notification moto sent for the last upload(s); the test event checked and dropped."""
    tests, created = split_notifications(stack.s3_notifications())
    assert len(created) == 1, created
    return json.loads(created[0]["Body"])


def only_item(stack) -> dict:
    items = stack.items()
    assert len(items) == 1, f"{len(items)} items"
    return items[0]


def test_s3_test_event_is_ignored(stack):
    tests, created = split_notifications(stack.s3_notifications())
    assert tests and not created  # moto, like S3, announces the configuration with a test event
    event = json.loads(tests[0]["Body"])
    assert handler.handler(event, LambdaContext()) == {"ignored": "s3:TestEvent"}
    # ... also when it arrives through SQS: nothing stored, nothing failed.
    via_sqs = handler.handler(stack.as_lambda_sqs_event(tests), LambdaContext())
    assert via_sqs == {"batchItemFailures": []}
    assert stack.items() == [] and stack.published() == []


def test_photo_from_an_s3_event(stack, photo_bytes, local_engine):
    put = stack.upload(PHOTO_KEY, photo_bytes)
    event = created_event(stack)
    assert event["Records"][0]["s3"]["object"]["key"] != PHOTO_KEY  # arrives URL-encoded

    out = handler.handler(event, LambdaContext())

    expected = local_engine.check_photo(photo_bytes, profile="icao")
    item = only_item(stack)
    assert out["results"][0]["action"] == "stored"
    assert item["kind"] == "photo" and item["status"] == "done"
    assert item["verdict"] == expected.verdict
    assert set(item["reasons"]) == {r.id for r in expected.rules
                                    if r.status in ("fail", "unable_to_assess")}
    assert item["summary"]["decided_by"] == expected.decided_by
    assert item["s3"]["bucket"] == stack.bucket and item["s3"]["key"] == PHOTO_KEY
    assert item["s3"]["version_id"] == put["VersionId"]
    assert item["s3"]["etag"] == put["ETag"].strip('"')
    assert item["s3"]["size"] == len(photo_bytes)
    assert item["notified"] is True and item["created_at"].endswith("Z")
    assert item["pk"] == result_id(objects_from_s3_notification(event)[0])

    [note] = stack.published()
    message = note["Message"]
    assert message["type"] == "kyc.result" and message["id"] == item["pk"]
    assert message["verdict"] == expected.verdict and message["reasons"] == item["reasons"]
    assert message["s3"]["key"] == PHOTO_KEY and message["s3"]["version_id"] == put["VersionId"]
    assert note["MessageAttributes"]["verdict"]["Value"] == expected.verdict
    assert stack.published(stack.packages_only) == []  # the attribute filter left the photo out

    # Redelivery of the same event: no second item, no second message.
    again = handler.handler(event, LambdaContext())
    assert again["results"][0]["action"] == "duplicate"
    assert len(stack.items()) == 1 and stack.published() == []


def test_package_through_sqs(stack, package_bytes, local_engine):
    stack.upload(PACKAGE_KEY, package_bytes)
    tests, created = split_notifications(stack.s3_notifications())
    sqs_event = stack.as_lambda_sqs_event(tests + created)  # the test event rides along

    assert handler.handler(sqs_event, LambdaContext()) == {"batchItemFailures": []}

    expected = local_engine.verify_package(package_bytes)
    item = only_item(stack)
    assert item["kind"] == "package" and item["status"] == "done"
    assert item["verdict"] == expected.verdict and item["reasons"] == list(expected.reasons)
    assert item["verdict"] in ("approved", "rejected", "review")
    report = expected.to_dict()
    assert item["summary"]["face_match"]["status"] == report["face_match"]["status"]
    assert item["summary"]["consistency"]["verdict"] == report["consistency"]["verdict"]
    assert [e["role"] for e in item["summary"]["entries"]] == [
        e["role"] for e in report["package"]["entries"]]
    assert item["s3"]["key"] == PACKAGE_KEY

    [note] = stack.published()
    assert note["Message"]["verdict"] == expected.verdict
    assert note["MessageAttributes"]["kind"]["Value"] == "package"
    assert len(stack.published(stack.packages_only)) == 1
    stored = json.dumps(item, default=str) + json.dumps(note)
    leaked = [s for s in PERSONAL if s in stored]
    assert not leaked, f"personal data in the item or message: {leaked}"

    # SQS redelivers the batch (e.g. the visibility timeout ran out): nothing new.
    assert handler.handler(sqs_event, LambdaContext()) == {"batchItemFailures": []}
    assert len(stack.items()) == 1 and stack.published() == []


def test_crash_between_put_and_publish_is_repaired_once(stack, photo_bytes, monkeypatch):
    stack.upload(PHOTO_KEY, photo_bytes)
    _, created = split_notifications(stack.s3_notifications())
    sqs_event = stack.as_lambda_sqs_event(created)
    good_topic = stack.topic_arn

    # The item is stored, then Publish fails (a topic that does not exist): the message fails.
    monkeypatch.setenv("RESULTS_TOPIC_ARN", good_topic + "-gone")
    failed = handler.handler(sqs_event, LambdaContext())
    assert failed == {"batchItemFailures": [{"itemIdentifier": created[0]["MessageId"]}]}
    item = only_item(stack)
    assert item["notified"] is False and stack.published() == []

    # Redelivery: the existing item is announced exactly once and marked.
    monkeypatch.setenv("RESULTS_TOPIC_ARN", good_topic)
    assert handler.handler(sqs_event, LambdaContext()) == {"batchItemFailures": []}
    [note] = stack.published()
    assert note["Message"]["id"] == item["pk"] and note["Message"]["verdict"] == item["verdict"]
    assert only_item(stack)["notified"] is True
    assert handler.handler(sqs_event, LambdaContext()) == {"batchItemFailures": []}
    assert stack.published() == [] and len(stack.items()) == 1


def test_crash_on_the_s3_trigger_raises_for_the_platform_to_retry(stack, photo_bytes, monkeypatch):
    stack.upload(PHOTO_KEY, photo_bytes)
    event = created_event(stack)
    monkeypatch.setenv("RESULTS_TOPIC_ARN", stack.topic_arn + "-gone")
    with pytest.raises(ClientError):
        handler.handler(event, LambdaContext())
    monkeypatch.setenv("RESULTS_TOPIC_ARN", stack.topic_arn)
    assert handler.handler(event, LambdaContext())["results"][0]["action"] == "repaired"
    assert len(stack.published()) == 1


@pytest.mark.parametrize("key, corrupt", [
    ("photos/broken.jpg", lambda photo, package: photo[: len(photo) // 50]),      # truncated JPEG
    ("photos/noise.png", lambda photo, package: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    ("applications/broken.zip", lambda photo, package: package[: len(package) // 2]),
    ("applications/empty.zip", lambda photo, package: b""),
])
def test_unusable_object_is_an_error_result_not_a_retry(stack, photo_bytes, package_bytes,
                                                        local_engine, key, corrupt):
    data = corrupt(photo_bytes, package_bytes)
    stack.upload(key, data)
    _, created = split_notifications(stack.s3_notifications())
    sqs_event = stack.as_lambda_sqs_event(created)

    assert handler.handler(sqs_event, LambdaContext()) == {"batchItemFailures": []}

    item = only_item(stack)
    assert item["status"] == "error" and "verdict" not in item
    if not data:
        assert item["error"]["code"] == "object_empty"
    else:  # the code kyc itself gives for these bytes
        with pytest.raises(kyc.Error) as raised:
            if key.endswith(".zip"):
                local_engine.verify_package(data)
            else:
                local_engine.check_photo(data)
        assert item["error"]["code"] == raised.value.code
    [note] = stack.published()
    assert note["Message"]["status"] == "error"
    assert note["Message"]["error_code"] == item["error"]["code"]
    assert note["MessageAttributes"]["verdict"]["Value"] == "error"
    # Redelivered: still one item, no new message.
    assert handler.handler(sqs_event, LambdaContext()) == {"batchItemFailures": []}
    assert len(stack.items()) == 1 and stack.published() == []


def test_size_limit_is_checked_before_download(stack, photo_bytes, monkeypatch):
    monkeypatch.setenv("KYC_MAX_OBJECT_BYTES", str(len(photo_bytes) - 1))
    stack.upload(PHOTO_KEY, photo_bytes)
    handler.handler(created_event(stack), LambdaContext())
    item = only_item(stack)
    assert item["status"] == "error" and item["error"]["code"] == "object_too_large"
    assert item["s3"]["size"] == len(photo_bytes)


def test_object_deleted_before_processing(stack, photo_bytes):
    stack.s3.put_bucket_versioning(Bucket=stack.bucket,
                                   VersioningConfiguration={"Status": "Suspended"})
    stack.upload(PHOTO_KEY, photo_bytes)
    event = created_event(stack)
    stack.s3.delete_object(Bucket=stack.bucket, Key=PHOTO_KEY)
    handler.handler(event, LambdaContext())
    item = only_item(stack)
    assert item["error"]["code"] == "object_not_found" and item["kind"] == "photo"


def test_sqs_batch_reports_only_the_bad_message(stack, photo_bytes):
    stack.upload(PHOTO_KEY, photo_bytes)
    tests, created = split_notifications(stack.s3_notifications())
    event = stack.as_lambda_sqs_event(tests + created)
    bad = dict(event["Records"][-1], messageId="bad-message-1", body="{not json")
    missing_bucket = json.loads(created[0]["Body"])
    missing_bucket["Records"][0]["s3"]["bucket"]["name"] = stack.bucket + "-missing"
    transient = dict(event["Records"][-1], messageId="retry-me-2", body=json.dumps(missing_bucket))
    event["Records"] += [bad, transient]

    out = handler.handler(event, LambdaContext())

    # Only the malformed message and the one whose S3 read failed are handed back to SQS.
    assert out == {"batchItemFailures": [{"itemIdentifier": "bad-message-1"},
                                         {"itemIdentifier": "retry-me-2"}]}
    item = only_item(stack)
    assert item["s3"]["key"] == PHOTO_KEY and item["status"] == "done"
    assert len(stack.published()) == 1


def test_one_engine_per_container(stack, photo_bytes):
    stack.upload(PHOTO_KEY, photo_bytes)
    event = created_event(stack)
    runtime.reset()  # a new container
    assert not runtime.engine_is_warm()
    handler.handler(event, LambdaContext())
    first = runtime.engine()
    stack.upload("photos/second.jpg", photo_bytes)
    handler.handler(created_event(stack), LambdaContext())
    assert runtime.engine() is first and len(runtime._engines) == 1
    assert len(stack.items()) == 2


def test_unknown_event_shape_is_refused(stack):
    with pytest.raises(ValueError, match="unsupported event"):
        handler.handler({"hello": "world"}, LambdaContext())


def test_key_overwritten_before_processing_is_not_judged_on_other_bytes(stack, photo_bytes):
    stack.s3.put_bucket_versioning(Bucket=stack.bucket,
                                   VersioningConfiguration={"Status": "Suspended"})
    stack.upload(PHOTO_KEY, photo_bytes)
    first = created_event(stack)
    stack.upload(PHOTO_KEY, photo_bytes[:-1000])  # same key, other bytes (other ETag)
    second = created_event(stack)
    handler.handler(first, LambdaContext())
    handler.handler(second, LambdaContext())
    by_etag = {i["s3"]["etag"]: i for i in stack.items()}
    assert len(by_etag) == 2
    stale = by_etag[first["Records"][0]["s3"]["object"]["eTag"]]
    assert stale["status"] == "error" and stale["error"]["code"] == "object_changed"
    fresh = by_etag[second["Records"][0]["s3"]["object"]["eTag"]]
    assert fresh["status"] == "error" and fresh["error"]["code"] == "invalid_image"


def test_logs_are_json_lines_without_personal_data(stack, package_bytes, capsys):
    stack.upload(PACKAGE_KEY, package_bytes)
    _, created = split_notifications(stack.s3_notifications())
    context = LambdaContext()
    capsys.readouterr()
    handler.handler(stack.as_lambda_sqs_event(created), context)
    out = capsys.readouterr().out
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    by_event = {r["event"]: r for r in records}
    result = by_event["kyc.result"]
    item = only_item(stack)
    assert result["request_id"] == context.aws_request_id and result["result_id"] == item["pk"]
    assert result["verdict"] == item["verdict"] and result["reasons"] == item["reasons"]
    assert result["bucket"] == stack.bucket and result["ms"]["total"] > 0
    assert by_event["invocation"]["trigger"] == "sqs" and by_event["invocation"]["ms"] > 0
    leaked = [s for s in PERSONAL + ["app 7", "applications/"] if s in out]
    assert not leaked, f"personal data or object keys in the logs: {leaked}"


def test_batch_near_the_timeout_hands_the_rest_back(stack, photo_bytes, monkeypatch):
    for key in ("photos/a.jpg", "photos/b.jpg"):
        stack.upload(key, photo_bytes)
    _, created = split_notifications(stack.s3_notifications())
    event = stack.as_lambda_sqs_event(created)
    monkeypatch.setenv("KYC_TIME_RESERVE_MS", "15000")

    out = handler.handler(event, LambdaContext(remaining_ms=5_000))

    # Nothing was started: every message goes back to SQS, none is half done.
    assert out == {"batchItemFailures": [{"itemIdentifier": m["MessageId"]} for m in created]}
    assert stack.items() == []
    assert handler.handler(event, LambdaContext()) == {"batchItemFailures": []}
    assert len(stack.items()) == 2
