"""Run by test_xray.py in its own process (X-Ray patches botocore process-wide): one photo
through the handler with aws_xray_sdk active, inside a segment, as Lambda would provide one.

argv: <photo path>. Environment: AWS_LAMBDA_FUNCTION_NAME, AWS_XRAY_DAEMON_ADDRESS, KYC_CONFIG_JSON.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import handler  # noqa: E402
from kyc_lambda import runtime  # noqa: E402
from moto_stack import LambdaContext, MotoServer, Stack, split_notifications  # noqa: E402


def main() -> None:
    server = MotoServer()
    try:
        stack = Stack(server.endpoint)
        os.environ.update(server.environment())
        os.environ.update(stack.environment())
        stack.upload("photos/x.jpg", Path(sys.argv[1]).read_bytes())
        _, created = split_notifications(stack.s3_notifications())
        event = json.loads(created[0]["Body"])

        from aws_xray_sdk.core import xray_recorder

        xray_recorder.configure(sampling=False, context_missing="LOG_ERROR")
        xray_recorder.begin_segment("kyc-process")  # Lambda's own segment stands here
        out = handler.handler(event, LambdaContext())
        xray_recorder.end_segment()  # sent to AWS_XRAY_DAEMON_ADDRESS over UDP
        print(json.dumps({"xray_enabled": runtime._xray_recorder is not None,
                          "action": out["results"][0]["action"]}))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
