"""One engine shared by several Python threads; the GIL is released while C++ runs."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from testdata import BIDEN, OBAMA, OBAMA2, TWO_PEOPLE


def summary(result):
    return (
        result.status,
        result.source_face_count,
        [round(c.distance, 9) for c in result.matches],
        [round(c.distance, 9) for c in result.unmatched],
    )


def test_concurrent_calls_match_sequential_results(engine, face_file):
    jobs = [
        (face_file(OBAMA), face_file(OBAMA2)),
        (face_file(OBAMA), face_file(BIDEN)),
        (face_file(OBAMA2), face_file(TWO_PEOPLE)),
        (face_file(BIDEN).read_bytes(), face_file(TWO_PEOPLE).read_bytes()),
    ]
    expected = [summary(engine.face_match(s, t)) for s, t in jobs]

    start = threading.Barrier(len(jobs))

    def run(job):
        start.wait()
        return [summary(engine.face_match(*job)) for _ in range(2)]

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(run, jobs))
    for got, want in zip(results, expected):
        assert got == [want, want]


def test_gil_is_released_during_native_calls(engine, face_file, pil):
    # A large image keeps the native call busy long enough to observe.
    rgb = np.asarray(pil.open(face_file(BIDEN)).convert("RGB"))
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])

    ticks = []  # perf_counter() every 1000 iterations of a pure-Python loop
    stop = threading.Event()

    def count():
        i = 0
        while not stop.is_set():
            i += 1
            if i % 1000 == 0:
                ticks.append(time.perf_counter())

    spans = []  # (start, end) of each native call, measured in the calling thread

    def work():
        for _ in range(3):
            begin = time.perf_counter()
            engine.face_match(bgr, bgr)
            spans.append((begin, time.perf_counter()))

    counter = threading.Thread(target=count)
    worker = threading.Thread(target=work)
    counter.start()
    worker.start()
    worker.join()
    stop.set()
    counter.join()

    # Ignore the edges of each call (argument conversion, the switch interval before the worker
    # gets the GIL back); in the middle only the released GIL lets the counter run.
    margin = 0.02
    inside = 0
    for begin, end in spans:
        if end - begin <= 3 * margin:
            pytest.skip("native call too fast to observe the GIL on this machine")
        inside += sum(1 for t in ticks if begin + margin < t < end - margin)
    assert inside > 5, f"pure-Python thread made ~{inside * 1000} iterations during native calls"
