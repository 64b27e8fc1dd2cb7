"""Token bucket per client: `rate` tokens per second, at most `burst` saved up."""

from __future__ import annotations

import math
import threading
import time
from typing import Dict, Tuple


class RateLimiter:
    def __init__(self, rate_per_second: float, burst: float) -> None:
        self.rate = rate_per_second
        self.burst = burst
        self._buckets: Dict[str, Tuple[float, float]] = {}  # client -> (tokens, last refill)
        self._lock = threading.Lock()

    def take(self, client_id: str) -> Tuple[bool, int]:
        """(allowed, seconds to wait before a token is available when not allowed)."""
        if self.rate <= 0:
            return True, 0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client_id, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[client_id] = (tokens - 1.0, now)
                return True, 0
            self._buckets[client_id] = (tokens, now)
            return False, max(1, math.ceil((1.0 - tokens) / self.rate))
