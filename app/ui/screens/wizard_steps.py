"""The steps of the report wizard. Each step draws its fields from the report and returns
a function that reads them back into a new report; the wizard saves it in the vault."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import flet as ft
from babel.dates import parse_date

from app.core.identifiers import normalise_handle, normalise_phone
from app.core.report import Identifiers, Perpetrator, Report, Vehicle, Wishes
from app.core.validation import Problem
from app.core.vocab import (
    AgeRange,
    Build,
    ContactMethod,
    Gender,
    Height,
    IncidentType,
    PlaceType,
    TimeOfDay,
    Vocab,
)
from app.ui import format as fmt
from app.ui import widgets
from app.ui.area_picker import AreaPicker
from app.ui.shell import Ui

Reader = Callable[[Report], Report]


@dataclasses.dataclass
class StepView:
    title: str
    controls: list[ft.Control]
    read: Reader


def errors_for(ui: Ui, problems: list[Problem], prefix: str) -> str | None:
    texts = [p.render(ui._) for p in problems if p.field == prefix or p.field.startswith(
        prefix + "[") or p.field.startswith(prefix + ".")]
    return " ".join(texts) or None


def _options(ui: Ui, vocab: type[Vocab]) -> list[tuple[str, str]]:
    return [(member.code, ui._(member.label)) for member in vocab]


def _pick(vocab: type[Vocab], value: str | None) -> Any:
    return vocab.from_code(value) if value else None


def what_happened(ui: Ui, report: Report, problems: list[Problem]) -> StepView:
    boxes = {kind: ft.Checkbox(label=ui._(kind.label), value=kind in report.incident_types)
             for kind in IncidentType}
    other = widgets.text_field(ui._("If something else, what happened?"), report.incident_other,
                               error=errors_for(ui, problems, "incident_other"))
    story = widgets.text_field(ui._("Tell us what happened (optional)"), report.narrative,
                               multiline=True, error=errors_for(ui, problems, "narrative"))
    error = errors_for(ui, problems, "incident_types")

    def read(current: Report) -> Report:
        chosen = tuple(kind for kind, box in boxes.items() if box.value)
        return dataclasses.replace(current, incident_types=chosen,
                                   incident_other=other.value or "", narrative=story.value or "")

    return StepView(ui._("What happened?"), [
        widgets.paragraph(ui._("Tick everything that happened.")),
        *([widgets.banner(error, warning=True)] if error else []),
        *boxes.values(), other, story], read)


def when_and_where(ui: Ui, report: Report, problems: list[Problem],
                   memo: dict[str, str]) -> StepView:
    unread = memo.get("date")
    day = widgets.text_field(
        ui._("Date"), unread if unread else report.date.isoformat() if report.date else "",
        hint=ui._("For example: %(example)s") % {"example": fmt.day(ui, dt.date.today())},
        error=ui._("Brolly could not read this date. Tap Today or Yesterday, or write it "
                   "like %(example)s.") % {"example": dt.date.today().isoformat()}
        if unread else errors_for(ui, problems, "date"))

    def set_day(value: dt.date) -> None:
        day.value = value.isoformat()
        day.error = None
        day.update()

    quick = ft.Row([
        widgets.secondary(ui._("Today"), lambda _e: set_day(dt.date.today())),
        widgets.secondary(ui._("Yesterday"), lambda _e: set_day(
            dt.date.today() - dt.timedelta(days=1))),
    ], wrap=True)
    time_of_day = widgets.choice(ui._("What time of day?"), _options(ui, TimeOfDay),
                                 report.time_of_day.code if report.time_of_day else None)
    picker = AreaPicker(ui, ui.app.areas, [report.area_code] if report.area_code else [],
                        single=True, error=errors_for(ui, problems, "area_code"))
    place = widgets.choice(ui._("What kind of place?"), _options(ui, PlaceType),
                           report.place_type.code if report.place_type else None)

    def read(current: Report) -> Report:
        text = (day.value or "").strip()
        parsed = _parse_day(ui, text)
        _remember(memo, "date", text if text and parsed is None else None)
        return dataclasses.replace(
            current, date=parsed,
            time_of_day=_pick(TimeOfDay, widgets.chosen(time_of_day)),
            area_code=picker.chosen[0] if picker.chosen else None,
            place_type=_pick(PlaceType, widgets.chosen(place)))

    return StepView(ui._("When and where?"), [
        day, quick, time_of_day, widgets.subheading(ui._("Which town or area?")),
        picker.control, place], read)


def who(ui: Ui, report: Report, problems: list[Problem], memo: dict[str, str]) -> StepView:
    perp = report.perpetrator
    unread = memo.get("people_count")
    count = widgets.text_field(
        ui._("How many people?"),
        unread if unread else str(perp.people_count) if perp.people_count else "",
        keyboard=ft.KeyboardType.NUMBER,
        error=ui._("Please write a number, like 1 or 2.") if unread
        else errors_for(ui, problems, "perpetrator.people_count"))
    gender = widgets.choice(ui._("Gender"), _options(ui, Gender),
                            perp.gender.code if perp.gender else None)
    age = widgets.choice(ui._("Age"), _options(ui, AgeRange),
                         perp.age_range.code if perp.age_range else None)
    height = widgets.choice(ui._("Height"), _options(ui, Height),
                            perp.height.code if perp.height else None)
    build = widgets.choice(ui._("Build"), _options(ui, Build),
                           perp.build.code if perp.build else None)
    ethnicity = widgets.text_field(ui._("Ethnicity (in your own words)"), perp.ethnicity)
    hair = widgets.text_field(ui._("Hair"), perp.hair)
    features = widgets.text_field(ui._("Tattoos, scars, accent, language"), perp.features,
                                  multiline=True)
    names = widgets.text_field(ui._("Names they used (separate with commas)"),
                               ", ".join(perp.names_used))

    def read(current: Report) -> Report:
        text = (count.value or "").strip()
        _remember(memo, "people_count", text if text and not text.isdigit() else None)
        return dataclasses.replace(current, perpetrator=Perpetrator(
            people_count=int(text) if text.isdigit() else None,
            gender=_pick(Gender, widgets.chosen(gender)),
            age_range=_pick(AgeRange, widgets.chosen(age)),
            height=_pick(Height, widgets.chosen(height)),
            build=_pick(Build, widgets.chosen(build)),
            ethnicity=ethnicity.value or "", hair=hair.value or "",
            features=features.value or "", names_used=_split(names.value or "", ",")))

    return StepView(ui._("Who was it?"), [
        widgets.paragraph(ui._("Anything you remember helps. Leave out what you don't know.")),
        count, gender, age, height, build, ethnicity, hair, features, names], read)


def contact_details(ui: Ui, report: Report, problems: list[Problem]) -> StepView:
    ids = report.identifiers
    vehicle = ids.vehicles[0] if ids.vehicles else Vehicle()
    handle = ids.handles[0] if ids.handles else None
    method = widgets.choice(ui._("How did they contact you?"), _options(ui, ContactMethod),
                            report.contact_method.code if report.contact_method else None)
    detail = widgets.text_field(ui._("Which website, app or agency?"), report.contact_detail)
    phones = widgets.text_field(ui._("Phone numbers they used (one per line)"),
                                "\n".join(p.raw for p in ids.phones), multiline=True,
                                error=errors_for(ui, problems, "identifiers.phones"))
    emails = widgets.text_field(ui._("Email addresses (one per line)"), "\n".join(ids.emails),
                                multiline=True, error=errors_for(ui, problems,
                                                                 "identifiers.emails"))
    platform = widgets.text_field(ui._("Website or app of their username"),
                                  handle.platform if handle else "")
    username = widgets.text_field(ui._("Their username"), handle.handle if handle else "")
    links = widgets.text_field(ui._("Links to their adverts or profiles (one per line)"),
                               "\n".join(ids.advert_links), multiline=True)
    make = widgets.text_field(ui._("Vehicle make"), vehicle.make)
    model = widgets.text_field(ui._("Vehicle model"), vehicle.model)
    colour = widgets.text_field(ui._("Vehicle colour"), vehicle.colour)
    plate = widgets.text_field(ui._("Number plate (even part of it)"), vehicle.registration)

    def read(current: Report) -> Report:
        region = ui.session.settings.load().phone_region
        car = Vehicle(make=make.value or "", model=model.value or "",
                      colour=colour.value or "", registration=plate.value or "")
        handles = (normalise_handle(platform.value or "", username.value or ""),) if (
            username.value or "").strip() else ()
        return dataclasses.replace(
            current, contact_method=_pick(ContactMethod, widgets.chosen(method)),
            contact_detail=detail.value or "",
            identifiers=Identifiers(
                phones=tuple(normalise_phone(p, region) for p in _split(phones.value or "")),
                emails=_split(emails.value or ""), handles=handles,
                advert_links=_split(links.value or ""),
                vehicles=(car,) if any(dataclasses.astuple(car)) else ()))

    return StepView(ui._("How did they contact you?"), [
        method, detail, widgets.subheading(ui._("Their details")),
        widgets.paragraph(ui._("These let others check a client before meeting. They are "
                               "only shared after the organisation has reviewed them.")),
        phones, emails, platform, username, links,
        widgets.subheading(ui._("Their vehicle")), make, model, colour, plate], read)


def wishes(ui: Ui, report: Report, problems: list[Problem],
           services: list[tuple[str, str]], *, with_someone: bool = False) -> StepView:
    w = report.wishes
    warn = ft.Switch(label=ui._("Warn other sex workers. Your details are never shared, "
                                "only a summary about the client."), value=w.warn_others)
    intel = ft.Switch(label=ui._("Share anonymously with the police as intelligence. They "
                                 "will not know who you are."), value=w.police_intel)
    police = ft.Switch(label=ui._("Report it to the police with my contact details, so they "
                                  "can contact me."), value=w.police_report)
    support = ft.Switch(label=ui._("Ask a support service to contact me."),
                        value=w.support_contact)
    contact = widgets.text_field(ui._("How to contact you (phone or email)"), w.contact,
                                 error=errors_for(ui, problems, "wishes.contact"))
    service = widgets.choice(ui._("Which support service?"), services, w.support_service)
    service_error = errors_for(ui, problems, "wishes.support_service")

    def read(current: Report) -> Report:
        return dataclasses.replace(current, wishes=Wishes(
            warn_others=bool(warn.value), police_intel=bool(intel.value),
            police_report=bool(police.value), support_contact=bool(support.value),
            contact=contact.value or "", support_service=widgets.chosen(service)))

    intro = ui._("Read each of these with the person. Their answers are recorded as theirs, "
                 "and only what they switch on happens.") if with_someone else ui._(
        "You choose. Only what you switch on happens.")
    return StepView(ui._("What do you want to happen?"), [
        widgets.paragraph(intro),
        warn, intel, police, support, contact,
        *([widgets.banner(service_error, warning=True)] if service_error else []),
        service], read)


def _remember(memo: dict[str, str], key: str, unread: str | None) -> None:
    """Keep text that could not be read, so it is shown again with an error, never lost."""
    if unread is None:
        memo.pop(key, None)
    else:
        memo[key] = unread


def _split(text: str, separator: str = "\n") -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(separator) if part.strip())


def _parse_day(ui: Ui, text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parse_date(text, locale=fmt.locale_of(ui))
    except (ValueError, IndexError):
        return None
