"""A fake relay serves bad bundles: each is refused, the cache stays as it was, and the
result says why (for the user to be told)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.vault.feeds import FeedStore
from app.vault.vault import Vault
from sync.feeds import FeedOutcome, FeedSync
from sync.protocol.bundle import MAX_BUNDLE_BYTES
from sync.protocol.delta import MEDIA_TYPE as PATCH_TYPE
from sync.relay_api import RelayApi
from sync.transport import TransportConfig, make_http_client
from tests.trustkit import TrustKit, make_alert

REGION = "uk.eng.wm"


class FakeRelay:
    """Serves whatever body the test sets, for any bundle path, over real HTTP; with
    ``patch`` set, answers a request with ``since`` with that body as a patch."""

    def __init__(self) -> None:
        self.body = b""
        self.status = 200
        self.patch: bytes | None = None
        self.patch_always = False  # also when the phone sent no version
        self.paths: list[str] = []
        relay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                relay.paths.append(self.path)
                as_patch = relay.patch is not None and ("since=" in self.path
                                                        or relay.patch_always)
                body = relay.patch if as_patch and relay.patch is not None else relay.body
                self.send_response(relay.status)
                self.send_header("Content-Type", PATCH_TYPE if as_patch else "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_relay() -> Iterator[FakeRelay]:
    relay = FakeRelay()
    yield relay
    relay.close()


@pytest.fixture
def kit() -> TrustKit:
    return TrustKit()


def _flip_signature(raw: bytes) -> bytes:
    marker = b'"sig":"'
    at = raw.index(marker) + len(marker) + 3
    swapped = b"B" if raw[at:at + 1] != b"B" else b"C"
    return raw[:at] + swapped + raw[at + 1:]


CASES: dict[str, tuple[Callable[[TrustKit], bytes], str]] = {
    "bad signature": (lambda k: _flip_signature(k.alerts_bundle(REGION, 6, [make_alert()])),
                      "bad_signature"),
    "unknown key": (lambda k: k.alerts_bundle(REGION, 6, [make_alert()],
                                              key=Ed25519PrivateKey.generate()),
                    "bad_signature"),
    "older version": (lambda k: k.alerts_bundle(REGION, 4, [make_alert()]), "older_version"),
    "expired": (lambda k: k.alerts_bundle(REGION, 6, [make_alert()],
                                          issued_at=datetime.now(UTC) - timedelta(days=9),
                                          expires_in=timedelta(days=7)), "expired"),
    "truncated": (lambda k: k.alerts_bundle(REGION, 6, [make_alert()])[:-20], "malformed"),
    "oversized": (lambda k: b" " * (MAX_BUNDLE_BYTES + 1), "too_large"),
    "another region": (lambda k: k.alerts_bundle("uk.eng.lon", 6, [make_alert()]),
                       "malformed"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_tampered_feed_is_refused_and_the_cache_kept(case: str, kit: TrustKit,
                                                       fake_relay: FakeRelay,
                                                       vault: Vault) -> None:
    # Given a phone holding version 5 of its region's alerts
    feeds = FeedStore(vault)
    good = kit.alerts_bundle(REGION, 5, [make_alert(phones=("+447700900001",))])
    feeds.put("alerts", REGION, 5, good, etag='"v5"')
    http = make_http_client(TransportConfig(fake_relay.url))
    sync = FeedSync(feeds, RelayApi(http), kit.root)
    # When the relay serves a bad bundle
    make_body, reason = CASES[case]
    fake_relay.body = make_body(kit)
    result = sync.refresh("alerts", REGION)
    http.close()
    # Then it is refused with a reason, and the cached copy is untouched
    assert (result.outcome, result.reason) == (FeedOutcome.REFUSED, reason)
    cached = feeds.get("alerts", REGION)
    assert cached is not None
    assert (cached.version, cached.raw) == (5, good)


def test_a_good_newer_feed_replaces_the_cache_and_names_the_new_alerts(
        kit: TrustKit, fake_relay: FakeRelay, vault: Vault) -> None:
    feeds = FeedStore(vault)
    old_alert, new_alert = make_alert(alert_id="old"), make_alert(alert_id="new")
    feeds.put("alerts", REGION, 5, kit.alerts_bundle(REGION, 5, [old_alert]), etag=None)
    fake_relay.body = kit.alerts_bundle(REGION, 6, [old_alert, new_alert])
    http = make_http_client(TransportConfig(fake_relay.url))
    result = FeedSync(feeds, RelayApi(http), kit.root).refresh("alerts", REGION)
    http.close()
    assert result.outcome is FeedOutcome.UPDATED
    assert result.new_item_ids == ("new",)
    cached = feeds.get("alerts", REGION)
    assert cached is not None
    assert cached.version == 6


def test_a_second_bundle_with_the_cached_version_is_refused(kit: TrustKit, fake_relay: FakeRelay,
                                                            vault: Vault) -> None:
    feeds = FeedStore(vault)
    first = kit.alerts_bundle(REGION, 5, [make_alert(alert_id="one")])
    feeds.put("alerts", REGION, 5, first, etag=None)
    fake_relay.body = kit.alerts_bundle(REGION, 5, [make_alert(alert_id="other")])
    http = make_http_client(TransportConfig(fake_relay.url))
    result = FeedSync(feeds, RelayApi(http), kit.root).refresh("alerts", REGION)
    http.close()
    assert (result.outcome, result.reason) == (FeedOutcome.REFUSED, "conflicting_version")
    cached = feeds.get("alerts", REGION)
    assert cached is not None
    assert cached.raw == first


def test_an_unreachable_relay_is_reported_as_such(kit: TrustKit, vault: Vault) -> None:
    http = make_http_client(TransportConfig("http://127.0.0.1:9", connect_timeout=1))
    result = FeedSync(FeedStore(vault), RelayApi(http), kit.root).refresh("alerts", REGION)
    http.close()
    assert result.outcome is FeedOutcome.UNREACHABLE
