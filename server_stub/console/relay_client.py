"""The relay's organisation API as the console uses it: pending envelopes, acknowledgements,
bundle uploads. The only module of the console that imports httpx.

What it sends says as little as the app does: a generic User-Agent, no cookies, no
redirects (a redirect could carry the bearer token to another host), no proxy taken
from the environment. TLS is always verified, against the system store or a CA file
the organisation brings. Plain http is refused except to this machine or an onion
service, where the token cannot be read on the way.

Answers are parsed strictly and capped in size: the relay is not trusted with anything
but ciphertext, so what it returns is checked like any input.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import ssl
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from types import TracebackType
from typing import Any, NewType
from urllib.parse import urlsplit

import httpx

from server_stub.console.errors import RelayError, RelayRefusedError, RelayUnreachableError
from sync.protocol.bundle import MAX_BUNDLE_BYTES
from sync.protocol.codec import b64decode
from sync.protocol.envelope import check_idempotency_key
from sync.protocol.errors import ProtocolError

OrgToken = NewType("OrgToken", str)

USER_AGENT = "Brolly"
PAGE_SIZE = 100
MAX_ACK_IDS = 1000
# A page of 200 of the largest envelopes in base64 is about 9 MiB.
MAX_PAGE_BYTES = 16 * 1024 * 1024
_MAX_SMALL_ANSWER = 64 * 1024
_RECEIPT_ID = re.compile(r"[A-Za-z0-9_-]{22}")
_CURSOR = re.compile(r"[1-9][0-9]{0,5}\.[A-Za-z0-9_-]{22}")
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
_ENVELOPE_KEYS = frozenset({"id", "received_day", "idempotency_key", "envelope"})
_PAGE_KEYS = frozenset({"envelopes", "next_cursor"})


@dataclass(frozen=True)
class RelayClientConfig:
    """Where the relay is and how to reach it."""

    url: str
    ca_file: Path | None = None
    connect_timeout: float = 20.0
    read_timeout: float = 60.0

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        host = (parts.hostname or "").lower()
        if parts.scheme == "https" and host:
            return
        if parts.scheme == "http" and (host in _LOOPBACK or host.endswith(".onion")):
            return
        raise ValueError("the relay URL must be https (http only to this machine or .onion)")


@dataclass(frozen=True)
class PendingEnvelope:
    """A sealed envelope on the relay, and the idempotency key it was sealed under (the
    key is part of HPKE's info, so the envelope does not open without it)."""

    id: str
    received_day: dt.date
    idempotency_key: str
    envelope: bytes = field(repr=False)


@dataclass(frozen=True)
class EnvelopePage:
    envelopes: tuple[PendingEnvelope, ...]
    next_cursor: str | None


class OrgRelayClient:
    """A client of one relay, holding one organisation token."""

    def __init__(self, http: httpx.Client) -> None:
        self._http = http

    @classmethod
    def connect(cls, config: RelayClientConfig, token: OrgToken) -> OrgRelayClient:
        context = ssl.create_default_context(
            cafile=str(config.ca_file) if config.ca_file else None)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        http = httpx.Client(
            base_url=config.url.rstrip("/"), verify=context, trust_env=False,
            timeout=httpx.Timeout(config.read_timeout, connect=config.connect_timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json",
                     "Authorization": f"Bearer {token}"},
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            follow_redirects=False)
        return cls(http)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> OrgRelayClient:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def pending_page(self, cursor: str | None = None, limit: int = PAGE_SIZE) -> EnvelopePage:
        """One page of envelopes waiting for the organisation, oldest first."""
        params: dict[str, str | int] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        status, body = self._request("GET", "/v1/org/envelopes", params=params,
                                     limit=MAX_PAGE_BYTES)
        _expect(status, body, 200)
        return _parse_page(body)

    def pending(self, limit: int = PAGE_SIZE) -> Iterator[EnvelopePage]:
        """Every page in turn; the caller may acknowledge between pages."""
        cursor: str | None = None
        while True:
            page = self.pending_page(cursor, limit)
            yield page
            if page.next_cursor is None:
                return
            if page.next_cursor == cursor:  # a relay that never moves on would loop forever
                raise RelayError("the relay's cursor does not advance")
            cursor = page.next_cursor

    def acknowledge(self, ids: Iterable[str]) -> int:
        """Tell the relay these envelopes are safely stored; it deletes the sealed bytes."""
        wanted = list(dict.fromkeys(ids))
        done = 0
        for start in range(0, len(wanted), MAX_ACK_IDS):
            status, body = self._request("POST", "/v1/org/envelopes/ack",
                                         json={"ids": wanted[start:start + MAX_ACK_IDS]})
            _expect(status, body, 200)
            done += _int_field(body, "acknowledged")
        return done

    def put_bundle(self, kind: str, name: str, raw: bytes) -> int:
        """Upload a signed bundle; returns the version the relay now serves."""
        status, body = self._request("PUT", f"/v1/org/bundles/{kind}/{name}", content=raw,
                                     headers={"Content-Type": "application/json"})
        _expect(status, body, 200)
        return _int_field(body, "version")

    def put_reply(self, token: str, sealed: bytes) -> str:
        """Leave a sealed reply in a reporter's mailbox; returns the relay's reply id."""
        status, body = self._request("POST", "/v1/org/replies", json={
            "token": token, "sealed": base64.b64encode(sealed).decode("ascii")})
        _expect(status, body, 201)
        reply_id = _json(body).get("id")
        if not isinstance(reply_id, str):
            raise RelayError("the relay's answer has no reply id")
        return reply_id

    def get_bundle(self, kind: str, name: str) -> bytes | None:
        """The bundle the relay serves now (public API), or None if there is none."""
        status, body = self._request("GET", f"/v1/bundles/{kind}/{name}",
                                     limit=MAX_BUNDLE_BYTES)
        if status == 404:
            return None
        _expect(status, body, 200)
        return body

    def _request(self, method: str, path: str, *, limit: int = _MAX_SMALL_ANSWER,
                 **kwargs: Any) -> tuple[int, bytes]:
        try:
            with self._http.stream(method, path, **kwargs) as response:
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise RelayRefusedError("the relay's answer is too large",
                                                status=response.status_code, code=None)
                return response.status_code, bytes(body)
        except httpx.HTTPError as exc:
            raise RelayUnreachableError(f"no answer from the relay ({type(exc).__name__})"
                                        ) from None


def _expect(status: int, body: bytes, wanted: int) -> None:
    if status == wanted:
        return
    code = None
    try:
        value = json.loads(body).get("error")
        if isinstance(value, str) and value.isascii() and len(value) <= 64:
            code = value
    except (ValueError, AttributeError):
        pass
    raise RelayRefusedError(f"the relay answered {status}", status=status, code=code)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        raise RelayError("the relay's answer is not JSON") from None


def _int_field(body: bytes, name: str) -> int:
    value = _json(body)
    number = value.get(name) if isinstance(value, dict) else None
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise RelayError(f"the relay's answer has no valid {name}")
    return number


def _parse_page(body: bytes) -> EnvelopePage:
    page = _json(body)
    if not isinstance(page, dict) or set(page) != _PAGE_KEYS:
        raise RelayError("the relay's envelope page is not in the expected shape")
    cursor = page["next_cursor"]
    if cursor is not None and not (isinstance(cursor, str) and _CURSOR.fullmatch(cursor)):
        raise RelayError("the relay's cursor is not well formed")
    items = page["envelopes"]
    if not isinstance(items, list):
        raise RelayError("the relay's envelope page is not in the expected shape")
    return EnvelopePage(tuple(_parse_envelope(item) for item in items), cursor)


def _parse_envelope(item: Any) -> PendingEnvelope:
    if not isinstance(item, dict) or set(item) != _ENVELOPE_KEYS:
        raise RelayError("a pending envelope is not in the expected shape")
    relay_id = item["id"]
    if not isinstance(relay_id, str) or not _RECEIPT_ID.fullmatch(relay_id):
        raise RelayError("a pending envelope id is not well formed")
    try:
        check_idempotency_key(item["idempotency_key"])
        day = dt.date.fromisoformat(item["received_day"])
        envelope = b64decode(item["envelope"], "envelope", ProtocolError)
    except (TypeError, ValueError):  # ProtocolError is a ValueError
        raise RelayError("a pending envelope is not in the expected shape") from None
    return PendingEnvelope(id=relay_id, received_day=day,
                           idempotency_key=item["idempotency_key"], envelope=envelope)
