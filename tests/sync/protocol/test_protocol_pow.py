"""Proof of work: solve() finds what verify() accepts, and nothing else passes."""

from __future__ import annotations

import hashlib

import pytest

from sync.protocol.errors import ProofOfWorkError, SolveStoppedError
from sync.protocol.pow import (
    CHECK_EVERY,
    MAX_DIFFICULTY_BITS,
    expected_attempts,
    leading_zero_bits,
    pow_digest,
    solve,
    verify,
)

CHALLENGE = "v1.1748779200.c2VjcmV0.aG1hYw"


@pytest.mark.parametrize("bits", [0, 1, 8, 14])
def test_solve_then_verify(bits: int) -> None:
    # Given a challenge and a difficulty
    # When the client solves it
    nonce = solve(CHALLENGE, bits)
    # Then the relay's verify accepts it and the hash has the leading zeros
    verify(CHALLENGE, nonce, bits)
    assert leading_zero_bits(pow_digest(CHALLENGE, nonce)) >= bits


def test_the_hash_is_sha256_of_challenge_colon_nonce() -> None:
    # Given a challenge and nonce
    # Then the digest is SHA-256 over "challenge:nonce" in ASCII
    assert pow_digest("abc", "42") == hashlib.sha256(b"abc:42").digest()


def test_wrong_nonce_is_refused() -> None:
    # Given a nonce solved for 12 bits and the first nonce that fails 12 bits
    nonce = solve(CHALLENGE, 12)
    failing = next(str(n) for n in range(100)
                   if leading_zero_bits(pow_digest(CHALLENGE, str(n))) < 12)
    # Then the failing nonce is refused, and the good nonce fails for another challenge
    with pytest.raises(ProofOfWorkError, match="difficulty"):
        verify(CHALLENGE, failing, 12)
    other = next(c for c in ("a", "b", "c", "d", "e")
                 if leading_zero_bits(pow_digest(c, nonce)) < 12)
    with pytest.raises(ProofOfWorkError):
        verify(other, nonce, 12)


def test_a_solution_does_not_cover_a_higher_difficulty() -> None:
    # Given a nonce whose hash has exactly k leading zero bits
    nonce = solve(CHALLENGE, 10)
    k = leading_zero_bits(pow_digest(CHALLENGE, nonce))
    # Then it verifies at k bits and fails at k + 1
    verify(CHALLENGE, nonce, k)
    with pytest.raises(ProofOfWorkError):
        verify(CHALLENGE, nonce, k + 1)


@pytest.mark.parametrize("challenge", ["", "with space", "tab\t", "é", "x" * 513, None])
def test_malformed_challenges_are_refused(challenge: object) -> None:
    with pytest.raises(ProofOfWorkError, match="challenge"):
        verify(challenge, "0", 0)  # type: ignore[arg-type]
    with pytest.raises(ProofOfWorkError, match="challenge"):
        solve(challenge, 0)  # type: ignore[arg-type]


@pytest.mark.parametrize("nonce", ["", "1:2", "1 2", "x" * 65, "é", 5])
def test_malformed_nonces_are_refused(nonce: object) -> None:
    with pytest.raises(ProofOfWorkError, match="nonce"):
        verify(CHALLENGE, nonce, 0)  # type: ignore[arg-type]


@pytest.mark.parametrize("bits", [-1, MAX_DIFFICULTY_BITS + 1, 256, True, 8.0, "8"])
def test_out_of_range_difficulties_are_refused(bits: object) -> None:
    # Given a difficulty a hostile relay might send, or a wrong type
    # Then neither side accepts it, and the client does not start solving
    with pytest.raises(ProofOfWorkError, match="difficulty"):
        solve(CHALLENGE, bits)  # type: ignore[arg-type]
    with pytest.raises(ProofOfWorkError, match="difficulty"):
        verify(CHALLENGE, "0", bits)  # type: ignore[arg-type]


def test_progress_is_reported_and_stop_is_honoured() -> None:
    # Given a difficulty far too high to finish quickly and a stop after 3 checkpoints
    seen: list[int] = []

    def stop() -> bool:
        return len(seen) >= 3

    # When solving
    # Then progress is called every CHECK_EVERY attempts and solve() stops
    with pytest.raises(SolveStoppedError):
        solve(CHALLENGE, MAX_DIFFICULTY_BITS, progress=seen.append, should_stop=stop)
    assert seen == [CHECK_EVERY, 2 * CHECK_EVERY, 3 * CHECK_EVERY]


def test_expected_attempts() -> None:
    assert expected_attempts(0) == 1
    assert expected_attempts(20) == 1_048_576
    with pytest.raises(ProofOfWorkError):
        expected_attempts(MAX_DIFFICULTY_BITS + 1)


def test_leading_zero_bits() -> None:
    assert leading_zero_bits(bytes(32)) == 256
    assert leading_zero_bits(b"\x00\x01" + bytes(30)) == 15
    assert leading_zero_bits(b"\x80" + bytes(31)) == 0
