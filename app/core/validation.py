"""Checking a report before it is sent: every problem at once, never an exception.

A problem names a field by a stable dotted path ("identifiers.phones[1]"), a stable
code ("required") and an English msgid with ``%(name)s`` placeholders. Errors stop
sending; warnings are shown but the report can go. A half-remembered identifier is
only ever a warning: it is kept as typed, and refusing it would cost the report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from app.core.areas import AreaTaxonomy
from app.core.i18n import N_
from app.core.identifiers import is_plausible_email, normalise_phone
from app.core.report import Identifiers, Perpetrator, Report, Wishes
from app.core.vocab import IncidentType, SubmittedBy

Severity = Literal["error", "warning"]

NARRATIVE_MAX = 10_000
SHORT_TEXT_MAX = 200
LINK_MAX = 2_000
LIST_MAX = 20
PEOPLE_MIN, PEOPLE_MAX = 1, 20
OLD_AFTER_YEARS = 5

_TOO_LONG = N_("This is too long: please keep it to %(max)s characters.")
_TOO_MANY = N_("That is a lot of entries: please keep it to %(max)s.")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a report."""

    field: str
    code: str
    message: str  # English msgid, may hold %(name)s placeholders
    params: dict[str, str | int] = dataclasses.field(default_factory=dict, hash=False)
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        """True when the problem stops the report from being sent."""
        return self.severity == "error"

    def render(self, gettext: Callable[[str], str]) -> str:
        """The message translated with ``gettext`` and its placeholders filled.

        A broken translation (say, a misspelt placeholder) falls back to English
        rather than break the form.
        """
        try:
            return gettext(self.message) % self.params
        except (KeyError, ValueError, TypeError):
            return self.message % self.params


def validate(report: Report, areas: AreaTaxonomy, today: dt.date | None = None) -> list[Problem]:
    """Every problem with ``report``, errors and warnings, in form order."""
    day = dt.date.today() if today is None else today
    return [
        *_when(report, day),
        *_where(report, areas),
        *_what(report),
        *_perpetrator(report.perpetrator),
        *_text("contact_detail", report.contact_detail, SHORT_TEXT_MAX),
        *_identifiers(report.identifiers),
        *_text("narrative", report.narrative, NARRATIVE_MAX),
        *_wishes(report.wishes),
        *_provenance(report),
    ]


def has_errors(problems: Sequence[Problem]) -> bool:
    """True when at least one problem stops the report from being sent."""
    return any(problem.is_error for problem in problems)


def _when(report: Report, today: dt.date) -> Iterator[Problem]:
    if report.date is None:
        yield Problem("date", "required", N_("Please add the date it happened."))
    elif report.date > today:
        yield Problem("date", "in_future", N_("This date is in the future."))
    elif report.date < _years_before(today, OLD_AFTER_YEARS):
        yield Problem(
            "date", "too_old",
            N_("This was more than %(years)s years ago. Please check the date."),
            {"years": OLD_AFTER_YEARS}, "warning",
        )


def _where(report: Report, areas: AreaTaxonomy) -> Iterator[Problem]:
    if not report.area_code:
        yield Problem("area_code", "required", N_("Please choose the area where it happened."))
    elif report.area_code not in areas:
        yield Problem(
            "area_code", "unknown_area",
            N_("We do not know this area any more. Please choose it again."),
        )


def _what(report: Report) -> Iterator[Problem]:
    if not report.incident_types:
        yield Problem(
            "incident_types", "required", N_("Please choose at least one thing that happened.")
        )
    if IncidentType.OTHER in report.incident_types and not report.incident_other.strip():
        yield Problem(
            "incident_other", "needs_description",
            N_("Please say in a few words what else happened."),
        )
    yield from _text("incident_other", report.incident_other, SHORT_TEXT_MAX)


def _perpetrator(perp: Perpetrator) -> Iterator[Problem]:
    count = perp.people_count
    if count is not None and not PEOPLE_MIN <= count <= PEOPLE_MAX:
        yield Problem(
            "perpetrator.people_count", "out_of_range",
            N_("Please enter a number from %(min)s to %(max)s."),
            {"min": PEOPLE_MIN, "max": PEOPLE_MAX},
        )
    yield from _text("perpetrator.ethnicity", perp.ethnicity, SHORT_TEXT_MAX)
    yield from _text("perpetrator.hair", perp.hair, SHORT_TEXT_MAX)
    yield from _text("perpetrator.features", perp.features, SHORT_TEXT_MAX)
    yield from _texts("perpetrator.names_used", perp.names_used, SHORT_TEXT_MAX)


