"""Turning a reviewed case into an alert, and only with the reporter's consent.

An alert carries what lets someone recognise a dangerous client (phone numbers, emails,
handles, plates, in the forms the app matches on), where and when, what happened, and
a redacted summary. It never carries the narrative, the reporter's contact details,
advert links (they may be the reporter's own adverts), nor which project helped file
the report (in a small community that can identify the reporter).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.core.areas import AreaTaxonomy
from app.core.errors import UnknownAreaError
from app.core.identifiers import (
    normalise_email,
    normalise_handle,
    normalise_phone,
    normalise_registration,
)
from app.core.report import Report
from app.core.vocab import IncidentType
from server_stub.console.casework import Case, CaseStatus, Casework, StoredAlert, new_alert_id
from server_stub.console.errors import AlertRefusedError
from server_stub.console.redaction import redact, structured_summary
from sync.protocol import alert as schema
from sync.protocol.alert import Alert, Handle, Identifiers
from sync.protocol.codec import truncate_utc

DEFAULT_EXPIRY = dt.timedelta(days=90)
MAX_EXPIRY = dt.timedelta(days=730)

_HIGH = frozenset({IncidentType.PHYSICAL_ASSAULT, IncidentType.SEXUAL_ASSAULT,
                   IncidentType.WEAPON, IncidentType.HELD, IncidentType.SPIKING})
_MEDIUM = frozenset({IncidentType.ROBBERY, IncidentType.THREATS, IncidentType.STEALTHING,
                     IncidentType.IMPERSONATING_POLICE, IncidentType.HARASSMENT})


@dataclass(frozen=True)
class AlertRequest:
    """What the reviewer decided; None means "the default"."""

    summary: str | None = None
    severity: str | None = None
    expires_in: dt.timedelta = DEFAULT_EXPIRY


def build_alert(case: Case, areas: AreaTaxonomy, request: AlertRequest,
                now: dt.datetime) -> Alert:
    """The alert for ``case``; AlertRefusedError if it may not or cannot become one."""
    report = case.report()
    _check_allowed(case, report)
    region, area = _feed_region(report, areas)
    if report.date is None:
        raise AlertRefusedError("no_date")
    contact = report.wishes.contact
    summary = redact(request.summary if request.summary is not None
                     else structured_summary(report), reporter_contact=contact)
    if not summary:
        raise AlertRefusedError("empty_summary")
    if request.severity is not None and request.severity not in schema.SEVERITIES:
        raise AlertRefusedError("bad_severity")
    if not dt.timedelta(days=1) <= request.expires_in <= MAX_EXPIRY:
        raise AlertRefusedError("bad_expiry")
    return Alert(
        id=new_alert_id(), regions=(region,), areas=(area,), date=report.date,
        incident_types=tuple(t.code for t in report.incident_types), summary=summary,
        identifiers=alert_identifiers(report), expires_at=truncate_utc(now + request.expires_in),
        severity=request.severity or default_severity(report.incident_types))


def create_alert(casework: Casework, case_id: str, areas: AreaTaxonomy, request: AlertRequest,
                 now: dt.datetime) -> StoredAlert:
    """Build the alert for a case and store it as active (the case becomes reviewed)."""
    alert = build_alert(casework.case(case_id), areas, request, now)
    return casework.add_alert(case_id, alert, region=alert.regions[0], created_at=now)


def default_severity(incident_types: Iterable[IncidentType]) -> str:
    """High for violence, sexual violence, weapons, spiking, being held; medium for other
    harm to the person; low otherwise. The reviewer can always choose."""
    chosen = set(incident_types)
    if chosen & _HIGH:
        return "high"
    return "medium" if chosen & _MEDIUM else "low"


def alert_identifiers(report: Report) -> Identifiers:
    """The perpetrator's identifiers in their matching forms, never the reporter's own.

    Phones only when verified (a real number in a known plan, in E.164): an unverified
    fragment would match strangers. Anything that the alert schema would refuse is left
    out rather than mangled.
    """
    ids, own = report.identifiers, _own_contact(report.wishes.contact)
    phones = [p.e164 for p in ids.phones if p.verified and p.e164]
    emails = [normalise_email(e) for e in ids.emails]
    handles = [normalise_handle(h.platform, h.handle) for h in ids.handles]
    plates = [normalise_registration(v.registration) for v in ids.vehicles]
    return Identifiers(
        phones=_keep(phones, schema.PHONE, own),
        emails=_keep(emails, schema.EMAIL, own),
        handles=tuple(dict.fromkeys(
            Handle(h.platform, h.handle) for h in handles
            if schema.PLATFORM.fullmatch(h.platform) and schema.HANDLE.fullmatch(h.handle)
            and h.handle not in own))[:schema.MAX_IDENTIFIERS],
        registrations=_keep(plates, schema.REGISTRATION, own),
    )


def _check_allowed(case: Case, report: Report) -> None:
    if not report.wishes.warn_others:
        raise AlertRefusedError("no_consent")
    if case.status is CaseStatus.CLOSED:
        raise AlertRefusedError("case_closed")
    if not report.incident_types:
        raise AlertRefusedError("no_incident_types")


def _feed_region(report: Report, areas: AreaTaxonomy) -> tuple[str, str]:
    """(the region whose bundle carries the alert, the report's own area)."""
    if not report.area_code:
        raise AlertRefusedError("no_area")
    try:
        return areas.feed_region(report.area_code).code, report.area_code
    except UnknownAreaError:
        # Unknown, or as broad as the whole country: no regional feed would carry it.
        raise AlertRefusedError("area_too_broad") from None


def _own_contact(contact: str) -> frozenset[str]:
    """Every form the reporter's contact could take among the identifiers."""
    text = contact.strip()
    if not text:
        return frozenset()
    phone = normalise_phone(text)
    forms = {normalise_email(text), text.lower(), text.lstrip("@").lower()}
    if phone.verified and phone.e164:
        forms.add(phone.e164)
    return frozenset(forms)


def _keep(values: Iterable[str], pattern: re.Pattern[str],
          own: frozenset[str]) -> tuple[str, ...]:
    kept = dict.fromkeys(v for v in values
                         if pattern.fullmatch(v) and v not in own and v.lower() not in own)
    return tuple(kept)[:schema.MAX_IDENTIFIERS]
