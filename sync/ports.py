"""What the sync engine needs from storage. The vault implements these on the phone
(app.vault.outbox, app.vault.feeds); the engine never imports the vault."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sync.protocol.outbox import OutboxEvent, OutboxItem


@dataclass(frozen=True)
class CachedFeed:
    kind: str
    name: str
    version: int
    etag: str | None
    raw: bytes
    fetched_at: datetime  # when the relay last confirmed this copy (200 or 304)


class OutboxPort(Protocol):
    def due(self, now: datetime | None = None) -> list[OutboxItem]: ...

    def apply(self, item_id: str, event: OutboxEvent, *, receipt: dict[str, object] | None = None,
              error: str | None = None, not_before: datetime | None = None,
              envelope: tuple[bytes, str] | None = None) -> OutboxItem: ...

    def recover_after_restart(self) -> int: ...

    def next_attempt_at(self) -> datetime | None: ...


class FeedPort(Protocol):
    def get(self, kind: str, name: str) -> CachedFeed | None: ...

    def put(self, kind: str, name: str, version: int, raw: bytes, *, etag: str | None,
            fetched_at: datetime | None = None) -> None: ...

    def confirm(self, kind: str, name: str, fetched_at: datetime | None = None) -> None: ...
