"""Pulling reports: fetch sealed envelopes, open them here, store them, then acknowledge.

The order is what makes a report impossible to lose:

1. fetch a page of pending envelopes from the relay;
2. open each one locally with the report private key (the relay cannot);
3. store the opened reports in the casework vault and commit;
4. only then acknowledge them, so the relay deletes its sealed copy.

A crash between 3 and 4 leaves the envelopes on the relay; the next pull opens them
again, finds them already stored (keyed by relay id and idempotency key), stores
nothing and acknowledges them. An envelope that does not open, or does not hold a
report, is never acknowledged: it stays on the relay (until its retention ends) and is
reported on every pull, so a key mix-up or a newer app version is noticed, not papered
over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from app.core.errors import ReportFormatError
from app.core.report_codec import report_from_bytes
from server_stub.console.casework import Casework, NewCase
from server_stub.console.errors import RelayError
from server_stub.console.relay_client import PAGE_SIZE, OrgRelayClient, PendingEnvelope
from sync.protocol.envelope import ReportPrivateKey, open_report
from sync.protocol.errors import EnvelopeError


class FailureReason(StrEnum):
    DOES_NOT_OPEN = "does_not_open"  # wrong key, tampered, or not for us
    NOT_A_REPORT = "not_a_report"  # opened, but not a report this console can read


@dataclass(frozen=True)
class PullFailure:
    relay_id: str
    reason: FailureReason


@dataclass(frozen=True)
class PullResult:
    """What a pull did. ``error`` is set when the relay failed part-way; all counted work
    before it is committed, and anything not acknowledged will be pulled again."""

    stored: tuple[str, ...] = ()  # new case ids
    already_held: int = 0
    acknowledged: int = 0
    failed: tuple[PullFailure, ...] = ()
    error: RelayError | None = field(default=None, compare=False)

    @property
    def complete(self) -> bool:
        return self.error is None


class NotOpenedError(Exception):
    """An envelope that cannot become a case; ``reason`` says why."""

    def __init__(self, reason: FailureReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


def pull(client: OrgRelayClient, casework: Casework, report_key: ReportPrivateKey, *,
         page_size: int = PAGE_SIZE,
         clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> PullResult:
    """Fetch, open, store and acknowledge every pending envelope, a page at a time."""
    stored: list[str] = []
    failed: list[PullFailure] = []
    held = acknowledged = 0
    error: RelayError | None = None
    try:
        for page in client.pending(page_size):
            opened = _open_page(page.envelopes, report_key, failed)
            outcome = casework.store_cases(opened, pulled_at=clock())  # committed first
            stored += outcome.stored
            held += len(outcome.already_held)
            if opened:
                acknowledged += client.acknowledge(case.relay_id for case in opened)
    except RelayError as exc:
        error = exc
    return PullResult(tuple(stored), held, acknowledged, tuple(failed), error)


def open_envelope(pending: PendingEnvelope, report_key: ReportPrivateKey) -> NewCase:
    """The case inside one envelope; NotOpenedError says why there is none."""
    try:
        opened = open_report(pending.envelope, report_key, pending.idempotency_key)
    except EnvelopeError:
        raise NotOpenedError(FailureReason.DOES_NOT_OPEN) from None
    try:
        report_from_bytes(opened.report_bytes)
    except ReportFormatError:
        raise NotOpenedError(FailureReason.NOT_A_REPORT) from None
    return NewCase(relay_id=pending.id, idempotency_key=pending.idempotency_key,
                   received_day=pending.received_day, report_bytes=opened.report_bytes,
                   reply_public_key=opened.reply_public_key)


def _open_page(envelopes: tuple[PendingEnvelope, ...], report_key: ReportPrivateKey,
               failed: list[PullFailure]) -> list[NewCase]:
    opened: list[NewCase] = []
    for pending in envelopes:
        try:
            opened.append(open_envelope(pending, report_key))
        except NotOpenedError as exc:
            failed.append(PullFailure(pending.id, exc.reason))
    return opened
