"""Mailboxes: the organisation leaves sealed replies, anyone with the token reads them, and
nothing the relay holds ties a reply to the report it answers.

The routes run on SQLite, and on PostgreSQL when BROLLY_TEST_POSTGRES_URL is set.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import inspect

from server_stub.relay.config import RateLimit
from server_stub.relay.retention import purge_once
from server_stub.relay.storage import Storage
from server_stub.relay.tokens import add_org_token
from sync.protocol.followup import (
    MAX_REPLIES_PER_MAILBOX,
    SEALED_REPLY_BYTES,
    Reply,
    ReplyKind,
    mailbox_token,
    new_receipt_code,
    reply_keys,
    seal_reply,
)
from tests.relay.conftest import FakeClock

KEYS = reply_keys(new_receipt_code())


@dataclass
class Mailboxes:
    """A relay on the backend under test: the public side, the organisation, its database."""

    public: httpx.Client
    org: httpx.Client
    storage: Storage


@pytest.fixture
def relay(app_client: Callable[..., httpx.Client], db_url: str) -> Iterator[Mailboxes]:
    storage = Storage.open(db_url)
    public = app_client(storage=storage)
    with httpx.Client(base_url=str(public.base_url), timeout=30, headers={
            "Authorization": f"Bearer {add_org_token(storage, 'console')}"}) as org:
        yield Mailboxes(public, org, storage)
    storage.close()


def _sealed(public_bytes: bytes = KEYS.public_bytes, text: str = "We can help: call us.") -> str:
    reply = Reply(ReplyKind.SUPPORT_OFFERED, text, dt.date(2026, 11, 22))
    return base64.b64encode(seal_reply(reply, public_bytes)).decode()


def _leave(relay: Mailboxes, token: str = KEYS.token, sealed: str | None = None
           ) -> httpx.Response:
    return relay.org.post("/v1/org/replies", json={"token": token,
                                                   "sealed": sealed or _sealed()})


def test_a_reply_left_by_the_organisation_is_in_its_mailbox(relay: Mailboxes) -> None:
    # Given a reply sealed to a reporter's key and left under their mailbox token
    sealed = _sealed()
    left = _leave(relay, sealed=sealed)
    assert left.status_code == 201
    # When anyone asks for that mailbox
    mailbox = relay.public.get(f"/v1/replies/{KEYS.token}")
    # Then the sealed bytes come back as they were left, with the day and the relay's id
    assert mailbox.status_code == 200
    assert mailbox.headers["cache-control"] == "no-store"
    [reply] = mailbox.json()["replies"]
    assert reply == {"id": left.json()["id"], "sealed": sealed,
                     "day": dt.datetime.now(dt.UTC).date().isoformat()}


def test_an_unknown_mailbox_answers_exactly_like_an_emptied_one(
        relay: Mailboxes, clock: FakeClock) -> None:
    # Given a mailbox whose only reply went with the retention purge
    assert _leave(relay).status_code == 201
    purge_once(relay.storage, retention_days=14, now=clock() + 200 * 86_400)
    # When it and a mailbox that never existed are asked for
    emptied = relay.public.get(f"/v1/replies/{KEYS.token}")
    unknown = relay.public.get(f"/v1/replies/{reply_keys(new_receipt_code()).token}")
    # Then the two answers are the same, byte for byte and header for header
    assert (emptied.status_code, emptied.content) == (unknown.status_code, unknown.content)
    assert emptied.json() == {"replies": []}
    assert _headers(emptied) == _headers(unknown)


def test_only_the_organisation_leaves_replies(relay: Mailboxes) -> None:
    body = {"token": KEYS.token, "sealed": _sealed()}
    refused = relay.public.post("/v1/org/replies", json=body)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    assert relay.public.get(f"/v1/replies/{KEYS.token}").json() == {"replies": []}


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"token": "short"}, 422, "invalid_request"),
    ({"token": "=" * 43}, 422, "invalid_request"),
    ({"sealed": "A" * 13000}, 422, "invalid_request"),
    ({"sealed": base64.b64encode(b"x" * 100).decode()}, 422, "malformed_reply"),
    ({"sealed": base64.b64encode(b"x" * (SEALED_REPLY_BYTES + 1)).decode()}, 422,
     "malformed_reply"),
    ({"extra": 1}, 422, "invalid_request"),
])
def test_what_is_not_a_reply_is_refused(relay: Mailboxes, change: dict[str, Any], status: int,
                                        code: str) -> None:
    answer = relay.org.post("/v1/org/replies",
                            json={"token": KEYS.token, "sealed": _sealed(), **change})
    assert (answer.status_code, answer.json()["error"]) == (status, code)
    assert relay.storage.count_rows("replies") == 0


def test_a_body_that_is_not_json_and_a_malformed_token_are_refused(relay: Mailboxes) -> None:
    garbled = relay.org.post("/v1/org/replies", content=b"{not json",
                             headers={"Content-Type": "application/json"})
    assert (garbled.status_code, garbled.json()["error"]) == (400, "malformed_json")
    for token in ("not-a-token", "A" * 42, "A" * 44, "A" * 42 + "+"):
        answer = relay.public.get(f"/v1/replies/{token}")
        assert (answer.status_code, answer.json()["error"]) == (422, "invalid_request")


def test_a_mailbox_holds_a_bounded_number_of_replies(relay: Mailboxes) -> None:
    # Given a mailbox that holds as many replies as the protocol allows
    sealed = _sealed()
    for _ in range(MAX_REPLIES_PER_MAILBOX):
        assert _leave(relay, sealed=sealed).status_code == 201
    # When one more is left
    full = _leave(relay, sealed=sealed)
    # Then it is refused with a code the console can word, and the answer stays bounded
    assert (full.status_code, full.json()["error"]) == (409, "mailbox_full")
    assert len(relay.public.get(f"/v1/replies/{KEYS.token}").json()["replies"]) == \
        MAX_REPLIES_PER_MAILBOX
    # And other mailboxes are not affected
    other = reply_keys(new_receipt_code())
    assert _leave(relay, other.token, _sealed(other.public_bytes)).status_code == 201


def test_reading_mailboxes_is_rate_limited_like_other_public_routes(
        app_client: Callable[..., httpx.Client]) -> None:
    public = app_client(rate_limits=dict.fromkeys(("reports", "pow", "bundles", "org", "other"),
                                                  RateLimit(2, 60)))
    statuses = [public.get(f"/v1/replies/{KEYS.token}").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_replies_go_after_their_retention(storage: Storage) -> None:
    token = KEYS.token
    storage.put_reply(token, b"sealed", dt.date(2026, 1, 1))
    storage.put_reply(token, b"sealed", dt.date(2026, 11, 1))
    now = dt.datetime(2026, 11, 22, tzinfo=dt.UTC).timestamp()
    counts = purge_once(storage, retention_days=14, now=now, reply_retention_days=180)
    assert counts.replies == 1
    assert [day for _i, _s, day in storage.replies(token)] == [dt.date(2026, 11, 1)]


def test_the_relay_purges_replies_at_start_up_after_the_configured_days(
        app_client: Callable[..., httpx.Client], db_url: str, clock: FakeClock) -> None:
    # Given replies left 31 and 29 days ago
    storage = Storage.open(db_url)
    today = dt.datetime.fromtimestamp(clock(), dt.UTC).date()
    storage.put_reply(KEYS.token, b"old", today - dt.timedelta(days=31))
    storage.put_reply(KEYS.token, b"recent", today - dt.timedelta(days=29))
    # When a relay that keeps replies 30 days starts
    app_client(storage=storage, reply_retention_days=30)
    # Then only the recent one is left
    assert [sealed for _i, sealed, _d in storage.replies(KEYS.token)] == [b"recent"]
    storage.close()


def test_nothing_stored_links_a_reply_to_its_report(
        relay: Mailboxes, make_submission: Callable[..., dict[str, Any]]) -> None:
    # Given a report sealed with a reply key, and a reply left for that key
    submission = make_submission(relay.public, reply_public_key=KEYS.public_bytes)
    assert relay.public.post("/v1/reports", json=submission).status_code == 201
    assert _leave(relay).status_code == 201
    # When everything the relay stored is read back
    tables = _dump(relay.storage)
    [reply_row] = tables.pop("replies")
    stored = {value for rows in tables.values() for row in rows for value in row}
    # Then no reply value appears anywhere else, except the day
    assert {v for v in reply_row if v in stored} <= {dt.datetime.now(dt.UTC).date().isoformat()}
    # And neither the reply key nor its token can be found in, or computed from, the rest
    for value in stored:
        assert KEYS.token not in str(value)
        if isinstance(value, bytes):
            assert KEYS.public_bytes not in value
            assert mailbox_token(value) != KEYS.token


def _dump(storage: Storage) -> dict[str, list[tuple[object, ...]]]:
    with storage.engine.connect() as conn:
        names = inspect(conn).get_table_names()
        return {name: [tuple(_plain(v) for v in row)
                       for row in conn.exec_driver_sql(f'SELECT * FROM "{name}"')]  # noqa: S608
                for name in names}


def _plain(value: object) -> object:
    if isinstance(value, bytes | memoryview):
        return bytes(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if isinstance(value, int) else str(value)


def _headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in ("date",)}
