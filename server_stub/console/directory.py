"""The support directory: services people can call from the app, reviewed by the organisation.

The reviewed file (``assets/directory.json``) is JSON::

    {"format": 1,
     "reviewed": {"source": "<where the facts come from>", "date": "YYYY-MM-DD",
                  "note": "<what was checked>"},
     "services": [
       {"id": "red-project", "name": "The Red Project", "code": "REDPROJECT",
        "areas": ["uk.eng.wm.wmp.birmingham"], "help": ["sex_worker_support"],
        "phones": [{"label": "Phone", "display": "0121 643 0301", "e164": "+441216430301"}],
        "description": "...", "website": "https://..."}]}

``code`` (participating projects only) and ``website`` are optional. A phone has either
``e164`` (a valid number; ``display`` must dial the same number from the UK) or
``short_code`` (a UK short number such as 101 or 999, shown as itself).

Each service becomes one item of the signed "directory" bundle, exactly as written
here (the review note stays with the organisation). Validation is strict because the
app puts these numbers behind a "call" button for someone who may be in danger.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import phonenumbers
from phonenumbers import PhoneNumberFormat, shortnumberinfo

from app.core.areas import AreaTaxonomy
from server_stub.console.errors import DirectoryError

DIRECTORY_FORMAT = 1
HELP_KINDS = ("sex_worker_support", "sexual_health", "violence_support", "housing", "legal",
              "police", "emergency")
DIALLING_REGION = "GB"
MAX_SERVICES = 1000

_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_CODE = re.compile(r"[A-Z][A-Z0-9]{1,31}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WEBSITE = re.compile(r"https://[A-Za-z0-9.-]+(?:/[A-Za-z0-9._~/%+-]*)?")
_SHORT = re.compile(r"[0-9]{2,6}")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069]")

_TOP_KEYS = frozenset({"format", "reviewed", "services"})
_REVIEWED_KEYS = frozenset({"source", "date", "note"})
_REQUIRED = frozenset({"id", "name", "areas", "help", "phones", "description"})
_OPTIONAL = frozenset({"code", "website"})
_PHONE_KEYS = frozenset({"label", "display"})


@dataclass(frozen=True)
class Directory:
    """A validated directory: its review note and its services as bundle items."""

    source: str
    reviewed_on: str
    items: tuple[dict[str, Any], ...]

    def item(self, service_id: str) -> dict[str, Any]:
        return next(item for item in self.items if item["id"] == service_id)


def load_directory(path: Path, areas: AreaTaxonomy) -> Directory:
    """Read and validate a reviewed directory file; DirectoryError at the first problem."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DirectoryError(f"cannot read the directory: {type(exc).__name__}") from None
    return parse_directory(document, areas)


def parse_directory(document: Any, areas: AreaTaxonomy) -> Directory:
    top = _object(document, _TOP_KEYS, frozenset(), "directory")
    if top["format"] != DIRECTORY_FORMAT or isinstance(top["format"], bool):
        raise DirectoryError("directory format is not supported")
    reviewed = _object(top["reviewed"], _REVIEWED_KEYS, frozenset(), "reviewed")
    for key in ("source", "note"):
        _text(reviewed[key], f"reviewed {key}", 1000)
    if not isinstance(reviewed["date"], str) or not _DAY.fullmatch(reviewed["date"]):
        raise DirectoryError("reviewed date must look like YYYY-MM-DD")
    services = top["services"]
    if not isinstance(services, list) or not 1 <= len(services) <= MAX_SERVICES:
        raise DirectoryError(f"services must be a list of 1 to {MAX_SERVICES}")
    items = tuple(check_service(service, areas) for service in services)
    _unique([item["id"] for item in items], "service id")
    _unique([item["code"] for item in items if "code" in item], "organisation code")
    return Directory(source=reviewed["source"], reviewed_on=reviewed["date"], items=items)


