"""The journeys a sex worker takes through the app, in a real browser against the real
app, vault and relay."""

from __future__ import annotations

import contextlib
import sqlite3
import time

import pytest

from server_stub.demo import DEMO_PHONE, Organisation, RelayThread
from tests.e2e.conftest import AppProcess
from tests.e2e.driver import PhoneDriver

PASSCODE = "246810"
# The main journeys are also walked in two other languages, one in another script.
LANGUAGES = ["en", "ro", "zh_Hans"]


def _relay_envelopes(org: Organisation) -> int:
    with sqlite3.connect(org.relay_db) as conn:
        return int(conn.execute("SELECT count(*) FROM envelopes").fetchone()[0])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_report_filed_while_the_relay_is_down_is_sent_when_it_returns(
        phone: PhoneDriver, organisation: tuple[Organisation, RelayThread]) -> None:
    org, relay = organisation
    before = _relay_envelopes(org)
    relay.stop()
    try:
        # Given a new phone, set up with a passcode, and a relay that cannot be reached
        phone.first_run(PASSCODE)
        # When a full report is filed, step by step
        phone.tap("Report a bad date")
        phone.tick("Robbery or theft")
        phone.tick("Threats or intimidation")
        phone.type_into("Tell us what happened (optional)", "He took the money back.")
        phone.next_step()
        phone.tap("Today")
        phone.pick_area("Birm", phone.area("Birmingham", "West Midlands Police"))
        phone.tap("Hotel", role="radio")
        phone.next_step()
        phone.type_into("How many people?", "1")
        phone.next_step()
        phone.type_into("Phone numbers they used (one per line)", "07700 900555")
        phone.type_into("Number plate (even part of it)", "XY12 ZZZ")
        phone.next_step()
        phone.next_step()
        phone.send_report()
        # Then it is queued and the app says it will go when it can
        phone.wait_for_text("Thank you. Your report is locked and on its way.")
        phone.tap("My reports")
        phone.wait_for_text("Waiting to be sent. It will go when there is a connection.")
        assert _relay_envelopes(org) == before
    finally:
        relay.start()
    # When the relay is back (and the user asks to try now, unless it already went),
    # Then the report is delivered and shown as sent
    deadline = time.monotonic() + 60
    while _relay_envelopes(org) < before + 1:
        assert time.monotonic() < deadline, "the report never reached the relay"
        if phone.has("button", "Try sending now"):
            with contextlib.suppress(AssertionError):  # it may go before the tap lands
                phone.tap("Try sending now", timeout=2)
        time.sleep(0.5)
    phone.wait_for_text(phone.part_of("Sent. Receipt %(id)s, received %(day)s."), timeout=30)
    assert _relay_envelopes(org) == before + 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_checking_a_number_with_and_without_a_warning(phone: PhoneDriver) -> None:
    phone.first_run(PASSCODE)
    # The warnings for the chosen area arrive in the background after set-up
    phone.wait_for_text(phone.part_of("Warnings last updated %(age)s."), timeout=60)
    phone.tap("Check a number")
    # A number in a published warning, typed the way people type it
    phone.type_into("Phone number, number plate, email or username", DEMO_PHONE)
    phone.tap("Check")
    warning = phone.tn("Warning: %(count)d report matches this.",
                       "Warning: %(count)d reports match this.", 1)
    phone.wait_for_text(warning)
    # And one that is in no warning
    phone.tap("Back")
    phone.tap("Check a number")
    phone.type_into("Phone number, number plate, email or username", "07700 900999")
    phone.tap("Check")
    phone.wait_for_text(phone.part_of("No warning found (data from %(date)s)."), timeout=30)
    assert not phone.text_shown(warning)


def test_quick_exit_shows_a_calculator_and_only_the_passcode_gets_back(
        phone: PhoneDriver) -> None:
    phone.first_run(PASSCODE)
    # When Quick exit is pressed
    phone.tap("Quick exit")
    # Then a working calculator is shown, and nothing of Brolly
    phone.find("button", "=")
    assert phone.page.title() == "Calculator"
    assert not phone.has("button", "Report a bad date")
    for key in ["1", "2", "+", "3", "="]:
        phone.tap(key)
    phone.wait_for_text("15")
    # A wrong code on the keypad stays on the calculator
    for key in ["C", "9", "9", "9", "9", "="]:
        phone.tap(key)
    time.sleep(2)
    assert not phone.has("button", "Report a bad date")
    # The passcode typed on the keypad brings Brolly back
    for key in ["C", *PASSCODE, "="]:
        phone.tap(key)
    phone.find("button", "Report a bad date", timeout=30)


def test_escape_is_a_quick_exit_too(phone: PhoneDriver) -> None:
    phone.first_run(PASSCODE)
    phone.page.keyboard.press("Escape")
    phone.find("button", "=")
    assert not phone.has("button", "Report a bad date")


def test_a_wrong_passcode_shows_the_delay(phone: PhoneDriver, app_process: AppProcess) -> None:
    phone.first_run(PASSCODE)
    phone.page.reload()
    phone.open()
    for _ in range(3):
        phone.unlock("000000")
        time.sleep(1.5)
    phone.wait_for_text("Wait 5 seconds before trying again", timeout=30)
    time.sleep(5)
    phone.unlock(PASSCODE)
    phone.find("button", "Report a bad date", timeout=30)


def test_the_duress_passcode_opens_an_empty_app(phone: PhoneDriver) -> None:
    phone.first_run(PASSCODE, duress="135790")
    phone.tap("Report a bad date")
    phone.tick("Robbery or theft")
    phone.tap("Save draft and close")
    phone.tap("My reports")
    phone.wait_for_text("Draft: not sent yet.")
    phone.tap("Quick exit")
    for key in ["1", "3", "5", "7", "9", "0", "="]:
        phone.tap(key)
    phone.find("button", "Report a bad date", timeout=30)
    phone.tap("My reports")
    phone.wait_for_text("You have no reports on this phone.")


def test_support_services_call_the_red_project(phone: PhoneDriver) -> None:
    phone.first_run(PASSCODE)
    phone.tap("Support services")
    phone.tap("Call The Red Project (Phone: 0121 643 0301)")
    deadline = time.monotonic() + 10
    while "tel:+441216430301" not in phone.opened_urls():
        assert time.monotonic() < deadline, phone.opened_urls()
        time.sleep(0.2)
