"""First run: language, passcode, an optional duress passcode, and the areas worked in."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.services.settings import Settings
from app.ui import widgets
from app.ui.area_picker import AreaPicker
from app.ui.screens.lock import language_picker
from app.ui.shell import Ui

MIN_PASSCODE = 6


class FirstRun:
    def __init__(self) -> None:
        self.areas: list[str] = []
        self.error: str | None = None

    def title(self, ui: Ui) -> str:
        return ui._("Welcome to Brolly")

    def build(self, ui: Ui) -> ft.Control:
        passcode = widgets.text_field(ui._("Passcode"), password=True)
        repeat = widgets.text_field(ui._("Repeat passcode"), password=True)
        # TRANSLATORS: a second passcode to type if someone forces you to open the app;
        # it opens an empty app and deletes what is stored.
        duress = widgets.text_field(ui._("Duress passcode (optional)"), password=True)
        strength = ft.Text(ui._("Use at least 6 characters. A few words are easy to remember "
                                "and hard to guess."))
        picker = AreaPicker(ui, ui.app.areas, self.areas,
                            on_change=lambda chosen: setattr(self, "areas", chosen))

        def rate(_event: Any) -> None:
            strength.value = _strength_text(ui, passcode.value or "")
            # Only the hint is redrawn: redrawing the field would fight the typing.
            strength.update()

        passcode.on_change = rate

        def start(_event: Any) -> None:
            problem = self._check(ui, passcode.value or "", repeat.value or "",
                                  duress.value or "")
            if problem is not None:
                self.error = problem
                ui.refresh()
                return
            settings = Settings(language=ui.language, areas=tuple(self.areas))
            code, duress_code = passcode.value or "", duress.value or None
            ui.run_slow(lambda: ui.app.create(code, settings, duress_code),
                        lambda _r: _created(ui), lambda exc: self._failed(ui, exc))

        relay = ui.app.config.relay_url
        return ft.Column([
            language_picker(ui),
            widgets.paragraph(ui._("Brolly keeps your reports locked on this phone. Choose a "
                                   "passcode to open it. Nobody can recover it for you, "
                                   "so keep it somewhere safe in your memory.")),
            passcode, strength, repeat,
            widgets.subheading(ui._("Duress passcode")),
            widgets.paragraph(ui._("If someone forces you to open Brolly, type this one "
                                   "instead. Brolly will quietly delete everything and open "
                                   "empty, as if it was new. Leave it blank if you don't "
                                   "want one.")),
            duress,
            widgets.subheading(ui._("Where you work")),
            widgets.paragraph(ui._("You will get warnings for these areas. You can change "
                                   "them later.")),
            picker.control,
            widgets.paragraph(ui._("Your reports go to: %(relay)s") % {
                "relay": relay or ui._("no relay set yet (reports wait on this phone)")},
                muted=True),
            *([widgets.banner(self.error, warning=True)] if self.error else []),
            widgets.primary(ui._("Start using Brolly"), start, icon=ft.Icons.ARROW_FORWARD),
        ], spacing=14, scroll=ft.ScrollMode.AUTO)

    def _check(self, ui: Ui, passcode: str, repeat: str, duress: str) -> str | None:
        if ui.app.trust is None:
            return ui._("This copy of Brolly is missing its organisation's key file. "
                        "Please install it again from your support project.")
        if len(passcode) < MIN_PASSCODE:
            return ui._("Your passcode needs at least 6 characters.")
        if passcode != repeat:
            return ui._("The two passcodes are different. Type them again.")
        if duress and duress == passcode:
            return ui._("The duress passcode must be different from your passcode.")
        return None

    def _failed(self, ui: Ui, exc: Exception) -> None:
        self.error = ui._("Brolly could not be set up. Nothing was saved; try again.")
        ui.refresh()


def _strength_text(ui: Ui, passcode: str) -> str:
    kinds = sum(any(test(c) for c in passcode) for test in (str.islower, str.isupper,
                                                            str.isdigit, str.isspace))
    if len(passcode) < MIN_PASSCODE:
        return ui._("Too short: use at least 6 characters.")
    if len(passcode) >= 12 or (len(passcode) >= 8 and kinds >= 3):
        return ui._("Strong passcode.")
    return ui._("OK. Longer is safer: a few words work well.")


def _created(ui: Ui) -> None:
    from app.ui.screens.home import Home

    ui.touch()
    ui.reset(Home())
