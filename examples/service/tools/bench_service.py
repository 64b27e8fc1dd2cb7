"""Measure a running service: end-to-end photo job latency (POST -> verdict) and GET status
throughput; optionally application and cheque jobs.

    python3 tools/bench_service.py --url http://127.0.0.1:8080 --key kyc_... --photo obama.jpg \
        [--package app.zip] [--cheque cheque.png]
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

import httpx


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--photo", required=True)
    ap.add_argument("--jobs", type=int, default=10, help="sequential photo jobs to time")
    ap.add_argument("--gets", type=int, default=2000, help="GET /photos/{id} requests")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--package", help="also time application jobs on this KYC package ZIP")
    ap.add_argument("--cheque", help="also time cheque jobs on this image (PNG or JPEG)")
    args = ap.parse_args()
    photo = open(args.photo, "rb").read()
    headers = {"X-API-Key": args.key}
    latencies = []
    with httpx.Client(base_url=args.url, headers=headers, timeout=120) as c:
        job_id = None
        for _ in range(args.jobs):
            t = time.perf_counter()
            r = c.post("/photos", content=photo, headers={"Content-Type": "image/jpeg"})
            r.raise_for_status()
            url = r.json()["status_url"]
            while (job := c.get(url).json())["status"] not in ("done", "failed"):
                time.sleep(0.02)
            latencies.append((time.perf_counter() - t) * 1000)
            job_id = job["id"]
    print(f"photo jobs: {len(latencies)} sequential, end to end (POST -> verdict, polling every 20 ms): "
          f"median {statistics.median(latencies):.0f} ms, min {min(latencies):.0f}, max {max(latencies):.0f}")

    if args.package:
        package = open(args.package, "rb").read()
        times = []
        with httpx.Client(base_url=args.url, headers=headers, timeout=120) as c:
            for _ in range(5):
                t = time.perf_counter()
                r = c.post("/applications", content=package, headers={"Content-Type": "application/zip"})
                r.raise_for_status()
                url = r.json()["status_url"]
                while c.get(url).json()["status"] not in ("done", "failed"):
                    time.sleep(0.02)
                times.append((time.perf_counter() - t) * 1000)
        print(f"application jobs: 5 sequential, end to end: median {statistics.median(times):.0f} ms, "
              f"min {min(times):.0f}, max {max(times):.0f}")

    if args.cheque:
        cheque = open(args.cheque, "rb").read()
        ctype = "image/png" if cheque.startswith(b"\x89PNG") else "image/jpeg"
        times = []
        with httpx.Client(base_url=args.url, headers=headers, timeout=120) as c:
            for _ in range(7):
                t = time.perf_counter()
                r = c.post("/cheques", content=cheque, headers={"Content-Type": ctype})
                r.raise_for_status()
                url = r.json()["status_url"]
                while c.get(url).json()["status"] not in ("done", "failed"):
                    time.sleep(0.02)
                times.append((time.perf_counter() - t) * 1000)
        print(f"cheque jobs: 7 sequential, end to end: median {statistics.median(times):.0f} ms, "
              f"min {min(times):.0f}, max {max(times):.0f}")

    per_thread = args.gets // args.threads
    errors = []

    def worker() -> None:
        with httpx.Client(base_url=args.url, headers=headers, timeout=30) as c:
            for _ in range(per_thread):
                if c.get(f"/photos/{job_id}").status_code != 200:
                    errors.append(1)

    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t
    total = per_thread * args.threads
    print(f"GET /photos/{{id}} (full report, ~{len(httpx.get(args.url + f'/photos/{job_id}', headers=headers).content) // 1024} KiB): "
          f"{total} requests from {args.threads} keep-alive clients in {elapsed:.2f} s = {total / elapsed:.0f} req/s, "
          f"{len(errors)} errors")


if __name__ == "__main__":
    main()
