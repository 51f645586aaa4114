"""Support services: filter by area and kind of help; call, text, copy, open the website.
Works offline from the signed directory shipped with the app."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.core.i18n import N_
from app.services.directory import near
from app.ui import widgets
from app.ui.shell import Ui
from sync.protocol.directory import Service, ServicePhone

HELP_LABELS = {
    "sex_worker_support": N_("Support for sex workers"),
    "sexual_health": N_("Sexual health"),
    "violence_support": N_("Support after violence"),
    "housing": N_("Housing"),
    "legal": N_("Legal help"),
    "police": N_("Police"),
    "emergency": N_("Emergency"),
}
ANY = "any"


class DirectoryScreen:
    def __init__(self) -> None:
        self.area = ANY
        self.help = ANY

    def title(self, ui: Ui) -> str:
        return ui._("Support services")

    def build(self, ui: Ui) -> ft.Control:
        session = ui.session
        directory = session.directory()
        settings = session.settings.load()

        def set_area(event: Any) -> None:
            self.area = event.control.value or ANY
            ui.refresh()

        def set_help(event: Any) -> None:
            self.help = event.control.value or ANY
            ui.refresh()

        areas = [(ANY, ui._("Everywhere"))] + [(c, ui._(ui.app.areas.get(c).name))
                                                for c in settings.areas if c in ui.app.areas]
        helps = [(ANY, ui._("Any kind of help"))] + [(k, ui._(v)) for k, v in HELP_LABELS.items()]
        shown = near(directory.services, None if self.area == ANY else self.area,
                     None if self.help == ANY else self.help)
        cards = [_card(ui, s) for s in shown] or [widgets.paragraph(ui._(
            "No services match. Try Everywhere or Any kind of help."))]
        return ft.Column([
            widgets.banner(ui._("In an emergency, always dial 999."), warning=True),
            *cards,
            ft.ExpansionTile(title=ft.Text(ui._("Filter")), controls=[
                widgets.choice(ui._("Area"), areas, self.area, set_area),
                widgets.choice(ui._("Kind of help"), helps, self.help, set_help)]),
        ], spacing=12, scroll=ft.ScrollMode.AUTO)


def _card(ui: Ui, service: Service) -> ft.Control:
    lines: list[ft.Control] = [widgets.subheading(service.name),
                               widgets.paragraph(service.description)]
    for phone in service.phones:
        lines.append(ft.Row(_phone_buttons(ui, service, phone), wrap=True, spacing=8))
    if service.website:
        lines.append(widgets.secondary(ui._("Open the website of %(name)s") % {
            "name": service.name}, lambda _e: None, icon=ft.Icons.OPEN_IN_NEW,
            url=service.website))
    return ft.Card(ft.Container(ft.Column(lines, spacing=8), padding=12))


def _phone_buttons(ui: Ui, service: Service, phone: ServicePhone) -> list[ft.Control]:
    names = {"name": service.name, "label": ui._(phone.label), "number": phone.display}
    buttons: list[ft.Control] = [
        ft.FilledButton(ui._("Call %(name)s (%(label)s: %(number)s)") % names,
                        icon=ft.Icons.CALL, url=phone.tel_url, style=widgets.roomy())]
    if phone.is_mobile:
        buttons.append(widgets.secondary(ui._("Text %(name)s") % names, lambda _e: None,
                                         icon=ft.Icons.SMS, url=phone.sms_url))

    def copy(_event: Any) -> None:
        ui.page.run_task(_copy, ui, phone.display)

    buttons.append(ft.TextButton(ui._("Copy the number of %(name)s") % names,
                                 icon=ft.Icons.COPY, on_click=copy, style=widgets.roomy()))
    return buttons


async def _copy(ui: Ui, text: str) -> None:
    await ft.Clipboard().set(text)
    ui.toast(ui._("Number copied."))
