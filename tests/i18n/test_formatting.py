"""Dates, ages and lists come out the way each language writes them."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from app.ui import format as fmt

NOW = dt.datetime(2026, 11, 22, 15, 0, tzinfo=dt.UTC)


def _ui(language: str) -> Any:
    return SimpleNamespace(language=language)


def test_relative_times_in_the_users_language() -> None:
    three_hours_ago = NOW - dt.timedelta(hours=3)
    assert fmt.age(_ui("en"), three_hours_ago, NOW) == "3 hours ago"
    assert fmt.age(_ui("pl"), three_hours_ago, NOW) == "3 godziny temu"
    assert fmt.age(_ui("es"), three_hours_ago, NOW) == "hace 3 horas"


def test_dates_in_the_users_language() -> None:
    day = dt.date(2026, 3, 5)
    assert fmt.day(_ui("en"), day) == "Mar 5, 2026"
    assert fmt.day(_ui("pt_BR"), day) == "5 de mar. de 2026"
    assert fmt.day(_ui("zh_Hans"), day) == "2026年3月5日"


def test_lists_joined_the_way_the_language_joins_them() -> None:
    assert fmt.listing(_ui("es"), ["robo", "amenazas"]) == "robo y amenazas"
    assert fmt.listing(_ui("ro"), ["a", "b", "c"]) == "a, b și c"
    assert fmt.listing(_ui("en"), []) == ""


def test_an_unknown_language_falls_back_to_english() -> None:
    assert fmt.day(_ui("xx"), dt.date(2026, 3, 5)) == "Mar 5, 2026"
