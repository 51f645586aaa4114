"""The report wizard: one short step per screen, the draft saved in the vault at every
step, then review and send. Sending works offline: the report is sealed and queued."""

from __future__ import annotations

import flet as ft

from app.core.report import Report
from app.core.validation import Problem, has_errors
from app.core.vocab import SubmittedBy
from app.services.outreach import Session
from app.ui import format as fmt
from app.ui import widgets
from app.ui.screens import wizard_steps as steps
from app.ui.screens.alert_views import incident_names
from app.ui.screens.outreach import OutreachDone
from app.ui.screens.replies import receipt_code_block
from app.ui.shell import Ui

REVIEW = 5


class ReportWizard:
    def __init__(self, report_id: str | None = None, report: Report | None = None,
                 step: int = 0, session: Session | None = None) -> None:
        self.report_id = report_id
        self.session = session  # an outreach session: the report is the person's, not ours
        self.report = report or (Report() if session is None else _outreach_report(session))
        self.step = min(max(step, 0), REVIEW)
        self.memo: dict[str, str] = {}
        self.problems: list[Problem] = []
        self.sending = False
        self._read: steps.Reader | None = None

    def title(self, ui: Ui) -> str:
        return ui._("Report a bad date")

    def build(self, ui: Ui) -> ft.Control:
        if self.step == REVIEW:
            view = self._review(ui)
        else:
            view = self._form(ui)
        self._read = view.read
        progress = ui._("Step %(step)d of %(total)d") % {"step": self.step + 1,
                                                         "total": REVIEW + 1}
        controls: list[ft.Control] = [ft.Text(progress, color=ft.Colors.ON_SURFACE_VARIANT),
                                      widgets.heading(view.title), *view.controls]
        if not self.sending:  # nothing may change the report while it is being sealed
            controls += self._navigation(ui)
        return ft.Column(controls, spacing=12, scroll=ft.ScrollMode.AUTO)

    def _navigation(self, ui: Ui) -> list[ft.Control]:
        buttons: list[ft.Control] = []
        if self.step > 0:
            buttons.append(widgets.secondary(ui._("Previous step"), lambda _e: self._move(ui, -1),
                                             icon=ft.Icons.ARROW_BACK))
        if self.step < REVIEW:
            buttons.append(widgets.primary(ui._("Next"), lambda _e: self._move(ui, 1),
                                           icon=ft.Icons.ARROW_FORWARD))
        return [ft.Row(buttons, wrap=True, spacing=8),
                ft.TextButton(ui._("Save draft and close"), on_click=lambda _e: self._close(ui),
                              style=widgets.roomy())]

    def _form(self, ui: Ui) -> steps.StepView:
        if self.step == 0:
            return steps.what_happened(ui, self.report, self.problems)
        if self.step == 1:
            return steps.when_and_where(ui, self.report, self.problems, self.memo)
        if self.step == 2:
            return steps.who(ui, self.report, self.problems, self.memo)
        if self.step == 3:
            return steps.contact_details(ui, self.report, self.problems)
        return steps.wishes(ui, self.report, self.problems, _support_services(ui),
                            with_someone=self.session is not None)

    def _save(self, ui: Ui) -> None:
        if self._read is not None:
            self.report = self._read(self.report)
        self.report_id = ui.session.reporting.save_draft(self.report, report_id=self.report_id,
                                                         step=self.step)
        if self.session is not None:
            ui.session.outreach.track(self.session, self.report_id)

    def _move(self, ui: Ui, delta: int) -> None:
        ui.touch()
        self._save(ui)
        self.step = min(max(self.step + delta, 0), REVIEW)
        ui.session.reporting.save_draft(self.report, report_id=self.report_id, step=self.step)
        self.problems = ui.session.reporting.problems(self.report) if self.step == REVIEW \
            else [p for p in self.problems if p.field]
        ui.refresh()

    def _close(self, ui: Ui) -> None:
        self._save(ui)
        ui.toast(ui._("Draft saved. Find it under My reports."))
        ui.back()

    def _send(self, ui: Ui) -> None:
        ui.touch()
        assert self.report_id is not None  # noqa: S101 - saved on the way to the review
        if self.sending:  # a second tap while the first is being sealed
            return
        self.sending = True
        ui.refresh()
        # Sealing and deriving the reply key from the receipt code (Argon2id) take a
        # noticeable moment on a phone: never on the UI loop.
        session, report_id = ui.session, self.report_id
        ui.run_slow(lambda: session.send_report(report_id),
                    lambda result: self._sent(ui, *result), lambda _exc: self._not_sent(ui))

    def _sent(self, ui: Ui, problems: list[Problem], receipt_code: str | None) -> None:
        self.sending = False
        if not ui.app.unlocked or not ui.showing(self):
            return  # locked or left meanwhile: the code is under My reports (never outreach)
        if problems:
            self.problems = problems
            ui.refresh()
            return
        if self.session is not None:
            ui.replace(OutreachDone(self.session, receipt_code))
            return
        ui.replace(Queued(receipt_code))

    def _not_sent(self, ui: Ui) -> None:
        self.sending = False
        if ui.app.unlocked and ui.showing(self):
            ui.refresh()
            ui.toast(ui._("Something went wrong. Your reports are safe."))

    def _review(self, ui: Ui) -> steps.StepView:
        report = self.report
        lines: list[ft.Control] = [
            _line(ui, ui._("What happened"), incident_names(
                ui, tuple(t.value for t in report.incident_types))),
            _line(ui, ui._("When"), fmt.day(ui, report.date) if report.date else ""),
            _line(ui, ui._("Where"), ui._(ui.app.areas.get(report.area_code).name)
                  if report.area_code is not None and report.area_code in ui.app.areas
                  else ""),
            _line(ui, ui._("Phone numbers"), fmt.listing(ui, [
                fmt.phone(ui, p.e164) if p.e164 else p.raw for p in report.identifiers.phones])),
            _line(ui, ui._("Vehicles"), fmt.listing(ui, [
                v.registration for v in report.identifiers.vehicles])),
        ]
        errors = [p for p in self.problems if p.is_error]
        warnings = [p for p in self.problems if not p.is_error]
        if errors:
            lines.append(widgets.banner(ui._("Some things need fixing before this can be sent:"),
                                        warning=True))
            lines += [_problem(ui, p) for p in errors]
        if warnings:
            lines.append(widgets.subheading(ui._("Worth a second look (you can still send):")))
            lines += [_problem(ui, p) for p in warnings]
        lines.append(widgets.paragraph(ui._("Sending works without signal: the report is "
                                            "locked and kept until there is a connection.")))
        lines.append(widgets.busy(ui._("Locking your report…")) if self.sending else
                     widgets.primary(ui._("Send report"), lambda _e: self._send(ui),
                                     icon=ft.Icons.SEND, disabled=has_errors(self.problems)))
        return steps.StepView(ui._("Check and send"), lines, lambda current: current)


