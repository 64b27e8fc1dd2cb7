"""Service settings, read from the environment (KYC_SERVICE_*) once at start-up."""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

MiB = 1024 * 1024


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable and what is expected."""


def parse_keys(text: str, origin: str) -> List[Tuple[str, bytes]]:
    """'kid2:base64key,kid1:base64key' (or one per line) -> [(kid, 32-byte key)], current first."""
    keys: List[Tuple[str, bytes]] = []
    for raw in re.split(r"[,\n]", text):
        item = raw.strip()
        if not item or item.startswith("#"):
            continue
        kid, sep, b64 = item.partition(":")
        kid = kid.strip()
        if not sep or not re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", kid):
            raise SettingsError(f"{origin}: each key must be 'kid:base64key' with a kid of 1-32 "
                                f"letters, digits, '_', '.', '-'")
        try:
            key = base64.b64decode(b64.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise SettingsError(f"{origin}: key {kid!r} is not valid base64") from None
        if len(key) != 32:
            raise SettingsError(f"{origin}: key {kid!r} must be 32 bytes (AES-256), got {len(key)}")
        if any(k == kid for k, _ in keys):
            raise SettingsError(f"{origin}: key id {kid!r} appears twice")
        keys.append((kid, key))
    return keys


def parse_rate(text: str) -> Tuple[float, float]:
    """'10/s burst 20' -> (10 tokens per second, bucket of 20). '0' disables the limit."""
    t = text.strip().lower()
    if t in ("", "0", "off", "none"):
        return (0.0, 0.0)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*/\s*(s|sec|second|m|min|minute)(?:\s+burst\s+(\d+))?", t)
    if not m:
        raise SettingsError("KYC_SERVICE_RATE: expected e.g. '10/s burst 20' or '600/min'")
    per_second = float(m.group(1)) / (60.0 if m.group(2).startswith("m") else 1.0)
    burst = float(m.group(3)) if m.group(3) else max(1.0, per_second)
    return (per_second, burst)


@dataclass
class Settings:
    data_dir: Path
    keys: List[Tuple[str, bytes]]  # current key first; every key is readable
    address_key: Optional[bytes] = None  # HMAC key of object addresses; derived when None
    workers: int = 2
    max_photo_bytes: int = 10 * MiB
    max_package_bytes: int = 20 * MiB
    rate_per_second: float = 10.0
    rate_burst: float = 20.0
    lease_seconds: float = 300.0
    max_attempts: int = 3
    webhook_max_attempts: int = 8
    webhook_backoff_base: float = 2.0  # seconds; attempt n waits base * 2**(n-1) * jitter
    webhook_backoff_max: float = 600.0
    webhook_timeout: float = 10.0
    poll_interval: float = 0.2
    engine_config: Dict[str, Any] = field(default_factory=dict)
    test_job_delay_ms: int = 0  # test hook: workers sleep this long after claiming a job
    test_finish_delay_ms: int = 0  # test hook: ... and this long between processing and recording

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None,
                 data_dir: Optional[str] = None) -> "Settings":
        env = os.environ if env is None else env
        data = data_dir or env.get("KYC_SERVICE_DATA")
        if not data:
            raise SettingsError("no data directory: pass --data DIR or set KYC_SERVICE_DATA")
        keys: List[Tuple[str, bytes]] = []
        if env.get("KYC_SERVICE_KEYS"):
            keys = parse_keys(env["KYC_SERVICE_KEYS"], "KYC_SERVICE_KEYS")
        elif env.get("KYC_SERVICE_KEY_FILE"):
            path = Path(env["KYC_SERVICE_KEY_FILE"])
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise SettingsError(f"KYC_SERVICE_KEY_FILE: cannot read {path}: {exc.strerror}") from None
            keys = parse_keys(text, f"KYC_SERVICE_KEY_FILE {path}")
        if not keys:
            raise SettingsError(
                "no encryption key: set KYC_SERVICE_KEYS='kid1:<base64 of 32 random bytes>' or "
                "KYC_SERVICE_KEY_FILE (one 'kid:base64' per line, current key first); generate one "
                "with: python3 -c \"import base64,os; print('k1:' + base64.b64encode(os.urandom(32)).decode())\"")
        address_key = None
        if env.get("KYC_SERVICE_ADDRESS_KEY"):
            try:
                address_key = base64.b64decode(env["KYC_SERVICE_ADDRESS_KEY"], validate=True)
            except (binascii.Error, ValueError):
                raise SettingsError("KYC_SERVICE_ADDRESS_KEY is not valid base64") from None
            if len(address_key) < 16:
                raise SettingsError("KYC_SERVICE_ADDRESS_KEY must hold at least 16 bytes")

        def integer(name: str, default: int, minimum: int = 0) -> int:
            raw = env.get(name)
            if raw is None or raw == "":
                return default
            try:
                value = int(raw)
            except ValueError:
                raise SettingsError(f"{name}: expected an integer, got {raw!r}") from None
            if value < minimum:
                raise SettingsError(f"{name}: must be >= {minimum}")
            return value

        def number(name: str, default: float) -> float:
            raw = env.get(name)
            if raw is None or raw == "":
                return default
            try:
                value = float(raw)
            except ValueError:
                raise SettingsError(f"{name}: expected a number, got {raw!r}") from None
            if value < 0:
                raise SettingsError(f"{name}: must be >= 0")
            return value

        engine_config: Dict[str, Any] = {}
        raw_config = env.get("KYC_SERVICE_ENGINE_CONFIG", "").strip()
        if raw_config:
            try:
                text = raw_config if raw_config.startswith("{") else Path(raw_config).read_text("utf-8")
                engine_config = json.loads(text)
            except (OSError, ValueError) as exc:
                raise SettingsError(f"KYC_SERVICE_ENGINE_CONFIG: {exc}") from None
            if not isinstance(engine_config, dict):
                raise SettingsError("KYC_SERVICE_ENGINE_CONFIG must be a JSON object")
        if number("KYC_SERVICE_LEASE_SECONDS", 300.0) < 1:
            raise SettingsError("KYC_SERVICE_LEASE_SECONDS must be at least 1")
        rate, burst = parse_rate(env.get("KYC_SERVICE_RATE", "10/s burst 20"))
        max_upload = integer("KYC_SERVICE_MAX_UPLOAD", 0, 1)
        return cls(
            data_dir=Path(data).resolve(),
            keys=keys,
            address_key=address_key,
            workers=integer("KYC_SERVICE_WORKERS", 2, 1),
            max_photo_bytes=max_upload or integer("KYC_SERVICE_MAX_PHOTO", 10 * MiB, 1),
            max_package_bytes=max_upload or integer("KYC_SERVICE_MAX_PACKAGE", 20 * MiB, 1),
            rate_per_second=rate,
            rate_burst=burst,
            lease_seconds=number("KYC_SERVICE_LEASE_SECONDS", 300.0),
            max_attempts=integer("KYC_SERVICE_MAX_ATTEMPTS", 3, 1),
            webhook_max_attempts=integer("KYC_SERVICE_WEBHOOK_MAX_ATTEMPTS", 8, 1),
            webhook_backoff_base=number("KYC_SERVICE_WEBHOOK_BACKOFF", 2.0),
            webhook_backoff_max=number("KYC_SERVICE_WEBHOOK_BACKOFF_MAX", 600.0),
            webhook_timeout=number("KYC_SERVICE_WEBHOOK_TIMEOUT", 10.0),
            poll_interval=number("KYC_SERVICE_POLL_INTERVAL", 0.2),
            engine_config=engine_config,
            test_job_delay_ms=integer("KYC_SERVICE_TEST_JOB_DELAY_MS", 0),
            test_finish_delay_ms=integer("KYC_SERVICE_TEST_FINISH_DELAY_MS", 0),
        )
