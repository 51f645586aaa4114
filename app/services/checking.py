"""Checking a number, plate, email or handle against the cached alerts, on the phone.

Nobody learns what was checked: the lookup is local. One box takes anything; every
reading of the text that could apply (phone, plate, email, handle) is tried. Partial
plates match both ways ("AB12" finds "AB12CDE" and the reverse) because a half-seen
plate is common, and a missed warning costs more than a second look.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from app.core.identifiers import (
    ascii_digits,
    normalise_email,
    normalise_phone,
    normalise_registration,
)
from sync.protocol.alert import Alert

_PARTIAL_PLATE_MIN = 3
_PHONE_TAIL = 9  # national significant digits compared when the typed number is incomplete
_PHONEISH = re.compile(r"[\d\s+()\-./]+")
_HAS_LETTER = re.compile(r"[A-Z]")


class MatchKind(StrEnum):
    PHONE = "phone"
    REGISTRATION = "registration"
    EMAIL = "email"
    HANDLE = "handle"


@dataclass(frozen=True)
class Match:
    alert: Alert
    kind: MatchKind
    exact: bool  # False for a partial plate or an incomplete number


class AlertIndex:
    """Lookup tables over alert identifiers, built once per change of the cached feeds."""

    def __init__(self, alerts: Iterable[Alert]) -> None:
        self.alerts = tuple(alerts)
        self._phones: dict[str, list[Alert]] = defaultdict(list)
        self._phone_tails: dict[str, list[Alert]] = defaultdict(list)
        self._emails: dict[str, list[Alert]] = defaultdict(list)
        self._handles: dict[str, list[Alert]] = defaultdict(list)
        self._plates: dict[str, list[Alert]] = defaultdict(list)
        for alert in self.alerts:
            self._add(alert)
        self._plate_keys = sorted(self._plates)
        self._plate_text, self._plate_starts = _joined(self._plate_keys)

    def _add(self, alert: Alert) -> None:
        ids = alert.identifiers
        for phone in ids.phones:
            self._phones[phone].append(alert)
            self._phone_tails[ascii_digits(phone)[-_PHONE_TAIL:]].append(alert)
        for email in ids.emails:
            self._emails[normalise_email(email)].append(alert)
        for handle in ids.handles:
            self._handles[handle.handle.lstrip("@").lower()].append(alert)
        for plate in ids.registrations:
            key = normalise_registration(plate)
            if key:
                self._plates[key].append(alert)

    def check(self, text: str, region: str = "GB") -> list[Match]:
        """Every alert the text points at, newest first, each alert once (best match)."""
        found: dict[str, Match] = {}
        for match in self._candidates(text.strip(), region):
            best = found.get(match.alert.id)
            if best is None or (match.exact and not best.exact):
                found[match.alert.id] = match
        return sorted(found.values(), key=lambda m: (m.alert.date, m.alert.id), reverse=True)

    def _candidates(self, text: str, region: str) -> Iterable[Match]:
        if not text:
            return
        if "@" in text.strip("@") and "." in text.rpartition("@")[2]:
            yield from _each(self._emails.get(normalise_email(text), ()), MatchKind.EMAIL, True)
        if _PHONEISH.fullmatch(text) and len(ascii_digits(text)) >= 7:
            yield from self._phone_matches(text, region)
        plate = normalise_registration(text)
        if plate and _HAS_LETTER.search(plate) and len(plate) <= 8 and text.replace(
                " ", "").replace("-", "").isalnum():
            yield from self._plate_matches(plate)
        handle = text.lstrip("@").strip().lower()
        if handle:
            yield from _each(self._handles.get(handle, ()), MatchKind.HANDLE, True)

    def _phone_matches(self, text: str, region: str) -> Iterable[Match]:
        phone = normalise_phone(text, region)
        if phone.verified and phone.e164:
            yield from _each(self._phones.get(phone.e164, ()), MatchKind.PHONE, True)
            return
        digits = ascii_digits(text)
        if len(digits) >= _PHONE_TAIL:
            tail = digits[-_PHONE_TAIL:]
            yield from _each(self._phone_tails.get(tail, ()), MatchKind.PHONE, False)

    def _plate_matches(self, plate: str) -> Iterable[Match]:
        yield from _each(self._plates.get(plate, ()), MatchKind.REGISTRATION, True)
        if len(plate) < _PARTIAL_PLATE_MIN:
            return
        # The typed plate inside a longer one ("B12C" in "AB12CDE").
        for key in self._plates_containing(plate):
            if key != plate:
                yield from _each(self._plates[key], MatchKind.REGISTRATION, False)
        # A partial plate from an alert inside the typed one ("AB12" in "AB12CDE").
        for size in range(_PARTIAL_PLATE_MIN, len(plate)):
            for start in range(len(plate) - size + 1):
                part = plate[start:start + size]
                yield from _each(self._plates.get(part, ()), MatchKind.REGISTRATION, False)

    def _plates_containing(self, part: str) -> Iterable[str]:
        position = self._plate_text.find(part)
        while position != -1:
            index = bisect.bisect_right(self._plate_starts, position) - 1
            key = self._plate_keys[index]
            yield key
            position = self._plate_text.find(part, self._plate_starts[index] + len(key) + 1)


def _each(alerts: Iterable[Alert], kind: MatchKind, exact: bool) -> Iterable[Match]:
    return (Match(alert, kind, exact) for alert in alerts)


def _joined(keys: list[str]) -> tuple[str, list[int]]:
    """All plates in one string, separated by newlines, with each plate's offset: one
    C-speed ``find`` then answers "which plates contain this" over thousands of them."""
    starts, offset = [], 0
    for key in keys:
        starts.append(offset)
        offset += len(key) + 1
    return "\n".join(keys), starts
