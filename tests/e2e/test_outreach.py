"""Outreach mode in the browser: two sessions filed with nobody online, delivered when the
relay returns, and afterwards no trace of either report on the phone."""

from __future__ import annotations

import sqlite3
import time

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


def _file_with_someone(phone: PhoneDriver, story: str) -> None:
    phone.tap("New report with someone")
    phone.type_into("Outreach passcode", OUTREACH_PASSCODE)
    phone.tap("Start the session")
    phone.tap("Held against my will", role="checkbox")
    phone.type_into("Tell us what happened (optional)", story)
    phone.tap("Next")
    phone.tap("Yesterday")
    phone.pick_area("Coven", "Coventry (West Midlands Police)")
    for _ in range(4):
        phone.tap("Next")
    phone.send_report()
    phone.wait_for_text("The report is sealed and will be sent when there is signal.")
    phone.tap("End the session")
    phone.find("button", "New report with someone", timeout=30)


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
        for story in MARKERS:
            _file_with_someone(phone, story)
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
    finally:
        vault.lock()
    assert search([app_process.data_dir]) == []
