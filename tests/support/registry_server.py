#!/usr/bin/env python3
"""A small record-verification registry for the HttpRecordVerifier tests.

Listens on 127.0.0.1 with an ephemeral port, prints "PORT <n>" on stdout, then serves until
stdin closes or the process is killed. Every response echoes the request it received
("received": body as JSON, "auth": the auth header or null) so tests can assert exactly what was
sent. Endpoints (POST):
  /verified        200 {"verified": true, "match": {each field sent: true}, "reference": ...}
  /not_verified    200 {"verified": false, "match": {... "surname": false ...}}
  /flaky/<key>     500 on the first request for <key>, 200 verified afterwards
  /always503/<key> 503 every time
  /ratelimit/<key> 429 (Retry-After: 1) on the first request for <key>, then 200
  /slow            sleeps 3 s before answering 200
  /bad_json        200 with a body that is not JSON
  /no_verified     200 JSON without the "verified" key
  /auth            401 unless "Authorization: Bearer test-token" or "x-api-key: test-key"
  /big             200 with a 200 kB body
GET /count/<key> returns {"count": n}: requests seen for <key> on any endpoint.
GET /received/<key> returns {"body": <last JSON body received for key>, "auth": ..., "headers": {...}}.
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COUNTS = {}
LAST = {}
LOCK = threading.Lock()


def bump(key):
    with LOCK:
        COUNTS[key] = COUNTS.get(key, 0) + 1
        return COUNTS[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output clean (and free of request data)
        pass

    def send_json(self, status, payload, extra_headers=None, raw=None):
        body = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (oversized body test): expected

    def do_GET(self):
        parts = self.path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "count":
            with LOCK:
                self.send_json(200, {"count": COUNTS.get(parts[1], 0)})
            return
        if len(parts) == 2 and parts[0] == "received":
            with LOCK:
                self.send_json(200, LAST.get(parts[1], {}))
            return
        self.send_json(404, {"error": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        try:
            received = json.loads(raw)
        except ValueError:
            received = None
        parts = self.path.strip("/").split("/")
        route = parts[0]
        key = parts[1] if len(parts) > 1 else route
        count = bump(key)
        auth = self.headers.get("Authorization") or self.headers.get("x-api-key")
        with LOCK:
            LAST[key] = {"body": received, "auth": auth,
                         "headers": {k.lower(): v for k, v in self.headers.items()}}
        echo = {"received": received, "auth": auth, "attempt": count,
                "content_type": self.headers.get("Content-Type")}
        fields = list(received.keys()) if isinstance(received, dict) else []

        def verified(extra=None):
            payload = {"verified": True, "match": {f: True for f in fields},
                       "reference": "REG-%s-%d" % (key, count), "extra_key": [1, 2, 3]}
            payload.update(echo)
            payload.update(extra or {})
            return payload

        if route == "verified":
            self.send_json(200, verified())
        elif route == "not_verified":
            match = {f: True for f in fields}
            match["surname"] = False
            match["date_of_birth"] = None
            payload = {"verified": False, "match": match, "reference": "REG-NV"}
            payload.update(echo)
            self.send_json(200, payload)
        elif route == "flaky":
            if count == 1:
                self.send_json(500, {"error": "transient"})
            else:
                self.send_json(200, verified())
        elif route == "always503":
            self.send_json(503, {"error": "down"})
        elif route == "ratelimit":
            if count == 1:
                self.send_json(429, {"error": "slow down"}, {"Retry-After": "1"})
            else:
                self.send_json(200, verified())
        elif route == "slow":
            time.sleep(3)
            self.send_json(200, verified())
        elif route == "bad_json":
            self.send_json(200, None, raw=b'{"verified": tru')
        elif route == "no_verified":
            self.send_json(200, {"status": "ok"})
        elif route == "auth":
            if auth in ("Bearer test-token", "test-key"):
                self.send_json(200, verified())
            else:
                self.send_json(401, {"error": "unauthorized"})
        elif route == "big":
            self.send_json(200, None, raw=b'{"verified": true, "pad": "' + b"x" * 200000 + b'"}')
        else:
            self.send_json(404, {"error": "not found"})


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients that time out or abort an oversized body reset the connection: expected.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def main():
    server = Server(("127.0.0.1", 0), Handler)
    print("PORT %d" % server.server_address[1], flush=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # The test owns our lifetime: exit when it closes our stdin (or kills us).
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
