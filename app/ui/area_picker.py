"""Choosing areas: type part of a town's name, tap it. Used by first run, settings and the
report wizard (which takes one area)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.core.areas import AreaKind, AreaTaxonomy
from app.ui import widgets
from app.ui.shell import Ui

_RESULTS = 8


class AreaPicker:
    def __init__(self, ui: Ui, areas: AreaTaxonomy, chosen: list[str], *, single: bool = False,
                 on_change: Callable[[list[str]], None] | None = None,
                 error: str | None = None) -> None:
        self.ui = ui
        self.areas = areas
        self.chosen = list(chosen)
        self.single = single
        self.on_change = on_change
        self.search = widgets.text_field(ui._("Search for a town or area"), error=error,
                                         hint=ui._("For example: Birmingham"))
        self.search.on_change = self._typed
        self.results = ft.Column(spacing=0)
        self.selected = ft.Column(spacing=0)
        self.control = ft.Column([self.selected, self.search, self.results], spacing=8)
        self._draw_selected()

    def name(self, code: str) -> str:
        area = self.areas.get(code)
        parent = self.areas.get(area.parent) if area.parent else None
        if area.kind is AreaKind.TOWN and parent is not None:
            return self.ui._("%(town)s (%(area)s)") % {"town": self.ui._(area.name),
                                                      "area": self.ui._(parent.name)}
        return self.ui._(area.name)

    def _typed(self, _event: Any) -> None:
        text = (self.search.value or "").strip()
        found = self.areas.search(text, limit=_RESULTS) if len(text) >= 2 else []
        self.results.controls = [
            ft.ListTile(title=ft.Text(self.name(a.code)), leading=ft.Icon(ft.Icons.PLACE),
                        on_click=lambda _e, c=a.code: self._pick(c))
            for a in found if a.kind is not AreaKind.COUNTRY]
        self.results.update()

    def _pick(self, code: str) -> None:
        self.chosen = [code] if self.single else [*self.chosen, code] if code not in \
            self.chosen else self.chosen
        self.search.value = ""
        self.search.error = None
        self.results.controls = []
        self._changed()

    def _remove(self, code: str) -> None:
        self.chosen = [c for c in self.chosen if c != code]
        self._changed()

    def _changed(self) -> None:
        self._draw_selected()
        if self.on_change is not None:
            self.on_change(self.chosen)
        self.ui.page.update()

    def _draw_selected(self) -> None:
        self.selected.controls = [
            ft.Column([
                ft.Row([ft.Icon(ft.Icons.CHECK_CIRCLE, color=ft.Colors.PRIMARY),
                        ft.Text(self.name(code), expand=True)]),
                ft.TextButton(self.ui._("Remove %(area)s") % {"area": self.name(code)},
                              on_click=lambda _e, c=code: self._remove(c),
                              style=widgets.roomy())], spacing=0)
            for code in self.chosen]
