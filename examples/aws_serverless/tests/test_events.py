"""Event parsing on the shapes AWS documents (no AWS needed)."""

from __future__ import annotations

import json

import pytest

from kyc_lambda.events import (BadMessage, event_kind, objects_from_s3_notification,
                               objects_from_sqs_body)

# The S3 notification example of the Lambda developer guide ("Using AWS Lambda with Amazon S3"),
# with a key that needs decoding and a version id as a versioned bucket sends it.
S3_EVENT = {"Records": [{
    "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
    "eventTime": "2019-09-03T19:37:27.192Z", "eventName": "ObjectCreated:Put",
    "userIdentity": {"principalId": "AWS:AIDAINPONIXQXHT3IKHL2"},
    "requestParameters": {"sourceIPAddress": "205.255.255.255"},
    "responseElements": {"x-amz-request-id": "D82B88E5F771F645",
                         "x-amz-id-2": "vlR7PnpV2Ce81l0PRw6jlUpck7Jo5ZsQjryTjKlc5aLWGVHPZLj5NeC6qMa0emYBDXOo6QBU0Wo="},
    "s3": {"s3SchemaVersion": "1.0", "configurationId": "828aa6fc-f7b5-4305-8584-487c791949c1",
           "bucket": {"name": "DOC-EXAMPLE-BUCKET", "ownerIdentity": {"principalId": "A3I5XTEXAMPLE"},
                      "arn": "arn:aws:s3:::lambda-artifacts-deafc19498e3f2df"},
           "object": {"key": "b21b84d653bb07b05b1e6b33684dc11b", "size": 1305107,
                      "eTag": "b21b84d653bb07b05b1e6b33684dc11b",
                      "versionId": "096fKKXTRTtl3on89fVO.nfljtsv6qko",
                      "sequencer": "0C0F6F405D6ED209E1"}}}]}


def with_key(key):
    event = json.loads(json.dumps(S3_EVENT))
    event["Records"][0]["s3"]["object"]["key"] = key
    return event


@pytest.mark.parametrize("encoded, decoded", [
    ("my+photo.jpg", "my photo.jpg"),
    ("a%2Bb.jpg", "a+b.jpg"),
    ("dir/%C3%A9t%C3%A9+2024.zip", "dir/été 2024.zip"),
    ("100%25.png", "100%.png"),
])
def test_keys_are_url_decoded(encoded, decoded):
    [ref] = objects_from_s3_notification(with_key(encoded))
    assert ref.key == decoded and ref.bucket == "DOC-EXAMPLE-BUCKET"
    assert ref.version_id == "096fKKXTRTtl3on89fVO.nfljtsv6qko" and ref.size == 1305107


def test_event_kinds_and_wrappers():
    assert event_kind(S3_EVENT) == "s3"
    test_event = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2024-01-01T00:00:00Z",
                  "Bucket": "b", "RequestId": "r", "HostId": "h"}
    assert event_kind(test_event) == "s3_test"
    assert objects_from_sqs_body(json.dumps(test_event)) == []
    sqs = {"Records": [{"messageId": "m", "body": json.dumps(S3_EVENT), "eventSource": "aws:sqs"}]}
    assert event_kind(sqs) == "sqs" and event_kind({}) == "unknown"
    sns_envelope = {"Type": "Notification", "MessageId": "x", "Message": json.dumps(S3_EVENT)}
    assert objects_from_sqs_body(json.dumps(sns_envelope)) == objects_from_s3_notification(S3_EVENT)
    removed = json.loads(json.dumps(S3_EVENT))
    removed["Records"][0]["eventName"] = "ObjectRemoved:Delete"
    assert objects_from_s3_notification(removed) == []


@pytest.mark.parametrize("body", ["{not json", "[]", json.dumps({"Records": "x"}),
                                  json.dumps({"Records": [{"eventSource": "aws:s3"}]}),
                                  json.dumps({"Records": [{"eventSource": "aws:sns"}]})])
def test_malformed_bodies_are_bad_messages(body):
    with pytest.raises(BadMessage):
        objects_from_sqs_body(body)
