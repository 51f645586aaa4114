"""The background sync loop: drain the outbox, refresh the feeds, sleep until needed.

One thread, owned by the app. The UI only calls ``wake`` (after queuing a report, or when
the network comes back) and reads the status it is sent; slow work (proof of work,
network) never runs on the UI thread. After a restart the loop first puts items caught
mid-send back to waiting, so nothing is lost and, thanks to idempotency keys, nothing
is delivered twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from sync.feeds import FeedOutcome, FeedResult, FeedSync
from sync.ports import OutboxPort
from sync.sender import DrainReport, Sender, SendResult

FeedName = tuple[str, str]  # (kind, name)


@dataclass(frozen=True)
class SyncStatus:
    running: bool = False
    online: bool | None = None  # None: not tried yet
    last_run: datetime | None = None
    delivered: int = 0
    feed_results: tuple[FeedResult, ...] = field(default=())
    pow_progress: tuple[str, int, int] | None = None  # item id, attempts, expected


class SyncEngine:
    def __init__(self, outbox: OutboxPort, sender: Sender, feeds: FeedSync,
                 feed_names: Callable[[], Sequence[FeedName]], *,
                 poll_seconds: float = 15 * 60.0,
                 on_status: Callable[[SyncStatus], None] | None = None,
                 after_feeds: Callable[[], object] | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._outbox = outbox
        self._sender = sender
        self._feeds = feeds
        self._feed_names = feed_names
        self._poll_seconds = poll_seconds
        self._on_status = on_status
        self._after_feeds = after_feeds
        self._clock = clock or (lambda: datetime.now(UTC))
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._feeds_requested = threading.Event()
        self._thread: threading.Thread | None = None
        self._status = SyncStatus()
        self._last_feed_poll: datetime | None = None

    @property
    def status(self) -> SyncStatus:
        return self._status

    def start(self) -> None:
        if self._thread is not None:
            return
        self._outbox.recover_after_restart()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="brolly-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self, *, feeds: bool = False) -> None:
        if feeds:
            self._feeds_requested.set()
        self._wake.set()

    def run_once(self, *, feeds: bool = True) -> tuple[DrainReport, list[FeedResult]]:
        """One pass: send what is due, then (when asked) refresh every feed."""
        drain = self._sender.drain(self._stop.is_set)
        results: list[FeedResult] = []
        if feeds and not self._stop.is_set():
            results = [self._feeds.refresh(kind, name) for kind, name in self._feed_names()]
            self._last_feed_poll = self._clock()
            if self._after_feeds is not None:
                self._after_each_feed_pass()
        self._publish(drain, results)
        return drain, results

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            # Taken before the pass starts: a request made during the pass is kept for the
            # next one instead of being overwritten by this pass's finishing time.
            feeds = self._feeds_requested.is_set() or self._feeds_due()
            if feeds:
                self._feeds_requested.clear()
            try:
                self.run_once(feeds=feeds)
            except Exception:  # noqa: BLE001 - the loop must survive; the next pass retries
                self._publish(DrainReport(), [], online=False)
            self._wake.wait(self._seconds_until_next())

    def _after_each_feed_pass(self) -> None:
        # What rides along with the feeds (replies to reporters) must never stop delivery
        # or the feeds: a failure here waits for the next pass.
        try:
            self._after_feeds()  # type: ignore[misc]
        except Exception:  # noqa: BLE001, S110
            pass

    def _feeds_due(self) -> bool:
        last = self._last_feed_poll
        return last is None or (self._clock() - last).total_seconds() >= self._poll_seconds

    def _seconds_until_next(self) -> float:
        if self._feeds_requested.is_set():
            return 0.0
        wait = self._poll_seconds
        if self._last_feed_poll is not None:
            wait -= (self._clock() - self._last_feed_poll).total_seconds()
        next_attempt = self._outbox.next_attempt_at()
        if next_attempt is not None:
            wait = min(wait, (next_attempt - self._clock()).total_seconds())
        return min(max(wait, 0.05), self._poll_seconds)

    def _publish(self, drain: DrainReport, results: list[FeedResult], *,
                 online: bool | None = None) -> None:
        if online is None:
            offline = any(r is SendResult.OFFLINE for _, r in drain.results) or any(
                f.outcome is FeedOutcome.UNREACHABLE for f in results)
            reached = bool(drain.results) or bool(results)
            online = (not offline) if reached else self._status.online
        self._status = SyncStatus(
            running=self._thread is not None, online=online, last_run=self._clock(),
            delivered=self._status.delivered + drain.count(SendResult.DELIVERED),
            feed_results=tuple(results) or self._status.feed_results)
        if self._on_status is not None:
            self._on_status(self._status)

    def report_pow_progress(self, item_id: str, attempts: int, expected: int) -> None:
        """Wire this as the Sender's on_progress to surface proof-of-work progress."""
        self._status = replace(self._status, pow_progress=(item_id, attempts, expected))
        if self._on_status is not None:
            self._on_status(self._status)
