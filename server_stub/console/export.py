"""Consented sharing: reports turned into records an intelligence hub or a police force
can ingest, and only the reports whose reporter said yes to that.

Two consents, two kinds of record (docs/EXPORT.md is the schema):

- ``police-intel``: anonymous intelligence. Only reports with ``wishes.police_intel``.
  No contact of the reporter in any field, the free text redacted (redaction.py), and
  nothing about who filed it beyond whether it was the person themself or an outreach
  worker with them.
- ``police-report``: a report to the police. Only reports with ``wishes.police_report``
  and a contact to give; the contact and the reporter's own words go with it.

A report that does not carry the consent is never in the export, whatever else it
says: ``eligible`` is the only gate, and every record is built through it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.core.areas import AreaKind, AreaTaxonomy, UnknownAreaError
from app.core.identifiers import normalise_email, normalise_registration
from app.core.report import Report
from server_stub.console.casework import Case
from server_stub.console.redaction import redact

SCHEMA = "brolly-export/1"


class ExportConsent(StrEnum):
    POLICE_INTEL = "police-intel"
    POLICE_REPORT = "police-report"


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


@dataclass(frozen=True)
class Export:
    consent: ExportConsent
    records: list[dict[str, Any]]
    case_ids: list[str]


def eligible(report: Report, consent: ExportConsent) -> bool:
    """Whether the reporter said yes to this kind of sharing."""
    wishes = report.wishes
    if consent is ExportConsent.POLICE_INTEL:
        return wishes.police_intel
    return wishes.police_report and bool(wishes.contact.strip())


def build_export(cases: Iterable[Case], consent: ExportConsent, areas: AreaTaxonomy, *,
                 since: dt.date, until: dt.date) -> Export:
    """The records for every case received from ``since`` to ``until`` (inclusive) whose
    report carries ``consent``."""
    records, ids = [], []
    for case in sorted(cases, key=lambda c: (c.received_day, c.id)):
        if not since <= case.received_day <= until:
            continue
        report = case.report()
        if not eligible(report, consent):
            continue
        records.append(record(case, report, consent, areas))
        ids.append(case.id)
    return Export(consent, records, ids)


def record(case: Case, report: Report, consent: ExportConsent,
           areas: AreaTaxonomy) -> dict[str, Any]:
    if not eligible(report, consent):
        raise ValueError("the report does not carry this consent")
    anonymous = consent is ExportConsent.POLICE_INTEL
    contact = report.wishes.contact

    def text(value: str) -> str:
        return redact(value, reporter_contact=contact) if anonymous and value else value

    perpetrator = report.perpetrator
    return {
        "schema": SCHEMA,
        "record_id": case.id,
        "consent": consent.value,
        "received_day": case.received_day.isoformat(),
        "incident_date": report.date.isoformat() if report.date else None,
        "time_of_day": _code(report.time_of_day),
        "area": _area(report.area_code, areas),
        "place_type": _code(report.place_type),
        "incident_types": [t.value for t in report.incident_types],
        "incident_other": text(report.incident_other),
        "offender": {
            "people_count": perpetrator.people_count,
            "gender": _code(perpetrator.gender), "age_range": _code(perpetrator.age_range),
            "height": _code(perpetrator.height), "build": _code(perpetrator.build),
            "ethnicity": text(perpetrator.ethnicity), "hair": text(perpetrator.hair),
            "features": text(perpetrator.features),
            "names_used": list(perpetrator.names_used),
        },
        "contact_method": _code(report.contact_method),
        "identifiers": _identifiers(report),
        "narrative": text(report.narrative),
        "filed_by": report.submitted_by.value,
        "reporter_contact": None if anonymous else contact.strip(),
    }


def _identifiers(report: Report) -> dict[str, Any]:
    ids = report.identifiers
    return {
        "phones": [p.e164 for p in ids.phones if p.verified and p.e164],
        "phones_unverified": [p.raw for p in ids.phones if not (p.verified and p.e164)],
        "emails": [normalise_email(e) for e in ids.emails],
        "handles": [{"platform": h.platform, "handle": h.handle} for h in ids.handles],
        "advert_links": list(ids.advert_links),
        "vehicles": [{"make": v.make, "model": v.model, "colour": v.colour,
                      "registration": normalise_registration(v.registration)}
                     for v in ids.vehicles],
    }


def _area(code: str | None, areas: AreaTaxonomy) -> dict[str, Any] | None:
    if code is None:
        return None
    try:
        area = areas.get(code)
    except UnknownAreaError:
        return {"code": code, "name": None, "police_force": None}
    force = next((a for a in (*areas.ancestors(code), area)
                  if a.kind is AreaKind.POLICE_FORCE), None)
    return {"code": code, "name": area.name, "police_force": force.name if force else None}


def _code(member: StrEnum | None) -> str | None:
    return None if member is None else member.value


# --- writing -----------------------------------------------------------------------------

CSV_COLUMNS: Sequence[str] = (
    "schema", "record_id", "consent", "received_day", "incident_date", "time_of_day",
    "area_code", "area_name", "police_force", "place_type", "incident_types",
    "incident_other", "offender_people_count", "offender_gender", "offender_age_range",
    "offender_height", "offender_build", "offender_ethnicity", "offender_hair",
    "offender_features", "offender_names_used", "contact_method", "phones",
    "phones_unverified", "emails", "handles", "advert_links", "vehicles", "narrative",
    "filed_by", "reporter_contact",
)
LIST_SEPARATOR = " | "


def render(export: Export, fmt: ExportFormat) -> str:
    if fmt is ExportFormat.JSONL:
        return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n"
                       for r in export.records)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in export.records:
        writer.writerow(csv_row(row))
    return out.getvalue()


def csv_row(row: dict[str, Any]) -> dict[str, str]:
    area, offender, ids = row["area"] or {}, row["offender"], row["identifiers"]
    flat: dict[str, Any] = {k: row[k] for k in (
        "schema", "record_id", "consent", "received_day", "incident_date", "time_of_day",
        "place_type", "incident_other", "contact_method", "narrative", "filed_by",
        "reporter_contact")}
    flat |= {"area_code": area.get("code"), "area_name": area.get("name"),
             "police_force": area.get("police_force"),
             "incident_types": row["incident_types"]}
    flat |= {f"offender_{k}": v for k, v in offender.items()}
    flat |= {"phones": ids["phones"], "phones_unverified": ids["phones_unverified"],
             "emails": ids["emails"], "advert_links": ids["advert_links"],
             "handles": [f"{h['platform']}:{h['handle']}" for h in ids["handles"]],
             "vehicles": [" ".join(x for x in (v["registration"], v["colour"], v["make"],
                                               v["model"]) if x) for v in ids["vehicles"]]}
    return {k: _cell(flat[k]) for k in CSV_COLUMNS}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = LIST_SEPARATOR.join(str(v) for v in value) if isinstance(value, list) else str(value)
    # A spreadsheet runs a cell that starts like a formula: never hand it one.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
