"""The Flet themes built from the palette: the same roles in light and dark."""

from __future__ import annotations

import flet as ft

from app.ui import palette


def _theme(colours: dict[str, str]) -> ft.Theme:
    # Phone density everywhere: in a browser Flutter would pick the compact desktop
    # density and shrink buttons below a finger's 48 pixels.
    return ft.Theme(color_scheme=ft.ColorScheme(**colours),
                    visual_density=ft.VisualDensity.STANDARD)


def apply(page: ft.Page) -> None:
    """Follow the phone's light or dark setting, with colours that keep text readable."""
    page.theme_mode = ft.ThemeMode.SYSTEM
    page.theme = _theme(palette.LIGHT)
    page.dark_theme = _theme(palette.DARK)
