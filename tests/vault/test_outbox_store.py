"""The outbox as stored in the vault: queued with the report, moved only by the state table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.report import Report
from app.vault.errors import ReportNotFoundError
from app.vault.feeds import VERSIONS, FeedStore
from app.vault.outbox import OutboxStore
from app.vault.reports import ReportStatus, ReportStore
from app.vault.vault import Vault
from sync.protocol.outbox import InvalidTransitionError, OutboxEvent, OutboxState
from tests.conftest import PASSCODE


def test_enqueue_marks_the_report_submitted_in_the_same_step(vault: Vault) -> None:
    reports, outbox = ReportStore(vault), OutboxStore(vault)
    report_id = reports.save_draft(Report(narrative="x"))
    item = outbox.enqueue(b"sealed", "key-1", report_id=report_id)
    assert item.state is OutboxState.WAITING
    assert reports.get(report_id).status is ReportStatus.SUBMITTED
    assert outbox.for_report(report_id) == item


def test_enqueue_for_a_missing_report_queues_nothing(vault: Vault) -> None:
    outbox = OutboxStore(vault)
    with pytest.raises(ReportNotFoundError):
        outbox.enqueue(b"sealed", "key-1", report_id="nope")
    assert outbox.items() == []


def test_retries_count_and_wait(vault: Vault) -> None:
    outbox = OutboxStore(vault)
    item = outbox.enqueue(b"sealed", "key-1")
    later = datetime.now(UTC) + timedelta(minutes=5)
    outbox.apply(item.id, OutboxEvent.ATTEMPT)
    retried = outbox.apply(item.id, OutboxEvent.RETRY, error="network", not_before=later)
    assert (retried.state, retried.attempts, retried.last_error) == (OutboxState.WAITING, 1,
                                                                     "network")
    assert outbox.due() == []
    assert outbox.due(later + timedelta(seconds=1)) == [retried]


def test_delivery_keeps_the_receipt_and_is_final(vault: Vault) -> None:
    outbox = OutboxStore(vault)
    item = outbox.enqueue(b"sealed", "key-1")
    outbox.apply(item.id, OutboxEvent.ATTEMPT)
    done = outbox.apply(item.id, OutboxEvent.ACCEPTED,
                        receipt={"id": "r1", "received_day": "2026-11-22"})
    assert done.receipt == {"id": "r1", "received_day": "2026-11-22"}
    with pytest.raises(InvalidTransitionError):
        outbox.apply(item.id, OutboxEvent.ATTEMPT)


def test_a_restart_sends_again_what_was_in_flight(vault: Vault) -> None:
    outbox = OutboxStore(vault)
    item = outbox.enqueue(b"sealed", "key-1")
    outbox.apply(item.id, OutboxEvent.ATTEMPT)
    vault.lock()
    vault.unlock(PASSCODE)
    assert outbox.recover_after_restart() == 1
    again = outbox.get(item.id)
    assert again.state is OutboxState.WAITING
    assert again.idempotency_key == "key-1"


def test_a_rejected_item_is_resent_with_a_new_envelope(vault: Vault) -> None:
    outbox = OutboxStore(vault)
    item = outbox.enqueue(b"sealed", "key-1")
    outbox.apply(item.id, OutboxEvent.ATTEMPT)
    outbox.apply(item.id, OutboxEvent.REFUSED, error="too_large")
    resent = outbox.apply(item.id, OutboxEvent.RESEND, envelope=(b"smaller", "key-2"))
    assert (resent.state, resent.envelope, resent.idempotency_key, resent.attempts) == (
        OutboxState.WAITING, b"smaller", "key-2", 0)


def test_feed_cache_replaces_and_confirms(vault: Vault) -> None:
    feeds = FeedStore(vault)
    assert feeds.get("alerts", "uk.eng.wm") is None
    feeds.put("alerts", "uk.eng.wm", 3, b"v3", etag='"a"')
    feeds.put("alerts", "uk.eng.wm", 4, b"v4", etag='"b"')
    cached = feeds.get("alerts", "uk.eng.wm")
    assert cached is not None
    assert (cached.version, cached.raw, cached.etag) == (4, b"v4", '"b"')
    moment = datetime(2030, 1, 1, tzinfo=UTC)
    feeds.confirm("alerts", "uk.eng.wm", moment)
    confirmed = feeds.get("alerts", "uk.eng.wm")
    assert confirmed is not None
    assert confirmed.fetched_at == moment
    assert [f.name for f in feeds.all("alerts")] == ["uk.eng.wm"]


def test_listing_cached_versions_never_reads_the_bundles(vault: Vault) -> None:
    # A check looks at the versions each time; the megabytes of bundle must stay unread.
    with vault.connection() as conn:
        plan = " ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + VERSIONS,
                                                        ("alerts",)))
    assert "COVERING INDEX feeds_versions" in plan
