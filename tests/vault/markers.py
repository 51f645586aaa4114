"""Reports carrying marker strings, and a search for them in raw bytes, for the forensic tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.core.identifiers import normalise_handle, normalise_phone
from app.core.report import Identifiers, Perpetrator, Report, Vehicle, Wishes
from app.core.vocab import IncidentType, PlaceType

MARKER = "QZXMARKER"
PHONE_RAW = "07700 900461"
PHONE_FORMS = ("+447700900461", "447700900461", "07700900461", "07700 900461", "7700900461")


def marker_report(i: int) -> Report:
    return Report(
        date=dt.date(2026, 11, 1),
        area_code="uk.eng.wm.wmp.birmingham",
        place_type=PlaceType.HOTEL,
        incident_types=(IncidentType.ROBBERY, IncidentType.THREATS),
        perpetrator=Perpetrator(people_count=1, features=f"{MARKER} tattoo {i}",
                                names_used=(f"{MARKER}name",)),
        identifiers=Identifiers(
            phones=(normalise_phone(PHONE_RAW),),
            emails=(f"{MARKER.lower()}@example.org",),
            handles=(normalise_handle("telegram", f"{MARKER}handle"),),
            vehicles=(Vehicle(make="Ford", colour="silver", registration=f"{MARKER}7"),),
        ),
        narrative=f"{MARKER} narrative number {i}: he took the money and left.",
        wishes=Wishes(police_report=True, contact=f"{MARKER}contact@example.org"),
    )


def needles() -> list[bytes]:
    texts = [MARKER, MARKER.lower(), *PHONE_FORMS]
    found: list[bytes] = []
    for text in texts:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            found.append(text.encode(encoding))
    return found


def search(roots: list[Path]) -> list[str]:
    """Every (file, needle) where a needle occurs in a file under the roots."""
    hits = []
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            hits += [f"{path}: {needle!r}" for needle in needles() if needle in data]
    return hits
