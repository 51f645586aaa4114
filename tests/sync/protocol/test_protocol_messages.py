"""Relay API bodies: round trips, and strict refusal of anything else."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from sync.protocol.codec import b64encode
from sync.protocol.envelope import ReportPrivateKey, seal_report
from sync.protocol.errors import MessageError
from sync.protocol.messages import PowChallenge, Receipt, ReportSubmission
from sync.protocol.pow import MAX_DIFFICULTY_BITS

KEY = "AAECAwQFBgcICQoLDA0ODw"
LATER = "2025-06-01T12:00:00Z"


@pytest.fixture(scope="module")
def submission(report_key: ReportPrivateKey) -> ReportSubmission:
    envelope = seal_report(b"report", report_key.public_key, KEY)
    return ReportSubmission(idempotency_key=KEY, envelope=envelope,
                            pow_challenge="v1.abc.def", pow_nonce="1234")


def test_submission_round_trip(submission: ReportSubmission) -> None:
    # Given a submission
    # When turned into JSON and parsed back
    body = submission.to_json()
    # Then the body has the documented shape and parses to an equal submission
    assert body == {"v": 1, "idempotency_key": KEY, "envelope": b64encode(submission.envelope),
                    "pow": {"challenge": "v1.abc.def", "nonce": "1234"}}
    assert ReportSubmission.from_json(body) == submission


def _edit(path: str, value: Any) -> Any:
    def mutate(body: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = body
        for key in parents:
            target = target[key]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value
    return mutate


_DELETE = object()


@pytest.mark.parametrize("mutate", [
    _edit("v", 2), _edit("v", True), _edit("v", "1"), _edit("v", _DELETE),
    _edit("extra", 1), _edit("idempotency_key", "short"), _edit("idempotency_key", 5),
    _edit("envelope", "AAAA"),                 # valid base64 but not an envelope size
    _edit("envelope", "not base64"),
    _edit("envelope", _DELETE),
    _edit("pow", "1234"), _edit("pow.nonce", "12:34"), _edit("pow.nonce", 1234),
    _edit("pow.challenge", ""), _edit("pow.extra", 1), _edit("pow.nonce", _DELETE),
])
def test_submission_refuses_other_shapes(submission: ReportSubmission, mutate: Any) -> None:
    # Given a body that differs from the documented shape in one place
    body = copy.deepcopy(submission.to_json())
    mutate(body)
    # Then parsing raises MessageError (and only that)
    with pytest.raises(MessageError):
        ReportSubmission.from_json(body)


@pytest.mark.parametrize("respell", [
    lambda text: text.rstrip("="),                           # padding dropped
    lambda text: text + "\n",                                # trailing newline
    lambda text: text.replace("+", "-").replace("/", "_") + ("" if "+" in text else "-"),  # url
    lambda text: text.replace("=", "") + "A=",                # last bits non-zero / wrong size
])
def test_submission_refuses_other_base64_spellings(submission: ReportSubmission,
                                                   respell: Any) -> None:
    # Given the envelope spelled in a way other than canonical padded base64
    body = submission.to_json()
    body["envelope"] = respell(body["envelope"])
    # Then it is refused (a changed envelope would not be the same idempotent request)
    with pytest.raises(MessageError):
        ReportSubmission.from_json(body)


@pytest.mark.parametrize("value", [None, [], "body"])
def test_non_objects_are_refused(value: object) -> None:
    for cls in (ReportSubmission, Receipt, PowChallenge):
        with pytest.raises(MessageError):
            cls.from_json(value)  # type: ignore[attr-defined]


def test_receipt_round_trip() -> None:
    # Given a receipt
    receipt = Receipt(id="r_0001", received_day=date(2025, 6, 1))
    # Then it is a day, not a time, and round-trips
    assert receipt.to_json() == {"id": "r_0001", "received_day": "2025-06-01"}
    assert Receipt.from_json(receipt.to_json()) == receipt


@pytest.mark.parametrize("body", [
    {"id": "", "received_day": "2025-06-01"},
    {"id": "a/b", "received_day": "2025-06-01"},
    {"id": "r1", "received_day": "2025-06-01T10:00:00Z"},
    {"id": "r1", "received_day": "01/06/2025"},
    {"id": "r1"},
    {"id": "r1", "received_day": "2025-06-01", "at": "10:00"},
])
def test_receipt_refuses_other_shapes(body: dict[str, Any]) -> None:
    with pytest.raises(MessageError):
        Receipt.from_json(body)


def test_receipt_refuses_a_datetime() -> None:
    # Given a datetime where a day belongs (it would leak the time of reporting)
    # Then building the receipt fails
    with pytest.raises(MessageError):
        Receipt(id="r1", received_day=datetime(2025, 6, 1, 10, tzinfo=UTC))


def test_pow_challenge_round_trip() -> None:
    # Given a challenge with an expiry in another zone, with microseconds
    expires = datetime(2025, 6, 1, 14, 0, 5, 123, tzinfo=timezone(timedelta(hours=2)))
    challenge = PowChallenge(challenge="v1.abc.def", difficulty=18, expires_at=expires)
    # Then the expiry is normalised to whole UTC seconds, and it round-trips
    assert challenge.to_json() == {"challenge": "v1.abc.def", "difficulty": 18,
                                   "expires_at": "2025-06-01T12:00:05Z"}
    assert PowChallenge.from_json(challenge.to_json()) == challenge


@pytest.mark.parametrize("body", [
    {"challenge": "v1", "difficulty": MAX_DIFFICULTY_BITS + 1, "expires_at": LATER},
    {"challenge": "v1", "difficulty": -1, "expires_at": LATER},
    {"challenge": "v1", "difficulty": 1.0, "expires_at": LATER},
    {"challenge": "has space", "difficulty": 1, "expires_at": LATER},
    {"challenge": "v1", "difficulty": 1, "expires_at": 1748779200},
    {"challenge": "v1", "difficulty": 1},
])
def test_pow_challenge_refuses_other_shapes(body: dict[str, Any]) -> None:
    # Given a challenge a client must not act on (e.g. an impossible difficulty)
    # Then parsing refuses it
    with pytest.raises(MessageError):
        PowChallenge.from_json(body)


def test_pow_challenge_needs_an_aware_expiry() -> None:
    with pytest.raises(MessageError):
        PowChallenge(challenge="v1", difficulty=1, expires_at=datetime(2025, 6, 1))
