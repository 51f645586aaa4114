"""A reply from the organisation, in the browser: on the phone that sent the report, and
on a new phone where only the receipt code is typed in."""

from __future__ import annotations

import io
import re
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from app.vault.kdf import KdfParams
from server_stub.console.casework import Casework
from server_stub.console.cli import main as console
from server_stub.console.keys import load_report_key
from server_stub.console.pull import pull
from server_stub.console.relay_client import OrgRelayClient, RelayClientConfig
from server_stub.demo import Organisation, RelayThread
from tests.e2e.conftest import AppProcess
from tests.e2e.driver import VIEWPORT, PhoneDriver

PASSCODE = "246810"
ANSWER = "We are here for you. Call us and we can meet this week."


def _reply_to_newest(org: Organisation, monkeypatch: pytest.MonkeyPatch) -> None:
    deadline = time.monotonic() + 60
    with Casework.open(org.paths.casework, org.passphrase) as casework, \
            OrgRelayClient.connect(RelayClientConfig(org.relay_url), org.token) as client:
        stored: tuple[str, ...] = ()
        while not stored:
            assert time.monotonic() < deadline, "the report never reached the relay"
            stored = pull(client, casework, load_report_key(org.paths, org.passphrase)).stored
            time.sleep(0.5)
    monkeypatch.setattr(sys, "stdin", io.StringIO(org.passphrase + "\n"))
    monkeypatch.setenv("BROLLY_CONSOLE_DIR", str(org.paths.base))
    monkeypatch.setenv("BROLLY_RELAY_URL", org.relay_url)
    monkeypatch.setenv("BROLLY_ORG_TOKEN", str(org.token))
    assert console(["console", "reply", stored[-1], "--kind", "support_offered", "--text",
                    ANSWER, "--by", "Support worker"], kdf=KdfParams.insecure_fast()) == 0


def test_a_reply_shows_under_my_reports_and_on_another_phone_with_the_code(
        phone: PhoneDriver, browser: Browser, tmp_path: Path,
        organisation: tuple[Organisation, RelayThread],
        monkeypatch: pytest.MonkeyPatch) -> None:
    org, _relay = organisation
    # Given a report sent from this phone, and its receipt code shown
    phone.first_run(PASSCODE)
    phone.tap("Report a bad date")
    phone.file_short_report()
    phone.wait_for_text("Thank you. Your report is locked and on its way.")
    shown = re.search(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", phone.screen_text())
    assert shown is not None
    code = shown.group(0)
    # When the organisation replies
    _reply_to_newest(org, monkeypatch)
    # Then My reports shows the reply with the report's receipt code
    phone.tap("My reports")
    phone.wait_for_text(ANSWER, timeout=60)
    assert code in phone.screen_text()
    # And someone on another phone, with only the code, reads it too
    other_app = AppProcess(tmp_path / "other-phone", org)
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    try:
        other = PhoneDriver(context.new_page(), other_app.url)
        other.open()
        other.first_run("135790")
        other.tap("My reports")
        other.tap("Enter a receipt code")
        other.type_into("Receipt code", code.lower())
        other.tap("Check for replies")
        other.wait_for_text(ANSWER, timeout=60)
        # And the reply is marked new, and every control there has a name
        assert "New: " in other.screen_text()
        assert other.unnamed_controls() == []
        # And the person can take the code and its replies off that phone again
        other.tap("Remove this code from this phone")
        other.tap("Remove it")
        deadline = time.monotonic() + 30
        while other.text_shown(ANSWER):
            assert time.monotonic() < deadline, "the reply stayed after the code was removed"
            time.sleep(0.2)
        assert code not in other.screen_text()
    finally:
        context.close()
        other_app.stop()
