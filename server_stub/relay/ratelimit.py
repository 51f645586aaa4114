"""Per-address rate limits that never store an address.

Counters live in memory only and are keyed by HMAC-SHA256 of the client address under
a random key that is replaced every hour. When the key changes, every counter is
dropped with it, so nothing in the process links an hour's traffic to the next hour's,
and nothing at all survives a restart. IPv6 addresses are keyed by their /64, since
one host usually owns a whole /64.

Fixed windows: at most ``limit`` requests per window of ``window_seconds``; a refused
request learns how many seconds remain (the Retry-After header).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from server_stub.relay.config import RateLimit

_KEY_LIFETIME_SECONDS = 3600
# Beyond this many live counters (an attacker with many addresses), expired ones are
# dropped; if that is not enough the table is cleared. Proof of work, not this table,
# is what makes spam expensive, so failing open here is the lesser harm.
_MAX_COUNTERS = 100_000


@dataclass
class _Window:
    started: float
    count: int


def address_group(address: str) -> str:
    """The unit a limit applies to: the address itself, or the /64 of an IPv6 address."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


class RateLimiter:
    """Counts requests per (group, pseudonymous client) and says when to refuse."""

    def __init__(self, limits: Mapping[str, RateLimit], *,
                 clock: Callable[[], float] = time.time,
                 max_counters: int = _MAX_COUNTERS) -> None:
        self._limits = dict(limits)
        self._clock = clock
        self._max_counters = max_counters
        self._lock = threading.Lock()
        self._key = secrets.token_bytes(32)
        self._key_hour = self._hour()
        self._windows: dict[tuple[str, bytes], _Window] = {}

    def check(self, group: str, address: str) -> int | None:
        """Count one request; return None to let it through, or seconds to wait."""
        limit = self._limits[group]
        now = self._clock()
        with self._lock:
            self._rotate_key()
            slot = (group, self._pseudonym(address))
            window = self._windows.get(slot)
            if window is None or now >= window.started + limit.window_seconds:
                self._make_room(now)
                self._windows[slot] = _Window(started=now, count=1)
                return None
            if window.count >= limit.limit:
                return max(1, math.ceil(window.started + limit.window_seconds - now))
            window.count += 1
            return None

    def counters(self) -> int:
        """How many counters are live (tests)."""
        with self._lock:
            return len(self._windows)

    def _hour(self) -> int:
        return int(self._clock() // _KEY_LIFETIME_SECONDS)

    def _rotate_key(self) -> None:
        hour = self._hour()
        if hour != self._key_hour:
            self._key = secrets.token_bytes(32)
            self._key_hour = hour
            self._windows.clear()

    def _pseudonym(self, address: str) -> bytes:
        group = address_group(address).encode("utf-8", "surrogateescape")
        return hmac.new(self._key, group, hashlib.sha256).digest()

    def _make_room(self, now: float) -> None:
        if len(self._windows) < self._max_counters:
            return
        expired = [slot for slot, window in self._windows.items()
                   if now >= window.started + self._limits[slot[0]].window_seconds]
        for slot in expired:
            del self._windows[slot]
        if len(self._windows) >= self._max_counters:
            self._windows.clear()
