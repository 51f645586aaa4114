"""Warnings as the app shows them: read from the verified cache, newest first, with how
old the data is. Missing or stale data is always said; it is never shown as "no danger"."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.services.checking import AlertIndex, Match
from app.vault.feeds import FeedStore
from sync.protocol.alert import Alert, alerts_in
from sync.protocol.bundle import read_verified_bundle
from sync.protocol.errors import BundleError
from sync.protocol.root import Root

ALERTS = "alerts"
# Feeds are refreshed every few minutes when online; two days without a confirmation
# from the relay means the phone has not heard of anything published since.
STALE_AFTER = timedelta(days=2)


@dataclass(frozen=True)
class FeedFreshness:
    region: str
    fetched_at: datetime | None  # None: nothing downloaded yet for this region
    expires_at: datetime | None
    stale: bool


@dataclass(frozen=True)
class Freshness:
    """How current the alerts of the followed regions are."""

    feeds: tuple[FeedFreshness, ...]

    @property
    def complete(self) -> bool:
        """Every followed region has data that is neither missing nor stale."""
        return bool(self.feeds) and not any(f.stale for f in self.feeds)

    @property
    def data_as_of(self) -> datetime | None:
        """The oldest confirmation among the followed regions (None when one is missing)."""
        times = [f.fetched_at for f in self.feeds]
        if not times or any(t is None for t in times):
            return None
        return min(t for t in times if t is not None)


@dataclass(frozen=True)
class AlertsSnapshot:
    alerts: tuple[Alert, ...]  # newest first
    freshness: Freshness


@dataclass(frozen=True)
class CheckResult:
    query: str
    matches: tuple[Match, ...]
    freshness: Freshness

    @property
    def found(self) -> bool:
        return bool(self.matches)


class AlertsService:
    """Reads the alert feeds of the followed regions. Parsed alerts and the lookup index
    are kept in memory and rebuilt only when a cached version changes, so a check costs
    a dictionary lookup, not a signature check."""

    def __init__(self, feeds: FeedStore, root: Root,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._feeds = feeds
        self._root = root
        self._clock = clock or (lambda: datetime.now(UTC))
        self._parsed: dict[tuple[str, int], _Parsed | None] = {}
        self._merged_key: tuple[tuple[str, int], ...] | None = None
        self._merged: tuple[Alert, ...] = ()
        self._index = AlertIndex(())

    def snapshot(self, regions: Sequence[str]) -> AlertsSnapshot:
        freshness = self.freshness(regions)
        now = self._clock()
        return AlertsSnapshot(tuple(a for a in self._merged if a.expires_at > now), freshness)

    def check(self, text: str, regions: Sequence[str], phone_region: str = "GB"
              ) -> CheckResult:
        freshness = self.freshness(regions)
        now = self._clock()
        matches = [m for m in self._index.check(text, phone_region) if m.alert.expires_at > now]
        return CheckResult(text, tuple(matches), freshness)

    def freshness(self, regions: Sequence[str]) -> Freshness:
        """Also brings the in-memory alerts up to date with the cache."""
        now = self._clock()
        versions = self._feeds.versions(ALERTS)
        self._refresh(regions, versions)
        feeds = []
        for region in regions:
            parsed = self._parsed.get((region, versions[region][0])) if region in versions \
                else None
            if parsed is None:
                feeds.append(FeedFreshness(region, None, None, stale=True))
                continue
            fetched_at = versions[region][1]
            stale = now >= parsed.expires_at or now - fetched_at > STALE_AFTER
            feeds.append(FeedFreshness(region, fetched_at, parsed.expires_at, stale))
        return Freshness(tuple(feeds))

    def _refresh(self, regions: Sequence[str], versions: dict[str, tuple[int, datetime]]) -> None:
        key = tuple((r, versions[r][0]) for r in regions if r in versions)
        if key == self._merged_key:
            return
        merged: dict[str, Alert] = {}
        for region, version in key:
            if (region, version) not in self._parsed:
                self._parsed[(region, version)] = self._load(region)
            parsed = self._parsed[(region, version)]
            if parsed is not None:
                merged.update((a.id, a) for a in parsed.alerts)
        self._merged = tuple(sorted(merged.values(), key=lambda a: (a.date, a.id), reverse=True))
        self._index = AlertIndex(self._merged)
        self._merged_key = key

    def _load(self, region: str) -> _Parsed | None:
        cached = self._feeds.get(ALERTS, region)
        if cached is None:
            return None
        try:
            bundle = read_verified_bundle(cached.raw, self._root, kind=ALERTS, name=region)
            return _Parsed(bundle.expires_at, alerts_in(bundle))
        except BundleError:
            return None


@dataclass(frozen=True)
class _Parsed:
    expires_at: datetime
    alerts: tuple[Alert, ...]


def for_areas(alerts: Sequence[Alert], areas: Sequence[str]) -> list[Alert]:
    """Alerts about any of ``areas``: inside one of them, or covering one of them."""
    def related(code: str, mine: str) -> bool:
        return code == mine or code.startswith(mine + ".") or mine.startswith(code + ".")

    return [a for a in alerts if any(related(c, m) for c in a.areas for m in areas)]
