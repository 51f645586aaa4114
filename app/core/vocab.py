"""The closed vocabularies of a report.

Each member's value is a stable machine code: it is stored in the vault, sealed in
reports and read by the organisation, so a code is never renamed or reused. Add a
member rather than change one. ``label`` is an English msgid marked with ``N_``;
the UI translates it. Words are plain and non-judgemental ("sex worker", never
anything else).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from app.core.i18n import N_


class Vocab(StrEnum):
    """A closed vocabulary: members are ``CODE = "code", N_("Label")``."""

    _label: str

    def __new__(cls, code: str, label: str) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member._label = label
        return member

    @property
    def code(self) -> str:
        """The stable machine code (the same as the value)."""
        return self._value_

    @property
    def label(self) -> str:
        """The English label, a msgid to translate before showing it."""
        return self._label

    @classmethod
    def from_code(cls, code: str) -> Self:
        """The member whose code is ``code``; raises ValueError for any other string."""
        for member in cls:
            if member.code == code:
                return member
        raise ValueError(f"unknown {cls.__name__} code")

    @classmethod
    def codes(cls) -> tuple[str, ...]:
        """Every code of the vocabulary, in declaration order."""
        return tuple(member.code for member in cls)


class IncidentType(Vocab):
    """What happened. A report may name several."""

    PHYSICAL_ASSAULT = "physical_assault", N_("Physical assault")
    SEXUAL_ASSAULT = "sexual_assault", N_("Sexual assault or rape")
    ROBBERY = "robbery", N_("Robbery or theft")
    PAYMENT = "payment", N_("Refused to pay or payment fraud")
    # TRANSLATORS: removing a condom during sex without consent. Use the everyday word
    # sex workers use for it if there is one; keep it factual, not graphic.
    STEALTHING = "stealthing", N_("Condom removal (stealthing)")
    THREATS = "threats", N_("Threats or intimidation")
    HARASSMENT = "harassment", N_("Harassment or stalking")
    TIME_WASTING = "time_wasting", N_("Time-wasting or hoax booking")
    IMPERSONATING_POLICE = "impersonating_police", N_("Posing as police or an official")
    SPIKING = "spiking", N_("Drugging or spiking")
    HELD = "held", N_("Held against my will")
    WEAPON = "weapon", N_("Weapon involved")
    OTHER = "other", N_("Something else")


class PlaceType(Vocab):
    """The kind of place where it happened."""

    STREET = "street", N_("Street or outdoors")
    CLIENTS_HOME = "clients_home", N_("Client's home")
    HOTEL = "hotel", N_("Hotel")
    MY_PLACE = "my_place", N_("My place / incall")
    CAR = "car", N_("Car or other vehicle")
    ONLINE = "online", N_("Online only")
    OTHER = "other", N_("Somewhere else")


class TimeOfDay(Vocab):
    """Roughly when it happened; people often do not remember the exact time."""

    MORNING = "morning", N_("Morning")
    AFTERNOON = "afternoon", N_("Afternoon")
    EVENING = "evening", N_("Evening")
    NIGHT = "night", N_("Night")
    UNKNOWN = "unknown", N_("Not sure")


class ContactMethod(Vocab):
    """How the person first made contact."""

    ADVERT_SITE = "advert_site", N_("Advertising website")
    PHONE_TEXT = "phone_text", N_("Phone call or text")
    STREET = "street", N_("On the street")
    AGENCY = "agency", N_("Through an agency")
    APP = "app", N_("App or social media")
    OTHER = "other", N_("Another way")


class Gender(Vocab):
    """The perpetrator's gender as the reporter perceived it."""

    MAN = "man", N_("Man")
    WOMAN = "woman", N_("Woman")
    NON_BINARY = "non_binary", N_("Non-binary")
    UNKNOWN = "unknown", N_("Not sure")


class AgeRange(Vocab):
    """The perpetrator's apparent age."""

    UNDER_25 = "under_25", N_("Under 25")
    AGE_25_34 = "age_25_34", N_("25 to 34")
    AGE_35_44 = "age_35_44", N_("35 to 44")
    AGE_45_54 = "age_45_54", N_("45 to 54")
    AGE_55_PLUS = "age_55_plus", N_("55 or older")
    UNKNOWN = "unknown", N_("Not sure")


class Height(Vocab):
    """The perpetrator's apparent height."""

    SHORT = "short", N_("Short")
    AVERAGE = "average", N_("Average height")
    TALL = "tall", N_("Tall")
    UNKNOWN = "unknown", N_("Not sure")


class Build(Vocab):
    """The perpetrator's apparent build."""

    SLIM = "slim", N_("Slim")
    MEDIUM = "medium", N_("Medium")
    HEAVY = "heavy", N_("Heavy")
    MUSCULAR = "muscular", N_("Muscular")
    UNKNOWN = "unknown", N_("Not sure")


class SubmittedBy(Vocab):
    """Who filled in the report."""

    SELF = "self", N_("Me, about something that happened to me")
    OUTREACH = "outreach", N_("An outreach worker, with the person it happened to")


class ConsentKind(Vocab):
    """What the reporter agrees may be done with the report."""

    # TRANSLATORS: "sex workers" is the respectful term; never use a word for prostitute.
    WARN_OTHERS = "warn_others", N_("Warn other sex workers (details are anonymised)")
    # TRANSLATORS: police are one option the person may choose, never a duty. "As
    # intelligence" means no name and no contact details go with it.
    POLICE_INTEL = "police_intel", N_("Share anonymously with the police as intelligence")
    POLICE_REPORT = "police_report", N_("Report to the police with my contact details")
    SUPPORT_CONTACT = "support_contact", N_("Ask a support service to contact me")
