"""Verified feed bundles (alerts per region, the directory, areas) cached in the vault.

Only bytes that passed signature, version and expiry checks are ever put here; a put
replaces the previous copy in one transaction, so readers see the old or the new one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.vault.vault import Vault
from sync.ports import CachedFeed

# Answered from the feeds_versions index alone; a check runs it every time.
VERSIONS = "SELECT name, version, fetched_at FROM feeds WHERE kind = ?"


class FeedStore:
    def __init__(self, vault: Vault) -> None:
        self._vault = vault

    def get(self, kind: str, name: str) -> CachedFeed | None:
        with self._vault.connection() as conn:
            row = conn.execute(
                "SELECT kind, name, version, etag, raw, fetched_at FROM feeds "
                "WHERE kind = ? AND name = ?", (kind, name)).fetchone()
        return None if row is None else _feed(row)

    def versions(self, kind: str) -> dict[str, tuple[int, datetime]]:
        """Name -> (version, fetched_at) for every cached feed of ``kind``, without the bytes."""
        with self._vault.connection() as conn:
            rows = conn.execute(VERSIONS, (kind,)).fetchall()
        return {str(n): (int(v), datetime.fromisoformat(str(f))) for n, v, f in rows}

    def all(self, kind: str) -> list[CachedFeed]:
        with self._vault.connection() as conn:
            rows = conn.execute(
                "SELECT kind, name, version, etag, raw, fetched_at FROM feeds WHERE kind = ? "
                "ORDER BY name", (kind,)).fetchall()
        return [_feed(row) for row in rows]

    def put(self, kind: str, name: str, version: int, raw: bytes, *, etag: str | None,
            fetched_at: datetime | None = None) -> None:
        moment = (fetched_at or datetime.now(UTC)).isoformat()
        with self._vault.transaction() as conn:
            conn.execute(
                "INSERT INTO feeds (kind, name, version, etag, raw, fetched_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, name) DO UPDATE SET "
                "version = excluded.version, etag = excluded.etag, raw = excluded.raw, "
                "fetched_at = excluded.fetched_at", (kind, name, version, etag, raw, moment))

    def confirm(self, kind: str, name: str, fetched_at: datetime | None = None) -> None:
        """The relay said the cached copy is still the latest (a 304)."""
        moment = (fetched_at or datetime.now(UTC)).isoformat()
        with self._vault.transaction() as conn:
            conn.execute("UPDATE feeds SET fetched_at = ? WHERE kind = ? AND name = ?",
                         (moment, kind, name))

    def delete(self, kind: str, name: str) -> None:
        with self._vault.transaction() as conn:
            conn.execute("DELETE FROM feeds WHERE kind = ? AND name = ?", (kind, name))


def _feed(row: Any) -> CachedFeed:
    kind, name, version, etag, raw, fetched = row
    return CachedFeed(str(kind), str(name), int(version),
                      None if etag is None else str(etag), bytes(raw),
                      datetime.fromisoformat(str(fetched)))
