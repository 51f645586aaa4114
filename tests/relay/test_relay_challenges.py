"""Proof-of-work challenges: stateless, signed, expiring, never easier than asked."""

from __future__ import annotations

import hashlib

import pytest

from server_stub.relay.challenges import ChallengeIssuer
from server_stub.relay.errors import ChallengeExpiredError, ChallengeInvalidError
from sync.protocol import pow as protocol_pow

SECRET = b"s" * 32


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _issuer(clock: Clock, *, difficulty: int = 4, secret: bytes = SECRET) -> ChallengeIssuer:
    return ChallengeIssuer(secret, difficulty=difficulty, ttl_seconds=600, clock=clock)


def test_a_solved_challenge_checks_out() -> None:
    # Given a challenge issued at a known time
    clock = Clock(1_700_000_000)
    issued = _issuer(clock).issue()
    assert issued.expires_at == 1_700_000_600
    assert issued.difficulty == 4
    # When it is solved
    nonce = protocol_pow.solve(issued.challenge, issued.difficulty)
    solved = _issuer(clock).check(issued.challenge, nonce)
    # Then the check yields its hash, kept until the next full hour after expiry
    assert solved.sha256 == hashlib.sha256(issued.challenge.encode()).digest()
    assert solved.keep_until == 1_700_002_800
    assert solved.keep_until % 3600 == 0
    assert solved.keep_until >= issued.expires_at


def test_challenges_are_unique() -> None:
    issuer = _issuer(Clock(1_700_000_000))
    assert len({issuer.issue().challenge for _ in range(50)}) == 50


@pytest.mark.parametrize("part", [1, 2, 3, 4])
def test_any_edit_breaks_the_mac(part: int) -> None:
    # Given a challenge, with one of its fields changed (expiry, difficulty, random, mac)
    clock = Clock(1_700_000_000)
    issued = _issuer(clock).issue()
    fields = issued.challenge.split(".")
    fields[part] = "9" + fields[part][1:] if part < 3 else "A" + fields[part][1:]
    if fields[part] == issued.challenge.split(".")[part]:
        fields[part] = "B" + fields[part][1:]
    forged = ".".join(fields)
    # Then even a valid solution of the forged challenge is refused
    nonce = protocol_pow.solve(forged, 1)
    with pytest.raises(ChallengeInvalidError):
        _issuer(clock).check(forged, nonce)


def test_another_relays_challenge_is_refused() -> None:
    clock = Clock(1_700_000_000)
    issued = _issuer(clock, secret=b"o" * 32).issue()
    nonce = protocol_pow.solve(issued.challenge, issued.difficulty)
    with pytest.raises(ChallengeInvalidError):
        _issuer(clock).check(issued.challenge, nonce)


def test_a_wrong_nonce_is_refused() -> None:
    clock = Clock(1_700_000_000)
    issuer = _issuer(clock, difficulty=16)
    issued = issuer.issue()
    wrong = next(str(n) for n in range(1000) if protocol_pow.leading_zero_bits(
        protocol_pow.pow_digest(issued.challenge, str(n))) < 16)
    with pytest.raises(ChallengeInvalidError):
        issuer.check(issued.challenge, wrong)


def test_an_expired_challenge_is_refused() -> None:
    clock = Clock(1_700_000_000)
    issued = _issuer(clock).issue()
    nonce = protocol_pow.solve(issued.challenge, issued.difficulty)
    clock.now += 600
    with pytest.raises(ChallengeExpiredError):
        _issuer(clock).check(issued.challenge, nonce)


def test_a_challenge_easier_than_the_current_setting_is_refused() -> None:
    clock = Clock(1_700_000_000)
    issued = _issuer(clock, difficulty=2).issue()
    nonce = protocol_pow.solve(issued.challenge, 6)  # solves at 6 bits, issued at 2
    with pytest.raises(ChallengeExpiredError):
        _issuer(clock, difficulty=6).check(issued.challenge, nonce)


@pytest.mark.parametrize("garbage", ["", "1", "x" * 600, "1.2.3.4.5", "1.1700000600.4..",
                                     "2.1700000600.4.AAAAAAAAAAAAAAAAAAAAAA." + "A" * 43])
def test_garbage_is_refused_without_hashing(garbage: str) -> None:
    with pytest.raises(ChallengeInvalidError):
        _issuer(Clock(1_700_000_000)).check(garbage, "0")
