"""A real (emulated) AWS on loopback for the tests and measure.py: moto in server mode, with the
example's resources created in it, and helpers to drive and observe them over the AWS APIs.

S3 bucket notifications are configured to an SQS queue, so the events the handler receives are the
ones moto's S3 emits (URL-encoded keys, the s3:TestEvent included), not hand-written ones.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Dict, List, Optional

import boto3
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
FAKE_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
             "AWS_SESSION_TOKEN": "testing"}


class MotoServer:
    """moto's ThreadedMotoServer on 127.0.0.1 and a port the OS picks."""

    def __init__(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        port = self._server._server.server_port  # the port bound for port 0
        self.endpoint = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self._server.stop()

    def environment(self) -> Dict[str, str]:
        return {"AWS_ENDPOINT_URL": self.endpoint, "AWS_REGION": REGION,
                "AWS_DEFAULT_REGION": REGION, **FAKE_KEYS}


class Stack:
    """Bucket (versioned) -> notification queue; table; topic with observer queues."""

    def __init__(self, endpoint: str, versioned: bool = True) -> None:
        kw = dict(endpoint_url=endpoint, region_name=REGION, aws_access_key_id="testing",
                  aws_secret_access_key="testing", aws_session_token="testing")
        self.s3 = boto3.client("s3", **kw)
        self.sqs = boto3.client("sqs", **kw)
        self.sns = boto3.client("sns", **kw)
        self.dynamodb = boto3.client("dynamodb", **kw)
        suffix = uuid.uuid4().hex[:12]
        self.bucket = f"kyc-uploads-{suffix}"
        self.table = f"kyc-results-{suffix}"
        self.s3.create_bucket(Bucket=self.bucket)
        if versioned:
            self.s3.put_bucket_versioning(Bucket=self.bucket,
                                          VersioningConfiguration={"Status": "Enabled"})
        self.dynamodb.create_table(
            TableName=self.table, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        self.topic_arn = self.sns.create_topic(Name=f"kyc-results-{suffix}")["TopicArn"]
        self.events_queue, self.events_queue_arn = self._queue(f"kyc-events-{suffix}")
        self.s3.put_bucket_notification_configuration(
            Bucket=self.bucket, NotificationConfiguration={"QueueConfigurations": [
                {"QueueArn": self.events_queue_arn, "Events": ["s3:ObjectCreated:*"]}]})
        # Every result message, and only the package results (a filter on a message attribute).
        self.observer = self._subscribe(f"kyc-observer-{suffix}", None)
        self.packages_only = self._subscribe(f"kyc-packages-{suffix}", {"kind": ["package"]})

    def _queue(self, name: str):
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return url, arn["Attributes"]["QueueArn"]

    def _subscribe(self, name: str, filter_policy: Optional[dict]) -> str:
        url, arn = self._queue(name)
        attributes = {"FilterPolicy": json.dumps(filter_policy)} if filter_policy else {}
        self.sns.subscribe(TopicArn=self.topic_arn, Protocol="sqs", Endpoint=arn,
                           Attributes=attributes)
        return url

    def environment(self) -> Dict[str, str]:
        return {"RESULTS_TABLE": self.table, "RESULTS_TOPIC_ARN": self.topic_arn}

    # -- driving ------------------------------------------------------------------------------
    def upload(self, key: str, body: bytes) -> Dict[str, Any]:
        return self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)

    def receive(self, queue_url: str, wait: int = 1) -> List[Dict[str, Any]]:
        """Every message now in the queue (deleted once read)."""
        out: List[Dict[str, Any]] = []
        while True:
            got = self.sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=wait if not out else 0,
                                           AttributeNames=["All"]).get("Messages", [])
            if not got:
                return out
            for m in got:
                self.sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
            out.extend(got)

    def s3_notifications(self) -> List[Dict[str, Any]]:
        """The SQS messages moto's S3 sent for the uploads so far (test events included)."""
        return self.receive(self.events_queue)

    def as_lambda_sqs_event(self, messages: List[Dict[str, Any]]) -> Dict[str, Any]:
        """SQS messages in the shape the Lambda SQS poller hands to a function."""
        return {"Records": [{
            "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
            "attributes": m.get("Attributes", {}), "messageAttributes": {},
            "md5OfBody": m["MD5OfBody"], "eventSource": "aws:sqs",
            "eventSourceARN": self.events_queue_arn, "awsRegion": REGION} for m in messages]}

    def published(self, queue_url: Optional[str] = None) -> List[Dict[str, Any]]:
        """SNS notifications received by an observer queue: the SNS envelopes, Message parsed."""
        envelopes = [json.loads(m["Body"]) for m in self.receive(queue_url or self.observer)]
        for e in envelopes:
            e["Message"] = json.loads(e["Message"])
        return envelopes

    def items(self) -> List[Dict[str, Any]]:
        from boto3.dynamodb.types import TypeDeserializer
        d = TypeDeserializer()
        pages = self.dynamodb.get_paginator("scan").paginate(TableName=self.table)
        return [{k: d.deserialize(v) for k, v in i.items()} for p in pages for i in p["Items"]]


def split_notifications(messages: List[Dict[str, Any]]):
    """(test-event messages, object-created messages)."""
    tests = [m for m in messages if json.loads(m["Body"]).get("Event") == "s3:TestEvent"]
    return tests, [m for m in messages if m not in tests]


class LambdaContext:
    """The attributes of the Lambda context object that the handlers read."""

    def __init__(self, remaining_ms: int = 60_000) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self.function_name = "kyc-test"
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms
