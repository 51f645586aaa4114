"""How one warning, and the age of the warning data, are drawn (shared by several screens)."""

from __future__ import annotations

import flet as ft

from app.core.vocab import IncidentType
from app.services.alerts import Freshness
from app.ui import format as fmt
from app.ui import widgets
from app.ui.shell import Ui
from sync.protocol.alert import Alert


def incident_names(ui: Ui, codes: tuple[str, ...]) -> str:
    names = []
    for code in codes:
        try:
            names.append(ui._(IncidentType.from_code(code).label))
        except ValueError:
            names.append(code)
    return fmt.listing(ui, names)


def alert_tile(ui: Ui, alert: Alert, *, unread: bool = False) -> ft.Control:
    from app.ui.screens.alerts import AlertDetail

    title = incident_names(ui, alert.incident_types)
    place = fmt.listing(ui, [_area_name(ui, code) for code in alert.areas])
    subtitle = ui._("%(date)s · %(place)s") % {"date": fmt.day(ui, alert.date), "place": place}
    return ft.ListTile(
        leading=ft.Icon(ft.Icons.WARNING, color=ft.Colors.ERROR),
        title=ft.Text(ui._("New: %(what)s") % {"what": title} if unread else title,
                      weight=ft.FontWeight.BOLD if unread else None),
        subtitle=ft.Text(subtitle), on_click=lambda _e: ui.go(AlertDetail(alert)))


def freshness_banner(ui: Ui, freshness: Freshness) -> ft.Control:
    if freshness.complete:
        return ft.Container()
    if freshness.data_as_of is None:
        return widgets.banner(ui._("Brolly has not been able to download warnings for all your "
                                   "areas yet. No warning shown does not mean there is no "
                                   "danger."), warning=True)
    return widgets.banner(ui._("These warnings may be out of date: last updated %(age)s. "
                               "Connect to the internet to get the latest.") % {
        "age": fmt.age(ui, freshness.data_as_of)}, warning=True)


def _area_name(ui: Ui, code: str) -> str:
    areas = ui.app.areas
    return ui._(areas.get(code).name) if code in areas else code
