"""The outbox in the vault: sealed envelopes waiting for delivery, and their receipts.

The state machine itself lives in sync.protocol.outbox; this module only stores it, and
every change of state goes through its transition table inside one transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from app.core import canonical
from app.vault.errors import ReportNotFoundError
from app.vault.vault import Vault
from sync.protocol.outbox import OutboxEvent, OutboxItem, OutboxState, next_state

_COLUMNS = ("id, report_id, idempotency_key, envelope, state, attempts, not_before, "
            "last_error, receipt, created_at, updated_at")


class OutboxStore:
    def __init__(self, vault: Vault) -> None:
        self._vault = vault

    def enqueue(self, envelope: bytes, idempotency_key: str, *, report_id: str | None = None,
                not_before: datetime | None = None) -> OutboxItem:
        """Queue a sealed envelope; with ``report_id`` the report is marked submitted in the
        same transaction, so a report is never both a draft and queued, nor neither.
        ``not_before`` holds it back (the optional random delay before sending)."""
        item_id = secrets.token_hex(16)
        now = _now()
        with self._vault.transaction() as conn:
            if report_id is not None:
                cursor = conn.execute(
                    "UPDATE reports SET status = 'submitted', updated_at = ? WHERE id = ?",
                    (now, report_id))
                if cursor.rowcount == 0:
                    raise ReportNotFoundError(report_id)
            conn.execute(
                "INSERT INTO outbox (id, report_id, idempotency_key, envelope, state, attempts, "
                "not_before, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)",
                (item_id, report_id, idempotency_key, envelope, OutboxState.WAITING.value,
                 None if not_before is None else not_before.isoformat(), now, now))
        return self.get(item_id)

    def get(self, item_id: str) -> OutboxItem:
        with self._vault.connection() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?",  # noqa: S608
                               (item_id,)).fetchone()
        if row is None:
            raise KeyError(item_id)
        return _item(row)

    def items(self, states: Iterable[OutboxState] | None = None) -> list[OutboxItem]:
        """Items oldest first, optionally only those in ``states``."""
        wanted = [s.value for s in states] if states is not None else [s.value for s in
                                                                       OutboxState]
        marks = ",".join("?" * len(wanted))
        with self._vault.connection() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM outbox WHERE state IN ({marks}) "  # noqa: S608
                "ORDER BY created_at, id", wanted).fetchall()
        return [_item(row) for row in rows]

    def for_report(self, report_id: str) -> OutboxItem | None:
        with self._vault.connection() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM outbox WHERE report_id = ? "  # noqa: S608
                "ORDER BY created_at DESC LIMIT 1", (report_id,)).fetchone()
        return None if row is None else _item(row)

    def due(self, now: datetime | None = None) -> list[OutboxItem]:
        """Waiting items whose backoff has passed, oldest first."""
        moment = (now or datetime.now(UTC)).isoformat(timespec="microseconds")
        return [item for item in self.items([OutboxState.WAITING])
                if item.not_before is None or item.not_before.isoformat(
                    timespec="microseconds") <= moment]

    def next_attempt_at(self) -> datetime | None:
        """When the earliest waiting item may be tried (None: nothing waits)."""
        with self._vault.connection() as conn:
            row = conn.execute("SELECT min(coalesce(not_before, created_at)) FROM outbox "
                               "WHERE state = ?", (OutboxState.WAITING.value,)).fetchone()
        return None if row[0] is None else datetime.fromisoformat(str(row[0]))

    def apply(self, item_id: str, event: OutboxEvent, *, receipt: dict[str, object] | None = None,
              error: str | None = None, not_before: datetime | None = None,
              envelope: tuple[bytes, str] | None = None) -> OutboxItem:
        """Move an item through the state table; raises InvalidTransitionError otherwise."""
        with self._vault.transaction() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?",  # noqa: S608
                               (item_id,)).fetchone()
            if row is None:
                raise KeyError(item_id)
            item = _item(row)
            state = next_state(item.state, event)
            attempts = item.attempts + (1 if event is OutboxEvent.RETRY else 0)
            if event is OutboxEvent.RESEND:
                attempts = 0
            new_envelope, new_key = envelope or (item.envelope, item.idempotency_key)
            conn.execute(
                "UPDATE outbox SET state = ?, attempts = ?, not_before = ?, last_error = ?, "
                "receipt = ?, envelope = ?, idempotency_key = ?, updated_at = ? WHERE id = ?",
                (state.value, attempts, None if not_before is None else not_before.isoformat(),
                 error, None if receipt is None else canonical.encode(receipt),
                 new_envelope, new_key, _now(), item_id))
        return self.get(item_id)

    def retry_waiting_now(self) -> int:
        """Clear the backoff of every waiting item (the user asked to send now)."""
        with self._vault.transaction() as conn:
            cursor = conn.execute("UPDATE outbox SET not_before = NULL WHERE state = ?",
                                  (OutboxState.WAITING.value,))
            return int(cursor.rowcount)

    def recover_after_restart(self) -> int:
        """Items caught SENDING when the app stopped go back to WAITING; returns how many."""
        with self._vault.transaction() as conn:
            cursor = conn.execute(
                "UPDATE outbox SET state = ?, updated_at = ? WHERE state = ?",
                (next_state(OutboxState.SENDING, OutboxEvent.RESTART).value, _now(),
                 OutboxState.SENDING.value))
            return int(cursor.rowcount)

    def withdraw(self, item_id: str) -> str | None:
        """Take a REJECTED item out of the outbox and make its report a draft again, in one
        transaction (so it is always exactly one of the two). Returns the report id."""
        with self._vault.transaction() as conn:
            row = conn.execute("SELECT state, report_id FROM outbox WHERE id = ?",
                               (item_id,)).fetchone()
            if row is None or row[0] != OutboxState.REJECTED.value:
                raise KeyError(item_id)
            conn.execute("DELETE FROM outbox WHERE id = ?", (item_id,))
            if row[1] is not None:
                conn.execute("UPDATE reports SET status = 'draft', updated_at = ? WHERE id = ?",
                             (_now(), row[1]))
        return None if row[1] is None else str(row[1])

    def delete(self, item_id: str) -> None:
        with self._vault.transaction() as conn:
            conn.execute("DELETE FROM outbox WHERE id = ?", (item_id,))


def _item(row: Any) -> OutboxItem:
    (item_id, report_id, key, envelope, state, attempts, not_before, error, receipt,
     created, updated) = row
    return OutboxItem(
        id=str(item_id),
        report_id=None if report_id is None else str(report_id),
        idempotency_key=str(key),
        envelope=bytes(envelope),
        state=OutboxState(state),
        attempts=int(attempts),
        not_before=None if not_before is None else datetime.fromisoformat(str(not_before)),
        last_error=None if error is None else str(error),
        receipt=None if receipt is None else canonical.decode(bytes(receipt)),
        created_at=datetime.fromisoformat(str(created)),
        updated_at=datetime.fromisoformat(str(updated)),
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


