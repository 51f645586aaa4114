"""Closed vocabularies: codes are stable, labels are plain msgids."""

from __future__ import annotations

import re

import pytest

from app.core import vocab
from app.core.vocab import (
    AgeRange,
    ConsentKind,
    IncidentType,
    PlaceType,
    SubmittedBy,
    Vocab,
)

ALL_VOCABS: list[type[Vocab]] = [
    value for value in vars(vocab).values()
    if isinstance(value, type) and issubclass(value, Vocab) and value is not Vocab
]

# Codes are stored, sealed and read by the organisation: renaming one is a schema
# break. This snapshot makes a rename fail loudly; adding a member means adding it here.
EXPECTED_CODES = {
    "IncidentType": (
        "physical_assault", "sexual_assault", "robbery", "payment", "stealthing", "threats",
        "harassment", "time_wasting", "impersonating_police", "spiking", "held", "weapon",
        "other",
    ),
    "PlaceType": ("street", "clients_home", "hotel", "my_place", "car", "online", "other"),
    "TimeOfDay": ("morning", "afternoon", "evening", "night", "unknown"),
    "ContactMethod": ("advert_site", "phone_text", "street", "agency", "app", "other"),
    "Gender": ("man", "woman", "non_binary", "unknown"),
    "AgeRange": ("under_25", "age_25_34", "age_35_44", "age_45_54", "age_55_plus", "unknown"),
    "Height": ("short", "average", "tall", "unknown"),
    "Build": ("slim", "medium", "heavy", "muscular", "unknown"),
    "SubmittedBy": ("self", "outreach"),
    "ConsentKind": ("warn_others", "police_intel", "police_report", "support_contact"),
}


def test_codes_match_the_snapshot() -> None:
    # Given every vocabulary in the module
    # When its codes are listed
    actual = {kind.__name__: kind.codes() for kind in ALL_VOCABS}
    # Then they are exactly the published codes, in order
    assert actual == EXPECTED_CODES


@pytest.mark.parametrize("kind", ALL_VOCABS, ids=lambda kind: kind.__name__)
def test_codes_are_snake_case_and_labels_present(kind: type[Vocab]) -> None:
    for member in kind:
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", member.code)
        assert member.value == member.code == str(member)
        assert member.label.strip() == member.label
        assert member.label
    assert len({member.label for member in kind}) == len(kind)


def test_required_labels() -> None:
    assert IncidentType.SEXUAL_ASSAULT.label == "Sexual assault or rape"
    assert IncidentType.STEALTHING.label == "Condom removal (stealthing)"
    assert IncidentType.IMPERSONATING_POLICE.label == "Posing as police or an official"
    assert PlaceType.MY_PLACE.label == "My place / incall"
    assert PlaceType.ONLINE.label == "Online only"


@pytest.mark.parametrize("kind", ALL_VOCABS, ids=lambda kind: kind.__name__)
def test_labels_use_plain_non_judgemental_words(kind: type[Vocab]) -> None:
    banned = ("prostitut", "hooker", "whore", "punter", "john")
    for member in kind:
        assert not any(word in member.label.lower() for word in banned)


def test_from_code_finds_members_and_refuses_others() -> None:
    # Given a code and a near miss
    # When / Then the code finds its member and the near miss is refused
    assert AgeRange.from_code("age_25_34") is AgeRange.AGE_25_34
    with pytest.raises(ValueError, match="unknown AgeRange code"):
        AgeRange.from_code("25_34")
    with pytest.raises(ValueError, match="unknown SubmittedBy code"):
        SubmittedBy.from_code("Self")


def test_same_code_in_two_vocabularies_stays_distinct() -> None:
    # "other" exists in several vocabularies; lookup must not cross them
    assert PlaceType.from_code("other") is PlaceType.OTHER
    assert IncidentType.from_code("other") is IncidentType.OTHER
    assert ConsentKind.from_code("warn_others").label != PlaceType.OTHER.label
