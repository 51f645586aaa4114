"""Cases and alerts in plain words for the reviewer's terminal.

Everything a reporter typed is untrusted: a report may come from someone hostile. So
control characters (terminal escape sequences could rewrite the screen or the
clipboard) and invisible or direction-changing characters (which could make text read
differently from what it is) are shown as U+FFFD, never passed through.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable

from app.core.areas import AreaTaxonomy
from app.core.errors import UnknownAreaError
from app.core.report import Report
from app.core.vocab import ConsentKind, Vocab
from server_stub.console.casework import Case, StoredAlert

Gettext = Callable[[str], str]
_REPLACEMENT = "\ufffd"


def safe(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control, format and separator character replaced."""
    out = []
    for char in text:
        if keep_newlines and char == "\n":
            out.append(char)
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            out.append(_REPLACEMENT)
        else:
            out.append(char)
    return "".join(out)


def area_name(code: str | None, areas: AreaTaxonomy, _: Gettext) -> str:
    if not code:
        return _("not given")
    try:
        chain = [areas.get(code), *reversed(areas.ancestors(code))][:3]
    except UnknownAreaError:
        return safe(code)
    return ", ".join(_(area.name) for area in chain)


def case_row(case: Case, areas: AreaTaxonomy, _: Gettext) -> str:
    """One line of ``reports list``: id, day received, area, what happened, status."""
    report = case.report()
    area = area_name(report.area_code, areas, _).split(", ")[0]
    what = ", ".join(_(t.label) for t in report.incident_types) or _("not given")
    return f"{case.id}  {case.received_day.isoformat()}  {area:<18}  {_(case.status.value):<9}" \
           f"  {what}"


def case_lines(case: Case, areas: AreaTaxonomy, _: Gettext) -> list[str]:
    """The whole report, field by field, for ``reports show``."""
    report = case.report()
    lines = [
        _("Case %(id)s, received %(day)s, status: %(status)s") % {
            "id": case.id, "day": case.received_day.isoformat(), "status": _(case.status.value)},
        "",
        _("When: %(day)s, %(time)s") % {
            "day": report.date.isoformat() if report.date else _("date not given"),
            "time": _label(report.time_of_day, _)},
        _("Where: %(area)s") % {"area": area_name(report.area_code, areas, _)},
        _("Place: %(place)s") % {"place": _label(report.place_type, _)},
        _("What happened: %(what)s") % {
            "what": "; ".join(_(t.label) for t in report.incident_types) or _("not given")},
    ]
    if report.incident_other:
        lines.append(_("Something else: %(text)s") % {"text": safe(report.incident_other)})
    lines += _perpetrator_lines(report, _) + _identifier_lines(report, _)
    lines += ["", _("In their words:"), *_indented(report.narrative or _("(nothing written)"))]
    lines += [""] + _wishes_lines(report, _)
    lines.append(_("Filed by: %(who)s") % {"who": _(report.submitted_by.label)})
    if report.organisation_code:
        lines.append(_("With the help of: %(code)s") % {"code": safe(report.organisation_code)})
    lines.append(_("Anonymous reply possible: yes") if case.reply_public_key
                 else _("Anonymous reply possible: no"))
    return lines


def alert_lines(stored: StoredAlert, now: dt.datetime, _: Gettext) -> list[str]:
    """An alert as it will be published."""
    alert, ids = stored.alert, stored.alert.identifiers
    state = _("active") if stored.is_live(now) else _("expired")
    lines = [
        _("Alert %(id)s from case %(case)s, %(state)s") % {
            "id": alert.id, "case": stored.case_id, "state": state},
        _("Region: %(region)s; area: %(areas)s") % {
            "region": ", ".join(alert.regions), "areas": ", ".join(alert.areas)},
        _("Date: %(day)s; severity: %(severity)s; until: %(until)s") % {
            "day": alert.date.isoformat(), "severity": _(alert.severity),
            "until": alert.expires_at.strftime("%Y-%m-%d %H:%M UTC")},
        _("Summary: %(summary)s") % {"summary": safe(alert.summary)},
    ]
    found = [*ids.phones, *ids.emails, *(f"{h.platform}: {h.handle}" for h in ids.handles),
             *ids.registrations]
    lines.append(_("Identifiers: %(ids)s") % {"ids": safe(", ".join(found)) or _("none")})
    return lines


def _perpetrator_lines(report: Report, _: Gettext) -> list[str]:
    p = report.perpetrator
    lines = ["", _("The person responsible:")]
    if p.people_count:
        lines.append("  " + _("People involved: %(n)d") % {"n": p.people_count})
    for label, member in ((_("Gender"), p.gender), (_("Age"), p.age_range),
                          (_("Height"), p.height), (_("Build"), p.build)):
        if member is not None:
            lines.append(f"  {label}: {_(member.label)}")
    for label, text in ((_("Ethnicity"), p.ethnicity), (_("Hair"), p.hair),
                        (_("Features"), p.features), (_("Names used"), ", ".join(p.names_used))):
        if text:
            lines.append(f"  {label}: {safe(text)}")
    if report.contact_method is not None:
        lines.append("  " + _("First contact: %(how)s") % {"how": _(report.contact_method.label)})
    if report.contact_detail:
        lines.append("  " + _("Contact detail: %(text)s") % {"text": safe(report.contact_detail)})
    return lines


def _identifier_lines(report: Report, _: Gettext) -> list[str]:
    ids = report.identifiers
    lines = ["", _("Identifiers:")]
    for phone in ids.phones:
        form = phone.e164 if phone.verified else _("not a checked number")
        lines.append("  " + _("Phone: %(raw)s (%(form)s)") % {"raw": safe(phone.raw),
                                                              "form": form})
    lines += ["  " + _("Email: %(text)s") % {"text": safe(e)} for e in ids.emails]
    lines += ["  " + _("Handle: %(platform)s %(handle)s") % {
        "platform": safe(h.platform), "handle": safe(h.handle)} for h in ids.handles]
    lines += ["  " + _("Advert link: %(text)s") % {"text": safe(a)} for a in ids.advert_links]
    for vehicle in ids.vehicles:
        words = " ".join(w for w in (vehicle.colour, vehicle.make, vehicle.model) if w)
        lines.append("  " + _("Vehicle: %(what)s, registration %(reg)s") % {
            "what": safe(words) or _("not described"), "reg": safe(vehicle.registration) or "?"})
    return lines if len(lines) > 2 else [*lines, "  " + _("none given")]


def _wishes_lines(report: Report, _: Gettext) -> list[str]:
    wishes = report.wishes
    granted = set(wishes.granted())
    lines = [_("The reporter agreed to:")]
    for kind in ConsentKind:
        answer = _("yes") if kind in granted else _("no")
        lines.append(f"  {_(kind.label)}: {answer}")
    if wishes.contact:
        lines.append(_("Contact for follow-up (never published): %(text)s") % {
            "text": safe(wishes.contact)})
    if wishes.support_service:
        lines.append(_("Support service chosen: %(id)s") % {"id": safe(wishes.support_service)})
    return lines


def _label(member: Vocab | None, _: Gettext) -> str:
    return _("not given") if member is None else _(member.label)


def _indented(text: str) -> Iterable[str]:
    return ("  " + line for line in safe(text, keep_newlines=True).split("\n"))
