"""Anonymous follow-up end to end: the real app services, relay (HTTP on 127.0.0.1) and
console. A reply reaches the phone that sent the report, and a second phone that has
only the receipt code; the relay's rows do not tie the reply to the report."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.config import build_config
from app.core.report import Report
from app.core.vocab import IncidentType
from app.services.phone import PhoneApp
from app.services.session import PhoneSession
from app.services.settings import Settings
from app.vault.kdf import KdfParams
from server_stub.console.casework import Casework
from server_stub.console.cli import main as console
from server_stub.console.keys import load_report_key
from server_stub.console.pull import pull
from server_stub.console.relay_client import OrgRelayClient, RelayClientConfig
from server_stub.demo import (
    Organisation,
    demo_report,
    file_demo_report,
    make_organisation,
    review_and_publish,
)
from sync.protocol.followup import FollowupError, ReplyKeys, mailbox_token, reply_keys
from sync.protocol.outbox import OutboxState
from tests.sync.faults.relay_process import free_port

PASSCODE = "a long passcode"
ANSWER = "We are here for you. Call 0121 643 0301, we can meet this week."


@pytest.fixture
def organisation(tmp_path: Path) -> Iterator[Organisation]:
    org, relay = make_organisation(tmp_path / "org", free_port(), kdf=KdfParams.insecure_fast())
    relay.start()
    yield org
    relay.stop()


def _phone(data_dir: Path, org: Organisation) -> PhoneApp:
    config = build_config(str(data_dir), {}, relay_url=org.relay_url,
                          trust_file=str(org.trust_file))
    app = PhoneApp(replace(config, kdf=KdfParams.insecure_fast()))
    app.create(PASSCODE, Settings(areas=("uk.eng.wm.wmp.birmingham",)))
    return app


def _session(app: PhoneApp) -> PhoneSession:
    assert app.session is not None
    assert app.session.engine is not None
    return app.session


def _send(session: PhoneSession) -> tuple[str, str]:
    report = Report(date=dt.date.today(), area_code="uk.eng.wm.wmp.birmingham",
                    incident_types=(IncidentType.ROBBERY,), narrative="He took the money.")
    report_id = session.reporting.save_draft(report)
    problems, code = session.send_report(report_id)
    assert problems == []
    assert code is not None
    return report_id, code


def _until(condition: Callable[[], bool], session: PhoneSession) -> None:
    """Let the phone's own sync engine (running in the background) get there."""
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, "the phone's sync never got there"
        session.sync_now()
        time.sleep(0.2)


def _delivered(session: PhoneSession, report_id: str) -> bool:
    item = session.outbox.for_report(report_id)
    return item is not None and item.state is OutboxState.DELIVERED


def _console(org: Organisation, monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(org.passphrase + "\n"))
    monkeypatch.setenv("BROLLY_CONSOLE_DIR", str(org.paths.base))
    monkeypatch.setenv("BROLLY_RELAY_URL", org.relay_url)
    monkeypatch.setenv("BROLLY_ORG_TOKEN", str(org.token))
    return console(["console", *argv], kdf=KdfParams.insecure_fast())


def _pull(org: Organisation) -> str:
    with Casework.open(org.paths.casework, org.passphrase) as casework, \
            OrgRelayClient.connect(RelayClientConfig(org.relay_url), org.token) as client:
        [case_id] = pull(client, casework, load_report_key(org.paths, org.passphrase)).stored
        assert casework.case(case_id).reply_public_key is not None
    return case_id


