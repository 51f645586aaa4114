"""The console's client of the relay's organisation API: what it sends, and what it refuses
to believe from the relay."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from server_stub.console.errors import RelayError, RelayRefusedError, RelayUnreachableError
from server_stub.console.relay_client import OrgRelayClient, OrgToken, RelayClientConfig
from tests.console.conftest import RunningRelay

RECEIPT = "A" * 22
KEY = "AAECAwQFBgcICQoLDA0ODw"


def _client(answer: Callable[[httpx.Request], httpx.Response]) -> OrgRelayClient:
    return OrgRelayClient(httpx.Client(base_url="https://relay.test",
                                       transport=httpx.MockTransport(answer)))


def _page(**item: Any) -> dict[str, Any]:
    envelope = {"id": RECEIPT, "received_day": "2026-11-20", "idempotency_key": KEY,
                "envelope": base64.b64encode(b"sealed").decode(), **item}
    return {"envelopes": [envelope], "next_cursor": None}


def test_a_well_formed_page_is_read() -> None:
    with _client(lambda request: httpx.Response(200, json=_page())) as client:
        (envelope,) = client.pending_page().envelopes
    assert (envelope.id, envelope.idempotency_key, envelope.envelope) == (RECEIPT, KEY, b"sealed")


@pytest.mark.parametrize("page", [
    pytest.param(_page(idempotency_key="not a key"), id="bad-key"),
    pytest.param(_page(envelope="bm90IGNhbm9uaWNhbA=!"), id="bad-base64"),
    pytest.param(_page(id="../../etc"), id="bad-id"),
    pytest.param(_page(extra=1), id="unknown-field"),
    pytest.param({"envelopes": [], "next_cursor": "not a cursor"}, id="bad-cursor"),
    pytest.param([], id="not-an-object"),
])
def test_a_malformed_page_is_refused(page: object) -> None:
    # Given a relay that answers 200 with something not in the documented shape
    with _client(lambda request: httpx.Response(200, json=page)) as client:
        # When the console reads it, Then it refuses rather than guesses
        with pytest.raises(RelayError):
            client.pending_page()


def test_a_missing_idempotency_key_is_refused() -> None:
    page = _page()
    del page["envelopes"][0]["idempotency_key"]
    with _client(lambda request: httpx.Response(200, json=page)) as client:
        with pytest.raises(RelayError):
            client.pending_page()


def test_error_answers_carry_the_relay_code_and_network_failures_are_typed() -> None:
    refused = _client(lambda request: httpx.Response(409, json={"error": "bundle_not_newer",
                                                                "detail": "x"}))
    with refused, pytest.raises(RelayRefusedError) as caught:
        refused.put_bundle("alerts", "uk.eng.wm", b"{}")
    assert (caught.value.status, caught.value.code) == (409, "bundle_not_newer")

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with _client(down) as client, pytest.raises(RelayUnreachableError):
        client.acknowledge([RECEIPT])


def test_oversized_answers_are_cut_off() -> None:
    huge = b"[" + b" " * (64 * 1024 + 1) + b"]"
    with _client(lambda request: httpx.Response(200, content=huge)) as client:
        with pytest.raises(RelayRefusedError):
            client.acknowledge([RECEIPT])


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://relay.example.org", True),
    ("http://127.0.0.1:8080", True),
    ("http://abcdefghijklmnop.onion", True),
    ("http://relay.example.org", False),
    ("ftp://relay.example.org", False),
])
def test_plain_http_only_where_the_token_cannot_be_read(url: str, allowed: bool) -> None:
    if allowed:
        RelayClientConfig(url)
    else:
        with pytest.raises(ValueError, match="https"):
            RelayClientConfig(url)


def test_requests_say_little_and_carry_the_token(relay: RunningRelay) -> None:
    # Given the console's client of a real relay, watched on the way out
    seen: list[httpx.Request] = []
    with relay.client() as client:
        client._http.event_hooks["request"].append(seen.append)
        client.pending_page()
    (request,) = seen
    # Then it sends the generic User-Agent, the bearer token, and no cookie
    assert request.headers["User-Agent"] == "Brolly"
    assert request.headers["Authorization"] == f"Bearer {relay.token}"
    assert "cookie" not in request.headers
    # And a wrong token gets a typed refusal
    with OrgRelayClient.connect(RelayClientConfig(relay.base_url),
                                OrgToken("x" * 43)) as stranger:
        with pytest.raises(RelayRefusedError) as caught:
            stranger.pending_page()
    assert (caught.value.status, caught.value.code) == (401, "unauthorized")


def test_a_cursor_that_does_not_advance_stops_the_pull() -> None:
    # Given a relay that keeps answering with the same next cursor
    cursor = "739000." + RECEIPT
    page = {**_page(), "next_cursor": cursor}
    with _client(lambda request: httpx.Response(200, json=page)) as client:
        pages = client.pending()
        next(pages)
        next(pages)
        # Then the client gives up instead of looping for ever
        with pytest.raises(RelayError, match="cursor"):
            next(pages)
