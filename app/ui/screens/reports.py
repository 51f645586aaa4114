"""My reports: drafts, waiting, sent (with the receipt) and rejected (why, fix, resend)."""

from __future__ import annotations

import flet as ft

from app.core.areas import AreaTaxonomy
from app.services.reporting import ReportEntry
from app.ui import format as fmt
from app.ui import widgets
from app.ui.screens.alert_views import incident_names
from app.ui.screens.replies import EnterReceiptCode, reply_lines
from app.ui.shell import Ui
from sync.protocol.outbox import OutboxState


class MyReports:
    live = True  # redrawn when the sync engine reports progress

    def __init__(self) -> None:
        self.new_replies: set[str] | None = None  # unread until this screen showed them

    def title(self, ui: Ui) -> str:
        return ui._("My reports")

    def build(self, ui: Ui) -> ft.Control:
        if self.new_replies is None:  # opening the screen: look for replies as well
            self.new_replies = set()
            ui.session.check_replies()
        # Replies that arrive while the screen is open are marked new too.
        self.new_replies |= ui.session.followups.take_unseen()
        new = self.new_replies
        entries = ui.session.reporting.entries()
        enter_code = widgets.secondary(ui._("Enter a receipt code"),
                                       lambda _e: ui.go(EnterReceiptCode()), icon=ft.Icons.KEY)
        elsewhere = [_code_card(ui, f.receipt_code, f.token, new)
                     for f in ui.session.followups.codes_from_elsewhere()]
        if not entries:
            return ft.Column([widgets.paragraph(ui._("You have no reports on this phone.")),
                              *elsewhere, enter_code], spacing=12, scroll=ft.ScrollMode.AUTO)
        waiting = any(e.delivery is not None and e.delivery.state in (
            OutboxState.WAITING, OutboxState.SENDING) for e in entries)
        send_now = [widgets.secondary(ui._("Try sending now"), lambda _e: _send_now(ui),
                                      icon=ft.Icons.SEND)] if waiting else []
        return ft.Column([*send_now, *(_card(ui, entry, new) for entry in entries), *elsewhere,
                          enter_code], spacing=12, scroll=ft.ScrollMode.AUTO)


def _card(ui: Ui, entry: ReportEntry, new: set[str]) -> ft.Control:
    from app.ui.screens.wizard import ReportWizard

    stored, item = entry.stored, entry.delivery
    lines: list[ft.Control] = []
    if stored is not None:
        report = stored.report
        what = incident_names(ui, tuple(t.value for t in report.incident_types)) or ui._(
            "Report")
        where = _area(ui.app.areas, report.area_code, ui)
        when = fmt.day(ui, report.date) if report.date else ui._("date not set")
        lines.append(widgets.subheading(what))
        lines.append(widgets.paragraph(ui._("%(date)s · %(place)s") % {"date": when,
                                                                       "place": where}))
    lines.append(widgets.paragraph(_state_text(ui, entry)))
    report_id = stored.id if stored is not None else item.report_id if item else None
    if report_id is not None and item is not None:
        lines += _followup_lines(ui, report_id, new)
    buttons: list[ft.Control] = []
    if item is None and stored is not None:
        buttons.append(widgets.primary(ui._("Continue this draft"), lambda _e: ui.go(
            ReportWizard(stored.id, stored.report, stored.step))))
    if item is not None and item.state is OutboxState.REJECTED:
        buttons.append(widgets.primary(ui._("Fix and send again"),
                                       lambda _e: _reopen(ui, item.id)))
    if stored is not None:
        buttons.append(widgets.secondary(ui._("Delete"), lambda _e: _delete(ui, stored.id),
                                         icon=ft.Icons.DELETE))
    lines.append(ft.Row(buttons, wrap=True))
    return ft.Card(ft.Container(ft.Column(lines, spacing=6), padding=12))


def _followup_lines(ui: Ui, report_id: str, new: set[str]) -> list[ft.Control]:
    followups = ui.session.followups
    code = followups.code_of(report_id)
    if code is None:
        return []
    replies = followups.replies_for_report(report_id)
    return [widgets.paragraph(ui._("Receipt code: %(code)s") % {"code": code}, muted=True),
            *reply_lines(ui, replies, new)]


def _code_card(ui: Ui, code: str, token: str, new: set[str]) -> ft.Control:
    replies = ui.session.followups.replies_for_token(token)
    lines: list[ft.Control] = [
        widgets.subheading(ui._("Receipt code %(code)s") % {"code": code}),
        *(reply_lines(ui, replies, new) or [widgets.paragraph(ui._(
            "No reply yet. Brolly checks whenever it updates the warnings."))]),
        ft.Row([widgets.secondary(ui._("Remove this code from this phone"),
                                  lambda _e: _forget_code(ui, token), icon=ft.Icons.DELETE)],
               wrap=True)]
    return ft.Card(ft.Container(ft.Column(lines, spacing=6), padding=12))


def _forget_code(ui: Ui, token: str) -> None:
    def forget() -> None:
        ui.session.followups.forget_code(token)
        ui.refresh()

    ui.confirm(ui._("Remove this receipt code?"),
               ui._("The code and its replies will be deleted from this phone. You can type "
                    "the code again later to read the replies."),
               ui._("Remove it"), forget)


def _state_text(ui: Ui, entry: ReportEntry) -> str:
    item = entry.delivery
    if item is None:
        return ui._("Draft: not sent yet.")
    if item.state is OutboxState.DELIVERED:
        receipt = item.receipt or {}
        return ui._("Sent. Receipt %(id)s, received %(day)s.") % {
            "id": str(receipt.get("id", ""))[:8], "day": receipt.get("received_day", "")}
    if item.state is OutboxState.REJECTED:
        return rejection_text(ui, item.last_error)
    status = ui.app.last_status
    if item.state is OutboxState.SENDING and status and status.pow_progress and \
            status.pow_progress[0] == item.id:
        _, attempts, expected = status.pow_progress
        percent = min(99, round(100 * attempts / max(expected, 1)))
        return ui._("Sending: getting ready (%(percent)d%%).") % {"percent": percent}
    return ui._("Waiting to be sent. It will go when there is a connection.")


def rejection_text(ui: Ui, code: str | None) -> str:
    if code == "too_large":
        return ui._("Not accepted: this report is too long to send. Shorten the description "
                    "and send it again.")
    return ui._("Not accepted by the service. Open it, check the details and send it again.")


def _send_now(ui: Ui) -> None:
    ui.session.reporting.send_waiting_now()
    ui.toast(ui._("Trying to send now…"))


def _reopen(ui: Ui, item_id: str) -> None:
    from app.ui.screens.wizard import ReportWizard

    report_id = ui.session.reporting.reopen_rejected(item_id)
    stored = ui.session.reports.get(report_id)
    ui.go(ReportWizard(stored.id, stored.report, stored.step))


def _delete(ui: Ui, report_id: str) -> None:
    def delete() -> None:
        ui.session.delete_report(report_id)
        ui.refresh()

    ui.confirm(ui._("Delete this report?"),
               ui._("It will be removed from this phone. A report that was already sent stays "
                    "with the organisation."),
               ui._("Delete it"), delete)


def _area(areas: AreaTaxonomy, code: str | None, ui: Ui) -> str:
    if code is None or code not in areas:
        return ui._("place not set")
    return ui._(areas.get(code).name)
