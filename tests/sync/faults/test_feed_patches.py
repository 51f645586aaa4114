"""Feed patches on the phone: a patch that rebuilds the signed bundle updates the cache
in one small request; any other patch costs one more request, for the whole bundle,
and never changes what the phone shows."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core import canonical
from app.vault.feeds import FeedStore
from app.vault.vault import Vault
from server_stub.console.relay_client import OrgRelayClient, OrgToken, RelayClientConfig
from sync.feeds import FeedOutcome, FeedSync
from sync.protocol.delta import make_patch
from sync.relay_api import BundleAnswer, RelayApi
from sync.transport import TransportConfig, make_http_client
from tests.sync.faults.relay_process import RelayProcess
from tests.sync.faults.test_tampered_feeds import REGION, FakeRelay, _flip_signature
from tests.trustkit import TrustKit, make_alert

OLD = [make_alert(alert_id=f"a{n:03d}", phones=(f"+4477009{n:05d}",)) for n in range(40)]
NEW_ALERT = make_alert(alert_id="a999", phones=("+447700999999",))


@pytest.fixture
def fake_relay() -> Iterator[FakeRelay]:
    relay = FakeRelay()
    yield relay
    relay.close()


def _refresh(feeds: FeedStore, url: str, kit: TrustKit) -> tuple[object, ...]:
    http = make_http_client(TransportConfig(url))
    try:
        result = FeedSync(feeds, RelayApi(http), kit.root).refresh("alerts", REGION)
    finally:
        http.close()
    return (result.outcome, result.reason, result.new_item_ids)


def test_a_patch_gives_the_exact_signed_bundle_in_one_request(vault: Vault,
                                                              fake_relay: FakeRelay) -> None:
    # Given a phone holding version 5, and a relay that only answers with a patch to 6
    kit, feeds = TrustKit(), FeedStore(vault)
    old, new = (kit.alerts_bundle(REGION, 5, OLD),
                kit.alerts_bundle(REGION, 6, [*OLD[1:], NEW_ALERT]))
    feeds.put("alerts", REGION, 5, old, etag='"v5"')
    fake_relay.patch = make_patch(old, new)
    assert fake_relay.patch is not None
    # When the phone refreshes
    outcome = _refresh(feeds, fake_relay.url, kit)
    # Then it holds version 6 byte for byte, under the ETag the relay gives version 6
    assert outcome == (FeedOutcome.UPDATED, None, ("a999",))
    cached = feeds.get("alerts", REGION)
    assert cached is not None
    assert (cached.version, cached.raw) == (6, new)
    assert cached.etag == f'"{hashlib.sha256(new).hexdigest()}"'
    assert len(fake_relay.paths) == 1
    assert "since=5" in fake_relay.paths[0]


def _forged(patch: bytes) -> bytes:
    body = canonical.decode(patch)
    body["added"][0]["summary"] = "a warning nobody signed"
    return canonical.encode(body)


BAD_PATCHES: dict[str, Callable[[bytes, bytes, TrustKit], bytes]] = {
    "forged alert": lambda old, new, kit: _forged(_patch(old, new)),
    "for another bundle": lambda old, new, kit: _patch(
        kit.alerts_bundle(REGION, 5, OLD[:-1]), new),
    "back to an older version": lambda old, new, kit: _patch(
        old, kit.alerts_bundle(REGION, 4, OLD[:-2])),
    "not a patch": lambda old, new, kit: b"{}",
    "truncated": lambda old, new, kit: _patch(old, new)[:-9],
}


def _patch(old: bytes, new: bytes) -> bytes:
    patch = make_patch(old, new)
    assert patch is not None
    return patch


@pytest.mark.parametrize("case", sorted(BAD_PATCHES))
def test_a_bad_patch_is_set_aside_for_the_whole_bundle(case: str, vault: Vault,
                                                       fake_relay: FakeRelay) -> None:
    kit, feeds = TrustKit(), FeedStore(vault)
    old = kit.alerts_bundle(REGION, 5, OLD)
    new = kit.alerts_bundle(REGION, 6, [*OLD, NEW_ALERT])
    feeds.put("alerts", REGION, 5, old, etag='"v5"')
    # Given a relay whose patch is bad, but whose whole bundle is good
    fake_relay.patch = BAD_PATCHES[case](old, new, kit)
    fake_relay.body = new
    # Then the phone ends up with the good bundle, asked for whole the second time
    assert _refresh(feeds, fake_relay.url, kit) == (FeedOutcome.UPDATED, None, ("a999",))
    cached = feeds.get("alerts", REGION)
    assert cached is not None
    assert cached.raw == new
    assert len(fake_relay.paths) == 2
    assert "since=" not in fake_relay.paths[1]


def test_a_bad_patch_and_a_bad_bundle_leave_the_cache_alone(vault: Vault,
                                                            fake_relay: FakeRelay) -> None:
    kit, feeds = TrustKit(), FeedStore(vault)
    old = kit.alerts_bundle(REGION, 5, OLD)
    new = kit.alerts_bundle(REGION, 6, [*OLD, NEW_ALERT])
    feeds.put("alerts", REGION, 5, old, etag='"v5"')
    fake_relay.patch = _forged(_patch(old, new))
    fake_relay.body = _flip_signature(new)

    assert _refresh(feeds, fake_relay.url, kit) == (FeedOutcome.REFUSED, "bad_signature", ())
    cached = feeds.get("alerts", REGION)
    assert cached is not None
    assert (cached.version, cached.raw) == (5, old)


def test_patches_to_a_phone_with_nothing_cached_are_refused(vault: Vault,
                                                           fake_relay: FakeRelay) -> None:
    # Given a relay that answers every request with a patch, even without a version
    kit, feeds = TrustKit(), FeedStore(vault)
    fake_relay.patch = _patch(kit.alerts_bundle(REGION, 5, OLD),
                              kit.alerts_bundle(REGION, 6, [*OLD, NEW_ALERT]))
    fake_relay.patch_always = True
    # Then a phone with nothing cached refuses them and still has nothing
    assert _refresh(feeds, fake_relay.url, kit) == (FeedOutcome.REFUSED, "bad_answer", ())
    assert feeds.get("alerts", REGION) is None
    assert len(fake_relay.paths) == 2


def test_with_the_real_relay_a_new_alert_arrives_as_a_patch(tmp_path: Path, vault: Vault) -> None:
    # Given the real relay holding version 1 of a region, and a phone that fetched it
    kit, token = TrustKit(), secrets.token_urlsafe(32)
    relay = RelayProcess(tmp_path, kit.root_raw, extra_args=(
        "--org-token-hash", hashlib.sha256(token.encode()).hexdigest()))
    relay.start()
    feeds = FeedStore(vault)
    http = make_http_client(TransportConfig(relay.url))
    api = RelayApi(http)
    answers: list[BundleAnswer] = []
    original = api.bundle

    def recorded(kind: str, name: str, **kwargs: object) -> BundleAnswer:
        answers.append(original(kind, name, **kwargs))  # type: ignore[arg-type]
        return answers[-1]

    api.bundle = recorded  # type: ignore[method-assign]
    sync = FeedSync(feeds, api, kit.root)
    new = kit.alerts_bundle(REGION, 2, [*OLD, NEW_ALERT])
    try:
        with OrgRelayClient.connect(RelayClientConfig(relay.url), OrgToken(token)) as org:
            org.put_bundle("alerts", REGION, kit.alerts_bundle(REGION, 1, OLD))
            assert sync.refresh("alerts", REGION).outcome is FeedOutcome.UPDATED
            # When the organisation publishes one alert more and the phone refreshes
            org.put_bundle("alerts", REGION, new)
            result = sync.refresh("alerts", REGION)
            # Then an unchanged poll after that is a 304
            unchanged = sync.refresh("alerts", REGION)
    finally:
        http.close()
        relay.stop()
    # Then the new alert came as a patch, and the phone holds the signed version 2
    assert (result.outcome, result.new_item_ids) == (FeedOutcome.UPDATED, ("a999",))
    assert answers[1].patch
    assert len(answers[1].raw) < len(new) / 10
    cached = feeds.get("alerts", REGION)
    assert cached is not None
    assert (cached.version, cached.raw) == (2, new)
    assert unchanged.outcome is FeedOutcome.UNCHANGED
    assert answers[2].status == 304
