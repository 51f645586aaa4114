"""The report model: immutable values with safe defaults."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from app.core.identifiers import Phone
from app.core.report import REPORT_SCHEMA_VERSION, Identifiers, Report, Vehicle, Wishes
from app.core.vocab import ConsentKind, IncidentType, SubmittedBy


def test_an_empty_draft_can_be_made() -> None:
    # Given nothing entered yet / When a report is made / Then every field is empty
    report = Report()
    assert report.date is None
    assert report.area_code is None
    assert report.incident_types == ()
    assert report.identifiers.is_empty()
    assert report.submitted_by is SubmittedBy.SELF
    assert REPORT_SCHEMA_VERSION == 1


def test_consent_defaults_share_the_least() -> None:
    # Given a new report / When nothing was chosen
    wishes = Report().wishes
    # Then only the anonymised warning is on, and nothing goes to the police or services
    assert wishes.warn_others is True
    assert wishes.police_intel is False
    assert wishes.police_report is False
    assert wishes.support_contact is False
    assert wishes.contact == ""
    assert wishes.support_service is None
    assert wishes.granted() == (ConsentKind.WARN_OTHERS,)
    assert not wishes.needs_contact()


def test_granted_lists_every_chosen_consent_in_fixed_order() -> None:
    wishes = Wishes(warn_others=False, support_contact=True, police_intel=True)
    assert wishes.granted() == (ConsentKind.POLICE_INTEL, ConsentKind.SUPPORT_CONTACT)
    assert wishes.needs_contact()
    assert Wishes(police_report=True).needs_contact()


def test_reports_are_immutable() -> None:
    report = Report()
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.narrative = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.wishes.police_report = True  # type: ignore[misc]


def test_replace_makes_a_new_report_and_leaves_the_old_one() -> None:
    # Given a draft / When a step of the wizard adds the date and what happened
    draft = Report()
    later = dataclasses.replace(
        draft, date=dt.date(2025, 3, 1), incident_types=(IncidentType.ROBBERY,)
    )
    # Then the new value has them and the old draft is unchanged
    assert later.date == dt.date(2025, 3, 1)
    assert draft == Report()
    assert later != draft


def test_reports_are_hashable_values() -> None:
    # Given two equal reports / Then they compare and hash equal (usable as keys)
    assert Report() == Report()
    assert hash(Report(narrative="x")) == hash(Report(narrative="x"))


def test_vehicle_keeps_typed_registration_and_offers_match_key() -> None:
    vehicle = Vehicle(make="Ford", colour="silver", registration="ab12 cde")
    assert vehicle.registration == "ab12 cde"
    assert vehicle.registration_key == "AB12CDE"


def test_identifiers_is_empty() -> None:
    assert Identifiers().is_empty()
    assert not Identifiers(phones=(Phone(raw="x"),)).is_empty()
    assert not Identifiers(advert_links=("https://example.org/ad/1",)).is_empty()
