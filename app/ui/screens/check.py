"""Check a number, plate, email or handle against the warnings on this phone."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.services.alerts import CheckResult
from app.ui import format as fmt
from app.ui import widgets
from app.ui.screens.alert_views import alert_tile, freshness_banner
from app.ui.shell import Ui


class CheckScreen:
    def __init__(self) -> None:
        self.result: CheckResult | None = None
        self.query = ""

    def title(self, ui: Ui) -> str:
        return ui._("Check a number")

    def build(self, ui: Ui) -> ft.Control:
        box = widgets.text_field(ui._("Phone number, number plate, email or username"),
                                 self.query, autofocus=True)

        def check(_event: Any) -> None:
            self.query = (box.value or "").strip()
            if not self.query:
                box.error = ui._("Type what you want to check.")
                ui.page.update()
                return
            session = ui.session
            self.result = session.alerts.check(self.query, session.regions(),
                                               session.settings.load().phone_region)
            ui.refresh()

        box.on_submit = check
        return ft.Column([
            widgets.paragraph(ui._("The check happens on this phone. Nobody else learns what "
                                   "you checked.")),
            box, widgets.primary(ui._("Check"), check, icon=ft.Icons.SEARCH),
            *self._answer(ui),
        ], spacing=14, scroll=ft.ScrollMode.AUTO)

    def _answer(self, ui: Ui) -> list[ft.Control]:
        result = self.result
        if result is None:
            return []
        age = fmt.data_age(ui, result.freshness.data_as_of)
        if result.found:
            count = len(result.matches)
            warning = ui.ngettext("Warning: %(count)d report matches this.",
                                  "Warning: %(count)d reports match this.", count) % {
                "count": count}
            tiles = [alert_tile(ui, m.alert) for m in result.matches]
            partial = [widgets.paragraph(ui._("Some matches are partial (part of a number "
                                              "plate, or a number without its country "
                                              "code). Look closely."))] if any(
                not m.exact for m in result.matches) else []
            return [widgets.banner(warning, warning=True), *partial, *tiles,
                    widgets.paragraph(age, muted=True)]
        if not result.freshness.complete:
            return [freshness_banner(ui, result.freshness),
                    widgets.paragraph(ui._("No warning found in the data on this phone, but "
                                           "that data is missing or out of date."))]
        when = result.freshness.data_as_of
        return [widgets.banner(ui._("No warning found (data from %(date)s).") % {
            "date": fmt.day(ui, when.date()) if when else "?"}),
            widgets.paragraph(ui._("This only means nobody has reported it yet. Trust your "
                                   "instincts."), muted=True)]
