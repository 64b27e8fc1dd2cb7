"""X-Ray is optional: the SDK is used only inside Lambda and only when installed. With it, the
boto3 calls and the kyc call become subsegments, sent to the daemon address over UDP (here a
socket of the test's own)."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import handler
from conftest import OBAMA, in_ci, shared
from kyc_lambda import runtime
from moto_stack import LambdaContext, split_notifications

PROBE = Path(__file__).resolve().parent / "xray_probe.py"


def names(entity):
    yield entity.get("name")
    for sub in entity.get("subsegments", []):
        yield from names(sub)


def test_subsegments_reach_the_daemon(kyc_config):
    if importlib.util.find_spec("aws_xray_sdk") is None:
        reason = "aws_xray_sdk is not installed (it comes with moto[server])"
        if in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    daemon = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    daemon.bind(("127.0.0.1", 0))
    daemon.settimeout(0.5)
    env = dict(os.environ, AWS_LAMBDA_FUNCTION_NAME="kyc-test",
               AWS_XRAY_DAEMON_ADDRESS=f"127.0.0.1:{daemon.getsockname()[1]}",
               KYC_CONFIG_JSON=json.dumps(kyc_config))
    try:
        run = subprocess.run([sys.executable, str(PROBE), str(shared(OBAMA))], env=env,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-3000:]
        result = json.loads(run.stdout.strip().splitlines()[-1])
        assert result == {"xray_enabled": True, "action": "stored"}
        documents, deadline = [], time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                datagram = daemon.recv(65536).decode()
            except socket.timeout:
                if documents:
                    break
                continue
            header, _, body = datagram.partition("\n")
            assert json.loads(header) == {"format": "json", "version": 1}
            documents.append(json.loads(body))
    finally:
        daemon.close()
    seen = {n for d in documents for n in names(d)}
    assert {"kyc-process", "kyc.photo", "s3", "dynamodb", "sns"} <= seen, seen


def test_not_enabled_outside_lambda(stack, photo_bytes):
    assert "AWS_LAMBDA_FUNCTION_NAME" not in os.environ
    stack.upload("photos/y.jpg", photo_bytes)
    _, created = split_notifications(stack.s3_notifications())
    handler.handler(stack.as_lambda_sqs_event(created), LambdaContext())
    assert runtime._xray_recorder is None