def check_service(value: Any, areas: AreaTaxonomy) -> dict[str, Any]:
    """One service, checked; returned unchanged (it is the bundle item)."""
    service = _object(value, _REQUIRED, _OPTIONAL, "service")
    what = f"service {service.get('id')!r}" if isinstance(service.get("id"), str) else "service"
    _match(service["id"], _ID, f"{what} id")
    _text(service["name"], f"{what} name", 100)
    _text(service["description"], f"{what} description", 600)
    if "code" in service:
        _match(service["code"], _CODE, f"{what} code")
    if "website" in service:
        _match(service["website"], _WEBSITE, f"{what} website")
    _codes(service["areas"], f"{what} areas", lambda code: code in areas)
    _codes(service["help"], f"{what} help", lambda kind: kind in HELP_KINDS)
    phones = service["phones"]
    if not isinstance(phones, list) or not 1 <= len(phones) <= 8:
        raise DirectoryError(f"{what} phones must be a list of 1 to 8")
    for phone in phones:
        check_phone(phone, what)
    return service


def check_phone(value: Any, what: str) -> None:
    """A phone entry: a valid E.164 number that ``display`` dials too, or a UK short code."""
    if not isinstance(value, dict) or len(set(value) & {"e164", "short_code"}) != 1:
        raise DirectoryError(f"{what} phone needs exactly one of e164 and short_code")
    number_key = "e164" if "e164" in value else "short_code"
    phone = _object(value, _PHONE_KEYS | {number_key}, frozenset(), f"{what} phone")
    _text(phone["label"], f"{what} phone label", 60)
    _text(phone["display"], f"{what} phone display", 30)
    if number_key == "short_code":
        _check_short_code(phone["short_code"], phone["display"], what)
    else:
        _check_e164(phone["e164"], phone["display"], what)


def _check_e164(e164: Any, display: str, what: str) -> None:
    if not isinstance(e164, str) or e164 != _as_e164(e164, None):
        raise DirectoryError(f"{what} phone e164 is not a valid number in E.164 form")
    if _as_e164(display, DIALLING_REGION) != e164:
        raise DirectoryError(f"{what} phone display does not dial its e164 number")


def _check_short_code(code: Any, display: str, what: str) -> None:
    if not isinstance(code, str) or not _SHORT.fullmatch(code) or display != code:
        raise DirectoryError(f"{what} phone short_code must be digits, shown as they are")
    number = phonenumbers.parse(code, DIALLING_REGION)
    if not shortnumberinfo.is_valid_short_number_for_region(number, DIALLING_REGION):
        raise DirectoryError(f"{what} phone short_code is not a UK short number")


def _as_e164(text: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _object(value: Any, required: frozenset[str], optional: frozenset[str],
            what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DirectoryError(f"{what} must be an object")
    missing, unknown = required - set(value), set(value) - required - optional
    if missing or unknown:
        raise DirectoryError(f"{what} is missing {sorted(missing)} or has unknown "
                             f"{sorted(unknown)}")
    return value


def _text(value: Any, what: str, limit: int) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise DirectoryError(f"{what} must be text of 1 to {limit} characters")
    if _UNSAFE.search(value) or value != value.strip():
        raise DirectoryError(f"{what} has control characters or surrounding spaces")


def _match(value: Any, pattern: re.Pattern[str], what: str) -> None:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise DirectoryError(f"{what} is not well formed")


def _codes(value: Any, what: str, known: Callable[[str], bool]) -> None:
    if not isinstance(value, list) or not value or len(value) != len(set(map(str, value))):
        raise DirectoryError(f"{what} must be a non-empty list without repeats")
    for code in value:
        if not isinstance(code, str) or not known(code):
            raise DirectoryError(f"{what} has an unknown code")


def _unique(values: list[str], what: str) -> None:
    if len(values) != len(set(values)):
        raise DirectoryError(f"{what}s must be unique")
