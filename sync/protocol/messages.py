"""JSON bodies of the relay API, shared by the relay and the client's sync engine.

Each message is a frozen dataclass that validates itself when built, so an instance is
always a valid message. ``to_json()`` returns the JSON object (a dict, ready for
``json=`` or a response model); ``from_json()`` takes the decoded JSON object and
refuses unknown keys, wrong types and non-canonical spellings with MessageError::

    POST /v1/reports   ReportSubmission  {"v": 1, "idempotency_key": "<22 chars>",
                                          "envelope": "<base64>",
                                          "pow": {"challenge": "...", "nonce": "..."}}
    answer             Receipt           {"id": "...", "received_day": "YYYY-MM-DD"}
    GET  challenge     PowChallenge      {"challenge": "...", "difficulty": 20,
                                          "expires_at": "YYYY-MM-DDTHH:MM:SSZ"}

The receipt carries a day, not a time: the relay keeps no more than it needs, and a
day says less about when someone was reporting.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sync.protocol.codec import (
    as_int,
    as_str,
    b64decode,
    b64encode,
    exact_keys,
    format_utc,
    parse_day,
    parse_utc,
    truncate_utc,
)
from sync.protocol.envelope import PROTOCOL_VERSION, check_envelope_shape, check_idempotency_key
from sync.protocol.errors import EnvelopeError, MessageError, ProofOfWorkError
from sync.protocol.pow import check_challenge, check_difficulty, check_nonce

RECEIPT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_ANY_STRING = re.compile(r".*", re.DOTALL)
_SUBMISSION_KEYS = frozenset({"v", "idempotency_key", "envelope", "pow"})
_POW_KEYS = frozenset({"challenge", "nonce"})
_RECEIPT_KEYS = frozenset({"id", "received_day"})
_CHALLENGE_KEYS = frozenset({"challenge", "difficulty", "expires_at"})


@contextmanager
def _as_message_error() -> Iterator[None]:
    try:
        yield
    except (EnvelopeError, ProofOfWorkError) as exc:
        raise MessageError(str(exc)) from None


@dataclass(frozen=True)
class ReportSubmission:
    """A sealed report on its way to the relay, with the proof of work that pays for it."""

    idempotency_key: str
    envelope: bytes = field(repr=False)
    pow_challenge: str
    pow_nonce: str = field(repr=False)

    def __post_init__(self) -> None:
        with _as_message_error():
            check_idempotency_key(self.idempotency_key)
            check_envelope_shape(self.envelope)
            check_challenge(self.pow_challenge)
            check_nonce(self.pow_nonce)

    def to_json(self) -> dict[str, Any]:
        """The request body."""
        return {"v": PROTOCOL_VERSION, "idempotency_key": self.idempotency_key,
                "envelope": b64encode(self.envelope),
                "pow": {"challenge": self.pow_challenge, "nonce": self.pow_nonce}}

    @classmethod
    def from_json(cls, value: Any) -> ReportSubmission:
        """Parse a decoded request body; MessageError unless it is exactly the documented shape."""
        body = exact_keys(value, _SUBMISSION_KEYS, "submission", MessageError)
        as_int(body["v"], "submission v", MessageError, minimum=PROTOCOL_VERSION,
               maximum=PROTOCOL_VERSION)
        proof = exact_keys(body["pow"], _POW_KEYS, "submission pow", MessageError)
        return cls(idempotency_key=_string(body["idempotency_key"], "idempotency_key"),
                   envelope=b64decode(body["envelope"], "envelope", MessageError),
                   pow_challenge=_string(proof["challenge"], "pow challenge"),
                   pow_nonce=_string(proof["nonce"], "pow nonce"))


@dataclass(frozen=True)
class Receipt:
    """The relay's answer to a submission; a duplicate submission gets the same receipt."""

    id: str
    received_day: dt.date

    def __post_init__(self) -> None:
        as_str(self.id, "receipt id", MessageError, RECEIPT_ID)
        if not isinstance(self.received_day, dt.date) or isinstance(self.received_day,
                                                                    dt.datetime):
            raise MessageError("receipt received_day must be a date")

    def to_json(self) -> dict[str, Any]:
        """The response body."""
        return {"id": self.id, "received_day": self.received_day.isoformat()}

    @classmethod
    def from_json(cls, value: Any) -> Receipt:
        """Parse a decoded response body strictly."""
        body = exact_keys(value, _RECEIPT_KEYS, "receipt", MessageError)
        return cls(id=_string(body["id"], "receipt id"),
                   received_day=parse_day(body["received_day"], "received_day", MessageError))


@dataclass(frozen=True)
class PowChallenge:
    """A proof-of-work challenge from the relay; expires_at is normalised to whole UTC seconds."""

    challenge: str
    difficulty: int
    expires_at: dt.datetime

    def __post_init__(self) -> None:
        with _as_message_error():
            check_challenge(self.challenge)
            check_difficulty(self.difficulty)
        if not isinstance(self.expires_at, dt.datetime) or self.expires_at.tzinfo is None:
            raise MessageError("challenge expires_at must be a timezone-aware datetime")
        object.__setattr__(self, "expires_at", truncate_utc(self.expires_at))

    def to_json(self) -> dict[str, Any]:
        """The response body."""
        return {"challenge": self.challenge, "difficulty": self.difficulty,
                "expires_at": format_utc(self.expires_at)}

    @classmethod
    def from_json(cls, value: Any) -> PowChallenge:
        """Parse a decoded response body strictly."""
        body = exact_keys(value, _CHALLENGE_KEYS, "challenge", MessageError)
        return cls(challenge=_string(body["challenge"], "challenge"),
                   difficulty=as_int(body["difficulty"], "difficulty", MessageError),
                   expires_at=parse_utc(body["expires_at"], "expires_at", MessageError))


def _string(value: Any, what: str) -> str:
    return as_str(value, what, MessageError, _ANY_STRING)
