"""Validation: every problem at once, stable fields and codes, never an exception."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.areas import AreaTaxonomy
from app.core.identifiers import Handle, normalise_phone
from app.core.report import Identifiers, Perpetrator, Report, Vehicle, Wishes
from app.core.validation import (
    LIST_MAX,
    NARRATIVE_MAX,
    SHORT_TEXT_MAX,
    Problem,
    has_errors,
    validate,
)
from app.core.vocab import IncidentType, SubmittedBy

from .strategies import reports

TODAY = dt.date(2025, 6, 15)
VALID = Report(
    date=dt.date(2025, 6, 1),
    area_code="uk.eng.wm.wmp.coventry",
    incident_types=(IncidentType.PAYMENT,),
)

KNOWN_CODES = {
    "required", "in_future", "too_old", "unknown_area", "needs_description", "too_long",
    "too_many", "out_of_range", "unverified_phone", "implausible_email", "needs_contact",
    "invalid_contact", "contact_not_needed", "needs_service", "needs_organisation",
}


def check(report: Report, areas: AreaTaxonomy) -> set[tuple[str, str, str]]:
    return {(p.field, p.code, p.severity) for p in validate(report, areas, today=TODAY)}


def test_a_minimal_complete_report_has_no_problems(areas: AreaTaxonomy) -> None:
    assert validate(VALID, areas, today=TODAY) == []


def test_an_empty_report_lists_all_missing_fields_at_once(areas: AreaTaxonomy) -> None:
    # Given a draft with nothing filled in
    # When it is validated
    problems = validate(Report(), areas, today=TODAY)
    # Then the date, the area and what happened are all reported together, as errors
    assert [(p.field, p.code) for p in problems] == [
        ("date", "required"), ("area_code", "required"), ("incident_types", "required"),
    ]
    assert all(p.severity == "error" for p in problems)
    assert has_errors(problems)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (TODAY, set()),
        (TODAY + dt.timedelta(days=1), {("date", "in_future", "error")}),
        (dt.date(2020, 6, 15), set()),  # exactly five years ago
        (dt.date(2020, 6, 14), {("date", "too_old", "warning")}),
    ],
)
def test_date_rules(areas: AreaTaxonomy, day: dt.date, expected: set[object]) -> None:
    assert check(dataclasses.replace(VALID, date=day), areas) == expected


def test_dates_work_on_29_february_and_near_the_calendar_start(areas: AreaTaxonomy) -> None:
    report = dataclasses.replace(VALID, date=dt.date(2020, 2, 29))
    assert validate(report, areas, today=dt.date(2024, 2, 29)) == []
    early = dataclasses.replace(VALID, date=dt.date(1, 1, 1))
    assert validate(early, areas, today=dt.date(3, 1, 1)) == []


def test_unknown_area_is_an_error(areas: AreaTaxonomy) -> None:
    report = dataclasses.replace(VALID, area_code="uk.eng.wm.wmp.atlantis")
    assert check(report, areas) == {("area_code", "unknown_area", "error")}


def test_other_needs_a_description(areas: AreaTaxonomy) -> None:
    # Given "other" chosen without saying what
    report = dataclasses.replace(VALID, incident_types=(IncidentType.OTHER,), incident_other=" ")
    # Then a description is asked for; once given, the report is fine
    assert check(report, areas) == {("incident_other", "needs_description", "error")}
    described = dataclasses.replace(report, incident_other="Followed me home")
    assert check(described, areas) == set()


def test_text_limits(areas: AreaTaxonomy) -> None:
    # Given a narrative and a short field at and one past their limits
    at_limit = dataclasses.replace(
        VALID, narrative="x" * NARRATIVE_MAX, contact_detail="y" * SHORT_TEXT_MAX
    )
    over = dataclasses.replace(
        VALID, narrative="x" * (NARRATIVE_MAX + 1), contact_detail="y" * (SHORT_TEXT_MAX + 1),
        perpetrator=Perpetrator(names_used=("ok", "z" * 201)),
    )
    # Then only the ones past the limit are too long, with the limit as a parameter
    assert check(at_limit, areas) == set()
    problems = validate(over, areas, today=TODAY)
    assert {(p.field, p.code, p.params["max"]) for p in problems} == {
        ("narrative", "too_long", NARRATIVE_MAX),
        ("contact_detail", "too_long", SHORT_TEXT_MAX),
        ("perpetrator.names_used[1]", "too_long", SHORT_TEXT_MAX),
    }


@pytest.mark.parametrize(("count", "ok"), [(0, False), (1, True), (20, True), (21, False),
                                           (-3, False), (None, True)])
def test_people_count_range(areas: AreaTaxonomy, count: int | None, ok: bool) -> None:
    report = dataclasses.replace(VALID, perpetrator=Perpetrator(people_count=count))
    expected = set() if ok else {("perpetrator.people_count", "out_of_range", "error")}
    assert check(report, areas) == expected


def test_odd_identifiers_are_warnings_with_their_index(areas: AreaTaxonomy) -> None:
    # Given a good number, a half-remembered one and a broken email
    ids = Identifiers(
        phones=(normalise_phone("07700 900123"), normalise_phone("07700 9")),
        emails=("someone@example.com", "dave at gmail"),
    )
    problems = validate(dataclasses.replace(VALID, identifiers=ids), areas, today=TODAY)
    # Then each is pointed at by its index, as a warning that does not stop sending
    assert {(p.field, p.code, p.severity) for p in problems} == {
        ("identifiers.phones[1]", "unverified_phone", "warning"),
        ("identifiers.emails[1]", "implausible_email", "warning"),
    }
    assert not has_errors(problems)


def test_too_many_identifiers(areas: AreaTaxonomy) -> None:
    phones = tuple(normalise_phone(f"07700 900{n:03d}") for n in range(LIST_MAX + 1))
    handles = (Handle("site", "x" * 201),)
    vehicles = (Vehicle(registration="R" * 201),)
    ids = Identifiers(phones=phones, handles=handles, vehicles=vehicles)
    assert check(dataclasses.replace(VALID, identifiers=ids), areas) == {
        ("identifiers.phones", "too_many", "error"),
        ("identifiers.handles[0].handle", "too_long", "error"),
        ("identifiers.vehicles[0].registration", "too_long", "error"),
    }


@pytest.mark.parametrize(
    ("wishes", "expected"),
    [
        (Wishes(), set()),
        (Wishes(police_intel=True), set()),  # anonymous intelligence needs no contact
        (Wishes(police_report=True), {("wishes.contact", "needs_contact", "error")}),
        (Wishes(police_report=True, contact="07700 900123"), set()),
        (Wishes(police_report=True, contact="me@example.org"), set()),
        (Wishes(police_report=True, contact="ring me"),
         {("wishes.contact", "invalid_contact", "error")}),
        (Wishes(support_contact=True),
         {("wishes.contact", "needs_contact", "error"),
          ("wishes.support_service", "needs_service", "error")}),
        (Wishes(support_contact=True, contact="me@example.org", support_service="kairos"),
         set()),
        (Wishes(contact="07700 900123"), {("wishes.contact", "contact_not_needed", "warning")}),
        (Wishes(contact="nonsense"), {("wishes.contact", "contact_not_needed", "warning")}),
    ],
)
def test_consent_rules(areas: AreaTaxonomy, wishes: Wishes, expected: set[object]) -> None:
    assert check(dataclasses.replace(VALID, wishes=wishes), areas) == expected


def test_outreach_reports_need_an_organisation(areas: AreaTaxonomy) -> None:
    report = dataclasses.replace(VALID, submitted_by=SubmittedBy.OUTREACH)
    assert check(report, areas) == {("organisation_code", "needs_organisation", "error")}
    assert check(dataclasses.replace(report, organisation_code="red_project"), areas) == set()


def test_render_translates_and_fills_parameters() -> None:
    # Given a problem with a parameter and a catalogue with its translation
    problem = Problem("narrative", "too_long", "At most %(max)s characters.", {"max": 10})
    catalogue = {"At most %(max)s characters.": "Dim mwy na %(max)s nod."}
    # When it is rendered / Then the translation is used and filled in
    assert problem.render(lambda msgid: catalogue.get(msgid, msgid)) == "Dim mwy na 10 nod."
    assert problem.render(lambda msgid: msgid) == "At most 10 characters."


def test_render_falls_back_to_english_when_a_translation_is_broken() -> None:
    problem = Problem("narrative", "too_long", "At most %(max)s characters.", {"max": 10})
    assert problem.render(lambda msgid: "Maximum %(maximum)s") == "At most 10 characters."
    assert problem.render(lambda msgid: "Maximum %(max)d %") == "At most 10 characters."


def test_every_message_renders_with_its_parameters(areas: AreaTaxonomy) -> None:
    # Given a report that triggers many different rules
    report = Report(
        date=TODAY + dt.timedelta(days=3), area_code="nowhere",
        incident_types=(IncidentType.OTHER,), narrative="n" * (NARRATIVE_MAX + 1),
        perpetrator=Perpetrator(people_count=99),
        identifiers=Identifiers(phones=(normalise_phone("x"),), emails=("x",)),
        wishes=Wishes(police_report=True, support_contact=True),
        submitted_by=SubmittedBy.OUTREACH,
    )
    problems = validate(report, areas, today=TODAY)
    # Then every one renders without leftover placeholders
    assert len(problems) >= 10
    for problem in problems:
        text = problem.render(lambda msgid: msgid)
        assert "%(" not in text
        assert problem.code in KNOWN_CODES


def test_problems_are_hashable() -> None:
    problem = Problem("date", "required", "x", {"a": 1})
    assert problem in {problem}


@settings(deadline=None)
@given(reports, st.dates())
def test_validate_never_raises(areas: AreaTaxonomy, report: Report, today: dt.date) -> None:
    # Given any report and any "today" / When validated
    problems = validate(report, areas, today=today)
    # Then it returns well-formed problems with known codes
    for problem in problems:
        assert problem.field
        assert problem.code in KNOWN_CODES
        assert problem.severity in {"error", "warning"}
        assert "%(" not in problem.render(lambda msgid: msgid)