def test_a_reply_reaches_the_phone_and_anyone_with_the_receipt_code(
        organisation: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    org = organisation
    phone = _phone(tmp_path / "phone", org)
    try:
        session = _session(phone)
        # Given a report sent with its receipt code
        report_id, code = _send(session)
        _until(lambda: _delivered(session, report_id), session)
        delivered = _relay_rows(org.relay_db)  # the sealed report, before it is pulled
        assert delivered["envelopes"][0][3] is not None
        # When the organisation reads it and replies through the console
        case_id = _pull(org)
        assert _console(org, monkeypatch, "reply", case_id, "--kind", "support_offered",
                        "--text", ANSWER, "--by", "Support worker") == 0
        # Then the phone's next sync brings the reply, under that report
        _until(lambda: bool(session.followups.replies_for_report(report_id)), session)
        [reply] = session.followups.replies_for_report(report_id)
        assert (reply.kind, reply.body) == ("support_offered", ANSWER)
        assert session.followups.code_of(report_id) == code
        assert session.followups.unseen_count() == 1
    finally:
        phone.lock()
    # And a second phone with only the code gets it too
    other = _phone(tmp_path / "other", org)
    try:
        second = _session(other)
        second.followups.add_code(code.lower().replace("-", " "))
        [elsewhere] = second.followups.codes_from_elsewhere()
        _until(lambda: bool(second.followups.replies_for_token(elsewhere.token)), second)
        [reply] = second.followups.replies_for_token(elsewhere.token)
        assert reply.body == ANSWER
    finally:
        other.lock()
    # And the console logged who replied
    with Casework.open(org.paths.casework, org.passphrase) as casework:
        [sent] = casework.replies(case_id)
    assert (sent.operator, sent.body) == ("Support worker", ANSWER)
    # And nothing the relay holds, before or after the pull, ties the reply to the report
    _assert_unlinked(delivered, _relay_rows(org.relay_db), reply_keys(code))


def test_an_outreach_report_is_answered_through_the_code_alone(
        organisation: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    org = organisation
    review_and_publish(org)  # the signed directory, which lists participating projects
    van = _phone(tmp_path / "van", org)
    try:
        session = _session(van)
        # Given an outreach worker's phone, and a report filed with someone in a session
        session.outreach.enable("REDPROJECT", "worker passcode")
        outreach = session.outreach.start("worker passcode")
        report_id, code = _send(session)
        session.outreach.track(outreach, report_id)
        _until(lambda: not session.outbox.items(), session)  # delivered, and then destroyed
        session.outreach.end(outreach)
        # Then neither the code nor its key is kept on the worker's phone
        assert session.followups.code_of(report_id) is None
        assert session.followups.codes_from_elsewhere() == []
    finally:
        van.lock()
    for path in (tmp_path / "van").rglob("*"):
        if path.is_file():
            assert code.encode() not in path.read_bytes(), path
    # When the organisation replies to the case, which came with the person's reply key
    case_id = _pull(org)
    assert _console(org, monkeypatch, "reply", case_id, "--kind", "question", "--text",
                    ANSWER, "--by", "Outreach lead") == 0
    # Then the person reads it on their own phone with the code they were shown
    own = _phone(tmp_path / "own", org)
    try:
        theirs = _session(own)
        theirs.followups.add_code(code)
        [held] = theirs.followups.codes_from_elsewhere()
        _until(lambda: bool(theirs.followups.replies_for_token(held.token)), theirs)
        [reply] = theirs.followups.replies_for_token(held.token)
        assert (reply.kind, reply.body) == ("question", ANSWER)
    finally:
        own.lock()


def test_the_console_refuses_a_reply_to_a_report_without_a_reply_key(
        organisation: Organisation, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    file_demo_report(organisation, demo_report())  # the demo files without a reply key
    with Casework.open(organisation.paths.casework, organisation.passphrase) as casework, \
            OrgRelayClient.connect(RelayClientConfig(organisation.relay_url),
                                   organisation.token) as client:
        [case_id] = pull(client, casework, load_report_key(organisation.paths,
                                                           organisation.passphrase)).stored
    code = _console(organisation, monkeypatch, "reply", case_id, "--kind", "question",
                    "--text", "Are you safe?", "--by", "Support worker")
    assert code != 0
    assert "without a reply key" in capsys.readouterr().err


def test_a_mistyped_code_is_refused_and_nothing_is_kept(organisation: Organisation,
                                                         tmp_path: Path) -> None:
    phone = _phone(tmp_path / "phone", organisation)
    try:
        with pytest.raises(FollowupError):
            _session(phone).followups.add_code("1234-5678")
        assert _session(phone).followups.codes_from_elsewhere() == []
    finally:
        phone.lock()


def _relay_rows(db_path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table in the relay's SQLite file."""
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {name: db.execute(f'SELECT * FROM "{name}"').fetchall()  # noqa: S608
                for name in names}


def _assert_unlinked(delivered: dict[str, list[tuple[object, ...]]],
                     after: dict[str, list[tuple[object, ...]]], keys: ReplyKeys) -> None:
    [reply_row] = after["replies"]
    others = [value for tables in (delivered, after) for name, rows in tables.items()
              if name != "replies" for row in rows for value in row if value is not None]
    # No value of the reply (id, token, sealed bytes) is stored with anything else; the
    # day may be the report's day, and that is all they share
    assert not {reply_row[0], reply_row[1], reply_row[2]} & set(others)
    for value in others:
        blob = value if isinstance(value, bytes) else str(value).encode()
        # The reply key and the token appear nowhere: the key travels sealed inside the
        # report, and the relay cannot open it
        assert keys.public_bytes not in blob
        assert keys.token.encode() not in blob
        # And no 32 bytes the relay stored hash to the mailbox token
        assert all(mailbox_token(blob[i:i + 32]) != keys.token
                   for i in range(max(1, len(blob) - 31)))
