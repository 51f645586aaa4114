"""Outreach mode: an outreach worker files reports with people in person, and keeps none.

Turned on with a participating organisation's code (it must be in the signed directory)
and a passcode of its own, which the worker needs to start a session, open settings or
turn the mode off, so the person holding the phone during a session can do neither.
Zero retention: a report is sealed and its readable copy deleted the moment it is sent;
the sealed envelope waits in the outbox for signal and is deleted once delivered; the
drafts of a session are destroyed when it ends or times out (also after a crash: open
sessions are recorded and swept at the next unlock).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.services.directory import Directory
from app.vault.errors import ReportNotFoundError
from app.vault.kdf import KdfParams, derive
from app.vault.reports import ReportStore
from app.vault.vault import Vault

_SETTING = "outreach.mode"
_SESSIONS = "outreach.sessions"
MIN_PASSCODE = 6


class OutreachError(Exception):
    """Outreach mode could not be changed; ``code`` says why, for the UI to word."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class OutreachMode:
    organisation_code: str
    organisation_name: str
    session_minutes: int


@dataclass
class Session:
    id: str
    organisation_code: str
    started_at: datetime
    report_ids: list[str]


class OutreachService:
    def __init__(self, vault: Vault, reports: ReportStore, directory: Callable[[], Directory],
                 *, kdf: KdfParams | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._vault = vault
        self._reports = reports
        self._directory = directory
        self._kdf = kdf or KdfParams()
        self._clock = clock

    def mode(self) -> OutreachMode | None:
        value = self._vault.get_setting(_SETTING)
        if not isinstance(value, dict):
            return None
        return OutreachMode(str(value["code"]), str(value["name"]), int(value["minutes"]))

    def enable(self, organisation_code: str, passcode: str, *, session_minutes: int = 60
               ) -> OutreachMode:
        code = organisation_code.strip().upper()
        service = next((s for s in self._directory().services if s.code == code), None)
        if service is None:
            raise OutreachError("unknown_organisation")
        if len(passcode) < MIN_PASSCODE:
            raise OutreachError("short_passcode")
        salt = secrets.token_bytes(16)
        keys = derive(passcode, salt, self._kdf)
        self._vault.put_setting(_SETTING, {
            "code": code, "name": service.name, "minutes": session_minutes,
            "salt": salt.hex(), "kdf": self._kdf.to_dict(), "check": keys.duress_tag().hex()})
        keys.wipe()
        mode = self.mode()
        assert mode is not None  # noqa: S101 - just stored
        return mode

    def passcode_ok(self, passcode: str) -> bool:
        value = self._vault.get_setting(_SETTING)
        if not isinstance(value, dict):
            return False
        keys = derive(passcode, bytes.fromhex(value["salt"]), KdfParams.from_dict(value["kdf"]))
        try:
            return hmac.compare_digest(keys.duress_tag().hex(), value["check"])
        finally:
            keys.wipe()

    def disable(self, passcode: str) -> None:
        if not self.passcode_ok(passcode):
            raise OutreachError("wrong_passcode")
        self.sweep(force=True)
        self._vault.delete_setting(_SETTING)

    def start(self, passcode: str) -> Session:
        mode = self.mode()
        if mode is None or not self.passcode_ok(passcode):
            raise OutreachError("wrong_passcode")
        session = Session(secrets.token_hex(8), mode.organisation_code, self._clock(), [])
        self._record(session)
        return session

    def track(self, session: Session, report_id: str) -> None:
        """A draft of this session: destroyed when the session ends, whatever happens."""
        if report_id not in session.report_ids:
            session.report_ids.append(report_id)
            self._record(session)

    def end(self, session: Session) -> None:
        self._destroy(session.report_ids)
        self._forget(session.id)

    def sweep(self, *, force: bool = False) -> int:
        """Destroy the drafts of sessions that timed out (or all, with ``force``)."""
        mode = self.mode()
        limit = timedelta(minutes=mode.session_minutes if mode else 0)
        destroyed = 0
        for entry in self._sessions():
            started = datetime.fromisoformat(str(entry["started"]))
            if force or self._clock() - started >= limit:
                reports = entry["reports"]
                destroyed += self._destroy([str(r) for r in reports]
                                           if isinstance(reports, list) else [])
                self._forget(str(entry["id"]))
        return destroyed

    def _destroy(self, report_ids: list[str]) -> int:
        destroyed = 0
        for report_id in report_ids:
            try:
                self._reports.delete(report_id)
                destroyed += 1
            except ReportNotFoundError:  # already sent (and so deleted) or gone
                continue
        return destroyed

    def _sessions(self) -> list[dict[str, object]]:
        value = self._vault.get_setting(_SESSIONS)
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []

    def _record(self, session: Session) -> None:
        others = [s for s in self._sessions() if s.get("id") != session.id]
        self._vault.put_setting(_SESSIONS, [*others, {
            "id": session.id, "started": session.started_at.isoformat(),
            "reports": list(session.report_ids)}])

    def _forget(self, session_id: str) -> None:
        self._vault.put_setting(_SESSIONS, [s for s in self._sessions()
                                            if s.get("id") != session_id])
