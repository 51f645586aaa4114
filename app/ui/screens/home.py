"""Home: the newest warnings for my areas, and the three things people come here to do."""

from __future__ import annotations

import flet as ft

from app.services.alerts import for_areas
from app.ui import format as fmt
from app.ui import widgets
from app.ui.screens.alert_views import alert_tile, freshness_banner
from app.ui.shell import Ui
from sync.protocol.outbox import OutboxState

_PREVIEW = 3


class Home:
    live = True  # redrawn when the sync engine reports progress

    def title(self, ui: Ui) -> str:
        return ui._("Brolly")

    def build(self, ui: Ui) -> ft.Control:
        from app.ui.screens.about import About
        from app.ui.screens.alerts import AlertsScreen
        from app.ui.screens.check import CheckScreen
        from app.ui.screens.directory import DirectoryScreen
        from app.ui.screens.reports import MyReports
        from app.ui.screens.settings import SettingsScreen
        from app.ui.screens.wizard import ReportWizard

        session = ui.session
        if session.outreach.mode() is not None:
            return _outreach_home(ui)
        settings = session.settings.load()
        snapshot = session.alerts.snapshot(session.regions())
        mine = for_areas(snapshot.alerts, settings.areas)
        seen = session.settings.seen_alerts()
        unread = sum(1 for a in mine if a.id not in seen)
        waiting = len(session.outbox.items([OutboxState.WAITING, OutboxState.SENDING]))
        actions = ft.Column([
            # TRANSLATORS: a "bad date" is a client who was violent, dangerous or cheated
            # the worker. Use the phrase sex workers in your language use; not "crime".
            ft.Row([widgets.big_action(ui._("Report a bad date"), ft.Icons.REPORT,
                                       lambda _e: ui.go(ReportWizard()))]),
            ft.Row([widgets.big_action(ui._("Check a number"), ft.Icons.SEARCH,
                                       lambda _e: ui.go(CheckScreen()))]),
            ft.Row([widgets.big_action(ui._("Support services"), ft.Icons.SUPPORT_AGENT,
                                       lambda _e: ui.go(DirectoryScreen()))]),
        ], spacing=12)
        alerts_title = ui.ngettext("Warnings for your areas (%(count)d new)",
                                   "Warnings for your areas (%(count)d new)", unread) % {
            "count": unread}
        preview = [alert_tile(ui, a, unread=a.id not in seen) for a in mine[:_PREVIEW]] or [
            widgets.paragraph(ui._("No warnings for your areas right now."), muted=True)]
        nav = ft.Row([
            widgets.secondary(ui._("Alerts"), lambda _e: ui.go(AlertsScreen()),
                              icon=ft.Icons.NOTIFICATIONS),
            widgets.secondary(ui._("My reports"), lambda _e: ui.go(MyReports()),
                              icon=ft.Icons.DESCRIPTION),
            widgets.secondary(ui._("Settings"), lambda _e: ui.go(SettingsScreen()),
                              icon=ft.Icons.SETTINGS),
            widgets.secondary(ui._("About and your rights"), lambda _e: ui.go(About()),
                              icon=ft.Icons.INFO),
        ], wrap=True, spacing=8, run_spacing=8)
        outbox_line = [widgets.paragraph(ui.ngettext(
            "%(count)d report is waiting to be sent. It will go when there is a connection.",
            "%(count)d reports are waiting to be sent. They will go when there is a "
            "connection.", waiting) % {"count": waiting})] if waiting else []
        replies = session.followups.unseen_count()
        reply_line = [widgets.banner(ui.ngettext(
            "There is %(count)d new reply to your report under My reports.",
            "There are %(count)d new replies to your reports under My reports.", replies) % {
            "count": replies})] if replies else []
        return ft.Column([
            *reply_line, actions, *outbox_line,
            widgets.subheading(alerts_title),
            freshness_banner(ui, snapshot.freshness), *preview,
            widgets.paragraph(fmt.data_age(ui, snapshot.freshness.data_as_of), muted=True),
            ft.Divider(), nav,
        ], spacing=12, scroll=ft.ScrollMode.AUTO)


def _outreach_home(ui: Ui) -> ft.Control:
    from app.ui.screens.check import CheckScreen
    from app.ui.screens.directory import DirectoryScreen
    from app.ui.screens.outreach import OutreachStart
    from app.ui.screens.settings import SettingsScreen

    session = ui.session
    mode = session.outreach.mode()
    assert mode is not None  # noqa: S101 - checked by the caller
    waiting = len(session.outbox.items([OutboxState.WAITING, OutboxState.SENDING]))
    return ft.Column([
        widgets.banner(ui._("Outreach mode: %(organisation)s") % {
            "organisation": mode.organisation_name}),
        ft.Row([widgets.big_action(ui._("New report with someone"), ft.Icons.PERSON_ADD,
                                   lambda _e: ui.go(OutreachStart()))]),
        ft.Row([widgets.big_action(ui._("Check a number"), ft.Icons.SEARCH,
                                   lambda _e: ui.go(CheckScreen()))]),
        ft.Row([widgets.big_action(ui._("Support services"), ft.Icons.SUPPORT_AGENT,
                                   lambda _e: ui.go(DirectoryScreen()))]),
        widgets.paragraph(ui.ngettext(
            "%(count)d sealed report is waiting for signal.",
            "%(count)d sealed reports are waiting for signal.", waiting) % {"count": waiting}),
        widgets.secondary(ui._("Settings"), lambda _e: ui.go(SettingsScreen()),
                          icon=ft.Icons.SETTINGS),
    ], spacing=12, scroll=ft.ScrollMode.AUTO)
