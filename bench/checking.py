"""Checking a number, a plate and a handle against every cached warning, as the Check
screen does it: AlertsService.check on signed bundles cached in a real vault.

The baseline is the bare lookup index (AlertIndex.check) on the same alerts and queries:
what the service adds on top of it is a look at the vault for newer feeds, per check.
The first check after the cached feeds change verifies and parses them and builds the
index; that once-per-sync cost is its own figure.
"""

from __future__ import annotations

import math
import random
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from app.services.alerts import ALERTS, AlertsService
from app.services.checking import AlertIndex
from app.vault.feeds import FeedStore
from app.vault.kdf import KdfParams
from app.vault.vault import Vault
from bench import corpus
from bench.harness import Figure, percentile, timed
from sync.protocol.alert import Alert
from sync.protocol.bundle import MAX_ITEMS
from tests.trustkit import TrustKit

IDS_PER_ALERT = 4  # two phones, a plate and a handle
REGIONS = ("uk.eng.wm", "uk.eng.nw", "uk.eng.yh", "uk.eng.lon", "uk.eng.se")
TARGET_P99_MS = 2.0


def _queries(alerts: list[Alert], count: int) -> list[str]:
    """What people type: numbers as written locally, plates, handles; a third are misses."""
    rng = random.Random(7)
    made = []
    for i in range(count):
        alert = rng.choice(alerts)
        ids = alert.identifiers
        kind = i % 3
        if rng.random() < 1 / 3:  # nobody warned about this one
            made.append([f"07{rng.randrange(10**9):09d}", corpus.plate(rng),
                         f"@nobody{rng.randrange(10**6)}"][kind])
            continue
        national = "0" + rng.choice(ids.phones)[3:]
        made.append([f"{national[:5]} {national[5:]}", ids.registrations[0],
                     "@" + ids.handles[0].handle][kind])
    return made


def check_latency(identifiers: int, lookups: int) -> list[Figure]:
    count = identifiers // IDS_PER_ALERT
    regions = REGIONS[:math.ceil(count / MAX_ITEMS)]
    if len(regions) * MAX_ITEMS < count:
        raise ValueError("more identifiers than the bench's regions can hold")
    kit = TrustKit()
    per_region = math.ceil(count / len(regions))
    by_region = {r: corpus.alerts(min(per_region, count - i * per_region), seed=i, region=r,
                                  phones=2) for i, r in enumerate(regions)}
    everything = [a for made in by_region.values() for a in made]
    queries = _queries(everything, lookups)
    with tempfile.TemporaryDirectory() as scratch:
        vault = Vault(Path(scratch), params=KdfParams.insecure_fast())  # unlock is apart
        vault.create("a bench passcode")
        try:
            feeds = FeedStore(vault)
            for region, made in by_region.items():
                feeds.put(ALERTS, region, 1, corpus.bundle(kit.publisher, region, 1, made),
                          etag=None, fetched_at=datetime.now(UTC))
            service = AlertsService(feeds, kit.root)
            first = timed(lambda: service.check(queries[0], regions))
            samples = []
            for text in queries:
                seconds = timed(lambda t=text: service.check(t, regions))  # type: ignore[misc]
                samples.append(seconds * 1000)
            found = sum(bool(service.check(q, regions).matches) for q in queries[:300])
        finally:
            vault.lock()
    index = AlertIndex(everything)
    bare = [timed(lambda t=text: index.check(t)) * 1000  # type: ignore[misc]
            for text in queries]
    cached = sum(len(a.identifiers.phones) + len(a.identifiers.registrations)
                 + len(a.identifiers.handles) for a in everything)
    notes = {"identifiers": cached, "alerts": len(everything), "regions": len(regions),
             "lookups": lookups, "found_of_first_300": found,
             "index_p50_ms": percentile(bare, 50), "index_p99_ms": percentile(bare, 99),
             "examples": queries[:6]}
    p50, p99 = percentile(samples, 50), percentile(samples, 99)
    return [
        Figure("check_p50", f"Check against {cached:,} identifiers: p50", p50, "ms",
               baseline=percentile(bare, 50), baseline_name="the bare lookup index",
               notes=notes),
        Figure("check_p99", f"Check against {cached:,} identifiers: p99", p99, "ms",
               baseline=percentile(bare, 99), baseline_name="the bare lookup index",
               target=f"p99 < {TARGET_P99_MS:g} ms", met=p99 < TARGET_P99_MS, notes=notes),
        Figure("check_first", "Check: first one after the feeds change (verify, parse, index)",
               first, "s", notes={"regions": len(regions), "alerts": len(everything)}),
    ]
