"""Dates, times and ages of data in the user's language, through Babel."""

from __future__ import annotations

import datetime as dt

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_timedelta

from app.ui.shell import Ui


def locale_of(ui: Ui) -> Locale:
    try:
        return Locale.parse(ui.language or "en")
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


def day(ui: Ui, value: dt.date) -> str:
    return format_date(value, format="medium", locale=locale_of(ui))


def age(ui: Ui, moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """'3 hours ago' style, in the user's language."""
    current = now or dt.datetime.now(dt.UTC)
    return format_timedelta(moment - current, add_direction=True, locale=locale_of(ui))


def data_age(ui: Ui, fetched: dt.datetime | None) -> str:
    if fetched is None:
        return ui._("No warnings downloaded yet for your areas.")
    return ui._("Warnings last updated %(age)s.") % {"age": age(ui, fetched)}
