#!/usr/bin/env python3
"""Signs one request with botocore's SigV4Auth (the reference implementation) for kyc's tests.

Usage: botocore_sign.py <request.json>
Input: {"method", "url", "headers": [[name, value], ...], "body", "access_key", "secret_key",
        "token" (or null), "region", "service", "time" (UTC epoch seconds)}
Output (stdout, JSON): {"canonical_request", "string_to_sign", "authorization",
                        "headers": {name: value}}
Exit code 3 when botocore is not installed (the test reports it instead of passing silently).
"""
import datetime
import json
import sys

try:
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:
    sys.exit(3)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    fixed = datetime.datetime.fromtimestamp(spec["time"], tz=datetime.timezone.utc).replace(tzinfo=None)
    botocore.auth.get_current_datetime = lambda: fixed  # the suite's fixed signing time
    request = AWSRequest(method=spec["method"], url=spec["url"], data=spec["body"].encode(),
                         headers=dict(spec["headers"]))
    auth = botocore.auth.SigV4Auth(Credentials(spec["access_key"], spec["secret_key"],
                                               spec.get("token")),
                                   spec["service"], spec["region"])
    # add_auth's steps, keeping the intermediate values (re-deriving them after add_auth would
    # include the Authorization header it adds).
    request.context["timestamp"] = fixed.strftime(botocore.auth.SIGV4_TIMESTAMP)
    auth._modify_request_before_signing(request)
    canonical = auth.canonical_request(request)
    string_to_sign = auth.string_to_sign(request, canonical)
    auth._inject_signature_to_request(request, auth.signature(string_to_sign, request))
    print(json.dumps({
        "canonical_request": canonical,
        "string_to_sign": string_to_sign,
        "authorization": request.headers["Authorization"],
        "headers": {k: v for k, v in request.headers.items()},
    }))


if __name__ == "__main__":
    main()
