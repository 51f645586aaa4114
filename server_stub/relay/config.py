"""The relay's settings: one frozen object, built by the CLI (or a test) and passed inward.

Nothing below this module reads the environment or the command line. Every field has a
default that is safe for a small deployment except ``root_path``, which must point at
the organisation's pinned trust root: without it the relay could not tell a signed
bundle from a forged one, so it refuses to start.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from sync.protocol.bundle import MAX_BUNDLE_BYTES
from sync.protocol.pow import MAX_DIFFICULTY_BITS

DEFAULT_DB_URL = "sqlite:///relay.db"

# A report body is one sealed, padded envelope plus a few short fields. 64 KiB leaves
# room for the largest padding bucket in base64; anything bigger is not a report.
DEFAULT_MAX_REPORT_BYTES = 64 * 1024
# Signed bundles (alerts per region, the directory): the protocol's own ceiling.
DEFAULT_MAX_BUNDLE_BYTES = MAX_BUNDLE_BYTES
# Every other body (ack lists) is small.
DEFAULT_MAX_OTHER_BYTES = 64 * 1024

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_HEADER_NAME = re.compile(r"[A-Za-z0-9-]{1,64}")


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` requests per client address in each window of ``window_seconds``."""

    limit: int
    window_seconds: int

    def __post_init__(self) -> None:
        if self.limit < 1 or self.window_seconds < 1:
            raise ValueError("a rate limit needs a positive count and window")

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """Read ``COUNT/SECONDS``, e.g. ``20/3600``."""
        count, sep, seconds = text.partition("/")
        if not sep or not count.isdigit() or not seconds.isdigit():
            raise ValueError("a rate limit looks like COUNT/SECONDS, e.g. 20/3600")
        return cls(int(count), int(seconds))


def _default_rate_limits() -> dict[str, RateLimit]:
    return {
        # Proof of work is the real brake on spam; this only stops a single address
        # from hammering the endpoints. Tor exits and carrier NAT share addresses, so
        # the numbers are generous.
        "reports": RateLimit(30, 3600),
        "pow": RateLimit(60, 600),
        "bundles": RateLimit(300, 600),
        "org": RateLimit(600, 60),
        "other": RateLimit(300, 60),
    }


RATE_LIMIT_GROUPS = frozenset(_default_rate_limits())


@dataclass(frozen=True)
class RelayConfig:
    """Everything the relay needs to know, fixed for the life of the process."""

    root_path: Path
    db_url: str = DEFAULT_DB_URL
    # Leading zero bits of SHA-256(challenge ":" nonce); every bit doubles the work.
    pow_difficulty: int = 18
    pow_ttl_seconds: int = 900
    # None: a random secret per process (outstanding challenges die with a restart,
    # clients fetch a new one). Several processes behind one address need a shared one.
    pow_secret: bytes | None = None
    retention_days: int = 14
    # How long a reply waits in a reporter's mailbox, read or not (the relay cannot tell).
    reply_retention_days: int = 180
    purge_interval_seconds: int = 3600
    rate_limits: Mapping[str, RateLimit] = field(default_factory=_default_rate_limits)
    # SHA-256 hex digests of organisation tokens accepted besides those in the database.
    org_token_hashes: frozenset[str] = frozenset()
    max_report_bytes: int = DEFAULT_MAX_REPORT_BYTES
    max_bundle_bytes: int = DEFAULT_MAX_BUNDLE_BYTES
    max_other_bytes: int = DEFAULT_MAX_OTHER_BYTES
    # Behind a reverse proxy every request comes from the proxy's address, so rate
    # limits would lump all clients together. Naming the header the proxy sets
    # (e.g. X-Real-IP) keys the limits on it instead. Its value is never stored or
    # logged either. Leave None when clients connect directly: a client could forge it.
    client_address_header: str | None = None

    def __post_init__(self) -> None:
        self._check_ranges()
        if set(self.rate_limits) != RATE_LIMIT_GROUPS:
            raise ValueError(f"rate_limits must name exactly {sorted(RATE_LIMIT_GROUPS)}")
        # Frozen means frozen: nobody gets to change a limit through a shared dict.
        object.__setattr__(self, "rate_limits", MappingProxyType(dict(self.rate_limits)))
        for digest in self.org_token_hashes:
            if not _SHA256_HEX.fullmatch(digest):
                raise ValueError("org_token_hashes must be lowercase SHA-256 hex digests")
        header = self.client_address_header
        if header is not None and not _HEADER_NAME.fullmatch(header):
            raise ValueError("client_address_header must be a plain header name")

    def _check_ranges(self) -> None:
        # Clients refuse challenges above MAX_DIFFICULTY_BITS (a hostile relay could
        # otherwise keep a phone busy for days).
        if not 1 <= self.pow_difficulty <= MAX_DIFFICULTY_BITS:
            raise ValueError(f"pow_difficulty must be between 1 and {MAX_DIFFICULTY_BITS} bits")
        if not 10 <= self.pow_ttl_seconds <= 86_400:
            raise ValueError("pow_ttl_seconds must be between 10 seconds and one day")
        if self.pow_secret is not None and len(self.pow_secret) < 32:
            raise ValueError("pow_secret must be at least 32 bytes")
        if self.retention_days < 1:
            raise ValueError("retention_days must be at least 1")
        if self.reply_retention_days < 1:
            raise ValueError("reply_retention_days must be at least 1")
        if self.purge_interval_seconds < 1:
            raise ValueError("purge_interval_seconds must be positive")
        for size in (self.max_report_bytes, self.max_bundle_bytes, self.max_other_bytes):
            if size < 1024:
                raise ValueError("body size limits must be at least 1 KiB")
