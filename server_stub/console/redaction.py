"""The text of a published alert: built from structured fields, or redacted from a reviewer's.

An alert is public: anyone with the app can read it, including the person it warns
about. So its summary never quotes the reporter's narrative, and a summary typed by a
reviewer is stripped of anything that could identify or reach a person:

- phone numbers (7 or more digits, however they are spaced or punctuated),
- email addresses, also written as ``name [at] example [dot] com``,
- web addresses, with or without ``http``/``www``,
- ``@handles``,
- every word of the reporter's own contact details (a name typed there, a number).

Before matching, the text is NFKC-normalised (full-width digits and ``＠`` become
ASCII) and invisible characters are dropped, so ``07700<zero-width space>900123`` does
not slip through. What the redaction cannot know, a name written in plain words, is
the reviewer's to check: the CLI prints the final text before it is stored.

The summary is published in English: it is data in a bundle, not interface text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import TypeVar

from app.core.report import Perpetrator, Report
from app.core.vocab import (
    AgeRange,
    Build,
    ContactMethod,
    Gender,
    Height,
    IncidentType,
    PlaceType,
    TimeOfDay,
    Vocab,
)
from sync.protocol.alert import MAX_SUMMARY_CHARS

_V = TypeVar("_V", bound=Vocab)

REMOVED = "[removed]"

_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+"
                  r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b(?:/\S*)?")
_EMAIL = re.compile(r"\S+@\S+|\S+\s*[\[(]\s*at\s*[\])]\s*\S+(?:\s*[\[(]\s*dot\s*[\])]\s*\S+)*",
                    re.IGNORECASE)
_HANDLE = re.compile(r"@\s?[\w.\-]+")
_DIGIT_RUN = re.compile(r"\+?\(?\d[\d\s().\-/]*\d\)?")
_DATE = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})")
_PHONE_MIN_DIGITS = 7
_WORD = re.compile(r"\w{2,}")
# Words a contact field often holds besides the contact itself ("text me after 6").
_COMMON_WORDS = frozenset("""
    after am and any anytime at before call calls com contact co day email evening evenings
    for from gmail hotmail in is me mail mobile morning my net no not number of on only or
    org outlook phone please pm text texts the time to uk weekdays weekends whatsapp with
    yahoo you
