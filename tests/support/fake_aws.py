#!/usr/bin/env python3
"""A local stand-in for the AWS endpoints kyc's AWS backends talk to (tests only).

Usage: fake_aws.py <botocore-model-dir>   (../shared/reference/aws/botocore, read in place)

Listens on 127.0.0.1 with an ephemeral port, prints "PORT <n>", serves until stdin closes.

AWS JSON 1.1 (POST /, Rekognition and Textract):
  * verifies the SigV4 Authorization header of every request with its own implementation
    (hashlib/hmac) against the test keys below: credential scope (date, region, service from the
    endpoint prefix), signed headers (host, x-amz-date, x-amz-target and content-type must be
    signed), x-amz-date within 15 minutes, session token when the key is temporary;
    a bad signature answers 403 InvalidSignatureException like AWS;
  * checks Content-Type application/x-amz-json-1.1 and X-Amz-Target <targetPrefix>.<Operation>;
  * validates the JSON body against the operation's input shape in service-2.json (required
    members, unknown members, types, enums, min/max, base64 blobs);
  * answers the operation's examples-1.json output when there is one, else a canned response;
    every response body is validated against the output shape before it is sent;
  * x-amzn-RequestId on every answer.
Scripted behaviour (POST /__script, JSON list, one item consumed per AWS request):
  "throttle" (400 ThrottlingException), "provisioned" (400 ProvisionedThroughputExceededException),
  "500" (500 InternalServerError), "503" (503 ServiceUnavailable, no JSON), "slow" (sleeps 3 s),
  "malformed" (200, body not JSON), "expired" (400 ExpiredTokenException),
  "access_denied" (400 AccessDeniedException), "invalid_parameter", "invalid_image_format",
  "image_too_large" (400), "drop" (closes the connection without answering),
  {"respond": {...}} (200 with that body, validated against the output shape).
GET /__log: the AWS requests seen: target, signature verdict, problems, decoded body summary.

Credential endpoints:
  GET  /container/creds        container credentials (Authorization must be "container-token")
  GET  /container/forbidden    403
  PUT  /latest/api/token       IMDSv2 token (X-aws-ec2-metadata-token-ttl-seconds required)
  GET  /latest/meta-data/iam/security-credentials/[role]  (X-aws-ec2-metadata-token required)
"""
import base64
import datetime
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEYS = {
    "AKIDTEST": ("test/secret+KEY", None),
    "ASIACONTAINER": ("container-secret", "container-session-token"),
    "ASIAIMDS": ("imds-secret", "imds-session-token"),
}
IMDS_TOKEN = "imds-v2-token-abc"
MODELS = {}
SCRIPT = []
LOG = []
LOCK = threading.Lock()


