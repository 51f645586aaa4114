"""Support services: the signed directory, downloaded or (first run, offline) shipped.

Either copy is verified against the pinned root before it is shown; the newer of the
two wins. An old copy is still shown (phone numbers rarely change), marked as old.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.core.areas import AreaTaxonomy
from app.vault.feeds import FeedStore
from sync.protocol.bundle import Bundle, read_verified_bundle
from sync.protocol.directory import Service, services_in
from sync.protocol.errors import BundleError
from sync.protocol.root import Root

KIND, NAME = "directory", "uk"


@dataclass(frozen=True)
class Directory:
    services: tuple[Service, ...]
    version: int
    expires_at: datetime | None
    shipped: bool  # True: the copy that came with the app

    def old(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at


EMPTY = Directory((), 0, None, shipped=True)


class DirectoryService:
    def __init__(self, feeds: FeedStore, root: Root, areas: AreaTaxonomy,
                 shipped: Path | None, clock: Callable[[], datetime] | None = None) -> None:
        self._feeds = feeds
        self._root = root
        self._areas = areas
        self._shipped = shipped
        self._clock = clock or (lambda: datetime.now(UTC))

    def load(self) -> Directory:
        candidates = [d for d in (self._downloaded(), self._from_app()) if d is not None]
        return max(candidates, key=lambda d: d.version) if candidates else EMPTY

    def _downloaded(self) -> Directory | None:
        cached = self._feeds.get(KIND, NAME)
        return None if cached is None else self._read(cached.raw, shipped=False)

    def _from_app(self) -> Directory | None:
        if self._shipped is None or not self._shipped.is_file():
            return None
        return self._read(self._shipped.read_bytes(), shipped=True)

    def _read(self, raw: bytes, *, shipped: bool) -> Directory | None:
        try:
            bundle: Bundle = read_verified_bundle(raw, self._root, kind=KIND, name=NAME)
            services = services_in(bundle)
        except BundleError:
            return None
        return Directory(services, bundle.version, bundle.expires_at, shipped)


def near(services: Sequence[Service], area: str | None, help_kind: str | None
         ) -> list[Service]:
    """Services for ``area`` (inside it, or covering it: national ones always) offering
    ``help_kind``; None means any."""
    def covers(service: Service) -> bool:
        if area is None:
            return True
        return any(code == area or area.startswith(code + ".") or code.startswith(area + ".")
                   for code in service.areas)

    return [s for s in services if covers(s) and (help_kind is None or help_kind in s.help)]
