"""WCAG AA contrast for every text colour on the backgrounds it is drawn on, light and
dark, and no screen reaching past the palette for a fixed colour."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.ui import palette

REPO = Path(__file__).resolve().parents[2]
THEMES = {"light": palette.LIGHT, "dark": palette.DARK}


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_matches_wcag() -> None:
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", THEMES)
def test_text_meets_aa(theme: str) -> None:
    colours = THEMES[theme]
    weak = [(t, b, round(contrast(colours[t], colours[b]), 2)) for t, b in palette.TEXT_PAIRS
            if contrast(colours[t], colours[b]) < 4.5]
    assert not weak


@pytest.mark.parametrize("theme", THEMES)
def test_borders_and_icons_meet_aa(theme: str) -> None:
    colours = THEMES[theme]
    assert all(contrast(colours[f], colours[b]) >= 3.0 for f, b in palette.GRAPHIC_PAIRS)


def test_both_themes_define_the_same_roles() -> None:
    assert palette.LIGHT.keys() == palette.DARK.keys()


def test_screens_use_colour_roles_only() -> None:
    used = set()
    for path in (REPO / "app" / "ui").rglob("*.py"):
        used |= set(re.findall(r"ft\.Colors\.(\w+)", path.read_text(encoding="utf-8")))
    assert {name.lower() for name in used} <= palette.LIGHT.keys()
