"""Filing a report: drafts saved at every step, then sealed and queued in one go.

"Send" validates, turns the report into canonical bytes, seals them (padded) to the
organisation's key with a fresh idempotency key, and puts the envelope in the outbox in
the same transaction that marks the report sent. It works offline: the sync engine
delivers it when it can.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.core.areas import AreaTaxonomy
from app.core.report import Report
from app.core.report_codec import report_to_bytes
from app.core.validation import Problem, has_errors, validate
from app.services.settings import SettingsStore
from app.vault.errors import ReportNotFoundError
from app.vault.outbox import OutboxStore
from app.vault.reports import ReportStatus, ReportStore, StoredReport
from sync.protocol.envelope import ReportPublicKey, new_idempotency_key, seal_report
from sync.protocol.outbox import OutboxEvent, OutboxItem, OutboxState


@dataclass(frozen=True)
class ReportEntry:
    """A report as "My reports" lists it: the report and where its envelope is."""

    stored: StoredReport | None  # None once a delivered report was deleted locally
    delivery: OutboxItem | None  # None for drafts


class ReportingService:
    def __init__(self, reports: ReportStore, outbox: OutboxStore, settings: SettingsStore,
                 areas: AreaTaxonomy, recipient: ReportPublicKey, *,
                 wake: Callable[[], None] = lambda: None,
                 zero_retention: Callable[[], bool] = lambda: False,
                 rng: random.Random | None = None) -> None:
        self._reports = reports
        self._outbox = outbox
        self._settings = settings
        self._areas = areas
        self._recipient = recipient
        self._wake = wake
        self._zero_retention = zero_retention
        self._rng = rng or random.SystemRandom()

    def save_draft(self, report: Report, *, report_id: str | None = None, step: int = 0) -> str:
        return self._reports.save_draft(report, report_id=report_id, step=step)

    def problems(self, report: Report) -> list[Problem]:
        return validate(report, self._areas)

    def send(self, report_id: str, *, reply_public_key: bytes | None = None) -> list[Problem]:
        """Queue the draft for delivery. Returns the problems that stop it (none: queued).

        With zero retention (outreach mode) the readable copy is deleted at once: only the
        sealed envelope waits in the outbox."""
        stored = self._reports.get(report_id)
        problems = self.problems(stored.report)
        if has_errors(problems):
            return problems
        envelope, key = self._seal(stored.report, reply_public_key)
        self._outbox.enqueue(envelope, key, report_id=report_id, not_before=self._send_time())
        if self._zero_retention():
            self._reports.delete(report_id)
        self._wake()
        return []

    def resend(self, item_id: str) -> None:
        """Send a rejected report again, sealed afresh (a new key: it is a new submission)."""
        item = self._outbox.get(item_id)
        if item.report_id is None:
            raise LookupError("the report of this item is no longer on the phone")
        envelope, key = self._seal(self._reports.get(item.report_id).report)
        self._outbox.apply(item_id, OutboxEvent.RESEND, envelope=(envelope, key))
        self._wake()

    def reopen_rejected(self, item_id: str) -> str:
        """Turn a rejected report back into a draft so it can be fixed, then sent again."""
        report_id = self._outbox.withdraw(item_id)
        if report_id is None:
            raise LookupError("the report of this item is no longer on the phone")
        return report_id

    def delete(self, report_id: str) -> None:
        """Delete a report and anything of it still waiting in the outbox."""
        item = self._outbox.for_report(report_id)
        if item is not None and item.state is not OutboxState.DELIVERED:
            self._outbox.delete(item.id)
        self._reports.delete(report_id)

    def send_waiting_now(self) -> None:
        """Skip the backoff (and any chosen random delay) of everything waiting."""
        self._outbox.retry_waiting_now()
        self._wake()

    def after_delivery(self, item: OutboxItem) -> None:
        """Called by the sync engine: keep or delete the local copy, as the user chose; in
        outreach mode nothing of a delivered report stays, not even its sealed envelope."""
        if self._zero_retention():
            self._outbox.delete(item.id)
        keep = self._settings.load().keep_sent_reports and not self._zero_retention()
        if item.report_id is not None and not keep:
            with contextlib.suppress(ReportNotFoundError):
                self._reports.delete(item.report_id)

    def entries(self) -> list[ReportEntry]:
        """Drafts and sent reports, most recently changed first."""
        entries = []
        for stored in self._reports.list():
            delivery = (None if stored.status is ReportStatus.DRAFT
                        else self._outbox.for_report(stored.id))
            entries.append(ReportEntry(stored, delivery))
        known = {e.stored.id for e in entries if e.stored is not None}
        for item in self._outbox.items():
            if item.report_id not in known:
                entries.append(ReportEntry(None, item))
        return entries

    def _seal(self, report: Report, reply_public_key: bytes | None = None
              ) -> tuple[bytes, str]:
        key = new_idempotency_key()
        envelope = seal_report(report_to_bytes(report), self._recipient, key,
                               reply_public_key=reply_public_key)
        return envelope, key

    def _send_time(self) -> datetime | None:
        minutes = self._settings.load().send_delay_minutes
        if minutes <= 0:
            return None
        # A random delay: the moment of sending then says little about the moment of filing.
        return datetime.now(UTC) + timedelta(seconds=self._rng.uniform(0, minutes * 60))
