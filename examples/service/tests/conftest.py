"""Fixtures of the service tests: the REAL service (uvicorn subprocess on a free loopback port,
temporary data directory, test keys), driven over HTTP; a real webhook receiver (http.server
thread); the kyc engine as the oracle of verdicts.

Shared data (photos, passports, tessdata) is used in place from $KYC_SHARED (default ../shared
beside the repository root); a missing file fails the test when CI=true and skips it otherwise.
"""

from __future__ import annotations

import base64
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import httpx
import pytest

SERVICE_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = SERVICE_DIR.parents[1]
SHARED_DIR = Path(os.environ.get("KYC_SHARED") or (REPO_ROOT.parent / "shared")).resolve()
sys.path.insert(0, str(SERVICE_DIR))

OBAMA = "data/faces/face_recognition/examples/obama.jpg"
BIDEN = "data/faces/face_recognition/examples/biden.jpg"
PASSPORT_TD3 = "data/docs/passporteye/tests/data/passport-td3.jpg"
TESSDATA = "models/tessdata/mrz.traineddata"
# The ICAO specimen's holder (doc 9303 part 4 / passporteye expected.json): what an applicant
# would type. The audit test greps the log for these values.
SPECIMEN_FORM = ("surname,given_names,date_of_birth,passport_number\n"
                 "Eriksson,Anna Maria,1974-08-12,L898902C3\n")
SPECIMEN_VALUES = ["Eriksson", "ERIKSSON", "Anna Maria", "1974-08-12", "L898902C3"]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require_shared(relative: str) -> Path:
    path = SHARED_DIR / relative
    if not path.is_file():
        reason = f"test data missing: {path} (set KYC_SHARED to the shared folder; currently {SHARED_DIR})"
        if in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return path


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PortTaken(Exception):
    pass


class Service:
    """One `python -m kyc_service serve` process; restartable on the same data directory."""

    def __init__(self, data_dir: Path, keys: str, **env: str) -> None:
        self.data_dir = data_dir
        self.keys = keys
        self.env = env
        self.proc: Optional[subprocess.Popen] = None
        self.port = 0
        self.log_path = data_dir.parent / f"{data_dir.name}-server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> Dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(SERVICE_DIR), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        env["KYC_SERVICE_KEYS"] = self.keys
        env.setdefault("KYC_SERVICE_RATE", "0")
        env["KYC_SERVICE_POLL_INTERVAL"] = "0.05"
        env["KYC_SERVICE_ENGINE_CONFIG"] = json.dumps(
            {"document": {"tessdata_dir": str(SHARED_DIR / "models" / "tessdata"), "as_of": "2010-01-01"}})
        for name in [n for n in env if n.startswith("KYC_SERVICE_TEST_")]:
            del env[name]
        env.update(self.env)
        return env

    def start(self, **env: str) -> "Service":
        self.env.update(env)
        for _ in range(3):  # the free port can be taken between probing and uvicorn's bind
            try:
                return self._start_once()
            except PortTaken:
                continue
        raise RuntimeError(f"no free port after 3 attempts:\n{self.log()}")

    def _start_once(self) -> "Service":
        self.port = free_port()
        log_start = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kyc_service", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--data", str(self.data_dir), "--log-level", "warning"],
            cwd=SERVICE_DIR, env=self.environment(), stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                if "address already in use" in self.log()[log_start:]:
                    raise PortTaken()
                raise RuntimeError(f"service exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"service did not become healthy:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill9(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.proc = None

    def create_key(self, client: str) -> str:
        out = subprocess.run([sys.executable, "-m", "kyc_service", "create-key", "--client", client,
                              "--data", str(self.data_dir)], cwd=SERVICE_DIR, env=self.environment(),
                             check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def client(self, api_key: Optional[str]) -> httpx.Client:
        headers = {"X-API-Key": api_key} if api_key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)

    def audit_lines(self) -> List[Dict[str, Any]]:
        path = self.data_dir / "audit.ndjson"
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def object_files(self) -> List[Path]:
        return sorted(p for p in (self.data_dir / "objects").glob("*/*") if not p.name.startswith(".tmp"))


def wait_job(client: httpx.Client, status_url: str, until=("done", "failed"), timeout: float = 120) -> Dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(status_url)
        assert r.status_code == 200, r.text
        job = r.json()
        if job["status"] in until:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job still {job['status']} after {timeout} s")
        time.sleep(0.05)


@pytest.fixture
def make_service(tmp_path: Path) -> Iterator[Any]:
    """make_service(**env) -> a started Service on its own data directory; stopped at teardown."""
    started: List[Service] = []

    def make(keys: Optional[str] = None, name: str = "data", **env: str) -> Service:
        s = Service(tmp_path / name, keys or f"k1:{new_key()}", **env)
        started.append(s)
        return s.start()

    yield make
    for s in started:
        s.stop()


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One service shared by the tests that do not restart it (two clients: alice, bob)."""
    require_shared(TESSDATA)
    s = Service(tmp_path_factory.mktemp("shared-service") / "data", f"k1:{new_key()}",
                KYC_SERVICE_WEBHOOK_BACKOFF="0.2")
    s.start()
    s.alice = s.create_key("alice")  # type: ignore[attr-defined]
    s.bob = s.create_key("bob")  # type: ignore[attr-defined]
    yield s
    s.stop()


@pytest.fixture(scope="session")
def engine():
    """The library, configured like the service: the oracle of every verdict."""
    import kyc
    require_shared(TESSDATA)
    return kyc.Engine(document={"tessdata_dir": str(SHARED_DIR / "models" / "tessdata"), "as_of": "2010-01-01"})


def make_zip(files: Dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def specimen_selfie(engine: Any) -> bytes:
    """A 'selfie' of the specimen passport's holder: its portrait, found by the face detector and
    cropped to a portrait frame (so the package can be approved)."""
    from PIL import Image
    passport = require_shared(PASSPORT_TD3)
    box = engine.detect_faces(str(passport))[0].box
    image = Image.open(passport).convert("RGB")
    cx, cy, w = box.x + box.width / 2, box.y + box.height / 2, box.width * 1.8
    h = w * 1.25
    crop = image.crop((int(cx - w / 2), int(cy - h / 2), int(cx + w / 2), int(cy + h / 2))).resize((480, 600))
    out = io.BytesIO()
    crop.save(out, "JPEG", quality=92)
    return out.getvalue()


class WebhookReceiver:
    """A real HTTP endpoint: answers with `statuses` in order (then 200), records every request."""

    def __init__(self, statuses: Optional[List[int]] = None) -> None:
        self.statuses = list(statuses or [])
        self.requests: List[Dict[str, Any]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.requests.append({"headers": dict(self.headers), "body": body, "status": status,
                                              "at": time.time()})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, predicate, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if predicate(list(self.requests)):
                    return
            time.sleep(0.05)
        raise AssertionError(f"webhook condition not met; received {len(self.requests)} requests")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Any]:
    made: List[WebhookReceiver] = []

    def make(statuses: Optional[List[int]] = None) -> WebhookReceiver:
        r = WebhookReceiver(statuses)
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


@pytest.fixture
def say(capsys: pytest.CaptureFixture) -> Any:
    """Print to the terminal even when output is captured (measurements, screenshot paths)."""

    def emit(message: str) -> None:
        with capsys.disabled():
            print(f"\n    [{message}]", end="")

    return emit
