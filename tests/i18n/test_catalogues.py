"""Every catalogue complete, every placeholder kept, every UI string extractable."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from app import i18n
from tests.i18n.unwrapped import unwrapped
from tools import translations

LANGUAGES = ("bg", "es", "hu", "pl", "pt_BR", "ro", "th", "zh_Hans")
REPO = Path(__file__).resolve().parents[2]


def test_every_promised_language_has_a_catalogue() -> None:
    assert tuple(translations.locales()) == LANGUAGES


@pytest.mark.parametrize("locale", LANGUAGES)
def test_catalogue_is_complete_and_keeps_placeholders(locale: str) -> None:
    findings = translations.check_catalog(locale)
    assert not findings, "\n".join(map(str, findings[:30]))


@pytest.mark.parametrize("locale", LANGUAGES)
def test_catalogue_uses_the_languages_plural_rule(locale: str) -> None:
    catalog = translations.read_catalog(translations.po_path(locale), locale)
    assert catalog.plural_forms == Catalog(locale=locale).plural_forms


@pytest.mark.parametrize("locale", LANGUAGES)
def test_compiled_catalogue_is_what_the_app_reads(locale: str) -> None:
    translation = i18n.translation(locale)
    assert isinstance(translation, gettext.GNUTranslations), "run `make translations`"
    assert translation.gettext("Quick exit") != "Quick exit"
    for n in (0, 1, 2, 5, 22, 101):
        text = translation.ngettext("There is %(count)d new warning for your areas.",
                                    "There are %(count)d new warnings for your areas.", n)
        assert text % {"count": n}


def test_the_template_matches_the_code() -> None:
    drift = translations.template_drift()
    assert not drift, "\n".join(drift)


def test_no_user_facing_string_in_the_ui_escapes_gettext() -> None:
    found = list(unwrapped(REPO / "app" / "ui"))
    assert not found, "wrap these in ui._():\n" + "\n".join(found)


def test_the_unwrapped_check_finds_bare_text(tmp_path: Path) -> None:
    (tmp_path / "screen.py").write_text(
        'import flet as ft\n'
        'ft.Text(ui._("fine"))\n'
        'ft.Text("Send now")\n'
        'ft.TextField(label=f"Name {x}", value="data is not shown text")\n'
        'widgets.primary("Delete", on_click=go)\n'
        'ft.Text("12:30")\n')
    assert [line.split(": ", 1)[1] for line in unwrapped(tmp_path)] == [
        "'Send now'", "f'Name {x}'", "'Delete'"]


def _catalog(entries: list[tuple[str | tuple[str, str], str | tuple[str, ...], bool]]
             ) -> Catalog:
    catalog = Catalog(locale="pl")
    for msgid, msgstr, fuzzy in entries:
        catalog.add(msgid, msgstr, flags=("fuzzy",) if fuzzy else ())
    return catalog


def test_the_check_catches_every_kind_of_fault() -> None:
    catalog = _catalog([
        ("Wait %(seconds)d seconds", "Czekaj %(sekundy)d sekund", False),
        ("Hello", "Cześć", True),
        ("Empty", "", False),
        (("%(count)d day", "%(count)d days"), ("%(count)d dzień", "%(count)d dni"), False),
        (("%(count)d hour", "%(count)d hours"), ("godzina", "%(count)d godziny",
                                                 "%(count)d godzin"), False),
        ("Fine %(name)s", "Dobrze %(name)s", False),
    ])
    problems = {f.msgid: f.problem for f in translations.check_catalog("pl", catalog)}
    assert problems["Wait %(seconds)d seconds"].startswith("placeholders differ")
    assert problems["Hello"] == "fuzzy"
    assert problems["Empty"] == "untranslated"
    assert problems["%(count)d day"] == "needs 3 plural forms"
    assert "%(count)d hour" not in problems  # the form for one may leave the number out
    assert "Fine %(name)s" not in problems
