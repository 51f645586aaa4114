"""Translations for whatever the user sees: gettext catalogues compiled from locales/."""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "brolly"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locales"
SOURCE_LOCALE = "en"


def translation(locale: str | None) -> gettext.NullTranslations:
    """The catalogue for ``locale``, falling back to the English source strings."""
    languages = [locale] if locale else [SOURCE_LOCALE]
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=languages, fallback=True)


def locale_from_environment(environ: Mapping[str, str]) -> str | None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value and value not in ("C", "POSIX"):
            return value.split(".")[0]
    return None
