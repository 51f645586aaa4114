"""The bytes of keeping a region's warnings fresh, counted on the wire.

The phone's own feed code (FeedSync, RelayApi, the sync transport's httpx client, a real
vault) talks to the real relay through a counting proxy, so every byte of its requests
and of the answers is counted, headers included. Three polls: the first download of a
full region, an unchanged poll (a 304), and the poll after one alert was replaced.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.vault.feeds import FeedStore
from app.vault.kdf import KdfParams
from app.vault.vault import Vault
from bench import corpus
from bench.harness import Figure
from bench.servers import CountingProxy, relay_running
from server_stub.console.relay_client import OrgRelayClient, OrgToken, RelayClientConfig
from sync.feeds import FeedOutcome, FeedResult, FeedSync
from sync.relay_api import RelayApi
from sync.transport import TransportConfig, make_http_client
from tests.trustkit import TrustKit

KIND = "alerts"
TARGET_PER_ALERT = 300
TARGET_304 = 600


def _poll(proxy: CountingProxy, refresh: Callable[[], FeedResult],
          expect: FeedOutcome) -> dict[str, Any]:
    up, down = proxy.counts()
    start = time.perf_counter()
    result = refresh()
    seconds = time.perf_counter() - start
    if result.outcome is not expect:
        raise RuntimeError(f"the phone's poll came back {result.outcome}, not {expect}")
    up2, down2 = proxy.counts()
    return {"up": up2 - up, "down": down2 - down, "total": up2 - up + down2 - down,
            "seconds": seconds, "new_alerts": len(result.new_item_ids)}


def feeds(alerts: int) -> list[Figure]:
    kit, token = TrustKit(), secrets.token_urlsafe(32)
    region = corpus.REGION
    before = corpus.alerts(alerts)
    first = corpus.bundle(kit.publisher, region, 1, before)
    # A full region stays full: the newest alert in, the oldest out.
    second = corpus.bundle(kit.publisher, region, 2,
                           before[1:] + corpus.alerts(1, seed=alerts + 1))
    with tempfile.TemporaryDirectory() as scratch, \
            relay_running(Path(scratch), kit, token=token) as relay, \
            CountingProxy(relay.port) as proxy, \
            OrgRelayClient.connect(RelayClientConfig(relay.url), OrgToken(token)) as org:
        org.put_bundle(KIND, region, first)
        vault = Vault(Path(scratch) / "phone", params=KdfParams.insecure_fast())
        vault.create("a bench passcode")
        http = make_http_client(TransportConfig(f"http://127.0.0.1:{proxy.port}"))
        try:
            sync = FeedSync(FeedStore(vault), RelayApi(http), kit.root)

            def refresh() -> FeedResult:
                return sync.refresh(KIND, region)

            full = _poll(proxy, refresh, FeedOutcome.UPDATED)
            unchanged = _poll(proxy, refresh, FeedOutcome.UNCHANGED)
            org.put_bundle(KIND, region, second)
            delta = _poll(proxy, refresh, FeedOutcome.UPDATED)
        finally:
            http.close()
            vault.lock()
    per_alert = full["total"] / alerts
    polls = {"full": full, "unchanged": unchanged, "one_alert_changed": delta,
             "signed_bundle_bytes": len(first)}
    return [
        Figure("feed_per_alert", f"Feed: first download of a {alerts:,}-alert region, "
               "per alert", per_alert, "B", target=f"< {TARGET_PER_ALERT} B",
               met=per_alert < TARGET_PER_ALERT,
               notes={**polls, "uncompressed_per_alert": len(first) / alerts}),
        Figure("feed_304", f"Feed: unchanged poll (304): request {unchanged['up']} B + "
               f"answer {unchanged['down']} B", unchanged["total"], "B",
               target=f"< {TARGET_304} B", met=unchanged["total"] < TARGET_304, notes=polls),
        Figure("feed_delta", "Feed: poll after one alert changed", delta["total"], "B",
               baseline=full["total"], baseline_name="the first download", notes=polls),
        Figure("feed_refresh", f"Feed: phone refresh of the {alerts:,}-alert region "
               "(download, verify, store)", full["seconds"], "s", notes=polls),
    ]
