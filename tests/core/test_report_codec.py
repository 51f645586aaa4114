"""Canonical report bytes: exact round trips, and strict refusal of anything else."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.canonical import encode
from app.core.errors import ReportFormatError
from app.core.identifiers import normalise_handle, normalise_phone
from app.core.report import Identifiers, Perpetrator, Report, Vehicle, Wishes
from app.core.report_codec import (
    report_from_bytes,
    report_from_dict,
    report_to_bytes,
    report_to_dict,
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
)

from .strategies import reports

FULL = Report(
    date=dt.date(2025, 2, 14),
    time_of_day=TimeOfDay.NIGHT,
    area_code="uk.eng.wm.wmp.birmingham",
    place_type=PlaceType.CAR,
    incident_types=(IncidentType.ROBBERY, IncidentType.OTHER),
    incident_other="Took my phone",
    perpetrator=Perpetrator(
        people_count=2, gender=Gender.MAN, age_range=AgeRange.AGE_35_44,
        height=Height.TALL, build=Build.HEAVY, ethnicity="white", hair="shaved",
        features="snake tattoo on left hand; Scottish accent", names_used=("Dave", "D"),
    ),
    contact_method=ContactMethod.ADVERT_SITE,
    contact_detail="example ad site",
    identifiers=Identifiers(
        phones=(normalise_phone("07700 900123"), normalise_phone("call me")),
        emails=("Bad.Guy@example.com",),
        handles=(normalise_handle("Site", "@dave"),),
        advert_links=("https://example.org/ad/1",),
        vehicles=(Vehicle("Ford", "Focus", "silver", "ab12 cde"),),
    ),
    narrative="Ünïcödé and \"quotes\" and\nnew lines 🌂",
    wishes=Wishes(police_intel=True, support_contact=True, contact="07700 900456",
                  support_service="red_project"),
    submitted_by=SubmittedBy.OUTREACH,
    organisation_code="red_project",
)


@pytest.mark.parametrize("report", [FULL, Report()], ids=["full", "empty draft"])
def test_round_trip_is_exact(report: Report) -> None:
    # Given a report, complete or empty
    # When it goes to bytes and back
    data = report_to_bytes(report)
    # Then it is equal, and the bytes are the canonical form of the dict
    assert report_from_bytes(data) == report
    assert data == encode(report_to_dict(report))


def test_bytes_carry_schema_codes_and_iso_dates() -> None:
    value = report_to_dict(FULL)
    assert value["schema"] == 1
    assert value["date"] == "2025-02-14"
    assert value["incident_types"] == ["robbery", "other"]
    assert value["perpetrator"]["age_range"] == "age_35_44"
    assert value["identifiers"]["phones"][1] == {
        "raw": "call me", "e164": None, "national": None, "verified": False,
    }
    assert value["identifiers"]["phones"][0]["e164"] == "+447700900123"


@settings(deadline=None)
@given(reports)
def test_any_report_round_trips_exactly(report: Report) -> None:
    # Given any report, including drafts with odd text
    # When it is encoded twice and decoded
    data = report_to_bytes(report)
    # Then the bytes are deterministic and decoding gives the same report back
    assert report_to_bytes(report) == data
    decoded = report_from_bytes(data)
    assert decoded == report
    assert report_to_bytes(decoded) == data


Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = doc
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return mutate


def _delete(key: str) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        del doc[key]
    return mutate


BAD_DOCUMENTS: dict[str, Mutation] = {
    "unknown schema": _set("schema", 2),
    "schema as string": _set("schema", "1"),
    "schema as bool": _set("schema", True),
    "missing schema": _delete("schema"),
    "missing field": _delete("narrative"),
    "extra field": _set("colour_of_sky", "blue"),
    "extra nested field": _set("wishes.share_everything", True),
    "date in basic format": _set("date", "20250214"),
    "date as week date": _set("date", "2025-W07-5"),
    "impossible date": _set("date", "2025-02-30"),
    "date with time": _set("date", "2025-02-14T10:00:00"),
    "date as number": _set("date", 20250214),
    "unknown incident code": _set("incident_types", ["robbery", "murder_most_foul"]),
    "incident not a list": _set("incident_types", "robbery"),
    "incident code not a string": _set("incident_types", [1]),
    "label instead of code": _set("time_of_day", "Night"),
    "unknown gender": _set("perpetrator.gender", "male"),
    "count as string": _set("perpetrator.people_count", "2"),
    "count as bool": _set("perpetrator.people_count", True),
    "names not strings": _set("perpetrator.names_used", [None]),
    "narrative null": _set("narrative", None),
    "consent as int": _set("wishes.police_report", 1),
    "consent null": _set("wishes.warn_others", None),
    "verified without e164": _set("identifiers.phones.1.verified", True),
    "e164 without verified": _set("identifiers.phones.0.verified", False),
    "phone as string": _set("identifiers.phones.0", "07700 900123"),
    "handle missing key": _set("identifiers.handles.0", {"handle": "dave"}),
    "vehicle not an object": _set("identifiers.vehicles", [["Ford"]]),
    "unknown submitter": _set("submitted_by", "police"),
    "perpetrator null": _set("perpetrator", None),
}


@pytest.mark.parametrize("mutate", BAD_DOCUMENTS.values(), ids=BAD_DOCUMENTS.keys())
def test_wrong_documents_are_refused(mutate: Mutation) -> None:
    # Given the canonical document of a valid report, changed in one way
    doc = copy.deepcopy(report_to_dict(FULL))
    mutate(doc)
    # When / Then both the dict and the bytes readers refuse it
    with pytest.raises(ReportFormatError):
        report_from_dict(doc)
    with pytest.raises(ReportFormatError):
        report_from_bytes(encode(doc))


@pytest.mark.parametrize(
    "data",
    [b"", b"[]", b"null", b'"report"', b"{}", b"\xff\xfe", b'{"schema":1.0}',
     report_to_bytes(FULL).replace(b'"schema":1', b'"schema": 1')],
)
def test_non_reports_and_non_canonical_bytes_are_refused(data: bytes) -> None:
    with pytest.raises(ReportFormatError):
        report_from_bytes(data)


def test_errors_never_echo_the_sensitive_value() -> None:
    # Given a document whose bad value is something secret the reporter typed
    doc = report_to_dict(FULL)
    doc["perpetrator"]["gender"] = "SECRET-07700900999"
    # When it is refused / Then the message names the field but not the value
    with pytest.raises(ReportFormatError) as caught:
        report_from_dict(doc)
    assert "perpetrator.gender" in str(caught.value)
    assert "SECRET" not in str(caught.value)


@given(st.binary(max_size=200))
def test_arbitrary_bytes_only_raise_report_format_error(data: bytes) -> None:
    try:
        report = report_from_bytes(data)
    except ReportFormatError:
        return
    assert report_to_bytes(report) == data


def test_half_an_emoji_never_stops_a_draft_from_saving() -> None:
    # Given narrative text cut in the middle of an emoji (a lone surrogate)
    from app.core.report import Report
    from app.core.report_codec import report_from_bytes, report_to_bytes

    report = Report(narrative="he said \ud83d then left")
    # When it is serialised, Then the broken half becomes U+FFFD and the rest is kept
    assert report_from_bytes(report_to_bytes(report)).narrative == "he said \ufffd then left"
