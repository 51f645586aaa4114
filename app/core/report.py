"""The report model: what a reporter tells us, as immutable values.

Every field has a default because a draft is saved at every step of the wizard and
is incomplete until the end; :func:`app.core.validation.validate` says what is
missing. Text fields hold what the reporter typed; identifiers keep their typed form
alongside any normalised form (see :mod:`app.core.identifiers`), so nothing typed
is lost. Change a report with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app.core.identifiers import Handle, Phone, normalise_registration
from app.core.vocab import (
    AgeRange,
    Build,
    ConsentKind,
    ContactMethod,
    Gender,
    Height,
    IncidentType,
    PlaceType,
    SubmittedBy,
    TimeOfDay,
)

REPORT_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Perpetrator:
    """A description of the person or people responsible."""

    people_count: int | None = None
    gender: Gender | None = None
    age_range: AgeRange | None = None
    height: Height | None = None
    build: Build | None = None
    ethnicity: str = ""
    hair: str = ""
    features: str = ""  # tattoos, scars, accent, language
    names_used: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vehicle:
    """A vehicle the perpetrator used; ``registration`` is kept as typed."""

    make: str = ""
    model: str = ""
    colour: str = ""
    registration: str = ""

    @property
    def registration_key(self) -> str:
        """The registration in its matching form (A-Z and 0-9 only)."""
        return normalise_registration(self.registration)


@dataclass(frozen=True)
class Identifiers:
    """What can identify the perpetrator again: the basis of alerts and checks."""

    phones: tuple[Phone, ...] = ()
    emails: tuple[str, ...] = ()
    handles: tuple[Handle, ...] = ()
    advert_links: tuple[str, ...] = ()
    vehicles: tuple[Vehicle, ...] = ()

    def is_empty(self) -> bool:
        """True when no identifier of any kind was given."""
        return not (self.phones or self.emails or self.handles or self.advert_links
                    or self.vehicles)


@dataclass(frozen=True)
class Wishes:
    """What the reporter agrees to. The defaults share the least.

    Only warning others is on by default: that is the point of a bad date list and
    the warning is anonymised. Anything that involves the police or passes on the
    reporter's contact details must be chosen.
    """

    warn_others: bool = True
    police_intel: bool = False
    police_report: bool = False
    support_contact: bool = False
    contact: str = ""  # the reporter's phone or email, for police_report / support_contact
    support_service: str | None = None

    def granted(self) -> tuple[ConsentKind, ...]:
        """The consents given, in a fixed order."""
        flags = {
            ConsentKind.WARN_OTHERS: self.warn_others,
            ConsentKind.POLICE_INTEL: self.police_intel,
            ConsentKind.POLICE_REPORT: self.police_report,
            ConsentKind.SUPPORT_CONTACT: self.support_contact,
        }
        return tuple(kind for kind in ConsentKind if flags[kind])

    def needs_contact(self) -> bool:
        """True when a chosen wish means someone has to reach the reporter."""
        return self.police_report or self.support_contact


@dataclass(frozen=True)
class Report:
    """One report, complete or a draft."""

    # when and where
    date: dt.date | None = None
    time_of_day: TimeOfDay | None = None
    area_code: str | None = None
    place_type: PlaceType | None = None
    # what happened
    incident_types: tuple[IncidentType, ...] = ()
    incident_other: str = ""
    # who
    perpetrator: Perpetrator = field(default_factory=Perpetrator)
    contact_method: ContactMethod | None = None
    contact_detail: str = ""
    identifiers: Identifiers = field(default_factory=Identifiers)
    narrative: str = ""
    # consent and provenance
    wishes: Wishes = field(default_factory=Wishes)
    submitted_by: SubmittedBy = SubmittedBy.SELF
    organisation_code: str | None = None
