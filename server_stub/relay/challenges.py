"""Stateless proof-of-work challenges.

A challenge is ``1.<expires>.<difficulty>.<random>.<mac>``: a format version, the Unix
second it expires, the number of leading zero bits the solution needs, 16 random bytes
and an HMAC-SHA256 over all of it under the relay's secret (base64url, no padding).
Issuing one stores nothing. Checking one needs, in this order (cheapest first):

1. the shape and the HMAC: the relay issued it, with this difficulty and expiry;
2. the expiry has not passed, and the difficulty is not below today's setting;
3. the nonce solves it (``sync.protocol.pow.verify``);
4. it was not spent before: the caller stores SHA-256 of the challenge in ``used_pow``
   in the same transaction as the report (see ``Storage.store_report``).

The spent-challenge row is kept until the challenge expires, rounded up to the hour so
that the row does not date the report it paid for more precisely than that.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from server_stub.relay.errors import (
    ChallengeExpiredError,
    ChallengeInvalidError,
)
from sync.protocol import pow as protocol_pow
from sync.protocol.errors import ProofOfWorkError

_VERSION = "1"
_MAC_CONTEXT = b"brolly relay proof-of-work challenge v1\x00"
_CHALLENGE = re.compile(
    r"1\.(?P<expires>[1-9][0-9]{0,11})\.(?P<difficulty>[1-9][0-9]?)"
    r"\.(?P<random>[A-Za-z0-9_-]{22})\.(?P<mac>[A-Za-z0-9_-]{43})")
_KEEP_GRANULARITY_SECONDS = 3600
MAX_CHALLENGE_LENGTH = 100


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class IssuedChallenge:
    """A fresh challenge and the parameters a client needs to solve it."""

    challenge: str
    difficulty: int
    expires_at: int


@dataclass(frozen=True)
class SolvedChallenge:
    """A verified, not yet spent challenge: what ``used_pow`` records about it."""

    sha256: bytes
    keep_until: int


class ChallengeIssuer:
    """Issues and checks challenges signed with one secret."""

    def __init__(self, secret: bytes, *, difficulty: int, ttl_seconds: int,
                 clock: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self.difficulty = difficulty
        self.ttl_seconds = ttl_seconds
        self._clock = clock

    @classmethod
    def with_random_secret(cls, *, difficulty: int, ttl_seconds: int,
                           clock: Callable[[], float] = time.time) -> ChallengeIssuer:
        """An issuer whose challenges die with the process."""
        return cls(secrets.token_bytes(32), difficulty=difficulty, ttl_seconds=ttl_seconds,
                   clock=clock)

    def issue(self) -> IssuedChallenge:
        """A new challenge expiring ``ttl_seconds`` from now."""
        expires = int(self._clock()) + self.ttl_seconds
        body = f"{_VERSION}.{expires}.{self.difficulty}.{_b64(secrets.token_bytes(16))}"
        return IssuedChallenge(f"{body}.{self._mac(body)}", self.difficulty, expires)

    def check(self, challenge: str, nonce: str) -> SolvedChallenge:
        """Verify steps 1-3 above; raise a ChallengeError subclass if any fails."""
        match = _CHALLENGE.fullmatch(challenge) if len(challenge) <= MAX_CHALLENGE_LENGTH \
            else None
        if match is None:
            raise ChallengeInvalidError("the challenge was not issued by this relay")
        body = challenge.rsplit(".", 1)[0]
        if not hmac.compare_digest(self._mac(body), match["mac"]):
            raise ChallengeInvalidError("the challenge was not issued by this relay")
        expires, difficulty = int(match["expires"]), int(match["difficulty"])
        if expires <= self._clock():
            raise ChallengeExpiredError("the challenge has expired; fetch a new one")
        if difficulty < self.difficulty:
            raise ChallengeExpiredError("the challenge is easier than the relay now asks")
        try:
            protocol_pow.verify(challenge, nonce, difficulty)
        except ProofOfWorkError:
            raise ChallengeInvalidError("the nonce does not solve the challenge") from None
        keep_until = math.ceil(expires / _KEEP_GRANULARITY_SECONDS) * _KEEP_GRANULARITY_SECONDS
        return SolvedChallenge(hashlib.sha256(challenge.encode("ascii")).digest(), keep_until)

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._secret, _MAC_CONTEXT + body.encode("ascii"),
                             hashlib.sha256).digest())
