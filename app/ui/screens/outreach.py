"""Outreach mode screens: start a session with someone, the end of a session (with the
receipt code they take away), and the outreach part of Settings."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.services.outreach import OutreachError, Session
from app.ui import widgets
from app.ui.screens.replies import receipt_code_block
from app.ui.shell import Ui


class OutreachStart:
    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def title(self, ui: Ui) -> str:
        return ui._("New report with someone")

    def build(self, ui: Ui) -> ft.Control:
        from app.ui.screens.wizard import ReportWizard

        passcode = widgets.text_field(ui._("Outreach passcode"), password=True)

        def start(_event: Any) -> None:
            code = passcode.value or ""
            ui.run_slow(lambda: ui.session.outreach.start(code),
                        lambda session: ui.replace(ReportWizard(session=session)),
                        lambda _exc: self._say(ui, ui._("That outreach passcode is not "
                                                        "right.")))

        return ft.Column([
            widgets.paragraph(ui._("Each session starts clean. What the person tells you is "
                                   "sealed and sent; nothing of it stays on this phone.")),
            *([widgets.banner(self.message, warning=True)] if self.message else []),
            passcode, widgets.primary(ui._("Start the session"), start,
                                      icon=ft.Icons.PLAY_ARROW),
        ], spacing=14)

    def _say(self, ui: Ui, message: str) -> None:
        self.message = message
        ui.refresh()


class OutreachDone:
    def __init__(self, session: Session, receipt_code: str | None) -> None:
        self.session = session
        self.receipt_code = receipt_code

    def title(self, ui: Ui) -> str:
        return ui._("Report sealed")

    def build(self, ui: Ui) -> ft.Control:
        code = [widgets.paragraph(ui._("Give the person this receipt code. With it they can "
                                       "read replies from the organisation in Brolly on any "
                                       "phone. It is shown once and not kept here.")),
                *receipt_code_block(ui, self.receipt_code)] if self.receipt_code else []
        return ft.Column([
            widgets.heading(ui._("The report is sealed and will be sent when there is signal.")),
            *code,
            widgets.primary(ui._("End the session"), lambda _e: _end(ui, self.session),
                            icon=ft.Icons.STOP),
        ], spacing=16)


def _end(ui: Ui, session: Session) -> None:
    from app.ui.screens.home import Home

    ui.session.outreach.end(session)
    ui.reset(Home())


def outreach_settings(ui: Ui, say: Any) -> list[ft.Control]:
    """The outreach section of Settings: turn the mode on (code and passcode) or off."""
    outreach = ui.session.outreach
    mode = outreach.mode()
    passcode = widgets.text_field(ui._("Outreach passcode"), password=True)
    if mode is not None:
        def turn_off(_event: Any) -> None:
            code = passcode.value or ""
            ui.run_slow(lambda: outreach.disable(code), lambda _r: say(ui._(
                "Outreach mode is off.")), lambda _exc: say(ui._(
                    "That outreach passcode is not right.")))
        return [widgets.subheading(ui._("Outreach mode")),
                widgets.paragraph(ui._("Outreach mode is on for %(organisation)s.") % {
                    "organisation": mode.organisation_name}),
                passcode, widgets.secondary(ui._("Turn off outreach mode"), turn_off)]
    organisation = widgets.text_field(ui._("Organisation code"))

    def turn_on(_event: Any) -> None:
        code, secret = organisation.value or "", passcode.value or ""
        ui.run_slow(lambda: outreach.enable(code, secret), lambda _r: say(ui._(
            "Outreach mode is on.")), lambda exc: say(_outreach_error(ui, exc)))

    return [widgets.subheading(ui._("Outreach mode")),
            widgets.paragraph(ui._("For outreach workers filing reports with people in person. "
                                   "Nothing of a report stays on this phone once it is sent.")),
            organisation, passcode, widgets.secondary(ui._("Turn on outreach mode"), turn_on)]


def _outreach_error(ui: Ui, exc: Exception) -> str:
    if isinstance(exc, OutreachError) and exc.code == "unknown_organisation":
        return ui._("That organisation code is not in the directory of participating "
                    "projects.")
    if isinstance(exc, OutreachError) and exc.code == "short_passcode":
        return ui._("The outreach passcode needs at least 6 characters.")
    return ui._("Outreach mode could not be turned on.")
