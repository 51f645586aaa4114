"""Retention: old envelopes and spent proofs go at start-up and then periodically."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import timedelta

import httpx

from server_stub.relay.config import RelayConfig
from server_stub.relay.retention import purge_once, utc_day
from server_stub.relay.storage import NewReport, Receipt, Storage


def _store(storage: Storage, now: float, days_ago: int, keep_until: int) -> str:
    key = secrets.token_urlsafe(16)
    storage.store_report(NewReport(
        receipt=Receipt(secrets.token_urlsafe(16), utc_day(now) - timedelta(days=days_ago)),
        idempotency_key=key, envelope=secrets.token_bytes(64),
        challenge_sha256=secrets.token_bytes(32), challenge_keep_until=keep_until))
    return key


def test_purge_once_keeps_exactly_retention_days(storage: Storage) -> None:
    now = 1_750_000_000.0
    keys = {days: _store(storage, now, days, int(now) + 60) for days in (0, 13, 14, 15, 40)}
    counts = purge_once(storage, retention_days=14, now=now)
    assert counts.envelopes == 2
    assert counts.used_pow == 0
    for days, key in keys.items():
        assert (storage.find_report(key) is not None) == (days <= 14), days


def test_purge_at_startup(app_client: Callable[..., httpx.Client],
                          make_config: Callable[..., RelayConfig], clock) -> None:
    # Given a database holding a report older than the retention and a spent proof
    storage = Storage.open(make_config().db_url)
    old = _store(storage, clock(), 30, int(clock()) - 1)
    recent = _store(storage, clock(), 1, int(clock()) + 3600)
    # When the relay starts
    app_client(retention_days=14)
    # Then the old report and the expired proof are gone
    assert storage.find_report(old) is None
    assert storage.find_report(recent) is not None
    assert storage.count_rows("used_pow") == 1
    storage.close()


def test_periodic_purge(app_client: Callable[..., httpx.Client],
                        make_config: Callable[..., RelayConfig], clock) -> None:
    # Given a running relay that purges every second
    app_client(retention_days=14, purge_interval_seconds=1)
    storage = Storage.open(make_config().db_url)
    # When an old report appears while it runs
    old = _store(storage, clock(), 30, int(clock()) + 3600)
    # Then it is gone within a few seconds
    deadline = time.monotonic() + 5
    while storage.find_report(old) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert storage.find_report(old) is None
    storage.close()