""".split())
_SPACES = re.compile(r"[ \t]+")

INCIDENT_PHRASES = {
    IncidentType.PHYSICAL_ASSAULT: "physical assault",
    IncidentType.SEXUAL_ASSAULT: "sexual assault or rape",
    IncidentType.ROBBERY: "robbery or theft",
    IncidentType.PAYMENT: "refusal to pay or payment fraud",
    IncidentType.STEALTHING: "condom removal without consent (stealthing)",
    IncidentType.THREATS: "threats or intimidation",
    IncidentType.HARASSMENT: "harassment or stalking",
    IncidentType.TIME_WASTING: "time-wasting or a hoax booking",
    IncidentType.IMPERSONATING_POLICE: "posing as police or an official",
    IncidentType.SPIKING: "drugging or spiking",
    IncidentType.HELD: "holding someone against their will",
    IncidentType.WEAPON: "a weapon",
    IncidentType.OTHER: "another kind of harm",
}
_PLACES = {
    PlaceType.STREET: "on the street or outdoors", PlaceType.CLIENTS_HOME: "at the client's home",
    PlaceType.HOTEL: "at a hotel", PlaceType.MY_PLACE: "at the sex worker's own place (incall)",
    PlaceType.CAR: "in a car or other vehicle", PlaceType.ONLINE: "online only",
}
_TIMES = {TimeOfDay.MORNING: "in the morning", TimeOfDay.AFTERNOON: "in the afternoon",
          TimeOfDay.EVENING: "in the evening", TimeOfDay.NIGHT: "at night"}
_CONTACT = {
    ContactMethod.ADVERT_SITE: "through an advertising website",
    ContactMethod.PHONE_TEXT: "by phone call or text", ContactMethod.STREET: "on the street",
    ContactMethod.AGENCY: "through an agency", ContactMethod.APP: "through an app or social media",
}
_GENDERS = {Gender.MAN: "a man", Gender.WOMAN: "a woman", Gender.NON_BINARY: "a non-binary person"}
_AGES = {AgeRange.UNDER_25: "aged under 25", AgeRange.AGE_25_34: "aged 25 to 34",
         AgeRange.AGE_35_44: "aged 35 to 44", AgeRange.AGE_45_54: "aged 45 to 54",
         AgeRange.AGE_55_PLUS: "aged 55 or older"}
_HEIGHTS = {Height.SHORT: "short", Height.AVERAGE: "of average height", Height.TALL: "tall"}
_BUILDS = {Build.SLIM: "slim build", Build.MEDIUM: "medium build", Build.HEAVY: "heavy build",
           Build.MUSCULAR: "muscular build"}


def structured_summary(report: Report) -> str:
    """Plain English from the report's closed vocabularies only: no free text at all.

    Free-text fields (narrative, hair, features, names used) may name or describe the
    reporter; a reviewer who wants them in the alert writes them into ``--summary``,
    which is redacted.
    """
    sentences = [f"Reported: {_join([INCIDENT_PHRASES[t] for t in report.incident_types])}."]
    when_where = " ".join(p for p in (_phrase(_PLACES, report.place_type),
                                      _phrase(_TIMES, report.time_of_day)) if p)
    if when_where:
        sentences.append(f"It happened {when_where}.")
    contact = _phrase(_CONTACT, report.contact_method)
    if contact:
        sentences.append(f"First contact was made {contact}.")
    description = _describe(report.perpetrator)
    if description:
        sentences.append(description)
    return " ".join(sentences)


def redact(text: str, *, reporter_contact: str = "") -> str:
    """``text`` with contact details of anyone, and the reporter's own words, removed."""
    clean = _visible(unicodedata.normalize("NFKC", text))
    clean = _URL.sub(REMOVED, _EMAIL.sub(REMOVED, clean))
    clean = _HANDLE.sub(REMOVED, clean)
    clean = _DIGIT_RUN.sub(_phone_or_keep, clean)
    for word in _contact_words(reporter_contact):
        clean = re.sub(rf"(?i)(?<!\w){re.escape(word)}(?!\w)", REMOVED, clean)
    lines = [_SPACES.sub(" ", line).strip() for line in clean.split("\n")]
    summary = "\n".join(line for line in lines if line)
    if len(summary) > MAX_SUMMARY_CHARS:
        summary = summary[:MAX_SUMMARY_CHARS - 1].rstrip() + "…"
    return summary


def _visible(text: str) -> str:
    # Format characters (zero-width, bidirectional overrides) and controls would hide a
    # number from the patterns, and the alert schema refuses them anyway.
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char == "\n" or category not in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"):
            kept.append(char)
        elif category in ("Zl", "Zp"):
            kept.append("\n")
    return "".join(kept)


def _phone_or_keep(match: re.Match[str]) -> str:
    run = match.group(0)
    digits = sum(char.isdigit() for char in run)
    if digits < _PHONE_MIN_DIGITS or _is_date(run.strip()):
        return run
    return REMOVED


def _is_date(text: str) -> bool:
    """A calendar date such as 14/03/2025; anything else with this many digits may be a
    phone number and goes."""
    found = _DATE.fullmatch(text)
    if found is None:
        return False
    day, month = int(found.group(1)), int(found.group(3))
    return 1 <= day <= 31 and 1 <= month <= 12


def _contact_words(contact: str) -> list[str]:
    words = [word for word in _WORD.findall(unicodedata.normalize("NFKC", contact))
             if word.casefold() not in _COMMON_WORDS]
    # Longest first, so "Jo" does not break up "Joanne" before it is matched.
    return sorted(set(words), key=len, reverse=True)


def _phrase(phrases: Mapping[_V, str], member: _V | None) -> str:
    return "" if member is None else phrases.get(member, "")


def _describe(perpetrator: Perpetrator) -> str:
    who = _phrase(_GENDERS, perpetrator.gender)
    details = [d for d in (_phrase(_AGES, perpetrator.age_range),
                           _phrase(_HEIGHTS, perpetrator.height),
                           _phrase(_BUILDS, perpetrator.build)) if d]
    parts = []
    if who or details:
        parts.append("Described as " + ", ".join([who or "a person", *details]) + ".")
    if perpetrator.people_count and perpetrator.people_count > 1:
        parts.append(f"{perpetrator.people_count} people were involved.")
    return " ".join(parts)


def _join(phrases: list[str]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]
