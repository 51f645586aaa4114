"""What a person waits for in the app: `brolly app` (the real app, real Argon2id, a real
relay on 127.0.0.1) in headless Chromium.

Both times are taken by the page's own clock, checked every animation frame, so they do
not depend on how often the test driver looks:
- opening: from navigation start to the lock screen's Unlock button being on the screen
  and tappable (present in the accessibility tree), in a fresh browser context each time,
  so the app's files are fetched afresh;
- sending: from the pointer going down on "Send report" to the thank-you screen, which
  the app shows once the sealed report is committed to the outbox in the vault.
The first run goes through first-run set-up instead of the lock screen.
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from app.vault.kdf import KdfParams
from bench.harness import Figure, median
from server_stub.demo import Organisation, make_organisation
from tests.e2e.conftest import CHROMIUM, AppProcess
from tests.e2e.driver import CHROMIUM_ARGS, VIEWPORT, PhoneDriver
from tests.sync.faults.relay_process import free_port

PASSCODE = "246810"
THANKS = "Thank you. Your report is locked and on its way."
TARGET_OPEN_S = 3.0
TARGET_SEND_S = 1.0

RECORD_TAPS = """
  window.__tapAt = null;
  const recordTap = () => { if (window.__tapAt === null) { window.__tapAt = performance.now(); } };
  window.addEventListener('pointerdown', recordTap, true);
  window.addEventListener('click', recordTap, true);
"""
# A named button in Flutter's accessibility tree; the time it was first seen.
BUTTON_SHOWN = """name => {
  const host = document.querySelector('flt-semantics-host');
  if (!host) { return false; }
  for (const e of host.querySelectorAll('[role="button"]')) {
    const label = (e.getAttribute('aria-label') || e.innerText || '').split('\\n')[0].trim();
    if (label === name) { return performance.now(); }
  }
  return false;
}"""
# Milliseconds from the recorded tap to the text being on the screen.
TEXT_SINCE_TAP = """text => {
  const host = document.querySelector('flt-semantics-host');
  if (!host || window.__tapAt === null) { return false; }
  const labels = [...host.querySelectorAll('[aria-label]')].map(e => e.getAttribute('aria-label'));
  const shown = (host.innerText + ' ' + labels.join(' ')).split(/\\s+/).join(' ');
  return shown.includes(text) ? performance.now() - window.__tapAt : false;
}"""


class _App(AppProcess):
    """`brolly app` in a child process, stopped even when it fails to start."""

    def __init__(self, data_dir: Path, org: Organisation) -> None:
        try:
            super().__init__(data_dir, org)
        except BaseException:
            if getattr(self, "process", None) is not None:
                self.stop()
            raise


class TimedPhone(PhoneDriver):
    """The browser tests' driver, with the tap on Send recorded by the page."""

    def send_report(self) -> None:
        self.page.evaluate("() => { window.__tapAt = null; }")
        super().send_report()

    def seconds_to_text(self, text: str) -> float:
        found = self.page.wait_for_function(TEXT_SINCE_TAP, arg=self.t(text),
                                            polling="raf", timeout=60_000)
        return float(found.json_value()) / 1000


def _open_until_lock_screen(page: Page, phone: PhoneDriver) -> float:
    """Seconds from navigation start until Unlock can be tapped."""
    phone.open()
    shown = page.wait_for_function(BUTTON_SHOWN, arg=phone.t("Unlock"), polling="raf",
                                   timeout=60_000)
    return float(shown.json_value()) / 1000


def timings(runs: int) -> list[Figure]:
    opened: list[float] = []
    queued: list[float] = []
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as stack:
        base = Path(scratch)
        org, relay = make_organisation(base / "org", free_port(), kdf=KdfParams.insecure_fast())
        relay.start()
        stack.callback(relay.stop)
        app = _App(base / "phone", org)
        stack.callback(app.stop)
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        for run in range(runs + 1):
            context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
            try:
                page = context.new_page()
                page.add_init_script(RECORD_TAPS)
                phone = TimedPhone(page, app.url)
                if run == 0:
                    phone.open()
                    phone.first_run(PASSCODE)
                else:
                    opened.append(_open_until_lock_screen(page, phone))
                    phone.unlock(PASSCODE)
                phone.tap("Report a bad date", timeout=60)
                phone.file_short_report()
                queued.append(phone.seconds_to_text(THANKS))
            finally:
                context.close()
    open_s, send_s = median(opened), median(queued)
    return [
        Figure("app_open", "App: page opened -> lock screen ready", open_s, "s",
               target=f"< {TARGET_OPEN_S:g} s*", met=open_s < TARGET_OPEN_S,
               notes={"samples": opened}),
        Figure("app_send", "App: tap Send -> report queued", send_s, "s",
               target=f"< {TARGET_SEND_S:g} s*", met=send_s < TARGET_SEND_S,
               notes={"samples": queued, "first_run_included": True}),
    ]