def load_models(root):
    for service in ("rekognition", "textract"):
        with open(os.path.join(root, service, "service-2.json"), encoding="utf-8") as f:
            model = json.load(f)
        examples = {}
        path = os.path.join(root, service, "examples-1.json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                examples = json.load(f).get("examples", {})
        MODELS[model["metadata"]["targetPrefix"]] = (model, examples)


def validate(model, shape_name, value, path, problems):
    shape = model["shapes"][shape_name]
    kind = shape["type"]
    if kind == "structure":
        if not isinstance(value, dict):
            problems.append(f"{path}: expected an object")
            return
        for name in shape.get("required", []):
            if name not in value:
                problems.append(f"{path}.{name}: required")
        for name, member in value.items():
            if name not in shape["members"]:
                problems.append(f"{path}.{name}: not in the model")
                continue
            validate(model, shape["members"][name]["shape"], member, f"{path}.{name}", problems)
    elif kind == "list":
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list")
            return
        if "min" in shape and len(value) < shape["min"]:
            problems.append(f"{path}: fewer than {shape['min']} items")
        if "max" in shape and len(value) > shape["max"]:
            problems.append(f"{path}: more than {shape['max']} items")
        for i, item in enumerate(value):
            validate(model, shape["member"]["shape"], item, f"{path}[{i}]", problems)
    elif kind == "string":
        if not isinstance(value, str):
            problems.append(f"{path}: expected a string")
        elif "enum" in shape and value not in shape["enum"]:
            problems.append(f"{path}: '{value}' not in the enum")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"{path}: expected an integer")
    elif kind in ("float", "double"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append(f"{path}: expected a number")
        else:
            if "min" in shape and value < shape["min"]:
                problems.append(f"{path}: below {shape['min']}")
            if "max" in shape and value > shape["max"]:
                problems.append(f"{path}: above {shape['max']}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{path}: expected a boolean")
    elif kind == "blob":
        try:
            raw = base64.b64decode(value, validate=True)
        except Exception:
            problems.append(f"{path}: not base64")
            return
        if len(raw) < shape.get("min", 0) or len(raw) > shape.get("max", 1 << 62):
            problems.append(f"{path}: blob of {len(raw)} bytes out of range")


def sigv4_problems(method, path, query, headers, body):
    """Returns (problems, access_key). headers: dict of lower-case name -> value."""
    auth = headers.get("authorization", "")
    prefix = "AWS4-HMAC-SHA256 "
    if not auth.startswith(prefix):
        return ["no AWS4-HMAC-SHA256 Authorization header"], None
    fields = {}
    for part in auth[len(prefix):].split(","):
        name, _, value = part.strip().partition("=")
        fields[name] = value
    if set(fields) != {"Credential", "SignedHeaders", "Signature"}:
        return ["malformed Authorization header"], None
    scope = fields["Credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        return ["malformed credential scope"], None
    access_key, date, region, service = scope[:4]
    if access_key not in KEYS:
        return ["unknown access key"], access_key
    secret, token = KEYS[access_key]
    problems = []
    signed = fields["SignedHeaders"].split(";")
    for needed in ("host", "x-amz-date", "x-amz-target", "content-type"):
        if needed not in signed:
            problems.append(f"{needed} not signed")
    if signed != sorted(signed):
        problems.append("SignedHeaders not sorted")
    amz_date = headers.get("x-amz-date", "")
    try:
        when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc)
        if abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) > 900:
            problems.append("x-amz-date more than 15 minutes off")
        if amz_date[:8] != date:
            problems.append("scope date differs from x-amz-date")
    except ValueError:
        problems.append("bad x-amz-date")
    if token is not None and headers.get("x-amz-security-token") != token:
        problems.append("missing or wrong x-amz-security-token")
    canonical_headers = ""
    for name in signed:
        value = " ".join(headers.get(name, "").split())
        canonical_headers += f"{name}:{value}\n"
    pairs = []
    for item in filter(None, query.split("&")):
        k, _, v = item.partition("=")
        pairs.append((k, v))
    canonical_query = "&".join(f"{k}={v}" for k, v in sorted(pairs))
    creq = "\n".join([method, path, canonical_query, canonical_headers, ";".join(signed),
                      hashlib.sha256(body).hexdigest()])
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, "/".join(scope[1:]),
                     hashlib.sha256(creq.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, fields["Signature"]):
        problems.append("signature mismatch")
    return problems, access_key, service, creq


def canned_output(prefix, operation):
    model, examples = MODELS[prefix]
    if examples.get(operation):
        return examples[operation][0]["output"]
    if operation == "AnalyzeID":
        # No AnalyzeID example in examples-1.json: a US-passport answer shaped like the model,
        # field names from the AnalyzeID documentation (docs/aws.md).
        def field(kind, text, normalized=None):
            value = {"Text": text, "Confidence": 98.5}
            if normalized:
                value["NormalizedValue"] = {"Value": normalized, "ValueType": "DATE"}
            return {"Type": {"Text": kind}, "ValueDetection": value}
        return {
            "IdentityDocuments": [{
                "DocumentIndex": 1,
                "IdentityDocumentFields": [
                    field("FIRST_NAME", "JOHN"), field("LAST_NAME", "DOE"),
                    field("MIDDLE_NAME", ""), field("DOCUMENT_NUMBER", "963545637"),
                    field("EXPIRATION_DATE", "14 APR 2031", "2031-04-14T00:00:00"),
                    field("DATE_OF_BIRTH", "15 MAR 1996", "1996-03-15T00:00:00"),
                    field("PLACE_OF_BIRTH", "CALIFORNIA, U.S.A."),
                    field("DATE_OF_ISSUE", "15 APR 2021", "2021-04-15T00:00:00"),
                    field("ID_TYPE", "PASSPORT"),
                ],
            }],
            "DocumentMetadata": {"Pages": 1},
            "AnalyzeIDModelVersion": "1.0",
        }
    if operation == "DetectDocumentText":
        def block(kind, ident, text=None, top=0.0, children=None):
            b = {"BlockType": kind, "Id": ident, "Confidence": 99.0,
                 "Geometry": {"BoundingBox": {"Width": 0.5, "Height": 0.05, "Left": 0.1,
                                              "Top": top},
                              "Polygon": [{"X": 0.1, "Y": top}, {"X": 0.6, "Y": top},
                                          {"X": 0.6, "Y": top + 0.05},
                                          {"X": 0.1, "Y": top + 0.05}]}}
            if text is not None:
                b["Text"] = text
                b["TextType"] = "PRINTED"
            if children:
                b["Relationships"] = [{"Type": "CHILD", "Ids": children}]
            return b
        return {"DocumentMetadata": {"Pages": 1}, "DetectDocumentTextModelVersion": "1.0",
                "Blocks": [block("PAGE", "p1", None, 0.0, ["l1", "l2"]),
                           block("LINE", "l1", "PASSPORT", 0.1, ["w1"]),
                           block("LINE", "l2", "UNITED STATES OF AMERICA", 0.2, ["w2", "w3"]),
                           block("WORD", "w1", "PASSPORT", 0.1),
                           block("WORD", "w2", "UNITED", 0.2),
                           block("WORD", "w3", "STATES", 0.2)]}
    return {}


