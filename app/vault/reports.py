"""Reports in the vault: drafts the wizard saves at every step, and reports handed to the outbox."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from app.core.report import Report
from app.core.report_codec import report_from_bytes, report_to_bytes
from app.vault.errors import ReportNotEditableError, ReportNotFoundError
from app.vault.vault import Vault


class ReportStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # sealed and handed to the outbox


@dataclass(frozen=True)
class StoredReport:
    id: str
    status: ReportStatus
    step: int
    created_at: datetime
    updated_at: datetime
    report: Report


def new_report_id() -> str:
    return secrets.token_hex(16)


class ReportStore:
    def __init__(self, vault: Vault) -> None:
        self._vault = vault

    def save_draft(self, report: Report, *, report_id: str | None = None, step: int = 0) -> str:
        """Insert or update a draft; returns its id. Committed durably before returning."""
        report_id = report_id or new_report_id()
        now = _now()
        with self._vault.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO reports (id, status, step, created_at, updated_at, body) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "step = excluded.step, updated_at = excluded.updated_at, body = excluded.body "
                "WHERE reports.status = 'draft'",
                (report_id, ReportStatus.DRAFT.value, step, now, now, report_to_bytes(report)),
            )
            if cursor.rowcount == 0:
                raise ReportNotEditableError("the report was already sent")
        return report_id

    def mark_submitted(self, report_id: str) -> None:
        with self._vault.transaction() as conn:
            cursor = conn.execute(
                "UPDATE reports SET status = ?, updated_at = ? WHERE id = ?",
                (ReportStatus.SUBMITTED.value, _now(), report_id),
            )
            if cursor.rowcount == 0:
                raise ReportNotFoundError(report_id)

    def get(self, report_id: str) -> StoredReport:
        with self._vault.connection() as conn:
            row = conn.execute(
                "SELECT id, status, step, created_at, updated_at, body FROM reports WHERE id = ?",
                (report_id,),
            ).fetchone()
        if row is None:
            raise ReportNotFoundError(report_id)
        return _stored(row)

    def list(self, status: ReportStatus | None = None) -> list[StoredReport]:
        """Reports, most recently changed first."""
        query = "SELECT id, status, step, created_at, updated_at, body FROM reports"
        params: tuple[str, ...] = ()
        if status is not None:
            query += " WHERE status = ?"
            params = (status.value,)
        with self._vault.connection() as conn:
            rows = conn.execute(query + " ORDER BY updated_at DESC, id", params).fetchall()
        return [_stored(row) for row in rows]

    def count(self) -> int:
        with self._vault.connection() as conn:
            return int(conn.execute("SELECT count(*) FROM reports").fetchone()[0])

    def delete(self, report_id: str) -> None:
        with self._vault.transaction() as conn:
            cursor = conn.execute("DELETE FROM reports WHERE id = ?", (report_id,))
            if cursor.rowcount == 0:
                raise ReportNotFoundError(report_id)


def _stored(row: tuple[str, str, int, str, str, bytes]) -> StoredReport:
    report_id, status, step, created, updated, body = row
    return StoredReport(
        id=report_id,
        status=ReportStatus(status),
        step=int(step),
        created_at=datetime.fromisoformat(created),
        updated_at=datetime.fromisoformat(updated),
        report=report_from_bytes(bytes(body)),
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")
