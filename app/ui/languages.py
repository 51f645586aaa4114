"""The languages the app can show, named in their own language for the picker."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

from app import i18n


def available() -> list[str]:
    """English (the source) and every language with a compiled catalogue."""
    found = sorted(p.parent.parent.name for p in i18n.LOCALE_DIR.glob(
        f"*/LC_MESSAGES/{i18n.DOMAIN}.mo"))
    return [i18n.SOURCE_LOCALE, *[code for code in found if code != i18n.SOURCE_LOCALE]]


def own_name(code: str) -> str:
    try:
        locale = Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return code
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]
