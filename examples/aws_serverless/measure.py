"""Per-request time of the Lambda handler, cold and warm, for a photo and a KYC package.

Runs the real handler against moto in server mode (tests/moto_stack.py), so the S3/DynamoDB/SNS
calls are local HTTP round trips (a few ms) rather than AWS's; the kyc work dominates either way.
"Cold" = a new container: the kyc import, the engine creation (models loaded) and the first call;
"warm" = later invocations in the same container. Prints a Markdown table and a JSON line.

    KYC_SHARED=/path/to/shared python3 examples/aws_serverless/measure.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "tests")]

started = time.perf_counter()
import kyc  # noqa: E402

IMPORT_MS = (time.perf_counter() - started) * 1000.0

import handler  # noqa: E402
from conftest import OBAMA, PASSPORT, SHARED_DIR, SPECIMEN_FORM, build_package  # noqa: E402
from kyc_lambda import runtime  # noqa: E402
from moto_stack import LambdaContext, MotoServer, Stack, split_notifications  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="warm invocations per kind")
    args = parser.parse_args()
    for needed in (OBAMA, PASSPORT, "models/tessdata/mrz.traineddata"):
        if not (SHARED_DIR / needed).is_file():
            sys.exit(f"measure: missing {SHARED_DIR / needed} (set KYC_SHARED)")
    photo = (SHARED_DIR / OBAMA).read_bytes()
    package = build_package({"form.csv": SPECIMEN_FORM,
                             "passport.jpg": (SHARED_DIR / PASSPORT).read_bytes(),
                             "selfie.jpg": photo})
    server = MotoServer()
    try:
        stack = Stack(server.endpoint)
        os.environ.update(server.environment())
        os.environ.update(stack.environment())
        os.environ["KYC_CONFIG_JSON"] = json.dumps(
            {"document": {"tessdata_dir": str(SHARED_DIR / "models" / "tessdata")}})
        stack.s3_notifications()  # drop the s3:TestEvent

        counter = iter(range(10**6))

        def invoke(body: bytes, suffix: str) -> float:
            stack.upload(f"measure/{next(counter)}{suffix}", body)
            _, created = split_notifications(stack.s3_notifications())
            event = json.loads(created[0]["Body"])
            t0 = time.perf_counter()
            out = handler.handler(event, LambdaContext())
            elapsed = (time.perf_counter() - t0) * 1000.0
            assert out["results"][0]["action"] == "stored" and out["results"][0]["status"] == "done"
            return elapsed

        rows = {}
        for kind, body, suffix in (("photo", photo, ".jpg"), ("package", package, ".zip")):
            runtime.reset()  # a new container
            cold = invoke(body, suffix)
            engine_ms = runtime.last_engine_ms
            warm = [invoke(body, suffix) for _ in range(args.runs)]
            rows[kind] = {"cold_ms": round(cold, 1), "engine_ms": round(engine_ms, 1),
                          "warm_median_ms": round(statistics.median(warm), 1),
                          "warm_max_ms": round(max(warm), 1), "runs": len(warm),
                          "bytes": len(body)}
        # Item size (JSON bytes, close to DynamoDB's attribute-name + value size): sets the write
        # units per put/update (1 WRU per started KB).
        for item in stack.items():
            size = len(json.dumps(item, default=str, separators=(",", ":")))
            rows[item["kind"]].setdefault("item_bytes", size)
            rows[item["kind"]]["item_bytes"] = max(rows[item["kind"]]["item_bytes"], size)
    finally:
        server.stop()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"kyc import: {IMPORT_MS:.0f} ms; peak RSS {peak_mb:.0f} MB; CPU: {os.cpu_count()} "
          f"cores; {kyc.build_info()}")
    print("| object | bytes | cold invocation (engine creation incl.) | engine creation | "
          "warm median | warm max | result item |")
    print("|---|---|---|---|---|---|---|")
    for kind, r in rows.items():
        print(f"| {kind} | {r['bytes']} | {r['cold_ms']:.0f} ms | {r['engine_ms']:.0f} ms | "
              f"{r['warm_median_ms']:.0f} ms | {r['warm_max_ms']:.0f} ms | {r['item_bytes']} B |")
    print(json.dumps({"import_ms": round(IMPORT_MS, 1), "peak_rss_mb": round(peak_mb), **rows}))


if __name__ == "__main__":
    main()
