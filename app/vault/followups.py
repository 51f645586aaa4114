"""Anonymous follow-up in the vault: the receipt codes of reports sent from this phone (or
typed in from another), and the replies the organisation sealed to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from app.vault.vault import Vault


@dataclass(frozen=True)
class Followup:
    token: str  # the relay mailbox: a hash of the reply public key, linking nothing
    receipt_code: str
    reply_key: bytes  # the X25519 private key derived from the receipt code
    report_id: str | None  # None for a code typed in from another phone


@dataclass(frozen=True)
class StoredReply:
    id: str
    token: str
    kind: str
    body: str
    sent_day: date
    received_at: datetime
    seen: bool


class FollowupStore:
    def __init__(self, vault: Vault) -> None:
        self._vault = vault

    def add(self, followup: Followup) -> None:
        with self._vault.transaction() as conn:
            conn.execute(
                "INSERT INTO followups (token, receipt_code, reply_key, report_id, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (token) DO NOTHING",
                (followup.token, followup.receipt_code, followup.reply_key, followup.report_id,
                 _now()))

    def all(self) -> list[Followup]:
        with self._vault.connection() as conn:
            rows = conn.execute("SELECT token, receipt_code, reply_key, report_id FROM followups "
                                "ORDER BY created_at").fetchall()
        return [Followup(str(t), str(c), bytes(k), None if r is None else str(r))
                for t, c, k, r in rows]

    def for_report(self, report_id: str) -> Followup | None:
        return next((f for f in self.all() if f.report_id == report_id), None)

    def add_reply(self, reply_id: str, token: str, kind: str, body: str, sent_day: date) -> bool:
        """Store a reply once; returns False when it was already held."""
        with self._vault.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO replies (id, token, kind, body, sent_day, received_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                (reply_id, token, kind, body, sent_day.isoformat(), _now()))
            return cursor.rowcount == 1

    def replies(self, token: str | None = None) -> list[StoredReply]:
        query = "SELECT id, token, kind, body, sent_day, received_at, seen FROM replies"
        params: tuple[str, ...] = ()
        if token is not None:
            query += " WHERE token = ?"
            params = (token,)
        with self._vault.connection() as conn:
            rows = conn.execute(query + " ORDER BY received_at", params).fetchall()
        return [_reply(row) for row in rows]

    def mark_seen(self, token: str) -> None:
        with self._vault.transaction() as conn:
            conn.execute("UPDATE replies SET seen = 1 WHERE token = ?", (token,))

    def forget_report(self, report_id: str) -> None:
        """The report was deleted: its receipt code and replies go with it."""
        with self._vault.transaction() as conn:
            rows = conn.execute("SELECT token FROM followups WHERE report_id = ?",
                                (report_id,)).fetchall()
            for (token,) in rows:
                conn.execute("DELETE FROM replies WHERE token = ?", (token,))
            conn.execute("DELETE FROM followups WHERE report_id = ?", (report_id,))


    def forget_code(self, token: str) -> None:
        """A code typed in from another phone is removed: it and its replies go."""
        with self._vault.transaction() as conn:
            held = conn.execute("SELECT 1 FROM followups WHERE token = ? AND report_id IS NULL",
                                (token,)).fetchone()
            if held is None:  # a report's own code goes only with the report
                return
            conn.execute("DELETE FROM replies WHERE token = ?", (token,))
            conn.execute("DELETE FROM followups WHERE token = ?", (token,))


def _reply(row: Any) -> StoredReply:
    reply_id, token, kind, body, sent_day, received_at, seen = row
    return StoredReply(str(reply_id), str(token), str(kind), str(body),
                       date.fromisoformat(str(sent_day)), datetime.fromisoformat(str(received_at)),
                       bool(seen))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")
