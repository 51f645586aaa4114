"""Retention: what the relay forgets, and when.

- An acknowledged envelope loses its sealed bytes at once (``Storage.acknowledge``);
  its receipt row stays so that a late retry is answered, not stored twice.
- Every envelope row, acknowledged or not, goes when it is older than
  ``retention_days`` (by its UTC arrival day). An organisation that has not fetched a
  report by then has lost it: shorter is safer for the people reporting.
- A spent proof-of-work challenge goes once it could no longer be replayed anyway.
- A reply to a reporter goes ``reply_retention_days`` (default 180) after the day it
  was left, read or not: the relay does not know whether anyone read it.

``purge_once`` runs at start-up and then every ``purge_interval_seconds``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from anyio import to_thread

from server_stub.relay.logs import describe_exception, get_logger
from server_stub.relay.storage import PurgeCounts, Storage

# A reply waits this long for the person to look; then it goes, read or not.
REPLY_RETENTION_DAYS = 180


def utc_day(moment: float) -> date:
    """The UTC calendar day of a Unix time."""
    return datetime.fromtimestamp(moment, UTC).date()


def purge_once(storage: Storage, *, retention_days: int, now: float,
               reply_retention_days: int = REPLY_RETENTION_DAYS) -> PurgeCounts:
    """Delete everything past its retention at ``now`` (Unix seconds)."""
    today = utc_day(now)
    return storage.purge(received_before=today - timedelta(days=retention_days), now=int(now),
                         replies_before=today - timedelta(days=reply_retention_days))


async def purge_periodically(storage: Storage, *, retention_days: int, interval_seconds: int,
                             reply_retention_days: int = REPLY_RETENTION_DAYS,
                             clock: Callable[[], float] = time.time) -> None:
    """Purge every ``interval_seconds`` until cancelled; errors are logged, not fatal."""
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            counts = await to_thread.run_sync(
                lambda: purge_once(storage, retention_days=retention_days, now=clock(),
                                   reply_retention_days=reply_retention_days))
        except Exception as exc:
            get_logger().error("retention purge failed %s",
                               describe_exception((type(exc), exc, exc.__traceback__)))
            continue
        if counts.envelopes or counts.used_pow or counts.replies:
            get_logger().info("retention purge removed %d envelopes, %d spent challenges, "
                              "%d replies", counts.envelopes, counts.used_pow, counts.replies)
