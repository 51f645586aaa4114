"""Hypothesis strategies for report values, including incomplete drafts."""

from __future__ import annotations

from hypothesis import strategies as st

from app.core.areas import AreaTaxonomy
from app.core.identifiers import Handle, Phone
from app.core.report import Identifiers, Perpetrator, Report, Vehicle, Wishes
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
    Vocab,
)

AREA_CODES = tuple(area.code for area in AreaTaxonomy.load())

texts = st.text(max_size=40)
optional_texts = st.none() | texts


def optional(vocab: type[Vocab]) -> st.SearchStrategy[Vocab | None]:
    return st.none() | st.sampled_from(vocab)


def tuples_of(strategy: st.SearchStrategy, max_size: int = 4) -> st.SearchStrategy[tuple]:
    return st.lists(strategy, max_size=max_size).map(tuple)


phones = st.one_of(
    st.builds(Phone, raw=texts, e164=st.none(), national=optional_texts, verified=st.just(False)),
    st.builds(Phone, raw=texts, e164=texts, national=optional_texts, verified=st.just(True)),
)
handles = st.builds(Handle, platform=texts, handle=texts)
vehicles = st.builds(Vehicle, make=texts, model=texts, colour=texts, registration=texts)

perpetrators = st.builds(
    Perpetrator,
    people_count=st.none() | st.integers(min_value=-(2**70), max_value=2**70),
    gender=optional(Gender),
    age_range=optional(AgeRange),
    height=optional(Height),
    build=optional(Build),
    ethnicity=texts,
    hair=texts,
    features=texts,
    names_used=tuples_of(texts),
)
identifiers = st.builds(
    Identifiers,
    phones=tuples_of(phones),
    emails=tuples_of(texts),
    handles=tuples_of(handles),
    advert_links=tuples_of(texts),
    vehicles=tuples_of(vehicles),
)
wishes = st.builds(
    Wishes,
    warn_others=st.booleans(),
    police_intel=st.booleans(),
    police_report=st.booleans(),
    support_contact=st.booleans(),
    contact=texts,
    support_service=optional_texts,
)
reports = st.builds(
    Report,
    date=st.none() | st.dates(),
    time_of_day=optional(TimeOfDay),
    area_code=st.none() | st.sampled_from(AREA_CODES) | texts,
    place_type=optional(PlaceType),
    incident_types=tuples_of(st.sampled_from(IncidentType), max_size=6),
    incident_other=texts,
    perpetrator=perpetrators,
    contact_method=optional(ContactMethod),
    contact_detail=texts,
    identifiers=identifiers,
    narrative=st.text(max_size=200),
    wishes=wishes,
    submitted_by=st.sampled_from(SubmittedBy),
    organisation_code=optional_texts,
)
