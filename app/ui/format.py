"""Dates, times and ages of data in the user's language, through Babel."""

from __future__ import annotations

import datetime as dt

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_timedelta
from babel.lists import format_list

from app.core.identifiers import display_phone
from app.ui.shell import Ui


def locale_of(ui: Ui) -> Locale:
    try:
        return Locale.parse(ui.language or "en")
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


def day(ui: Ui, value: dt.date) -> str:
    return format_date(value, format="medium", locale=locale_of(ui))


def listing(ui: Ui, items: list[str]) -> str:
    """'a, b and c' in the user's language."""
    return format_list(items, locale=locale_of(ui)) if items else ""


def phone(ui: Ui, e164: str) -> str:
    """A number as the user would write it: national if it is in their phone region."""
    return display_phone(e164, ui.session.settings.load().phone_region)


def age(ui: Ui, moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """'3 hours ago' style, in the user's language."""
    current = now or dt.datetime.now(dt.UTC)
    return format_timedelta(moment - current, add_direction=True, locale=locale_of(ui))


def data_age(ui: Ui, fetched: dt.datetime | None) -> str:
    if fetched is None:
        return ui._("No warnings downloaded yet for your areas.")
    return ui._("Warnings last updated %(age)s.") % {"age": age(ui, fetched)}
