"""Normalising what identifies a perpetrator: phone numbers, emails, plates, handles.

These keys are what alerts are matched on ("has anyone reported this number?"), so
they must be exact and the same on every device. None of these functions raises on
any string: a half-remembered identifier is kept, never dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, ValidationResult
from phonenumbers.phonenumber import CountryCodeSource

DEFAULT_REGION = "GB"

_EMAIL_MAX = 254
_EMAIL_LOCAL_MAX = 64
_LEADING_AT = re.compile(r"^[\s@]+")
_ASCII_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@dataclass(frozen=True)
class Phone:
    """A phone number as typed, with its normalised forms when it is a possible number.

    ``verified`` means "a possible number in a known numbering plan", not that it
    belongs to anyone. When it is False, ``raw`` is all we have and ``e164`` and
    ``national`` are None.
    """

    raw: str
    e164: str | None = None
    national: str | None = None
    verified: bool = False


@dataclass(frozen=True)
class Handle:
    """A user name on a platform (an advertising site, an app, social media)."""

    platform: str
    handle: str


def display_phone(e164: str, region: str = DEFAULT_REGION) -> str:
    """How someone in ``region`` writes ``e164``: the national form for a number of their
    own country, the international form for any other; unparseable text as it is."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    same_country = phonenumbers.region_code_for_number(number) == region.strip().upper()
    style = PhoneNumberFormat.NATIONAL if same_country else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> Phone:
    """Parse ``raw`` as dialled from ``region``; keep it unverified if it is not a number."""
    kept = raw.strip()
    number = _parse(kept, region.strip().upper())
    if number is None or not _trusted(number, kept, region.strip().upper()):
        return Phone(raw=kept)
    return Phone(
        raw=kept,
        e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        national=phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
        verified=True,
    )


def phone_match_keys(raw: str, region: str = DEFAULT_REGION) -> tuple[str, ...]:
    """The keys a number is matched on: its E.164 form, or else the digits typed."""
    return phone_keys(normalise_phone(raw, region))


def phone_keys(phone: Phone) -> tuple[str, ...]:
    """Match keys of an already normalised phone (E.164 keys start with "+", so the
    two kinds never collide)."""
    if phone.verified and phone.e164:
        return (phone.e164,)
    digits = ascii_digits(phone.raw)
    return (digits,) if digits else ()


def ascii_digits(text: str) -> str:
    """Only the digits of ``text``, with other scripts' decimal digits folded to ASCII."""
    out = []
    for char in text:
        value = unicodedata.decimal(char, None)
        if value is not None:
            out.append(str(value))
    return "".join(out)


def normalise_email(raw: str) -> str:
    """The matching form of an email address: stripped and lower-cased."""
    return raw.strip().lower()


def is_plausible_email(raw: str) -> bool:
    """True when ``raw`` looks like ``local@domain.tld``; deliberately lenient."""
    text = raw.strip()
    if not text or len(text) > _EMAIL_MAX or any(char.isspace() for char in text):
        return False
    if text.count("@") != 1:
        return False
    local, _, domain = text.partition("@")
    if not local or len(local) > _EMAIL_LOCAL_MAX:
        return False
    labels = domain.split(".")
    return len(labels) >= 2 and all(labels) and not domain.startswith("-")


def normalise_registration(raw: str) -> str:
    """A vehicle registration reduced to A-Z and 0-9 ("ab12 cde" -> "AB12CDE").

    Partial plates ("AB12", "X7") are kept: a partial plate still narrows a search.
    Compatibility forms are folded first so full-width or styled letters count.
    """
    folded = unicodedata.normalize("NFKC", raw).upper()
    return "".join(char for char in folded if char in _ASCII_ALNUM)


def normalise_handle(platform: str, handle: str) -> Handle:
    """Platform and handle lower-cased and stripped, without a leading "@"."""
    return Handle(
        platform=platform.strip().lower(),
        handle=_LEADING_AT.sub("", handle).strip().lower(),
    )


def _parse(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region, keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return None
    except Exception:
        # phonenumbers parses text that an abuser may have chosen; a bug in it must
        # cost us the normalised form, never the number the user typed.
        return None


def _trusted(number: phonenumbers.PhoneNumber, typed: str, region: str) -> bool:
    """Whether to give the number an E.164 form.

    A number typed without a country code or trunk "0" (e.g. "643 0301", a local
    number without its area code) would otherwise get an invented E.164 form, so
    such input is only trusted when it is a valid number in its plan.
    """
    try:
        reason = phonenumbers.is_possible_number_with_reason(number)
        if reason != ValidationResult.IS_POSSIBLE:
            return False
        if number.country_code_source != CountryCodeSource.FROM_DEFAULT_COUNTRY:
            return True
        prefix = _national_prefix(region)
        if prefix and ascii_digits(typed).startswith(prefix):
            return True
        return bool(phonenumbers.is_valid_number(number))
    except Exception:  # see _parse
        return False


def _national_prefix(region: str) -> str | None:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region, None)
    if metadata is None:
        return None
    prefix: str | None = metadata.national_prefix
    return prefix
