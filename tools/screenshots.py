"""Regenerate docs/screenshots/: each main screen at phone size (412x915), in the real app
against a throwaway organisation and relay. Run with `make screenshots`."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from app.vault.kdf import KdfParams
from server_stub.demo import (
    DEMO_PHONE,
    demo_report,
    file_demo_report,
    make_organisation,
    review_and_publish,
)
from tests.e2e.conftest import CHROMIUM, AppProcess
from tests.e2e.driver import CHROMIUM_ARGS, VIEWPORT, PhoneDriver
from tests.sync.faults.relay_process import free_port

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSCODE = "246810"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        org, relay = make_organisation(base / "org", free_port(), kdf=KdfParams.insecure_fast())
        relay.start()
        app = None
        try:
            file_demo_report(org, demo_report())
            review_and_publish(org)
            app = AppProcess(base / "phone", org)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                     args=CHROMIUM_ARGS)
                page = browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
                _tour(PhoneDriver(page, app.url))
                browser.close()
        finally:
            if app is not None:
                app.stop()
            relay.stop()
    print(f"screenshots written to {OUT}")
    return 0


def _tour(phone: PhoneDriver) -> None:
    phone.open()
    phone.find("button", "Start using Brolly", timeout=60)
    _shot(phone, "01-first-run")
    phone.first_run(PASSCODE)
    phone.wait_for_text("Warnings last updated", timeout=60)
    _shot(phone, "02-home")
    phone.tap("Report a bad date")
    phone.tick("Robbery or theft")
    _shot(phone, "03-report-what-happened")
    phone.tap("Back")
    phone.tap("Check a number")
    phone.type_into("Phone number, number plate, email or username", DEMO_PHONE)
    phone.tap("Check")
    phone.wait_for_text("Warning: 1 report matches this.")
    _shot(phone, "04-check-warning")
    phone.tap("Back")
    phone.tap("Support services")
    _shot(phone, "05-support-services")
    phone.tap("Back")
    phone.tap("Alerts")
    _shot(phone, "06-alerts")
    phone.tap("Back")
    phone.tap("My reports")
    _shot(phone, "07-my-reports")
    phone.tap("Back")
    phone.tap("Settings")
    _shot(phone, "08-settings")
    phone.tap("Back")
    phone.tap("About and your rights")
    _shot(phone, "09-about")
    phone.tap("Quick exit")
    phone.find("button", "=")
    _shot(phone, "10-quick-exit-calculator")
    phone.find("button", "=").click(delay=1200)  # press and hold "=": the lock screen
    phone.find("button", "Unlock", timeout=60)
    _shot(phone, "11-lock")


def _shot(phone: PhoneDriver, name: str) -> None:
    time.sleep(0.8)  # let Flutter finish drawing
    phone.screenshot(str(OUT / f"{name}.png"))


if __name__ == "__main__":
    sys.exit(main())
