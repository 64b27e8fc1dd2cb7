"""KYC_BACKEND=aws: the handler's engine sends the work to Rekognition/Textract.

The AWS endpoint for kyc is the repository's fake Rekognition/Textract server
(tests/support/fake_aws.py: checks every SigV4 signature and validates requests and answers
against the botocore service models in the shared folder); S3, DynamoDB and SNS stay on moto.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest

import handler
import kyc
from conftest import REPO_ROOT, shared
from kyc_lambda import runtime
from moto_stack import LambdaContext, split_notifications

FAKE_AWS = REPO_ROOT / "tests" / "support" / "fake_aws.py"
# The fake server's test key (tests/support/fake_aws.py KEYS); moto accepts any key.
KEYS = {"AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "test/secret+KEY"}


@pytest.fixture(scope="module")
def fake_aws():
    models = shared("reference/aws/botocore/rekognition/service-2.json").parents[1]
    process = subprocess.Popen([sys.executable, str(FAKE_AWS), str(models)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("PORT "), line
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        process.stdin.close()  # the server exits when its stdin closes
        process.wait(timeout=10)


def fake_log(endpoint):
    with urllib.request.urlopen(endpoint + "/__log", timeout=5) as answer:
        return json.loads(answer.read())


def script(endpoint, steps):
    request = urllib.request.Request(endpoint + "/__script", data=json.dumps(steps).encode(),
                                     method="POST")
    urllib.request.urlopen(request, timeout=5).read()


@pytest.fixture
def aws_backend(stack, fake_aws, monkeypatch):
    monkeypatch.delenv("KYC_CONFIG_JSON")
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    monkeypatch.setenv("KYC_BACKEND", "aws")
    monkeypatch.setenv("KYC_AWS_ENDPOINT", fake_aws)
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    return fake_aws


def test_photo_with_rekognition(stack, aws_backend, photo_bytes):
    before = len(fake_log(aws_backend))
    stack.upload("photos/p.jpg", photo_bytes)
    _, created = split_notifications(stack.s3_notifications())
    assert handler.handler(stack.as_lambda_sqs_event(created), LambdaContext()) == {
        "batchItemFailures": []}

    [item] = stack.items()
    assert item["status"] == "done" and item["backend"]["face"] == "aws.rekognition"
    assert item["backend"]["document"] == "aws.textract"
    calls = fake_log(aws_backend)[before:]
    assert [c["target"] for c in calls] == ["RekognitionService.DetectFaces"]
    assert all(c["signature_ok"] and not c["problems"] for c in calls), calls
    # The same configuration and bytes through kyc directly give the stored verdict.
    expected = kyc.Engine.from_json(json.dumps(runtime.engine_config())).check_photo(photo_bytes)
    assert item["verdict"] == expected.verdict
    assert set(item["reasons"]) == {r.id for r in expected.rules
                                    if r.status in ("fail", "unable_to_assess")}


def test_rekognition_throttling_is_retried_by_sqs_not_stored(stack, aws_backend, photo_bytes):
    attempts = runtime.engine().config["aws"]["max_attempts"]
    script(aws_backend, ["throttle"] * attempts)  # every attempt of the first call throttled
    stack.upload("photos/p.jpg", photo_bytes)
    _, created = split_notifications(stack.s3_notifications())
    event = stack.as_lambda_sqs_event(created)

    failed = handler.handler(event, LambdaContext())
    assert failed == {"batchItemFailures": [{"itemIdentifier": created[0]["MessageId"]}]}
    assert stack.items() == [] and stack.published() == []

    # SQS redelivers; Rekognition answers this time.
    assert handler.handler(event, LambdaContext()) == {"batchItemFailures": []}
    [item] = stack.items()
    assert item["status"] == "done" and len(stack.published()) == 1


def test_backend_selection_by_environment(monkeypatch):
    monkeypatch.delenv("KYC_CONFIG_JSON", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.delenv("KYC_AWS_ENDPOINT", raising=False)
    monkeypatch.setenv("KYC_BACKEND", "aws")
    assert runtime.engine_config() == {
        "face": {"analyzer": "aws.rekognition", "comparer": "aws.rekognition"},
        "document": {"reader": "aws.textract"}, "aws": {"region": "eu-west-1"}}
    monkeypatch.setenv("KYC_BACKEND", "local")
    assert runtime.engine_config() == {}
    # KYC_CONFIG_JSON wins over KYC_BACKEND.
    monkeypatch.setenv("KYC_CONFIG_JSON", '{"face": {"min_face_size": 40}}')
    assert runtime.engine_config() == {"face": {"min_face_size": 40}}
    monkeypatch.setenv("KYC_CONFIG_JSON", "[1]")
    with pytest.raises(ValueError, match="JSON object"):
        runtime.engine_config()
    monkeypatch.delenv("KYC_CONFIG_JSON")
    monkeypatch.setenv("KYC_BACKEND", "gcp")
    with pytest.raises(ValueError, match="KYC_BACKEND"):
        runtime.engine_config()
