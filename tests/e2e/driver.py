"""Driving the Flet web app in Chromium through its accessibility tree, as a screen
reader would: controls are found by role and accessible name.

Names and texts are given in English, the source language, and looked up through the
app's own catalogue, so the same journey runs in any language the app speaks."""

from __future__ import annotations

import contextlib
import re
import time

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from app import i18n
from app.ui import languages

VIEWPORT = {"width": 412, "height": 915}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--enable-unsafe-swiftshader"]
# Records what the app asks the browser to open (tel:, sms:, https:) instead of opening it.
RECORD_OPENED = """
  window.__opened = [];
  window.open = function (url) { window.__opened.push(String(url)); return null; };
"""


class PhoneDriver:
    def __init__(self, page: Page, url: str, language: str = "en") -> None:
        self.page = page
        self.url = url
        self.language = language
        self._catalogue = i18n.translation(language)

    def t(self, message: str, **params: object) -> str:
        """``message`` as the app shows it in the driver's language."""
        text = self._catalogue.gettext(message)
        return text % params if params else text

    def tn(self, singular: str, plural: str, n: int, **params: object) -> str:
        return self._catalogue.ngettext(singular, plural, n) % {"count": n, **params}

    def part_of(self, message: str) -> str:
        """The longest fixed part of the translated ``message``, to spot a sentence that
        carries a value the test does not know (a date, an age)."""
        parts = re.split(r"%\(\w+\)[sd]", self.t(message))
        return max((p.strip() for p in parts), key=len)

    def area(self, town: str, force: str) -> str:
        """An area's name in the picker: "Birmingham (West Midlands Police)"."""
        return self.t("%(town)s (%(area)s)", town=self.t(town), area=self.t(force))

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
        pattern = re.compile("^" + re.escape(self.t(name)) + r"(\n.*)?$", re.DOTALL)
        return self.page.get_by_role(role, name=pattern)  # type: ignore[arg-type]

    def tap(self, name: str, *, role: str = "button", timeout: float = 20.0) -> None:
        self._click(role, name, timeout)

    def tap_until(self, name: str, shows: str, *, shows_role: str = "button",
                  timeout: float = 30.0) -> None:
        """Tap, and tap again while the screen has not moved on: a banner that appears
        between finding a button and clicking it moves the button from under the click."""
        deadline = time.monotonic() + timeout
        while True:
            if self.has("button", name):
                self.tap(name)
            settle = time.monotonic() + 5
            while time.monotonic() < settle:
                if self.has(shows_role, shows):
                    return
                time.sleep(0.25)
            if time.monotonic() > deadline:
                self.page.screenshot(path="/tmp/e2e-failure.png")
                raise AssertionError(f"tapping {name!r} never led to {shows!r}")

    def _click(self, role: str, name: str, timeout: float = 20.0) -> None:
        # The accessibility tree is rebuilt as Flutter redraws, so a control found a
        # moment ago may be a new element now: find it again and retry.
        for _ in range(6):
            try:
                self.find(role, name, timeout=timeout).click(timeout=3000)
                return
            except PlaywrightTimeoutError:
                time.sleep(0.3)
        self.page.screenshot(path="/tmp/e2e-failure.png")
        found = self._named(role, name)
        state = [e.evaluate("e => e.outerHTML.slice(0, 300)") for e in found.all()]
        raise AssertionError(f"could not tap the {role} named {name!r}: {state}; the screen "
                             f"reads: {self.screen_text()[:600]}")

    def type_into(self, name: str, text: str) -> None:
        """Replace the text of a field, checking that every keystroke arrived."""
        for _ in range(4):
            self._focus(name)
            self.page.keyboard.press("Control+A")
            self.page.keyboard.press("Backspace")
            self.page.keyboard.type(text, delay=25)
            try:  # a busy machine may take a while to apply every keystroke
                self.page.wait_for_function(
                    "t => document.activeElement && document.activeElement.value === t",
                    arg=text, timeout=3000)
                return
            except PlaywrightTimeoutError:
                continue
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
                    arg=self.t(name), timeout=700)
                return
            except PlaywrightTimeoutError:  # Flutter moved the field: click it again
                continue
        self.page.screenshot(path="/tmp/e2e-failure.png")
        active = self.page.evaluate("() => document.activeElement.outerHTML")
        raise AssertionError(f"the field {name!r} never took the focus ({active[:200]})")

    def text_shown(self, text: str) -> bool:
        """Whether the accessibility tree carries this text (as text or as a label)."""
        return self.t(text) in self.screen_text()

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
                raise AssertionError(f"the text {text!r} never appeared; the screen reads: "
                                     f"{self.screen_text()[:800]}")
            time.sleep(0.2)

    def unnamed_controls(self) -> list[str]:
        """Controls a screen reader could not name: what it would say instead is nothing."""
        return list(self.page.evaluate("""() => {
            const roles = ['button', 'textbox', 'checkbox', 'radio', 'switch', 'slider', 'link'];
            const host = document.querySelector('flt-semantics-host');
            if (!host) { return ['no accessibility tree']; }
            return [...host.querySelectorAll('[role]')]
                .filter(e => roles.includes(e.getAttribute('role')))
                .filter(e => !(e.getAttribute('aria-label') || e.innerText || '').trim())
                .map(e => e.getAttribute('role') + ' ' + e.outerHTML.slice(0, 120));
        }"""))

    def small_controls(self) -> list[str]:
        """Controls too small for a finger: buttons and links under 48 pixels either way;
        check boxes, radio buttons and switches (whose label is part of the target, so
        they are wide) under 40 pixels high, Flutter's least in a browser."""
        return list(self.page.evaluate("""() => {
            const least = {button: [48, 48], link: [48, 48], checkbox: [40, 48],
                           radio: [40, 48], switch: [40, 48]};
            const host = document.querySelector('flt-semantics-host');
            return [...host.querySelectorAll('[role]')]
                .filter(e => e.getAttribute('role') in least)
                .filter(e => { const r = e.getBoundingClientRect();
                               const [h, w] = least[e.getAttribute('role')];
                               // one cut off by the bottom of the scrolling view
                               // shows only its visible part there
                               const edge = window.innerHeight - 10;
                               const whole = !(r.top < edge + 10 && r.bottom > edge);
                               return r.width > 0 && whole
                                      && (r.height < h - 0.5 || r.width < w - 0.5); })
                .map(e => (e.getAttribute('aria-label') || e.innerText) + ' '
                     + Math.round(e.getBoundingClientRect().width) + 'x'
                     + Math.round(e.getBoundingClientRect().height));
        }"""))

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
                  area: tuple[str, str] = ("Birmingham", "West Midlands Police"),
                  duress: str = "") -> None:
        if self.language != "en":
            self.choose_language(self.language)
        self.find("button", "Start using Brolly", timeout=60)
        self.type_into("Passcode", passcode)
        self.type_into("Repeat passcode", passcode)
        if duress:
            self.type_into("Duress passcode (optional)", duress)
        self.pick_area(area_search, self.area(*area))
        self.tap("Start using Brolly")
        self.find("button", "Report a bad date", timeout=60)

    def pick_area(self, search: str, name: str) -> None:
        """Search, tap the result, and check that it was chosen (as a person would see)."""
        for _ in range(3):
            self.type_into("Search for a town or area", search)
            try:
                self.tap(name, timeout=8)
            except AssertionError:  # the list did not show it: search again
                continue
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                if self.has("button", self.t("Remove %(area)s", area=name)):
                    return
                time.sleep(0.2)
        raise AssertionError(f"could not choose the area {name!r}")

    def file_short_report(self, what: str = "Robbery or theft", *,
                          area: tuple[str, str] = ("Birmingham", "West Midlands Police"),
                          story: str = "", when: str = "Today") -> None:
        """The least a report needs, from the wizard's first step to Send."""
        self.tick(what)
        if story:
            self.type_into("Tell us what happened (optional)", story)
        self.next_step()
        self.tap(when)
        self.pick_area(area[0][:4], self.area(*area))
        for _ in range(4):
            self.next_step()
        self.send_report()

    def next_step(self) -> None:
        """Tap Next and see the step counter move on: a redraw can swallow a tap."""
        before = self._step_shown()
        for _ in range(4):
            with contextlib.suppress(AssertionError):
                self.tap("Next", timeout=5)
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline:
                if self._step_shown() > before:
                    return
                time.sleep(0.2)
        raise AssertionError(f"Next never left step {before}: {self.screen_text()[:300]}")

    def _step_shown(self) -> int:
        pattern = re.escape(self.t("Step %(step)d of %(total)d", step=999, total=998))
        pattern = pattern.replace("999", r"(\d+)").replace("998", r"\d+")
        found = re.search(pattern, self.screen_text())
        return int(found.group(1)) if found else 0

    def tick(self, name: str) -> None:
        """Tick a check box and see that it is ticked: a redraw can swallow a tap."""
        for _ in range(4):
            if self.find("checkbox", name).get_attribute("aria-checked") == "true":
                return
            self.tap(name, role="checkbox")
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                if self._named("checkbox", name).first.get_attribute("aria-checked") == "true":
                    return
                time.sleep(0.2)
        raise AssertionError(f"the check box {name!r} would not stay ticked")

    def choose_language(self, code: str) -> None:
        """Tap the language, named in itself, and wait until the screen speaks it."""
        self.language = code
        self._catalogue = i18n.translation(code)
        heading = self.t("Language")
        deadline = time.monotonic() + 30
        while heading not in self.screen_text():
            if time.monotonic() > deadline:
                raise AssertionError(f"the screen never switched to {code}")
            if self.has("button", languages.own_name(code)):
                with contextlib.suppress(AssertionError):
                    self.tap(languages.own_name(code), timeout=3)
            time.sleep(0.5)

    def send_report(self) -> None:
        """Tap Send on the review step, saying what the form still lacks if it cannot."""
        self.find("button", "Send report")  # the review step is on the screen
        if self.text_shown("Some things need fixing before this can be sent"):
            raise AssertionError(f"the report is not ready: {self.screen_text()[:600]}")
        self.tap("Send report")

    def unlock(self, passcode: str) -> None:
        self.type_into("Passcode", passcode)
        self.tap("Unlock")