ERRORS = {
    "throttle": (400, "ThrottlingException", "Rate exceeded"),
    "provisioned": (400, "ProvisionedThroughputExceededException", "Provisioned rate exceeded"),
    "500": (500, "InternalServerError", "Internal error"),
    "expired": (400, "ExpiredTokenException", "The security token included in the request is expired"),
    "access_denied": (400, "AccessDeniedException", "Not authorized"),
    "invalid_parameter": (400, "InvalidParameterException", "Request has invalid parameters"),
    "invalid_image_format": (400, "InvalidImageFormatException", "Request has unsupported image format"),
    "image_too_large": (400, "ImageTooLargeException", "Image size is too large"),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # no request data in test output
        pass

    def send(self, status, body, content_type="application/x-amz-json-1.1", extra=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def aws_error(self, status, kind, message):
        self.send(status, {"__type": kind, "message": message})

    def read_body(self):
        length = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(length) if length else b""

    def lower_headers(self):
        out = {}
        for name, value in self.headers.items():
            key = name.lower()
            out[key] = out[key] + "," + value.strip() if key in out else value.strip()
        return out

    # ---- credentials endpoints -------------------------------------------------------------
    def do_PUT(self):
        self.read_body()
        if self.path == "/latest/api/token":
            if not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
                return self.send(400, b"missing ttl", "text/plain")
            return self.send(200, IMDS_TOKEN.encode(), "text/plain")
        self.send(404, b"", "text/plain")

    def do_GET(self):
        if self.path == "/__log":
            with LOCK:
                return self.send(200, list(LOG), "application/json")
        if self.path == "/container/creds":
            if self.headers.get("Authorization") != "container-token":
                return self.send(401, b"", "text/plain")
            expiry = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1))
            return self.send(200, {"AccessKeyId": "ASIACONTAINER", "SecretAccessKey":
                                   "container-secret", "Token": "container-session-token",
                                   "Expiration": expiry.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                   "RoleArn": "arn:aws:iam::123456789012:role/test"},
                             "application/json")
        if self.path == "/container/forbidden":
            return self.send(403, b"", "text/plain")
        base = "/latest/meta-data/iam/security-credentials/"
        if self.path.startswith(base):
            if self.headers.get("X-aws-ec2-metadata-token") != IMDS_TOKEN:
                return self.send(401, b"", "text/plain")
            role = self.path[len(base):]
            if role == "":
                return self.send(200, b"kyc-test-role", "text/plain")
            if role != "kyc-test-role":
                return self.send(404, b"", "text/plain")
            expiry = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=6))
            return self.send(200, {"Code": "Success", "LastUpdated": "2026-01-01T00:00:00Z",
                                   "Type": "AWS-HMAC", "AccessKeyId": "ASIAIMDS",
                                   "SecretAccessKey": "imds-secret", "Token": "imds-session-token",
                                   "Expiration": expiry.strftime("%Y-%m-%dT%H:%M:%SZ")},
                             "text/plain")
        self.send(404, b"", "text/plain")

    # ---- AWS JSON 1.1 ------------------------------------------------------------------------
    def do_POST(self):
        body = self.read_body()
        if self.path == "/__script":
            with LOCK:
                SCRIPT.extend(json.loads(body))
            return self.send(200, {"ok": True}, "application/json")
        headers = self.lower_headers()
        path, _, query = self.path.partition("?")
        entry = {"target": headers.get("x-amz-target"), "problems": []}
        result = sigv4_problems("POST", path, query, headers, body)
        sig_problems, access_key = result[0], result[1]
        service = result[2] if len(result) > 2 else None
        entry["access_key"] = access_key
        entry["signature_ok"] = not sig_problems
        entry["has_security_token"] = "x-amz-security-token" in headers
        entry["signed_headers"] = headers.get("authorization", "").partition("SignedHeaders=")[2].partition(",")[0]
        problems = entry["problems"]
        problems.extend(sig_problems)
        if headers.get("content-type") != "application/x-amz-json-1.1":
            problems.append("content-type is not application/x-amz-json-1.1")
        prefix, _, operation = (headers.get("x-amz-target") or "").partition(".")
        if prefix not in MODELS or operation not in MODELS[prefix][0]["operations"]:
            problems.append("unknown X-Amz-Target")
            with LOCK:
                LOG.append(entry)
            return self.aws_error(400, "UnknownOperationException", "unknown operation")
        model = MODELS[prefix][0]
        if service is not None and service != model["metadata"]["endpointPrefix"]:
            problems.append(f"signed for service {service}")
        try:
            request = json.loads(body)
        except ValueError:
            request = None
            problems.append("body is not JSON")
        if request is not None:
            validate(model, model["operations"][operation]["input"]["shape"], request, "input",
                     problems)
            entry["request"] = summarize(request)
        with LOCK:
            LOG.append(entry)
            action = SCRIPT.pop(0) if SCRIPT else None
        if len(result) < 4:
            result = tuple(result) + (None, "")
        if "unknown access key" in sig_problems:
            return self.send(400, {"__type": "UnrecognizedClientException",
                                   "message": "The security token included in the request is invalid."})
        if "x-amz-date more than 15 minutes off" in sig_problems:
            return self.send(403, {"__type": "InvalidSignatureException",
                                   "message": "Signature expired: " + headers.get("x-amz-date", "")
                                   + " is now earlier than the allowed window."})
        if sig_problems:
            # Worded like AWS, which quotes the canonical request it expected (signed header
            # values included): the client must not pass that on.
            return self.send(403, {"__type": "InvalidSignatureException",
                                   "message": "The request signature we calculated does not match "
                                   "the signature you provided. (" + "; ".join(sig_problems) +
                                   ") The Canonical String for this request should have been\n'" +
                                   result[3] + "'\n"})
        if problems:
            return self.aws_error(400, "ValidationException", "; ".join(problems))
        if action == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if action == "slow":
            time.sleep(3)
            action = None
        if action == "503":
            return self.send(503, b"Service Unavailable", "text/plain")
        if action == "malformed":
            return self.send(200, b"{\"FaceMatches\": [", "application/x-amz-json-1.1")
        if isinstance(action, str) and action in ERRORS:
            return self.aws_error(*ERRORS[action])
        output = action["respond"] if isinstance(action, dict) else canned_output(prefix, operation)
        out_problems = []
        validate(model, model["operations"][operation]["output"]["shape"], output, "output",
                 out_problems)
        if out_problems:
            return self.send(599, {"__type": "FakeServerBug", "message": "; ".join(out_problems)})
        self.send(200, output)


def summarize(request):
    """The request with blobs replaced by their decoded length (images never echo back)."""
    if isinstance(request, dict):
        out = {}
        for key, value in request.items():
            if key == "Bytes" and isinstance(value, str):
                raw = base64.b64decode(value)
                out[key] = {"bytes": len(raw), "magic": raw[:4].hex()}
            else:
                out[key] = summarize(value)
        return out
    if isinstance(request, list):
        return [summarize(v) for v in request]
    return request


def main():
    load_models(sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    sys.stdin.read()  # exit when the test closes our stdin
    server.shutdown()


if __name__ == "__main__":
    main()