def _identifiers(ids: Identifiers) -> Iterator[Problem]:
    yield from _count("identifiers.phones", ids.phones)
    for index, phone in enumerate(ids.phones):
        path = f"identifiers.phones[{index}]"
        yield from _text(path, phone.raw, SHORT_TEXT_MAX)
        if not phone.verified:
            yield Problem(
                path, "unverified_phone",
                N_("This does not look like a full phone number. "
                   "It will be kept exactly as you typed it."),
                severity="warning",
            )
    yield from _texts("identifiers.emails", ids.emails, SHORT_TEXT_MAX)
    for index, email in enumerate(ids.emails):
        if not is_plausible_email(email):
            yield Problem(
                f"identifiers.emails[{index}]", "implausible_email",
                N_("This does not look like an email address. "
                   "It will be kept exactly as you typed it."),
                severity="warning",
            )
    yield from _count("identifiers.handles", ids.handles)
    for index, handle in enumerate(ids.handles):
        path = f"identifiers.handles[{index}]"
        yield from _text(f"{path}.platform", handle.platform, SHORT_TEXT_MAX)
        yield from _text(f"{path}.handle", handle.handle, SHORT_TEXT_MAX)
    yield from _texts("identifiers.advert_links", ids.advert_links, LINK_MAX)
    yield from _count("identifiers.vehicles", ids.vehicles)
    for index, vehicle in enumerate(ids.vehicles):
        path = f"identifiers.vehicles[{index}]"
        for name in ("make", "model", "colour", "registration"):
            yield from _text(f"{path}.{name}", getattr(vehicle, name), SHORT_TEXT_MAX)


def _wishes(wishes: Wishes) -> Iterator[Problem]:
    contact = wishes.contact.strip()
    if wishes.needs_contact() and not contact:
        yield Problem(
            "wishes.contact", "needs_contact",
            N_("Please add a phone number or email address so that they can reach you."),
        )
    elif wishes.needs_contact() and not _reachable(contact):
        yield Problem(
            "wishes.contact", "invalid_contact",
            N_("This does not look like a phone number or an email address."),
        )
    elif contact and not wishes.needs_contact():
        # Data minimisation: contact details nobody asked to use should not travel.
        yield Problem(
            "wishes.contact", "contact_not_needed",
            N_("You have not asked to be contacted, so you can leave your details out."),
            severity="warning",
        )
    yield from _text("wishes.contact", wishes.contact, SHORT_TEXT_MAX)
    if wishes.support_contact and not wishes.support_service:
        yield Problem(
            "wishes.support_service", "needs_service",
            N_("Please choose the support service you would like to hear from."),
        )


def _provenance(report: Report) -> Iterator[Problem]:
    if report.submitted_by is SubmittedBy.OUTREACH and not report.organisation_code:
        yield Problem(
            "organisation_code", "needs_organisation",
            N_("Please choose the project you are filing this report for."),
        )
    yield from _text("organisation_code", report.organisation_code or "", SHORT_TEXT_MAX)


def _reachable(contact: str) -> bool:
    """A contact someone can actually use: a plausible email or a possible number."""
    return is_plausible_email(contact) or normalise_phone(contact).verified


def _text(path: str, value: str, limit: int) -> Iterator[Problem]:
    if len(value) > limit:
        yield Problem(path, "too_long", _TOO_LONG, {"max": limit})


def _texts(path: str, values: Sequence[str], limit: int) -> Iterator[Problem]:
    yield from _count(path, values)
    for index, value in enumerate(values):
        yield from _text(f"{path}[{index}]", value, limit)


def _count(path: str, values: Sequence[object]) -> Iterator[Problem]:
    if len(values) > LIST_MAX:
        yield Problem(path, "too_many", _TOO_MANY, {"max": LIST_MAX})


def _years_before(day: dt.date, years: int) -> dt.date:
    if day.year - years < dt.MINYEAR:
        return dt.date.min
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)
