"""Replies from the organisation, and typing in a receipt code from another phone."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.core.i18n import N_
from app.ui import format as fmt
from app.ui import widgets
from app.ui.shell import Ui
from app.vault.followups import StoredReply
from sync.protocol.followup import FollowupError

KIND_LABELS = {
    "support_offered": N_("Support offered"),
    "question": N_("A question for you"),
    "alert_published": N_("Your warning is out"),
    "other": N_("A message"),
}


def reply_lines(ui: Ui, replies: list[StoredReply], new: set[str]) -> list[ft.Control]:
    """Each reply: what kind, when, and the words; those in ``new`` marked."""
    lines: list[ft.Control] = []
    for reply in replies:
        kind = ui._(KIND_LABELS.get(reply.kind, KIND_LABELS["other"]))
        heading = ui._("%(kind)s, %(day)s") % {"kind": kind, "day": fmt.day(ui, reply.sent_day)}
        if reply.id in new:
            heading = ui._("New: %(what)s") % {"what": heading}
        lines.append(ft.Container(ft.Column([
            ft.Text(heading, weight=ft.FontWeight.BOLD),
            ft.Text(reply.body)], spacing=4),
            bgcolor=ft.Colors.SECONDARY_CONTAINER, padding=12, border_radius=8))
    return lines


class EnterReceiptCode:
    """For someone whose report was sent from another phone (an outreach worker's)."""

    def __init__(self) -> None:
        self.error: str | None = None
        self.checking = False

    def title(self, ui: Ui) -> str:
        return ui._("Enter a receipt code")

    def build(self, ui: Ui) -> ft.Control:
        field = widgets.text_field(ui._("Receipt code"), error=self.error,
                                   hint=ui._("For example: %(example)s") % {
                                       "example": "7K3M-Q9XA-2BCD-EF01"})

        def save(_event: Any) -> None:
            if self.checking:
                return
            self.checking, typed, session = True, field.value or "", ui.session
            ui.refresh()
            # Deriving the key from the code (Argon2id) is slow on purpose: off the UI loop.
            ui.run_slow(lambda: session.followups.add_code(typed),
                        lambda _code: self._saved(ui), lambda exc: self._refused(ui, exc))

        field.on_submit = save
        action = widgets.busy(ui._("Checking the code…")) if self.checking else \
            widgets.primary(ui._("Check for replies"), save, icon=ft.Icons.MARK_EMAIL_READ)
        return ft.Column([
            widgets.paragraph(ui._("If your report was sent from someone else's phone, type "
                                   "the receipt code you were given. Replies from the "
                                   "organisation will show under My reports.")),
            field, action,
        ], spacing=16, scroll=ft.ScrollMode.AUTO)

    def _saved(self, ui: Ui) -> None:
        self.checking = False
        if not ui.app.unlocked:
            return
        ui.session.check_replies()
        if ui.showing(self):
            ui.toast(ui._("Saved. Replies to this code appear under My reports."))
            ui.back()

    def _refused(self, ui: Ui, exc: Exception) -> None:
        self.checking = False
        if not ui.app.unlocked or not ui.showing(self):
            return
        self.error = ui._("That is not a receipt code. It has 16 letters and numbers, like "
                          "the example.") if isinstance(exc, FollowupError) else ui._(
            "Something went wrong. Your reports are safe.")
        ui.refresh()


def receipt_code_block(ui: Ui, code: str) -> list[ft.Control]:
    """The code, and a button that copies it."""
    async def copy() -> None:
        await ft.Clipboard().set(code)
        ui.toast(ui._("Receipt code copied."))

    def tapped(_event: Any) -> None:
        ui.page.run_task(copy)

    return [widgets.receipt_code(code),
            widgets.secondary(ui._("Copy the receipt code"), tapped, icon=ft.Icons.COPY)]
