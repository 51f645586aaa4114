"""Retry timing: capped exponential backoff with full jitter.

Full jitter (a uniform draw between zero and the exponential ceiling) spreads the retries
of many phones that lost the network at the same moment, so they do not return together.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    base: float = 2.0
    cap: float = 15 * 60.0

    def ceiling(self, attempts: int) -> float:
        """The longest wait after ``attempts`` failed tries (never above the cap)."""
        exponent = min(max(attempts - 1, 0), 32)
        return min(self.cap, self.base * 2.0**exponent)

    def delay(self, attempts: int, rng: random.Random | None = None) -> float:
        """Seconds to wait before the next try, drawn uniformly from [0, ceiling]."""
        draw = (rng or _SYSTEM_RANDOM).random()
        return draw * self.ceiling(attempts)

    def honour_retry_after(self, attempts: int, retry_after: float | None,
                           rng: random.Random | None = None) -> float:
        """The backoff delay, but never sooner than a server's Retry-After (capped too)."""
        delay = self.delay(attempts, rng)
        if retry_after is not None and retry_after > delay:
            return min(self.cap, retry_after)
        return delay


_SYSTEM_RANDOM = random.SystemRandom()
