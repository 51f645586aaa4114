"""Driving the Flet web app in Chromium through its accessibility tree, as a screen
reader would: controls are found by role and accessible name."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

VIEWPORT = {"width": 412, "height": 915}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--enable-unsafe-swiftshader"]
# Records what the app asks the browser to open (tel:, sms:, https:) instead of opening it.
RECORD_OPENED = """
  window.__opened = [];
  window.open = function (url) { window.__opened.push(String(url)); return null; };
"""


class PhoneDriver:
    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url

    def open(self) -> None:
        self.page.add_init_script(RECORD_OPENED)
        self.page.goto(self.url)
        self.page.wait_for_selector("flt-semantics-placeholder", state="attached",
                                    timeout=60_000)
        # Flutter draws on a canvas; this turns its accessibility tree on.
        self.page.locator("flt-semantics-placeholder").evaluate("e => e.click()")

    def find(self, role: str, name: str, *, timeout: float = 20.0) -> Locator:
        """The control with this role and exact name, scrolling the app to find it."""
        locator = self._named(role, name)
        deadline = time.monotonic() + timeout
        wheel = 400
        turns = 0
        while True:
            if locator.count() > 0:
                return self._centre(locator.first)
            if time.monotonic() > deadline:
                self.page.screenshot(path="/tmp/e2e-failure.png")
                names = [e.get_attribute("aria-label") or e.inner_text() for e in
                         self.page.get_by_role(role).all()]  # type: ignore[arg-type]
                raise AssertionError(f"no {role} named {name!r} on the screen: {names}")
            turns += 1
            if turns % 10 == 0:
                wheel = -wheel
            self.page.mouse.move(200, 500)
            self.page.mouse.wheel(0, wheel)
            time.sleep(0.25)

    def has(self, role: str, name: str) -> bool:
        return self._named(role, name).count() > 0

    def _named(self, role: str, name: str) -> Locator:
        # A focused field's name also carries its hint ("Label\nFor example: ..."),
        # so match the label exactly, with or without a hint line after it.
        pattern = re.compile("^" + re.escape(name) + r"(\n.*)?$", re.DOTALL)
        return self.page.get_by_role(role, name=pattern)  # type: ignore[arg-type]

    def tap(self, name: str, *, role: str = "button", timeout: float = 20.0) -> None:
        self._click(role, name, timeout)

    def _click(self, role: str, name: str, timeout: float = 20.0) -> None:
        # The accessibility tree is rebuilt as Flutter redraws, so a control found a
        # moment ago may be a new element now: find it again and retry.
        for _ in range(6):
            try:
                self.find(role, name, timeout=timeout).click(timeout=3000)
                return
            except PlaywrightTimeoutError:
                time.sleep(0.3)
        raise AssertionError(f"could not tap the {role} named {name!r}")

    def type_into(self, name: str, text: str) -> None:
        """Replace the text of a field, checking that every keystroke arrived."""
        for _ in range(4):
            self._focus(name)
            self.page.keyboard.press("Control+A")
            self.page.keyboard.press("Backspace")
            self.page.keyboard.type(text, delay=25)
            time.sleep(0.2)
            if self.page.evaluate("() => document.activeElement.value") == text:
                return
        raise AssertionError(f"could not type into the field {name!r}")

    def _focus(self, name: str) -> None:
        for _ in range(8):
            self._click("textbox", name)
            try:
                # Either the field itself, or Flutter's own editing element, which it
                # puts in the field's place while it edits.
                self.page.wait_for_function(
                    "n => { const e = document.activeElement; if (!e) { return false; }"
                    " if (e.classList.contains('flt-text-editing')) { return true; }"
                    " return (e.getAttribute('aria-label') || '').split('\\n')[0] === n; }",
                    arg=name, timeout=700)
                return
            except PlaywrightTimeoutError:  # Flutter moved the field: click it again
                continue
        self.page.screenshot(path="/tmp/e2e-failure.png")
        active = self.page.evaluate("() => document.activeElement.outerHTML")
        raise AssertionError(f"the field {name!r} never took the focus ({active[:200]})")

    def text_shown(self, text: str) -> bool:
        """Whether the accessibility tree carries this text (as text or as a label)."""
        return text in self.screen_text()

    def screen_text(self) -> str:
        return " ".join(str(self.page.evaluate("""() => {
            const host = document.querySelector('flt-semantics-host');
            if (!host) { return ''; }
            const labels = [...host.querySelectorAll('[aria-label]')]
                .map(e => e.getAttribute('aria-label'));
            return host.innerText + ' ' + labels.join(' ');
        }""")).split())

    def wait_for_text(self, text: str, *, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.text_shown(text):
            if time.monotonic() > deadline:
                self.page.screenshot(path="/tmp/e2e-failure.png")
                raise AssertionError(f"the text {text!r} never appeared")
            time.sleep(0.2)

    def opened_urls(self) -> list[str]:
        return list(self.page.evaluate("() => window.__opened"))

    def screenshot(self, path: str) -> None:
        self.page.screenshot(path=path)

    def _centre(self, locator: Locator) -> Locator:
        # Focusing a field near an edge makes Flutter scroll, and the keystrokes can then
        # land in its neighbour: bring the control to the middle of the screen first.
        for _ in range(5):
            box = locator.bounding_box()
            if box is None or 90 < box["y"] and box["y"] + box["height"] < 880:
                return locator
            self.page.mouse.move(200, 500)
            self.page.mouse.wheel(0, box["y"] - 400)
            time.sleep(0.3)
        return locator

    # --- journeys' common steps ------------------------------------------------------------

    def first_run(self, passcode: str, *, area_search: str = "Birm",
                  area: str = "Birmingham (West Midlands Police)", duress: str = "") -> None:
        self.find("button", "Start using Brolly", timeout=60)
        self.type_into("Passcode", passcode)
        self.type_into("Repeat passcode", passcode)
        if duress:
            self.type_into("Duress passcode (optional)", duress)
        self.pick_area(area_search, area)
        self.tap("Start using Brolly")
        self.find("button", "Report a bad date", timeout=60)

    def pick_area(self, search: str, name: str) -> None:
        """Search, tap the result, and check that it was chosen (as a person would see)."""
        for _ in range(3):
            self.type_into("Search for a town or area", search)
            self.tap(name)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                if self.has("button", f"Remove {name}"):
                    return
                time.sleep(0.2)
        raise AssertionError(f"could not choose the area {name!r}")

    def send_report(self) -> None:
        """Tap Send on the review step, saying what the form still lacks if it cannot."""
        if self.text_shown("Some things need fixing before this can be sent"):
            raise AssertionError(f"the report is not ready: {self.screen_text()[:600]}")
        self.tap("Send report")

    def unlock(self, passcode: str) -> None:
        self.type_into("Passcode", passcode)
        self.tap("Unlock")
