"""All warnings for the followed regions, filterable by area, and one warning in full."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.core.areas import AreaKind
from app.services.alerts import for_areas
from app.ui import format as fmt
from app.ui import widgets
from app.ui.screens.alert_views import alert_tile, freshness_banner, incident_names
from app.ui.shell import Ui
from sync.protocol.alert import Alert

ALL = "all"


class AlertsScreen:
    def __init__(self) -> None:
        self.area = ALL

    def title(self, ui: Ui) -> str:
        return ui._("Alerts")

    def build(self, ui: Ui) -> ft.Control:
        session = ui.session
        settings = session.settings.load()
        snapshot = session.alerts.snapshot(session.regions())
        shown = list(snapshot.alerts) if self.area == ALL else for_areas(snapshot.alerts,
                                                                          [self.area])
        seen = session.settings.seen_alerts()
        tiles = [alert_tile(ui, a, unread=a.id not in seen) for a in shown]
        session.settings.mark_alerts_seen({a.id for a in shown})
        ui.notice = None  # the new warnings are being looked at

        def pick(event: Any) -> None:
            self.area = event.control.value or ALL
            ui.refresh()

        options = [(ALL, ui._("All my regions"))] + [
            (code, ui._(ui.app.areas.get(code).name)) for code in settings.areas
            if code in ui.app.areas and ui.app.areas.get(code).kind is not AreaKind.COUNTRY]
        return ft.Column([
            freshness_banner(ui, snapshot.freshness),
            widgets.choice(ui._("Show warnings for"), options, self.area, pick),
            *(tiles or [widgets.paragraph(ui._("No warnings here right now."), muted=True)]),
            widgets.paragraph(fmt.data_age(ui, snapshot.freshness.data_as_of), muted=True),
            widgets.secondary(ui._("Update now"), lambda _e: _sync_now(ui),
                              icon=ft.Icons.REFRESH),
        ], spacing=12, scroll=ft.ScrollMode.AUTO)


class AlertDetail:
    def __init__(self, alert: Alert) -> None:
        self.alert = alert

    def title(self, ui: Ui) -> str:
        return ui._("Warning")

    def build(self, ui: Ui) -> ft.Control:
        alert = self.alert
        ids = alert.identifiers
        lines: list[ft.Control] = [
            widgets.subheading(incident_names(ui, alert.incident_types)),
            widgets.paragraph(ui._("Date: %(date)s") % {"date": fmt.day(ui, alert.date)}),
            widgets.paragraph(alert.summary),
        ]
        for phone in ids.phones:
            lines.append(widgets.paragraph(ui._("Phone: %(number)s") % {
                "number": fmt.phone(ui, phone)}))
        for plate in ids.registrations:
            lines.append(widgets.paragraph(ui._("Vehicle: %(plate)s") % {"plate": plate}))
        for email in ids.emails:
            lines.append(widgets.paragraph(ui._("Email: %(email)s") % {"email": email}))
        for handle in ids.handles:
            lines.append(widgets.paragraph(ui._("%(platform)s: %(handle)s") % {
                "platform": handle.platform, "handle": handle.handle}))
        return ft.Column(lines, spacing=10, scroll=ft.ScrollMode.AUTO)


def _sync_now(ui: Ui) -> None:
    ui.session.sync_now()
    ui.toast(ui._("Checking for new warnings…"))
