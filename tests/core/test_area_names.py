"""app/core/area_names.py must list every area name, so that extraction finds them."""

from __future__ import annotations

import ast

from app.core.area_names import AREA_NAMES
from app.core.areas import AreaTaxonomy

from .area_names_tool import MODULE_PATH, render

REGENERATE = "run: .venv/bin/python -m tests.core.area_names_tool"


def test_generated_module_is_in_sync_with_the_area_file(areas: AreaTaxonomy) -> None:
    # Given the shipped area file
    # When the names module is rendered from it
    expected = render(areas)
    # Then the committed module is exactly that text
    assert MODULE_PATH.read_text(encoding="utf-8") == expected, REGENERATE


def test_every_name_is_marked_with_n_(areas: AreaTaxonomy) -> None:
    # Given the module's source / When its N_ calls are collected by parsing, as an
    # extractor would / Then they cover every area name
    tree = ast.parse(MODULE_PATH.read_text(encoding="utf-8"))
    marked = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        and node.func.id == "N_" and isinstance(node.args[0], ast.Constant)
    }
    assert marked == {area.name for area in areas}
    assert set(AREA_NAMES) == marked
