"""What one Lambda container keeps between invocations: the kyc engine and the boto3 clients.

Creating a kyc.Engine loads the face models (about a second); it is thread-safe and re-entrant, so
the container creates it once, on first use, and every later invocation reuses it. Settings are
read from the environment on each call (cheap), so a changed configuration gets its own engine.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import threading
import time
from dataclasses import dataclass
from typing import Any, Dict, Iterator, Optional, Tuple

import boto3
from botocore.config import Config as BotoConfig

import kyc

DEFAULT_MAX_OBJECT_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    table: str
    topic_arn: str
    max_object_bytes: int
    photo_profile: str
    region: Optional[str]
    endpoint_url: Optional[str]

    @staticmethod
    def from_env() -> "Settings":
        table = os.environ.get("RESULTS_TABLE", "")
        topic = os.environ.get("RESULTS_TOPIC_ARN", "")
        if not table or not topic:
            raise RuntimeError("RESULTS_TABLE and RESULTS_TOPIC_ARN must be set")
        return Settings(
            table=table,
            topic_arn=topic,
            max_object_bytes=int(os.environ.get("KYC_MAX_OBJECT_BYTES", DEFAULT_MAX_OBJECT_BYTES)),
            photo_profile=os.environ.get("KYC_PHOTO_PROFILE", "icao"),
            region=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"),
            # boto3 also reads AWS_ENDPOINT_URL itself; passing it keeps the cache key honest.
            endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None,
        )


def engine_config() -> Dict[str, Any]:
    """The kyc configuration: KYC_CONFIG_JSON as given, else a preset named by KYC_BACKEND."""
    text = os.environ.get("KYC_CONFIG_JSON", "").strip()
    if text:
        config = json.loads(text)
        if not isinstance(config, dict):
            raise ValueError("KYC_CONFIG_JSON must be a JSON object")
        return config
    backend = os.environ.get("KYC_BACKEND", "local").strip().lower()
    if backend == "local":
        return {}
    if backend == "aws":
        # docs/aws.md: Rekognition for faces, Textract AnalyzeID for documents; credentials come
        # from the Lambda role through the environment.
        # KYC_AWS_ENDPOINT: a VPC or FIPS endpoint (or a test server) for both services.
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or ""
        aws = {"region": region}
        if os.environ.get("KYC_AWS_ENDPOINT"):
            aws["endpoint"] = os.environ["KYC_AWS_ENDPOINT"]
        return {"face": {"analyzer": "aws.rekognition", "comparer": "aws.rekognition"},
                "document": {"reader": "aws.textract"}, "aws": aws}
    raise ValueError(f"KYC_BACKEND must be 'local' or 'aws', not {backend!r}")


_lock = threading.Lock()
_engines: Dict[str, "kyc.Engine"] = {}
_clients: Dict[Tuple[str, Optional[str], Optional[str]], Any] = {}
last_engine_ms: Optional[float] = None  # creation time of the most recent engine (cold start)


def engine() -> "kyc.Engine":
    """The container's engine for the current configuration, created on first use."""
    global last_engine_ms
    key = json.dumps(engine_config(), sort_keys=True)
    with _lock:
        found = _engines.get(key)
        if found is None:
            started = time.perf_counter()
            found = kyc.Engine.from_json(key)
            last_engine_ms = (time.perf_counter() - started) * 1000.0
            _engines[key] = found
        return found


def engine_is_warm() -> bool:
    return json.dumps(engine_config(), sort_keys=True) in _engines


def reset() -> None:
    """Forget the engine and clients, as a new container would (tests and measurements)."""
    with _lock:
        _engines.clear()
        _clients.clear()


def client(service: str, settings: Settings) -> Any:
    key = (service, settings.region, settings.endpoint_url)
    with _lock:
        found = _clients.get(key)
        if found is None:
            _enable_xray_once()
            found = boto3.client(
                service, region_name=settings.region, endpoint_url=settings.endpoint_url,
                config=BotoConfig(retries={"mode": "standard", "max_attempts": 3},
                                  connect_timeout=3, read_timeout=20))
            _clients[key] = found
        return found


# --- X-Ray (optional) ---------------------------------------------------------------------------
# With Tracing: Active, Lambda records each invocation by itself. When aws_xray_sdk is packaged
# too, boto3 calls and the kyc call become subsegments. The SDK is imported only if present and
# only inside Lambda (outside, it has no segment to attach to and complains).
_xray_recorder: Any = None
_xray_checked = False


def _enable_xray_once() -> None:
    global _xray_recorder, _xray_checked
    if _xray_checked:
        return
    _xray_checked = True
    if os.environ.get("KYC_XRAY", "on") == "off" or not os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        return
    if importlib.util.find_spec("aws_xray_sdk") is None:
        return
    from aws_xray_sdk.core import patch, xray_recorder  # noqa: PLC0415 (optional dependency)

    patch(["boto3"])
    _xray_recorder = xray_recorder


@contextlib.contextmanager
def traced(name: str) -> Iterator[None]:
    if _xray_recorder is None:
        yield
        return
    with _xray_recorder.in_subsegment(name):
        yield
