"""The support directory bundle: one item per service, checked strictly, because the app
puts these numbers behind a "Call" button for someone who may be in danger.

An item::

    {"id": "red-project", "name": "The Red Project", "code": "REDPROJECT",
     "areas": ["uk.eng.wm.wmp.birmingham"], "help": ["sex_worker_support"],
     "phones": [{"label": "Phone", "display": "0121 643 0301", "e164": "+441216430301"}],
     "description": "...", "website": "https://..."}

``code`` (participating projects, for outreach mode) and ``website`` are optional. A
phone has either ``e164`` (a valid number that ``display`` also dials from the UK) or
``short_code`` (a UK short number such as 101 or 999, shown as itself).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import phonenumbers
from phonenumbers import PhoneNumberFormat, shortnumberinfo

from sync.protocol.bundle import Bundle
from sync.protocol.errors import MalformedBundleError

HELP_KINDS = ("sex_worker_support", "sexual_health", "violence_support", "housing", "legal",
              "police", "emergency")
DIALLING_REGION = "GB"
MAX_SERVICES = 1000

_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_CODE = re.compile(r"[A-Z][A-Z0-9]{1,31}")
_WEBSITE = re.compile(r"https://[A-Za-z0-9.-]+(?:/[A-Za-z0-9._~/%+-]*)?")
_SHORT = re.compile(r"[0-9]{2,6}")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
_REQUIRED = frozenset({"id", "name", "areas", "help", "phones", "description"})
_OPTIONAL = frozenset({"code", "website"})
_PHONE_KEYS = frozenset({"label", "display"})


class DirectoryError(MalformedBundleError):
    """A directory item does not follow the schema."""


@dataclass(frozen=True)
class ServicePhone:
    label: str
    display: str
    number: str  # E.164, or a short code such as "999"

    @property
    def tel_url(self) -> str:
        return f"tel:{self.number}"

    @property
    def sms_url(self) -> str:
        return f"sms:{self.number}"

    @property
    def is_mobile(self) -> bool:
        if not self.number.startswith("+"):
            return False
        number = phonenumbers.parse(self.number, None)
        return phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    areas: tuple[str, ...]
    help: tuple[str, ...]
    phones: tuple[ServicePhone, ...]
    description: str
    code: str | None = None
    website: str | None = None


def services_in(bundle: Bundle, known_area: Callable[[str], bool] = lambda _code: True
                ) -> tuple[Service, ...]:
    """Every service of a verified "directory" bundle; one bad item rejects the bundle."""
    if len(bundle.items) > MAX_SERVICES:
        raise DirectoryError("the directory has too many services")
    services = tuple(service_from_item(item, known_area) for item in bundle.items)
    ids = [s.id for s in services]
    if len(ids) != len(set(ids)):
        raise DirectoryError("service ids must be unique")
    return services


def service_from_item(value: Any, known_area: Callable[[str], bool] = lambda _code: True
                      ) -> Service:
    item = check_object(value, _REQUIRED, _OPTIONAL, "service")
    what = f"service {item.get('id')!r}" if isinstance(item.get("id"), str) else "service"
    _match(item["id"], _ID, f"{what} id")
    check_text(item["name"], f"{what} name", 100)
    check_text(item["description"], f"{what} description", 600)
    if "code" in item:
        _match(item["code"], _CODE, f"{what} code")
    if "website" in item:
        _match(item["website"], _WEBSITE, f"{what} website")
    _codes(item["areas"], f"{what} areas", known_area)
    _codes(item["help"], f"{what} help", lambda kind: kind in HELP_KINDS)
    phones = item["phones"]
    if not isinstance(phones, list) or not 1 <= len(phones) <= 8:
        raise DirectoryError(f"{what} phones must be a list of 1 to 8")
    return Service(id=item["id"], name=item["name"], areas=tuple(item["areas"]),
                   help=tuple(item["help"]), phones=tuple(phone_from_item(p, what)
                                                          for p in phones),
                   description=item["description"], code=item.get("code"),
                   website=item.get("website"))


def phone_from_item(value: Any, what: str) -> ServicePhone:
    """A valid E.164 number that ``display`` dials too, or a UK short code."""
    if not isinstance(value, dict) or len(set(value) & {"e164", "short_code"}) != 1:
        raise DirectoryError(f"{what} phone needs exactly one of e164 and short_code")
    number_key = "e164" if "e164" in value else "short_code"
    phone = check_object(value, _PHONE_KEYS | {number_key}, frozenset(), f"{what} phone")
    check_text(phone["label"], f"{what} phone label", 60)
    check_text(phone["display"], f"{what} phone display", 30)
    if number_key == "short_code":
        _check_short_code(phone["short_code"], phone["display"], what)
    else:
        _check_e164(phone["e164"], phone["display"], what)
    return ServicePhone(phone["label"], phone["display"], phone[number_key])


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


def check_object(value: Any, required: frozenset[str], optional: frozenset[str],
            what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DirectoryError(f"{what} must be an object")
    missing, unknown = required - set(value), set(value) - required - optional
    if missing or unknown:
        raise DirectoryError(f"{what} is missing {sorted(missing)} or has unknown "
                             f"{sorted(unknown)}")
    return value


def check_text(value: Any, what: str, limit: int) -> None:
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
