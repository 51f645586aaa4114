"""Checking what someone types against alert identifiers, locally."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.checking import AlertIndex, MatchKind
from sync.protocol.alert import Handle
from tests.trustkit import make_alert

UK_MOBILE = make_alert(phones=("+447700900123",), alert_id="uk")
US_NUMBER = make_alert(phones=("+12025550143",), alert_id="us")
PLATE = make_alert(registrations=("AB12 CDE",), alert_id="plate")
PARTIAL_PLATE = make_alert(registrations=("XY7",), alert_id="partial")
EMAIL = make_alert(emails=("bad.client@example.org",), alert_id="email")
HANDLE = make_alert(handles=(Handle("telegram", "jimbo99"),), alert_id="handle")
INDEX = AlertIndex([UK_MOBILE, US_NUMBER, PLATE, PARTIAL_PLATE, EMAIL, HANDLE])


def ids(text: str, region: str = "GB") -> list[str]:
    return [m.alert.id for m in INDEX.check(text, region)]


@pytest.mark.parametrize("typed", [
    "07700 900123", "07700900123", "+44 7700 900123", "+447700900123", "0044 7700 900123",
    "00447700900123", "07700-900-123", "(07700) 900 123", "+44 (0)7700 900123",
    " 07700 900123 ", "٠٧٧٠٠٩٠٠١٢٣",
])
def test_a_uk_mobile_matches_however_it_is_typed(typed: str) -> None:
    assert ids(typed) == ["uk"]


@pytest.mark.parametrize("typed", ["+1 202-555-0143", "+1 (202) 555 0143", "001 202 555 0143"])
def test_an_international_number_matches(typed: str) -> None:
    assert ids(typed) == ["us"]


def test_a_number_typed_without_its_country_code_is_a_possible_match() -> None:
    # Given a US number typed as dialled in the US, on a phone set to the UK
    matches = INDEX.check("202 555 0143", "GB")
    # Then it is shown, marked as not certain
    assert [(m.alert.id, m.exact) for m in matches] == [("us", False)]


def test_other_numbers_do_not_match() -> None:
    assert ids("07700 900124") == []
    assert ids("900123") == []


@pytest.mark.parametrize(("typed", "exact"), [
    ("AB12 CDE", True), ("ab12cde", True), ("ab12-cde", True),
    ("AB12", False), ("B12CD", False),
])
def test_plates_match_in_full_or_in_part(typed: str, exact: bool) -> None:
    matches = INDEX.check(typed)
    assert [(m.alert.id, m.kind, m.exact) for m in matches] == [
        ("plate", MatchKind.REGISTRATION, exact)]


def test_a_partial_plate_in_an_alert_matches_a_full_plate_typed() -> None:
    assert [(m.alert.id, m.exact) for m in INDEX.check("XY71 ABC")] == [("partial", False)]


def test_emails_and_handles_ignore_case_and_at_signs() -> None:
    assert ids("Bad.Client@Example.ORG") == ["email"]
    assert ids("@JimBo99") == ["handle"]
    assert ids("jimbo9") == []


def test_results_are_newest_first() -> None:
    old = make_alert(phones=("+447700900555",), day=dt.date(2025, 1, 1), alert_id="old")
    new = make_alert(phones=("+447700900555",), day=dt.date(2026, 6, 1), alert_id="new")
    assert [m.alert.id for m in AlertIndex([old, new]).check("07700 900555")] == ["new", "old"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_checking_never_raises(text: str) -> None:
    for match in INDEX.check(text):
        assert match.alert.id in {"uk", "us", "plate", "partial", "email", "handle"}


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=999_999),
       st.sampled_from(["0{a} {b}", "+44 {a} {b}", "0044{a}{b}", "0{a}-{b}", "(0{a}) {b}"]))
def test_any_uk_mobile_in_any_common_format_matches(number: int, pattern: str) -> None:
    national = f"77009{number:06d}"[:10]
    alert = make_alert(phones=(f"+44{national}",), alert_id="x")
    typed = pattern.format(a=national[:4], b=national[4:])
    assert [m.alert.id for m in AlertIndex([alert]).check(typed)] == ["x"]
