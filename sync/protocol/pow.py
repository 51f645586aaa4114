"""Hashcash-style proof of work: the relay's spam brake that needs no account and no IP.

The relay hands out a challenge and a difficulty; the client finds a nonce such that

    SHA-256(challenge || ":" || nonce)

starts with ``difficulty_bits`` zero bits. Finding one takes 2**difficulty_bits hashes
on average; checking it takes one. The relay makes challenges single-use and wraps them
in its own HMAC; this module only does the arithmetic both sides share.

Challenges are 1 to 512 printable ASCII characters (0x21-0x7E); nonces are 1 to 64
base64url characters, so ":" never occurs in a nonce and the hash input has one
reading. solve() produces decimal counters ("0", "1", ...), a subset of that alphabet.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from sync.protocol.errors import ProofOfWorkError, SolveStoppedError

# A hostile relay could ask for a difficulty that keeps a phone busy for days; 2**24
# hashes is about a minute on a slow phone, and the client refuses anything above.
MAX_DIFFICULTY_BITS = 24
MAX_CHALLENGE_CHARS = 512
MAX_NONCE_CHARS = 64
CHECK_EVERY = 4096  # attempts between progress() and should_stop() calls

_CHALLENGE = re.compile(rf"[\x21-\x7e]{{1,{MAX_CHALLENGE_CHARS}}}")
_NONCE = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_NONCE_CHARS}}}")
_DIGEST_BITS = 256


def check_challenge(challenge: str) -> None:
    """ProofOfWorkError unless ``challenge`` is 1-512 printable ASCII characters."""
    if not isinstance(challenge, str) or _CHALLENGE.fullmatch(challenge) is None:
        raise ProofOfWorkError("challenge is not well formed")


def check_nonce(nonce: str) -> None:
    """ProofOfWorkError unless ``nonce`` is 1-64 base64url characters."""
    if not isinstance(nonce, str) or _NONCE.fullmatch(nonce) is None:
        raise ProofOfWorkError("nonce is not well formed")


def check_difficulty(difficulty_bits: int) -> None:
    """ProofOfWorkError unless 0 <= difficulty_bits <= MAX_DIFFICULTY_BITS."""
    if isinstance(difficulty_bits, bool) or not isinstance(difficulty_bits, int):
        raise ProofOfWorkError("difficulty must be an integer")
    if not 0 <= difficulty_bits <= MAX_DIFFICULTY_BITS:
        raise ProofOfWorkError(f"difficulty must be between 0 and {MAX_DIFFICULTY_BITS} bits")


def pow_digest(challenge: str, nonce: str) -> bytes:
    """SHA-256(challenge || ":" || nonce), both ASCII."""
    return hashlib.sha256(f"{challenge}:{nonce}".encode("ascii")).digest()


def leading_zero_bits(digest: bytes) -> int:
    """How many zero bits ``digest`` starts with."""
    value = int.from_bytes(digest, "big")
    return len(digest) * 8 - value.bit_length()


def expected_attempts(difficulty_bits: int) -> int:
    """Average number of hashes solve() needs: 2**difficulty_bits."""
    check_difficulty(difficulty_bits)
    return 1 << difficulty_bits


def verify(challenge: str, nonce: str, difficulty_bits: int) -> None:
    """ProofOfWorkError unless ``nonce`` solves ``challenge`` at ``difficulty_bits``."""
    check_challenge(challenge)
    check_nonce(nonce)
    check_difficulty(difficulty_bits)
    if leading_zero_bits(pow_digest(challenge, nonce)) < difficulty_bits:
        raise ProofOfWorkError("proof of work does not meet the difficulty")


def solve(challenge: str, difficulty_bits: int, *,
          progress: Callable[[int], None] | None = None,
          should_stop: Callable[[], bool] | None = None) -> str:
    """Find a nonce; calls progress(attempts) and should_stop() every CHECK_EVERY attempts.

    Raises SolveStoppedError when should_stop() returns True, so a UI can cancel.
    """
    check_challenge(challenge)
    check_difficulty(difficulty_bits)
    prefix = hashlib.sha256(f"{challenge}:".encode("ascii"))
    limit = 1 << (_DIGEST_BITS - difficulty_bits)  # digest below this = enough zero bits
    counter = 0
    while True:
        nonce = str(counter).encode("ascii")
        attempt = prefix.copy()
        attempt.update(nonce)
        if int.from_bytes(attempt.digest(), "big") < limit:
            return nonce.decode("ascii")
        counter += 1
        if counter % CHECK_EVERY == 0:
            _checkpoint(counter, progress, should_stop)


def _checkpoint(attempts: int, progress: Callable[[int], None] | None,
                should_stop: Callable[[], bool] | None) -> None:
    if progress is not None:
        progress(attempts)
    if should_stop is not None and should_stop():
        raise SolveStoppedError("stopped before a nonce was found")
