"""The canonical serialisation of a report: what is stored, sealed and sent.

``report_to_bytes`` gives one byte string per report (canonical JSON, schema
number included, dates as ISO strings, enums as their codes). ``report_from_bytes``
accepts exactly that shape and raises :class:`ReportFormatError` on anything else:
an unknown schema, a missing or extra key, a wrong type, an unknown code. Drafts
round-trip too, since every field may be empty.

Error messages name the field but never echo a value: they may end up in a log,
and the values are the most sensitive thing the app holds.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeVar

from app.core import canonical
from app.core.errors import CanonicalError, ReportFormatError
from app.core.identifiers import Handle, Phone
from app.core.report import (
    REPORT_SCHEMA_VERSION,
    Identifiers,
    Perpetrator,
    Report,
    Vehicle,
    Wishes,
)
from app.core.vocab import (
    AgeRange,
    Build,
    ContactMethod,
    Gender,
    Height,
    IncidentType,
    PlaceType,
    SubmittedBy,
    TimeOfDay,
    Vocab,
)

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_T = TypeVar("_T")
_V = TypeVar("_V", bound=Vocab)

Json = dict[str, Any]


def report_to_bytes(report: Report) -> bytes:
    """The canonical bytes of ``report``; equal reports give equal bytes.

    Half of a character (a lone surrogate, as when a text box cuts an emoji in two) cannot
    be stored as UTF-8; it becomes U+FFFD so that saving a draft never fails on it.
    """
    return canonical.encode(_mend_text(report_to_dict(report)))


def _mend_text(value: Any) -> Any:
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_mend_text(item) for item in value]
    if isinstance(value, dict):
        return {key: _mend_text(item) for key, item in value.items()}
    return value


def report_from_bytes(data: bytes) -> Report:
    """Read canonical report bytes; raises ReportFormatError on anything unexpected."""
    try:
        value = canonical.decode(data)
    except CanonicalError as exc:
        raise ReportFormatError(f"report is not canonical JSON: {exc}") from None
    return report_from_dict(value)


def report_to_dict(report: Report) -> Json:
    """``report`` as JSON-compatible values (no floats, no tuples' identity)."""
    return {
        "schema": REPORT_SCHEMA_VERSION,
        "date": None if report.date is None else report.date.isoformat(),
        "time_of_day": _code(report.time_of_day),
        "area_code": report.area_code,
        "place_type": _code(report.place_type),
        "incident_types": [kind.code for kind in report.incident_types],
        "incident_other": report.incident_other,
        "perpetrator": _perpetrator_to_dict(report.perpetrator),
        "contact_method": _code(report.contact_method),
        "contact_detail": report.contact_detail,
        "identifiers": _identifiers_to_dict(report.identifiers),
        "narrative": report.narrative,
        "wishes": _wishes_to_dict(report.wishes),
        "submitted_by": report.submitted_by.code,
        "organisation_code": report.organisation_code,
    }


def report_from_dict(value: Any) -> Report:
    """The inverse of :func:`report_to_dict`; strict about keys, types and codes."""
    obj = _Obj(value, "report", _REPORT_KEYS)
    schema = obj.get("schema", int)
    if schema != REPORT_SCHEMA_VERSION:
        raise ReportFormatError(f"unsupported report schema version {schema}")
    return Report(
        date=_date(obj.get("date", str, optional=True)),
        time_of_day=obj.code("time_of_day", TimeOfDay, optional=True),
        area_code=obj.get("area_code", str, optional=True),
        place_type=obj.code("place_type", PlaceType, optional=True),
        incident_types=tuple(
            _vocab(IncidentType, code, "incident_types")
            for code in obj.items("incident_types", str)
        ),
        incident_other=obj.get("incident_other", str),
        perpetrator=_perpetrator_from_dict(obj.get("perpetrator", dict)),
        contact_method=obj.code("contact_method", ContactMethod, optional=True),
        contact_detail=obj.get("contact_detail", str),
        identifiers=_identifiers_from_dict(obj.get("identifiers", dict)),
        narrative=obj.get("narrative", str),
        wishes=_wishes_from_dict(obj.get("wishes", dict)),
        submitted_by=_vocab(SubmittedBy, obj.get("submitted_by", str), "submitted_by"),
        organisation_code=obj.get("organisation_code", str, optional=True),
    )


_REPORT_KEYS = frozenset({
    "schema", "date", "time_of_day", "area_code", "place_type", "incident_types",
    "incident_other", "perpetrator", "contact_method", "contact_detail", "identifiers",
    "narrative", "wishes", "submitted_by", "organisation_code",
})
_PERPETRATOR_KEYS = frozenset({
    "people_count", "gender", "age_range", "height", "build", "ethnicity", "hair",
    "features", "names_used",
})
_IDENTIFIERS_KEYS = frozenset({"phones", "emails", "handles", "advert_links", "vehicles"})
_PHONE_KEYS = frozenset({"raw", "e164", "national", "verified"})
_HANDLE_KEYS = frozenset({"platform", "handle"})
_VEHICLE_KEYS = frozenset({"make", "model", "colour", "registration"})
_WISHES_KEYS = frozenset({
    "warn_others", "police_intel", "police_report", "support_contact", "contact",
    "support_service",
})


def _perpetrator_to_dict(perp: Perpetrator) -> Json:
    return {
        "people_count": perp.people_count,
        "gender": _code(perp.gender),
        "age_range": _code(perp.age_range),
        "height": _code(perp.height),
        "build": _code(perp.build),
        "ethnicity": perp.ethnicity,
        "hair": perp.hair,
        "features": perp.features,
        "names_used": list(perp.names_used),
    }


def _perpetrator_from_dict(value: Json) -> Perpetrator:
    obj = _Obj(value, "perpetrator", _PERPETRATOR_KEYS)
    return Perpetrator(
        people_count=obj.get("people_count", int, optional=True),
        gender=obj.code("gender", Gender, optional=True),
        age_range=obj.code("age_range", AgeRange, optional=True),
        height=obj.code("height", Height, optional=True),
        build=obj.code("build", Build, optional=True),
        ethnicity=obj.get("ethnicity", str),
        hair=obj.get("hair", str),
        features=obj.get("features", str),
        names_used=tuple(obj.items("names_used", str)),
    )


def _identifiers_to_dict(ids: Identifiers) -> Json:
    return {
        "phones": [
            {"raw": p.raw, "e164": p.e164, "national": p.national, "verified": p.verified}
            for p in ids.phones
        ],
        "emails": list(ids.emails),
        "handles": [{"platform": h.platform, "handle": h.handle} for h in ids.handles],
        "advert_links": list(ids.advert_links),
        "vehicles": [
            {"make": v.make, "model": v.model, "colour": v.colour,
             "registration": v.registration}
            for v in ids.vehicles
        ],
    }


def _identifiers_from_dict(value: Json) -> Identifiers:
    obj = _Obj(value, "identifiers", _IDENTIFIERS_KEYS)
    return Identifiers(
        phones=tuple(_phone(item) for item in obj.items("phones", dict)),
        emails=tuple(obj.items("emails", str)),
        handles=tuple(_handle(item) for item in obj.items("handles", dict)),
        advert_links=tuple(obj.items("advert_links", str)),
        vehicles=tuple(_vehicle(item) for item in obj.items("vehicles", dict)),
    )


def _phone(value: Json) -> Phone:
    obj = _Obj(value, "identifiers.phones[]", _PHONE_KEYS)
    phone = Phone(
        raw=obj.get("raw", str),
        e164=obj.get("e164", str, optional=True),
        national=obj.get("national", str, optional=True),
        verified=obj.get("verified", bool),
    )
    # Matching trusts e164 exactly when verified; a mix would match the wrong way.
    if phone.verified != (phone.e164 is not None):
        raise ReportFormatError("identifiers.phones[]: verified and e164 disagree")
    return phone


def _handle(value: Json) -> Handle:
    obj = _Obj(value, "identifiers.handles[]", _HANDLE_KEYS)
    return Handle(platform=obj.get("platform", str), handle=obj.get("handle", str))


def _vehicle(value: Json) -> Vehicle:
    obj = _Obj(value, "identifiers.vehicles[]", _VEHICLE_KEYS)
    return Vehicle(
        make=obj.get("make", str),
        model=obj.get("model", str),
        colour=obj.get("colour", str),
        registration=obj.get("registration", str),
    )


def _wishes_to_dict(wishes: Wishes) -> Json:
    return {
        "warn_others": wishes.warn_others,
        "police_intel": wishes.police_intel,
        "police_report": wishes.police_report,
        "support_contact": wishes.support_contact,
        "contact": wishes.contact,
        "support_service": wishes.support_service,
    }


def _wishes_from_dict(value: Json) -> Wishes:
    obj = _Obj(value, "wishes", _WISHES_KEYS)
    return Wishes(
        warn_others=obj.get("warn_others", bool),
        police_intel=obj.get("police_intel", bool),
        police_report=obj.get("police_report", bool),
        support_contact=obj.get("support_contact", bool),
        contact=obj.get("contact", str),
        support_service=obj.get("support_service", str, optional=True),
    )


def _code(member: Vocab | None) -> str | None:
    return None if member is None else member.code


def _vocab(kind: type[_V], code: str, where: str) -> _V:
    try:
        return kind.from_code(code)
    except ValueError:
        raise ReportFormatError(f"{where}: unknown {kind.__name__} code") from None


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    # fromisoformat alone also takes "20240501" and week dates; one spelling only.
    if not _ISO_DATE.fullmatch(text):
        raise ReportFormatError("date: not an ISO date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ReportFormatError("date: not a real calendar date") from None


class _Obj:
    """A JSON object being read: checks the exact key set and each value's type."""

    def __init__(self, value: Any, where: str, keys: frozenset[str]) -> None:
        if not isinstance(value, dict):
            raise ReportFormatError(f"{where}: expected an object")
        if value.keys() != keys:
            raise ReportFormatError(f"{where}: missing or unexpected keys")
        self._value = value
        self._where = where

    def get(self, key: str, kind: type[_T], *, optional: bool = False) -> Any:
        item = self._value[key]
        if item is None and optional:
            return None
        if not _is_instance(item, kind):
            raise ReportFormatError(f"{self._where}.{key}: expected {kind.__name__}")
        return item

    def items(self, key: str, kind: type[_T]) -> list[Any]:
        items = self.get(key, list)
        for item in items:
            if not _is_instance(item, kind):
                raise ReportFormatError(f"{self._where}.{key}[]: expected {kind.__name__}")
        return list(items)

    def code(self, key: str, kind: type[_V], *, optional: bool = False) -> _V | None:
        text: str | None = self.get(key, str, optional=optional)
        return None if text is None else _vocab(kind, text, f"{self._where}.{key}")


def _is_instance(value: Any, kind: type) -> bool:
    # bool is a subclass of int in Python, but never a count in a report.
    if kind is int and isinstance(value, bool):
        return False
    return isinstance(value, kind)

