"""What may be published: summaries from structured fields, and redaction of a reviewer's text."""

from __future__ import annotations

import pytest

from app.core.report import Perpetrator, Report
from app.core.vocab import Build, Gender, IncidentType, PlaceType
from server_stub.console.redaction import (
    INCIDENT_PHRASES,
    REMOVED,
    redact,
    structured_summary,
)
from sync.protocol.alert import MAX_SUMMARY_CHARS, alert_from_item
from tests.console.conftest import NARRATIVE_MARKER, REPORTER_NAME, make_report


@pytest.mark.parametrize("text", [
    "07700 900123", "+44 7700 900123", "07700-900-123", "(0121) 643 0301", "0044 121 643 0301",
    "0 7 7 0 0 9 0 0 1 2 3",
    "\uff10\uff17\uff17\uff10\uff10\u3000\uff19\uff10\uff10\uff11\uff12\uff13",
    "07700\u200b900\u200d123", "\u0660\u0667\u0667\u0660\u0660\u0669\u0660\u0660\u0661\u0662\u0663",
])
def test_phone_numbers_are_removed_however_they_are_written(text: str) -> None:
    # Given a summary with a phone number in some spelling
    redacted = redact(f"He called from {text} twice")
    # Then no run of digits long enough to dial is left
    assert REMOVED in redacted
    assert sum(char.isdigit() for char in redacted) < 7


@pytest.mark.parametrize(("text", "gone"), [
    ("write to bad.guy@example.com now", "example"),
    ("write to bad.guy [at] example [dot] com", "example"),
    ("his profile https://www.example.org/u/1234 says", "example"),
    ("his site www.example.co.uk too", "example"),
    ("and example-escorts.com/profile?id=9", "escorts"),
    ("messages from @badguy99 on twitter", "badguy99"),
    ("messages from \uff20badguy99", "badguy99"),
])
def test_emails_links_and_handles_are_removed(text: str, gone: str) -> None:
    redacted = redact(text)
    assert gone not in redacted
    assert REMOVED in redacted


def test_the_reporters_own_contact_words_are_removed() -> None:
    # Given a summary that names the reporter as her contact field does
    redacted = redact("Jasmine was hurt; text Jasmine after 6",
                      reporter_contact="Jasmine, text me after 6 on 07700 900888")
    # Then her name is gone, but ordinary words of the contact field stay
    assert "Jasmine" not in redacted
    assert "text" in redacted
    assert "after" in redacted


def test_dates_times_ages_and_counts_stay() -> None:
    text = "On 14/03/2025 at 22:30 two men aged 35 to 44, in car AB12 CDE, 3 hours"
    assert redact(text) == text


def test_text_that_could_display_differently_is_cleaned_and_length_is_capped() -> None:
    # Given bidirectional overrides, controls and too much text
    redacted = redact("safe\u202etxet\x1b[31m red\u2028next " + "x" * 3000)
    # Then the result passes the alert schema's text rules and length limit
    assert "\u202e" not in redacted
    assert "\x1b" not in redacted
    assert len(redacted) <= MAX_SUMMARY_CHARS
    item = {"id": "a1", "regions": ["uk.eng.wm"], "areas": [], "date": "2026-11-01",
            "incident_types": ["other"], "summary": redacted, "severity": "low",
            "expires_at": "2027-01-01T00:00:00Z",
            "identifiers": {"phones": [], "emails": [], "handles": [], "registrations": []}}
    alert_from_item(item)


def test_the_structured_summary_uses_no_free_text() -> None:
    # Given a report full of free text (narrative, features, names, contact)
    report = make_report()
    # When the default summary is built
    summary = structured_summary(report)
    # Then it says what happened, where and who, in plain words
    assert summary.startswith("Reported: physical assault and threats or intimidation.")
    assert "at a hotel in the evening" in summary
    assert "Described as a man, aged 35 to 44, tall, heavy build." in summary
    # And none of the typed words appear
    for typed in (NARRATIVE_MARKER, REPORTER_NAME, "swallow", "grey", "Dave", "wrist",
                  "texted me first", "07700"):
        assert typed not in summary


def test_every_incident_type_has_a_published_phrase() -> None:
    assert set(INCIDENT_PHRASES) == set(IncidentType)


def test_a_sparse_report_still_reads_well() -> None:
    report = Report(incident_types=(IncidentType.ROBBERY,), place_type=PlaceType.OTHER,
                    perpetrator=Perpetrator(gender=Gender.UNKNOWN, build=Build.SLIM,
                                            people_count=3))
    assert structured_summary(report) == ("Reported: robbery or theft. Described as a person, "
                                          "slim build. 3 people were involved.")
