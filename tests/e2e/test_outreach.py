"""Outreach mode in the browser: two sessions filed with nobody online, delivered when the
relay returns, and afterwards no trace of either report on the phone."""

from __future__ import annotations

import re
import sqlite3
import time

from app.vault.followups import FollowupStore
from app.vault.kdf import KdfParams
from app.vault.outbox import OutboxStore
from app.vault.reports import ReportStore
from app.vault.vault import Vault
from server_stub.demo import Organisation, RelayThread
from tests.e2e.conftest import AppProcess
from tests.e2e.driver import PhoneDriver
from tests.vault.markers import search

PASSCODE = "246810"
OUTREACH_PASSCODE = "van shift 2026"
MARKERS = ["QZXMARKER first person", "QZXMARKER second person"]


def _envelopes(org: Organisation) -> int:
    with sqlite3.connect(org.relay_db) as conn:
        return int(conn.execute("SELECT count(*) FROM envelopes").fetchone()[0])


def _file_with_someone(phone: PhoneDriver, story: str) -> str:
    """File one session's report; returns the receipt code the person was shown."""
    phone.tap("New report with someone")
    phone.type_into("Outreach passcode", OUTREACH_PASSCODE)
    phone.tap("Start the session")
    phone.file_short_report("Held against my will", area=("Coventry", "West Midlands Police"),
                            story=story, when="Yesterday")
    phone.wait_for_text("The report is sealed and will be sent when there is signal.")
    shown = re.search(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b",
                      phone.screen_text())
    assert shown is not None, "no receipt code was shown"
    phone.tap_until("End the session", shows="New report with someone")
    assert shown.group(0) not in phone.screen_text()
    return shown.group(0)


def test_outreach_sessions_leave_nothing_behind(
        phone: PhoneDriver, app_process: AppProcess,
        organisation: tuple[Organisation, RelayThread]) -> None:
    org, relay = organisation
    before = _envelopes(org)
    phone.first_run(PASSCODE)
    # Given outreach mode, turned on with a participating project's code
    phone.tap("Settings")
    phone.type_into("Organisation code", "REDPROJECT")
    phone.type_into("Outreach passcode", OUTREACH_PASSCODE)
    phone.tap("Turn on outreach mode")
    phone.wait_for_text("Outreach mode is on.", timeout=30)
    phone.tap("Back")
    # When two sessions are filed with the relay down
    relay.stop()
    try:
        codes = [_file_with_someone(phone, story) for story in MARKERS]
        assert len(set(codes)) == 2
        phone.wait_for_text("2 sealed reports are waiting for signal.")
        assert _envelopes(org) == before
    finally:
        relay.start()
    # Then both are delivered once the relay is back
    deadline = time.monotonic() + 90
    while _envelopes(org) < before + 2:
        assert time.monotonic() < deadline, "the reports never reached the relay"
        time.sleep(0.5)
    phone.wait_for_text("0 sealed reports are waiting for signal.", timeout=60)
    # And nothing of them is left on the phone: not in the vault, not in any file
    app_process.stop()
    vault = Vault(app_process.data_dir, params=KdfParams())
    vault.unlock(PASSCODE)
    try:
        assert ReportStore(vault).count() == 0
        assert OutboxStore(vault).items() == []
        assert FollowupStore(vault).all() == []  # the codes went home with the people
    finally:
        vault.lock()
    assert search([app_process.data_dir]) == []
    for path in app_process.data_dir.rglob("*"):
        if path.is_file():
            assert not any(code.encode() in path.read_bytes() for code in codes), path