class Queued:
    def __init__(self, receipt_code: str | None = None) -> None:
        self.receipt_code = receipt_code

    def title(self, ui: Ui) -> str:
        return ui._("Report saved")

    def build(self, ui: Ui) -> ft.Control:
        from app.ui.screens.home import Home
        from app.ui.screens.reports import MyReports

        code = [widgets.paragraph(ui._(
            "Your receipt code is below. The organisation can answer you through it: replies "
            "appear under My reports, and on any other phone where you type the code.")),
            *receipt_code_block(ui, self.receipt_code)] if self.receipt_code else []
        return ft.Column([
            widgets.heading(ui._("Thank you. Your report is locked and on its way.")),
            widgets.paragraph(ui._("If there is no connection now, Brolly sends it as soon as "
                                   "there is one. You can see it under My reports.")),
            *code,
            widgets.primary(ui._("Back to home"), lambda _e: ui.reset(Home()),
                            icon=ft.Icons.HOME),
            widgets.secondary(ui._("My reports"), lambda _e: ui.reset(MyReports())),
        ], spacing=16, scroll=ft.ScrollMode.AUTO)


def _outreach_report(session: Session) -> Report:
    return Report(submitted_by=SubmittedBy.OUTREACH,
                  organisation_code=session.organisation_code)


def _line(ui: Ui, label: str, value: str) -> ft.Control:
    return ft.Column([ft.Text(label, weight=ft.FontWeight.BOLD),
                      ft.Text(value or ui._("(not given)"))], spacing=2)


def _problem(ui: Ui, problem: Problem) -> ft.Control:
    return ft.Row([ft.Icon(ft.Icons.ERROR if problem.is_error else ft.Icons.INFO,
                           color=ft.Colors.ERROR if problem.is_error else None),
                   ft.Text(problem.render(ui._), expand=True)])


def _support_services(ui: Ui) -> list[tuple[str, str]]:
    directory = ui.session.directory()
    return [(s.id, s.name) for s in directory.services if "sex_worker_support" in s.help]


