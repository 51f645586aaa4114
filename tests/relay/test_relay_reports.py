"""POST /v1/reports over HTTP: receipts, retries, conflicts, proofs, malformed and
oversized bodies. Every refusal stores nothing."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from server_stub.relay.storage import Storage
from sync.protocol import pow as protocol_pow
from sync.protocol.envelope import new_idempotency_key
from sync.protocol.messages import Receipt

Submission = Callable[..., dict[str, Any]]
MARKER = "zq-marker-7731"


def _rows(storage: Storage) -> int:
    return storage.count_rows("envelopes")


def test_a_new_report_gets_a_receipt(client: httpx.Client, make_submission: Submission,
                                     app_storage: Storage, clock: Any) -> None:
    # When a valid sealed report is posted
    response = client.post("/v1/reports", json=make_submission(client))
    # Then it is stored and the receipt names only a random id and the UTC day
    assert response.status_code == 201
    receipt = Receipt.from_json(response.json())
    assert len(receipt.id) == 22
    assert receipt.received_day == datetime.fromtimestamp(clock(), UTC).date()
    assert _rows(app_storage) == 1


def test_receipt_ids_are_random(client: httpx.Client, make_submission: Submission) -> None:
    ids = [client.post("/v1/reports", json=make_submission(client)).json()["id"]
           for _ in range(5)]
    assert len(set(ids)) == 5


def test_a_retry_gets_the_same_receipt(client: httpx.Client, make_submission: Submission,
                                       app_storage: Storage) -> None:
    # Given a report that was delivered, but whose response was lost
    body = make_submission(client)
    first = client.post("/v1/reports", json=body)
    # When the client sends exactly the same body again
    again = client.post("/v1/reports", json=body)
    # Then it gets the same receipt with 200, and nothing is stored twice
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert _rows(app_storage) == 1


def test_a_late_retry_after_a_restart_still_gets_its_receipt(
        app_client: Callable[..., httpx.Client], make_submission: Submission,
        app_storage: Storage, clock: Any) -> None:
    # Given a delivered report
    client = app_client()
    body = make_submission(client)
    first = client.post("/v1/reports", json=body).json()
    # When the relay restarts (new challenge secret) and the retry comes a day later,
    # with a proof that has expired and was already spent
    clock.advance(86_400)
    restarted = app_client()
    again = restarted.post("/v1/reports", json=body)
    # Then the retry still gets the first receipt
    assert again.status_code == 200
    assert again.json() == first
    assert _rows(app_storage) == 1


def test_same_key_with_another_envelope_conflicts(
        client: httpx.Client, make_submission: Submission, app_storage: Storage) -> None:
    key = new_idempotency_key()
    client.post("/v1/reports", json=make_submission(client, idempotency_key=key))
    other = make_submission(client, idempotency_key=key, plaintext=b"something else")
    response = client.post("/v1/reports", json=other)
    assert response.status_code == 409
    assert response.json()["error"] == "idempotency_conflict"
    assert _rows(app_storage) == 1


def test_a_conflict_is_named_even_when_its_proof_has_expired(
        client: httpx.Client, make_submission: Submission, app_storage: Storage,
        clock: Any) -> None:
    # Given a stored report, and another envelope under its key with a proof that expires
    key = new_idempotency_key()
    client.post("/v1/reports", json=make_submission(client, idempotency_key=key))
    other = make_submission(client, idempotency_key=key, plaintext=b"something else")
    clock.advance(901)
    # When it arrives, Then the client hears of the bug in its outbox, not of the proof
    response = client.post("/v1/reports", json=other)
    assert response.status_code == 409
    assert response.json()["error"] == "idempotency_conflict"
    assert _rows(app_storage) == 1


def test_a_replayed_proof_is_refused(client: httpx.Client, make_submission: Submission,
                                     app_storage: Storage) -> None:
    # Given a proof that paid for one report
    first = make_submission(client)
    client.post("/v1/reports", json=first)
    # When another report reuses it
    second = make_submission(client)
    second["pow"] = first["pow"]
    response = client.post("/v1/reports", json=second)
    # Then it is refused and not stored
    assert response.status_code == 403
    assert response.json()["error"] == "proof_used"
    assert _rows(app_storage) == 1


def test_an_expired_proof_is_refused(client: httpx.Client, make_submission: Submission,
                                     app_storage: Storage, clock: Any) -> None:
    body = make_submission(client)
    clock.advance(901)
    response = client.post("/v1/reports", json=body)
    assert response.status_code == 403
    assert response.json()["error"] == "proof_expired"
    assert _rows(app_storage) == 0


def _unsolved_nonce(challenge: str, difficulty: int) -> str:
    return next(str(n) for n in range(10_000) if protocol_pow.leading_zero_bits(
        protocol_pow.pow_digest(challenge, str(n))) < difficulty)


@pytest.mark.parametrize("forgery", ["unsolved", "forged", "foreign"])
def test_a_bad_proof_is_refused(client: httpx.Client, make_submission: Submission,
                                app_storage: Storage, forgery: str) -> None:
    body = make_submission(client)
    challenge = body["pow"]["challenge"]
    if forgery == "unsolved":
        body["pow"]["nonce"] = _unsolved_nonce(challenge, 4)
    elif forgery == "forged":  # a harder-looking challenge the relay never signed
        fields = challenge.split(".")
        fields[2] = "1"
        body["pow"] = {"challenge": ".".join(fields),
                       "nonce": protocol_pow.solve(".".join(fields), 1)}
    else:  # solved, but made up by the client
        body["pow"] = {"challenge": "my-own-challenge", "nonce": "0"}
    response = client.post("/v1/reports", json=body)
    assert response.status_code == 403
    assert response.json()["error"] == "proof_invalid"
    assert _rows(app_storage) == 0


def _malformed_bodies(valid: dict[str, Any]) -> Iterator[tuple[str, bytes, int]]:
    def variant(**changes: Any) -> bytes:
        return json.dumps({**valid, **changes}).encode()

    yield "not json", b'{"v": 1, "idem', 400
    yield "array", b"[1, 2]", 422
    yield "missing envelope", json.dumps({k: v for k, v in valid.items()
                                          if k != "envelope"}).encode(), 422
    yield "unknown key", variant(**{MARKER: 1}), 422
    yield "version 2", variant(v=2), 422
    yield "version true", variant(v=True), 422
    yield "version string", variant(v="1"), 422
    yield "short key", variant(idempotency_key=MARKER), 422
    yield "non-canonical key", variant(idempotency_key=valid["idempotency_key"][:-1] + "B"), 422
    yield "envelope not base64", variant(envelope=MARKER + "!!"), 422
    yield "envelope wrong size", variant(envelope=base64.b64encode(b"x" * 3000).decode()), 422
    urlsafe = valid["envelope"].replace("+", "-").replace("/", "_")
    if urlsafe != valid["envelope"]:
        yield "envelope urlsafe", variant(envelope=urlsafe), 422
    yield "nonce too long", variant(pow={"challenge": "c", "nonce": "n" * 65}), 422
    yield "pow extra", variant(pow={**valid["pow"], "x": 1}), 422


def test_malformed_bodies_are_refused_without_echo(
        client: httpx.Client, make_submission: Submission, app_storage: Storage) -> None:
    valid = make_submission(client)
    for case, raw, status in _malformed_bodies(valid):
        response = client.post("/v1/reports", content=raw,
                               headers={"content-type": "application/json"})
        assert response.status_code == status, case
        body = response.json()
        assert set(body) == {"error", "detail"}, case
        assert MARKER not in response.text, case
        assert valid["envelope"][:40] not in response.text, case
    assert _rows(app_storage) == 0


def test_a_body_without_json_content_type_is_refused(client: httpx.Client,
                                                     make_submission: Submission) -> None:
    raw = json.dumps(make_submission(client)).encode()
    response = client.post("/v1/reports", content=raw, headers={"content-type": "text/plain"})
    assert response.status_code == 422


def test_oversize_by_content_length(client: httpx.Client, app_storage: Storage) -> None:
    response = client.post("/v1/reports", content=b"{" + b" " * (64 * 1024) + b"}",
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert _rows(app_storage) == 0


def test_oversize_by_streamed_size(client: httpx.Client, app_storage: Storage) -> None:
    # A chunked body declares no length: the relay counts as it reads
    def chunks() -> Iterator[bytes]:
        yield b'{"v": 1, "envelope": "'
        for _ in range(80):
            yield b"A" * 1024
        yield b'"}'

    response = client.post("/v1/reports", content=chunks(),
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert _rows(app_storage) == 0
