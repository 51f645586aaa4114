"""The alert item: one redacted warning inside an "alerts" bundle.

An item is a JSON object with exactly these keys::

    {"id": "a-2031", "regions": ["GB-LND"], "areas": ["GB-LND-HACKNEY"],
     "date": "2025-03-14", "incident_types": ["violence"],
     "summary": "Redacted description.",
     "identifiers": {"phones": ["+447700900123"], "emails": [],
                     "handles": [{"platform": "whatsapp", "handle": "example"}],
                     "registrations": ["AB12 CDE"]},
     "severity": "low" | "medium" | "high", "expires_at": "YYYY-MM-DDTHH:MM:SSZ"}

Codes are plain strings so this module does not depend on app.core's taxonomy; the
app checks them against its areas. Parsing is strict: a signed bundle is still only as
good as the console that built it, and the app shows these strings to people deciding
whether a client is safe. Text that could display differently from what the reviewer
read (control and bidirectional-override characters) is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sync.protocol.bundle import Bundle
from sync.protocol.codec import as_list, as_str, exact_keys, format_utc, parse_day, parse_utc
from sync.protocol.errors import MalformedBundleError, WrongBundleError

SEVERITIES = ("low", "medium", "high")
MAX_SUMMARY_CHARS = 2000
MAX_REGIONS = 32
MAX_AREAS = 64
MAX_INCIDENT_TYPES = 16
MAX_IDENTIFIERS = 32

ALERT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
PHONE = re.compile(r"\+[1-9][0-9]{6,14}")  # E.164
EMAIL = re.compile(r"(?=.{3,254}\Z)[^@\s\x00-\x1f\x7f]{1,64}"
                   r"@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63}){1,8}")
PLATFORM = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}")
HANDLE = re.compile(r"[^\s\x00-\x1f\x7f]{1,100}")
REGISTRATION = re.compile(r"(?=.{1,16}\Z)[A-Z0-9]+([ -][A-Z0-9]+)*")
_UNSAFE_TEXT = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f"  # controls except newline
                          r"\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

_ITEM_KEYS = frozenset({"id", "regions", "areas", "date", "incident_types", "summary",
                        "identifiers", "severity", "expires_at"})
_IDENTIFIER_KEYS = frozenset({"phones", "emails", "handles", "registrations"})
_HANDLE_KEYS = frozenset({"platform", "handle"})
_ERROR = MalformedBundleError


@dataclass(frozen=True)
class Handle:
    """An account on a platform ("whatsapp", "adultwork", ...), as the client used it."""

    platform: str
    handle: str


@dataclass(frozen=True)
class Identifiers:
    """What lets someone recognise the client before meeting: the lookup keys."""

    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    handles: tuple[Handle, ...] = ()
    registrations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alert:
    """One published warning, redacted by the organisation."""

    id: str
    regions: tuple[str, ...]
    areas: tuple[str, ...]
    date: dt.date
    incident_types: tuple[str, ...]
    summary: str
    identifiers: Identifiers
    severity: str
    expires_at: dt.datetime


def alert_to_item(alert: Alert) -> dict[str, Any]:
    """The JSON item for ``alert``; MalformedBundleError if it would not parse back."""
    ids = alert.identifiers
    item = {
        "id": alert.id, "regions": list(alert.regions), "areas": list(alert.areas),
        "date": alert.date.isoformat(), "incident_types": list(alert.incident_types),
        "summary": alert.summary, "severity": alert.severity,
        "expires_at": format_utc(alert.expires_at),
        "identifiers": {
            "phones": list(ids.phones), "emails": list(ids.emails),
            "handles": [{"platform": h.platform, "handle": h.handle} for h in ids.handles],
            "registrations": list(ids.registrations),
        },
    }
    alert_from_item(item)
    return item


def alert_from_item(item: Any) -> Alert:
    """Parse one item strictly; MalformedBundleError on any deviation from the schema."""
    item = exact_keys(item, _ITEM_KEYS, "alert", _ERROR)
    return Alert(
        id=as_str(item["id"], "alert id", _ERROR, ALERT_ID),
        regions=_codes(item["regions"], "alert regions", MAX_REGIONS, minimum=1),
        areas=_codes(item["areas"], "alert areas", MAX_AREAS, minimum=0),
        date=parse_day(item["date"], "alert date", _ERROR),
        incident_types=_codes(item["incident_types"], "alert incident_types",
                              MAX_INCIDENT_TYPES, minimum=1),
        summary=_summary(item["summary"]),
        identifiers=_identifiers(item["identifiers"]),
        severity=_severity(item["severity"]),
        expires_at=parse_utc(item["expires_at"], "alert expires_at", _ERROR),
    )


def alerts_in(bundle: Bundle) -> tuple[Alert, ...]:
    """Every alert of a verified "alerts" bundle; one bad item rejects the whole bundle."""
    if bundle.kind != "alerts":
        raise WrongBundleError("not an alerts bundle")
    return tuple(alert_from_item(item) for item in bundle.items)


def _strings(value: Any, what: str, pattern: re.Pattern[str], max_items: int) -> tuple[str, ...]:
    return tuple(as_str(v, what, _ERROR, pattern)
                 for v in as_list(value, what, _ERROR, max_items=max_items))


def _codes(value: Any, what: str, max_items: int, *, minimum: int) -> tuple[str, ...]:
    codes = _strings(value, what, CODE, max_items)
    if len(codes) < minimum:
        raise _ERROR(f"{what} must have at least {minimum} element(s)")
    return codes


def _summary(value: Any) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_SUMMARY_CHARS:
        raise _ERROR(f"alert summary must be 1 to {MAX_SUMMARY_CHARS} characters")
    if _UNSAFE_TEXT.search(value):
        raise _ERROR("alert summary contains control or direction-override characters")
    return value


def _severity(value: Any) -> str:
    if not isinstance(value, str) or value not in SEVERITIES:
        raise _ERROR("alert severity must be low, medium or high")
    return value


def _identifiers(value: Any) -> Identifiers:
    ids = exact_keys(value, _IDENTIFIER_KEYS, "alert identifiers", _ERROR)
    return Identifiers(
        phones=_strings(ids["phones"], "alert phone", PHONE, MAX_IDENTIFIERS),
        emails=_strings(ids["emails"], "alert email", EMAIL, MAX_IDENTIFIERS),
        handles=tuple(_handle(h) for h in as_list(ids["handles"], "alert handles", _ERROR,
                                                  max_items=MAX_IDENTIFIERS)),
        registrations=_strings(ids["registrations"], "alert registration", REGISTRATION,
                               MAX_IDENTIFIERS),
    )


def _handle(value: Any) -> Handle:
    entry = exact_keys(value, _HANDLE_KEYS, "alert handle", _ERROR)
    handle = as_str(entry["handle"], "alert handle", _ERROR, HANDLE)
    if _UNSAFE_TEXT.search(handle):
        raise _ERROR("alert handle contains control or direction-override characters")
    return Handle(platform=as_str(entry["platform"], "alert platform", _ERROR, PLATFORM),
                  handle=handle)
