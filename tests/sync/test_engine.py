"""The background loop: restart recovery, feed requests never lost, outbox sends first."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

from sync.engine import SyncEngine, SyncStatus
from sync.feeds import FeedOutcome, FeedResult
from sync.sender import DrainReport


class FakeOutbox:
    def __init__(self) -> None:
        self.recovered = 0

    def recover_after_restart(self) -> int:
        self.recovered += 1
        return 0

    def next_attempt_at(self) -> datetime | None:
        return None


class FakeSender:
    def __init__(self) -> None:
        self.drains = 0

    def drain(self, should_stop: Any) -> DrainReport:
        self.drains += 1
        return DrainReport()


class SlowFeeds:
    """The first refresh takes a while; a feed request made meanwhile must not be lost."""

    def __init__(self) -> None:
        self.calls = 0
        self.first_started = threading.Event()
        self.second_done = threading.Event()

    def refresh(self, kind: str, name: str) -> FeedResult:
        self.calls += 1
        if self.calls == 1:
            self.first_started.set()
            time.sleep(0.3)
        else:
            self.second_done.set()
        return FeedResult(kind, name, FeedOutcome.UNCHANGED)


def test_a_feed_request_during_a_pass_is_kept_for_the_next_one() -> None:
    outbox, feeds, statuses = FakeOutbox(), SlowFeeds(), []
    engine = SyncEngine(outbox, FakeSender(), feeds, lambda: [("alerts", "uk.eng.wm")],  # type: ignore[arg-type]
                        poll_seconds=3600, on_status=statuses.append)
    engine.start()
    try:
        assert feeds.first_started.wait(5)
        # When a refresh is asked for while the first pass is still running
        engine.wake(feeds=True)
        # Then it happens right after, not at the next hourly poll
        assert feeds.second_done.wait(5)
    finally:
        engine.stop()
    assert outbox.recovered == 1
    assert all(isinstance(s, SyncStatus) for s in statuses)


def test_wake_without_feeds_only_drains() -> None:
    sender, feeds = FakeSender(), SlowFeeds()
    engine = SyncEngine(FakeOutbox(), sender, feeds, lambda: [("alerts", "x")],  # type: ignore[arg-type]
                        poll_seconds=3600)
    engine.run_once(feeds=False)
    assert (sender.drains, feeds.calls) == (1, 0)


def test_what_rides_with_the_feeds_runs_after_them_and_never_breaks_the_pass() -> None:
    # Given an engine whose after-feeds step (fetching replies) fails
    calls: list[str] = []
    statuses: list[SyncStatus] = []
    feeds = SlowFeeds()
    feeds.calls = 1  # skip the slow first refresh

    def replies() -> None:
        calls.append(f"replies after {feeds.calls - 1} feed(s)")
        raise RuntimeError("the relay answered something odd")

    engine = SyncEngine(FakeOutbox(), FakeSender(), feeds,  # type: ignore[arg-type]
                        lambda: [("alerts", "uk.eng.wm")], poll_seconds=3600,
                        on_status=statuses.append, after_feeds=replies)
    # When a pass with feeds runs, and then one without
    engine.run_once(feeds=True)
    engine.run_once(feeds=False)
    # Then the step ran once, after the feeds, and both passes still reported their status
    assert calls == ["replies after 1 feed(s)"]
    assert len(statuses) == 2
