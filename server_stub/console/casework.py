"""The casework store: decrypted reports, the alerts made from them, what was published.

It is a SQLCipher vault (app.vault) with its own schema, keyed from the console
passphrase by Argon2id: a report is as sensitive on the organisation's disk as on the
phone, so no readable byte of one is ever written there either.

A case is keyed twice, by the relay's receipt id and by the phone's idempotency key,
both unique: pulling an envelope again (after a crash before the acknowledgement
reached the relay) finds the case and stores nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import TracebackType

from app.core import canonical
from app.core.report import Report
from app.core.report_codec import report_from_bytes
from app.vault.database import Connection, Migrations
from app.vault.errors import UnlockRefusedError, VaultExistsError, VaultMissingError
from app.vault.kdf import KdfParams
from app.vault.vault import Vault
from server_stub.console.errors import (
    AlertNotFoundError,
    CaseNotFoundError,
    NotInitialisedError,
    WrongPassphraseError,
)
from server_stub.console.keystore import CONSOLE_KDF, Passphrase
from sync.protocol.alert import Alert, alert_from_item, alert_to_item
from sync.protocol.codec import format_utc, parse_utc
from sync.protocol.errors import ProtocolError

# Forward-only, like the phone's: never edit a released entry, add one.
MIGRATIONS: Migrations = (
    (  # 1: cases, alerts, publications, settings
        """CREATE TABLE cases (
            id TEXT PRIMARY KEY,
            relay_id TEXT NOT NULL UNIQUE,
            idempotency_key TEXT NOT NULL UNIQUE,
            received_day TEXT NOT NULL,
            report BLOB NOT NULL,
            reply_public_key BLOB,
            status TEXT NOT NULL CHECK (status IN ('new', 'reviewed', 'closed')),
            pulled_at TEXT NOT NULL
        )""",
        "CREATE INDEX cases_by_day ON cases (received_day, id)",
        """CREATE TABLE alerts (
            id TEXT PRIMARY KEY,
            case_id TEXT NOT NULL REFERENCES cases (id),
            item BLOB NOT NULL,
            region TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'expired')),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )""",
        "CREATE INDEX alerts_by_region ON alerts (region, status)",
        """CREATE TABLE publications (
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            version INTEGER NOT NULL,
            published_at TEXT NOT NULL,
            PRIMARY KEY (kind, name)
        )""",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
    ),
    (  # 2: the log of consented exports
        """CREATE TABLE exports (
            id TEXT PRIMARY KEY,
            exported_at TEXT NOT NULL,
            operator TEXT NOT NULL,
            consent TEXT NOT NULL,
            format TEXT NOT NULL,
            since TEXT NOT NULL,
            until TEXT NOT NULL,
            case_ids TEXT NOT NULL
        )""",
    ),
    (  # 3: replies sent to reporters through their mailbox
        """CREATE TABLE replies (
            id TEXT PRIMARY KEY,
            case_id TEXT NOT NULL REFERENCES cases (id),
            kind TEXT NOT NULL,
            body TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            operator TEXT NOT NULL
        )""",
        "CREATE INDEX replies_by_case ON replies (case_id, sent_at)",
    ),
)

_INSERT_CASE = ("INSERT INTO cases (id, relay_id, idempotency_key, received_day, report, "
                "reply_public_key, status, pulled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
_SELECT_CASES = ("SELECT id, relay_id, idempotency_key, received_day, report, reply_public_key, "
                 "status, pulled_at FROM cases")
_INSERT_ALERT = ("INSERT INTO alerts (id, case_id, item, region, status, created_at, expires_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)")
_SELECT_ALERTS = "SELECT id, case_id, item, region, status, created_at, expires_at FROM alerts"


class CaseStatus(StrEnum):
    NEW = "new"
    REVIEWED = "reviewed"
    CLOSED = "closed"


class AlertStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"


@dataclass(frozen=True)
class NewCase:
    """An opened envelope, ready to store."""

    relay_id: str
    idempotency_key: str
    received_day: dt.date
    report_bytes: bytes = field(repr=False)
    reply_public_key: bytes | None = field(repr=False)


@dataclass(frozen=True)
class Case:
    """A stored report. ``report_bytes`` are the canonical bytes exactly as they arrived."""

    id: str
    relay_id: str
    idempotency_key: str
    received_day: dt.date
    report_bytes: bytes = field(repr=False)
    reply_public_key: bytes | None = field(repr=False)
    status: CaseStatus
    pulled_at: dt.datetime

    def report(self) -> Report:
        return report_from_bytes(self.report_bytes)


@dataclass(frozen=True)
class StoredAlert:
    """An alert and its bookkeeping; ``alert`` is exactly what a bundle will carry."""

    alert: Alert
    case_id: str
    region: str
    status: AlertStatus
    created_at: dt.datetime

    @property
    def id(self) -> str:
        return self.alert.id

    def is_live(self, now: dt.datetime) -> bool:
        """Active and not past its own expiry."""
        return self.status is AlertStatus.ACTIVE and now < self.alert.expires_at


@dataclass(frozen=True)
class ExportLogEntry:
    """One consented export: when, by whom, under which consent, and which cases."""

    id: str
    exported_at: dt.datetime
    operator: str
    consent: str
    format: str
    since: dt.date
    until: dt.date
    case_ids: tuple[str, ...]


@dataclass(frozen=True)
class SentReply:
    """A reply the organisation left in a reporter's mailbox (``id`` is the relay's)."""

    id: str
    case_id: str
    kind: str
    body: str
    sent_at: dt.datetime
    operator: str


def new_export_id() -> str:
    return "x" + secrets.token_hex(5)


@dataclass(frozen=True)
class StoreOutcome:
    """What store_cases did: case ids created, and relay ids that were already held."""

    stored: tuple[str, ...]
    already_held: tuple[str, ...]


def new_case_id() -> str:
    """Short enough to type at a prompt, random so it reveals no order or count."""
    return "c" + secrets.token_hex(5)


def new_alert_id() -> str:
    """Published in bundles: random and unrelated to the case id."""
    return "a" + secrets.token_hex(8)


class Casework:
    """The casework vault. Use as a context manager so the key is wiped on the way out."""

    def __init__(self, vault: Vault) -> None:
        self._vault = vault

    @classmethod
    def create(cls, path: Path, passphrase: Passphrase, *,
               params: KdfParams = CONSOLE_KDF) -> Casework:
        vault = Vault(path, params=params, migrations=MIGRATIONS)
        try:
            vault.create(passphrase)
        except VaultExistsError:
            raise NotInitialisedError("a casework store already exists") from None
        return cls(vault)

    @classmethod
    def open(cls, path: Path, passphrase: Passphrase) -> Casework:
        vault = Vault(path, migrations=MIGRATIONS)
        try:
            vault.unlock(passphrase)
        except VaultMissingError:
            raise NotInitialisedError("there is no casework store") from None
        except UnlockRefusedError as exc:
            raise WrongPassphraseError("the passphrase does not open the casework",
                                       retry_after=exc.retry_after) from None
        return cls(vault)

    def close(self) -> None:
        self._vault.lock()

    def __enter__(self) -> Casework:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    # Exports ----------------------------------------------------------------------------

    def record_export(self, entry: ExportLogEntry) -> None:
        with self._vault.transaction() as conn:
            conn.execute(
                "INSERT INTO exports (id, exported_at, operator, consent, format, since, "
                "until, case_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.id, format_utc(entry.exported_at), entry.operator, entry.consent,
                 entry.format, entry.since.isoformat(), entry.until.isoformat(),
                 json.dumps(list(entry.case_ids))))

    def exports(self) -> list[ExportLogEntry]:
        """Every export ever made, oldest first."""
        with self._vault.connection() as conn:
            rows = conn.execute("SELECT id, exported_at, operator, consent, format, since, "
                                "until, case_ids FROM exports ORDER BY exported_at, rowid")
            return [ExportLogEntry(str(r[0]), _time(r[1]), str(r[2]), str(r[3]),
                                   str(r[4]), dt.date.fromisoformat(str(r[5])),
                                   dt.date.fromisoformat(str(r[6])),
                                   tuple(json.loads(str(r[7])))) for r in rows.fetchall()]

    # Replies ----------------------------------------------------------------------------

    def record_reply(self, entry: SentReply) -> None:
        with self._vault.transaction() as conn:
            conn.execute("INSERT INTO replies (id, case_id, kind, body, sent_at, operator) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         (entry.id, entry.case_id, entry.kind, entry.body,
                          format_utc(entry.sent_at), entry.operator))

    def replies(self, case_id: str) -> list[SentReply]:
        with self._vault.connection() as conn:
            rows = conn.execute("SELECT id, case_id, kind, body, sent_at, operator FROM replies "
                                "WHERE case_id = ? ORDER BY sent_at, rowid", (case_id,))
            return [SentReply(str(r[0]), str(r[1]), str(r[2]), str(r[3]), _time(r[4]),
                              str(r[5])) for r in rows.fetchall()]

    # Cases ------------------------------------------------------------------------------

    def store_cases(self, cases: Sequence[NewCase], *, pulled_at: dt.datetime) -> StoreOutcome:
        """Store new cases in one transaction (committed durably when this returns)."""
        stored: list[str] = []
        held: list[str] = []
        with self._vault.transaction() as conn:
            for case in cases:
                if _case_known(conn, case):
                    held.append(case.relay_id)
                    continue
                case_id = new_case_id()
                conn.execute(
                    _INSERT_CASE,
                    (case_id, case.relay_id, case.idempotency_key,
                     case.received_day.isoformat(), case.report_bytes, case.reply_public_key,
                     CaseStatus.NEW.value, format_utc(pulled_at)))
                stored.append(case_id)
        return StoreOutcome(tuple(stored), tuple(held))

    def cases(self) -> list[Case]:
        """Every case, oldest first."""
        with self._vault.connection() as conn:
            rows = conn.execute(_SELECT_CASES + " ORDER BY received_day, pulled_at, id")
            return [_case(row) for row in rows.fetchall()]

    def case(self, case_id: str) -> Case:
        with self._vault.connection() as conn:
            row = conn.execute(_SELECT_CASES + " WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise CaseNotFoundError(case_id)
        return _case(row)

    def set_case_status(self, case_id: str, status: CaseStatus) -> None:
        with self._vault.transaction() as conn:
            cursor = conn.execute("UPDATE cases SET status = ? WHERE id = ?",
                                  (status.value, case_id))
            if cursor.rowcount == 0:
                raise CaseNotFoundError(case_id)

    # Alerts -----------------------------------------------------------------------------

    def add_alert(self, case_id: str, alert: Alert, *, region: str,
                  created_at: dt.datetime) -> StoredAlert:
        """Store an active alert and mark its case reviewed, in one transaction."""
        item = canonical.encode(alert_to_item(alert))
        with self._vault.transaction() as conn:
            cursor = conn.execute("UPDATE cases SET status = ? WHERE id = ? AND status = ?",
                                  (CaseStatus.REVIEWED.value, case_id, CaseStatus.NEW.value))
            if cursor.rowcount == 0 and not _case_exists(conn, case_id):
                raise CaseNotFoundError(case_id)
            conn.execute(_INSERT_ALERT,
                         (alert.id, case_id, item, region, AlertStatus.ACTIVE.value,
                          format_utc(created_at), format_utc(alert.expires_at)))
        return StoredAlert(alert, case_id, region, AlertStatus.ACTIVE, created_at)

    def alerts(self) -> list[StoredAlert]:
        """Every alert, newest first."""
        with self._vault.connection() as conn:
            rows = conn.execute(_SELECT_ALERTS + " ORDER BY created_at DESC, id").fetchall()
        return [_stored_alert(row) for row in rows]

    def expire_alert(self, alert_id: str) -> None:
        """Take an alert out of every later bundle (phones drop it with the next one)."""
        with self._vault.transaction() as conn:
            cursor = conn.execute("UPDATE alerts SET status = ? WHERE id = ?",
                                  (AlertStatus.EXPIRED.value, alert_id))
            if cursor.rowcount == 0:
                raise AlertNotFoundError(alert_id)

    def live_alerts(self, region: str, now: dt.datetime) -> list[Alert]:
        """Active, unexpired alerts whose regions include ``region``, oldest first."""
        found = [stored for stored in self.alerts()
                 if stored.is_live(now) and region in stored.alert.regions]
        return [stored.alert for stored in reversed(found)]

    # Publications -----------------------------------------------------------------------

    def published_version(self, kind: str, name: str) -> int | None:
        with self._vault.connection() as conn:
            row = conn.execute("SELECT version FROM publications WHERE kind = ? AND name = ?",
                               (kind, name)).fetchone()
        return None if row is None else int(row[0])

    def record_publication(self, kind: str, name: str, version: int,
                           published_at: dt.datetime) -> None:
        with self._vault.transaction() as conn:
            conn.execute(
                "INSERT INTO publications (kind, name, version, published_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (kind, name) DO UPDATE SET "
                "version = excluded.version, published_at = excluded.published_at "
                "WHERE excluded.version > publications.version",
                (kind, name, version, format_utc(published_at)))

    def integrity_errors(self) -> list[str]:
        return self._vault.integrity_errors()


def _case_known(conn: Connection, case: NewCase) -> bool:
    row = conn.execute("SELECT 1 FROM cases WHERE relay_id = ? OR idempotency_key = ?",
                       (case.relay_id, case.idempotency_key)).fetchone()
    return row is not None


def _case_exists(conn: Connection, case_id: str) -> bool:
    return conn.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone() is not None


def _case(row: Sequence[object]) -> Case:
    reply = row[5]
    return Case(id=str(row[0]), relay_id=str(row[1]), idempotency_key=str(row[2]),
                received_day=dt.date.fromisoformat(str(row[3])), report_bytes=_blob(row[4]),
                reply_public_key=None if reply is None else _blob(reply),
                status=CaseStatus(str(row[6])), pulled_at=_time(row[7]))


def _stored_alert(row: Sequence[object]) -> StoredAlert:
    alert = alert_from_item(canonical.decode(_blob(row[2])))
    return StoredAlert(alert=alert, case_id=str(row[1]), region=str(row[3]),
                       status=AlertStatus(str(row[4])), created_at=_time(row[5]))


def _blob(value: object) -> bytes:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise TypeError("expected a blob")
    return bytes(value)


def _time(value: object) -> dt.datetime:
    return parse_utc(str(value), "stored time", ProtocolError)
