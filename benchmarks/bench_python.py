#!/usr/bin/env python3
"""Python call overhead of kyc.Engine.face_match compared with the time spent in C++.

For each input kind, runs face_match warm N times and reports the median wall time seen from
Python, the median C++ total (result.timings.total_ms) and the difference: argument conversion,
GIL hand-off and building the result objects. Not a test; run after `pip install .`:

    python benchmarks/bench_python.py [-n 20] [--source A.jpg --target B.jpg]

Default photos come from the shared data folder ($KYC_SHARED, default ../shared).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import kyc

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("KYC_SHARED") or (REPO_ROOT.parent / "shared")).resolve()
DEFAULT_SOURCE = SHARED_DIR / "data/faces/face_recognition/examples/obama.jpg"
DEFAULT_TARGET = SHARED_DIR / "data/faces/face_recognition/examples/obama2.jpg"


def load_bgr(path: Path) -> np.ndarray:
    """Decodes with Pillow when available (the array is what an application would hold)."""
    try:
        from PIL import Image
    except ImportError:
        sys.exit("bench_python.py needs pillow to decode the photos (pip install pillow)")
    with Image.open(path) as image:
        return np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])


def measure(engine: kyc.Engine, cases, iterations: int):
    """Median wall, C++ total and overhead per case; cases are interleaved so that load from
    other processes affects them alike."""
    for _, source, target, kwargs in cases:  # warm-up: pools, caches
        for _ in range(2):
            engine.face_match(source, target, **kwargs)
    walls = [[] for _ in cases]
    natives = [[] for _ in cases]
    statuses = [None] * len(cases)
    for _ in range(iterations):
        for i, (_, source, target, kwargs) in enumerate(cases):
            begin = time.perf_counter()
            result = engine.face_match(source, target, **kwargs)
            walls[i].append((time.perf_counter() - begin) * 1000.0)
            natives[i].append(result.timings.total_ms)
            statuses[i] = result.status
    rows = []
    for i, (name, _, _, _) in enumerate(cases):
        overheads = [w - n for w, n in zip(walls[i], natives[i])]
        rows.append(
            (
                name,
                statistics.median(walls[i]),
                statistics.median(natives[i]),
                statistics.median(overheads),
                statuses[i],
            )
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--iterations", type=int, default=20)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--target", type=Path, default=DEFAULT_TARGET)
    args = parser.parse_args()
    for path in (args.source, args.target):
        if not path.is_file():
            sys.exit(f"missing photo: {path} (set KYC_SHARED or pass --source/--target)")

    engine = kyc.Engine()
    source_bgr, target_bgr = load_bgr(args.source), load_bgr(args.target)
    source_bytes, target_bytes = args.source.read_bytes(), args.target.read_bytes()
    cases = [
        ("numpy BGR (contiguous)", source_bgr, target_bgr, {}),
        ("numpy RGB view, rgb=True", source_bgr[:, :, ::-1], target_bgr[:, :, ::-1], {"rgb": True}),
        ("numpy BGR, Fortran order", np.asfortranarray(source_bgr), np.asfortranarray(target_bgr), {}),
        ("encoded bytes", source_bytes, target_bytes, {}),
        ("path str", str(args.source), str(args.target), {}),
    ]

    print(f"kyc {kyc.__version__}; {args.iterations} warm iterations per row, medians")
    print(f"source {source_bgr.shape[1]}x{source_bgr.shape[0]}, "
          f"target {target_bgr.shape[1]}x{target_bgr.shape[0]}")
    header = (f"{'input':<28} {'wall ms':>9} {'C++ total ms':>13} {'overhead ms':>12} "
              f"{'overhead':>9}  status")
    print(header)
    print("-" * len(header))
    for name, wall, native, overhead, status in measure(engine, cases, args.iterations):
        share = 100.0 * overhead / wall if wall else 0.0
        print(f"{name:<28} {wall:9.2f} {native:13.2f} {overhead:12.3f} {share:8.2f}%  {status}")
    print("overhead = wall time seen by Python - timings.total_ms measured inside C++ "
          "(argument conversion, GIL hand-off, result objects)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
