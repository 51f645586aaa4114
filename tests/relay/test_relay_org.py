"""The organisation API: tokens, pending envelopes page by page, acknowledgement."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

import httpx

from server_stub.relay.storage import Storage
from server_stub.relay.tokens import add_org_token, hash_token, revoke_org_tokens
from sync.protocol.envelope import open_report

Submission = Callable[..., dict[str, Any]]


def _submit(client: httpx.Client, make_submission: Submission, count: int) -> list[str]:
    return [client.post("/v1/reports", json=make_submission(client)).json()["id"]
            for _ in range(count)]


def test_fetch_every_envelope_page_by_page(client: httpx.Client, org: httpx.Client,
                                           make_submission: Submission, publisher) -> None:
    # Given five reports
    bodies = [make_submission(client, plaintext=f"report {i}".encode()) for i in range(5)]
    ids = [client.post("/v1/reports", json=b).json()["id"] for b in bodies]
    # When the console pages through them two at a time
    fetched: dict[str, dict[str, str]] = {}
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = org.get("/v1/org/envelopes", params=params).json()
        fetched.update({e["id"]: e for e in page["envelopes"]})
        cursor = page["next_cursor"]
        if cursor is None:
            break
    # Then it gets each sealed envelope exactly as it was sent, with the key that opens it
    assert sorted(fetched) == sorted(ids)
    for i, (body, receipt_id) in enumerate(zip(bodies, ids, strict=True)):
        item = fetched[receipt_id]
        assert item["envelope"] == body["envelope"]
        assert item["idempotency_key"] == body["idempotency_key"]
        opened = open_report(base64.b64decode(item["envelope"]), publisher.report_private_key,
                             item["idempotency_key"])
        assert opened.report_bytes == f"report {i}".encode()


def test_ack_removes_envelopes(client: httpx.Client, org: httpx.Client,
                               make_submission: Submission, app_storage: Storage) -> None:
    ids = _submit(client, make_submission, 3)
    response = org.post("/v1/org/envelopes/ack", json={"ids": ids[:2]})
    assert response.status_code == 200
    assert response.json() == {"acknowledged": 2}
    pending = org.get("/v1/org/envelopes").json()["envelopes"]
    assert [e["id"] for e in pending] == [ids[2]]
    # The sealed bytes are gone from the database, not merely hidden
    assert [p.id for p in app_storage.pending_envelopes(after=None, limit=10)] == [ids[2]]
    # Acknowledging again is harmless
    assert org.post("/v1/org/envelopes/ack", json={"ids": ids[:2]}).json() == {"acknowledged": 0}


def test_a_retry_after_ack_gets_its_receipt_and_is_not_redelivered(
        client: httpx.Client, org: httpx.Client, make_submission: Submission) -> None:
    body = make_submission(client)
    first = client.post("/v1/reports", json=body).json()
    org.post("/v1/org/envelopes/ack", json={"ids": [first["id"]]})
    again = client.post("/v1/reports", json=body)
    assert again.status_code == 200
    assert again.json() == first
    assert org.get("/v1/org/envelopes").json()["envelopes"] == []


def test_bad_org_requests(client: httpx.Client, org: httpx.Client) -> None:
    assert org.post("/v1/org/envelopes/ack", json={"ids": []}).status_code == 422
    assert org.post("/v1/org/envelopes/ack", json={"ids": ["x" * 22] * 1001}).status_code == 422
    assert org.get("/v1/org/envelopes", params={"limit": 0}).status_code == 422
    assert org.get("/v1/org/envelopes", params={"cursor": "0." + "a" * 22}).status_code == 422
    assert org.get("/v1/org/envelopes", params={"cursor": "nonsense"}).status_code == 422


def test_every_org_route_needs_a_valid_token(client: httpx.Client, org_token: str) -> None:
    wrong = "B" * 43
    for token in (None, wrong, org_token + "x", "Bearer"):
        headers = {} if token is None else {"authorization": f"Bearer {token}"}
        assert client.get("/v1/org/envelopes", headers=headers).status_code == 401
        assert client.post("/v1/org/envelopes/ack", json={"ids": ["a" * 22]},
                           headers=headers).status_code == 401


def test_tokens_are_stored_as_hashes(app_storage: Storage) -> None:
    token = add_org_token(app_storage, "second console")
    assert len(token) == 43
    with app_storage.engine.connect() as conn:
        stored = [tuple(row) for row in conn.exec_driver_sql("SELECT * FROM org_tokens")]
    assert (hashlib.sha256(token.encode()).hexdigest(), "second console") in stored
    assert all(token not in str(row) for row in stored)


def test_revoked_tokens_stop_working(client: httpx.Client, org_token: str,
                                     app_storage: Storage) -> None:
    headers = {"authorization": f"Bearer {org_token}"}
    assert client.get("/v1/org/envelopes", headers=headers).status_code == 200
    assert revoke_org_tokens(app_storage, "console") == 1
    assert client.get("/v1/org/envelopes", headers=headers).status_code == 401


def test_configured_token_hashes_are_accepted(app_client: Callable[..., httpx.Client]) -> None:
    token = "C" * 43
    client = app_client(org_token_hashes=frozenset({hash_token(token)}))
    assert client.get("/v1/org/envelopes",
                      headers={"authorization": f"Bearer {token}"}).status_code == 200
