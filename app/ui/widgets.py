"""Small building blocks shared by the screens: big touch targets, plain text, field errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

TOUCH = 48  # minimum touch target, in logical pixels


def roomy(**style: Any) -> ft.ButtonStyle:
    """A button at least TOUCH high that grows with its text: large text sizes and long
    translations wrap onto more lines instead of being cut off."""
    return ft.ButtonStyle(padding=ft.Padding.symmetric(vertical=14, horizontal=16), **style)

Handler = Callable[[Any], None]


def heading(text: str) -> ft.Text:
    return ft.Text(text, theme_style=ft.TextThemeStyle.HEADLINE_SMALL, weight=ft.FontWeight.BOLD)


def subheading(text: str) -> ft.Text:
    return ft.Text(text, theme_style=ft.TextThemeStyle.TITLE_MEDIUM, weight=ft.FontWeight.W_600)


def paragraph(text: str, *, muted: bool = False) -> ft.Text:
    return ft.Text(text, theme_style=ft.TextThemeStyle.BODY_LARGE,
                   color=ft.Colors.ON_SURFACE_VARIANT if muted else None)


def big_action(label: str, icon: ft.IconData, on_click: Handler) -> ft.Button:
    return ft.Button(label, icon=icon, on_click=on_click, expand=True,
                     style=ft.ButtonStyle(text_style=ft.TextStyle(size=18),
                                          padding=ft.Padding.symmetric(vertical=22,
                                                                       horizontal=16),
                                          shape=ft.RoundedRectangleBorder(radius=12)))


def primary(label: str, on_click: Handler, *, icon: ft.IconData | None = None,
            disabled: bool = False) -> ft.FilledButton:
    return ft.FilledButton(label, icon=icon, on_click=on_click, style=roomy(),
                           disabled=disabled)


def secondary(label: str, on_click: Handler, *, icon: ft.IconData | None = None,
              url: str | None = None) -> ft.OutlinedButton:
    return ft.OutlinedButton(label, icon=icon, on_click=on_click, style=roomy(), url=url)


def text_field(label: str, value: str = "", *, multiline: bool = False, password: bool = False,
               hint: str | None = None, error: str | None = None,
               keyboard: ft.KeyboardType = ft.KeyboardType.TEXT,
               on_submit: Handler | None = None, autofocus: bool = False) -> ft.TextField:
    # No "reveal" eye on passcodes: it has no accessible name, and whoever looks over a
    # shoulder should not see the passcode either.
    return ft.TextField(label=label, value=value, multiline=multiline,
                        min_lines=3 if multiline else None, password=password,
                        hint_text=hint, error=error, keyboard_type=keyboard,
                        on_submit=on_submit, autofocus=autofocus,
                        autocorrect=not password, enable_suggestions=not password)


def choice(label: str, options: list[tuple[str, str]], value: str | None,
           on_change: Handler | None = None) -> ft.Column:
    """A labelled radio group (radios have accessible names; dropdowns on the web less so)."""
    group = ft.RadioGroup(value=value, on_change=on_change, content=ft.Column(
        [ft.Radio(value=code, label=text) for code, text in options], spacing=0))
    return ft.Column([subheading(label), group], spacing=4, data=group)


def chosen(column: ft.Column) -> str | None:
    group = column.data
    return group.value if isinstance(group, ft.RadioGroup) and group.value else None


def banner(text: str, *, warning: bool = False) -> ft.Container:
    colour = ft.Colors.ERROR_CONTAINER if warning else ft.Colors.SECONDARY_CONTAINER
    on_colour = ft.Colors.ON_ERROR_CONTAINER if warning else ft.Colors.ON_SECONDARY_CONTAINER
    return ft.Container(ft.Text(text, color=on_colour, theme_style=ft.TextThemeStyle.BODY_LARGE),
                        bgcolor=colour, padding=12, border_radius=8)


def busy(text: str) -> ft.Row:
    return ft.Row([ft.ProgressRing(width=24, height=24), ft.Text(text)], spacing=12)


def receipt_code(code: str) -> ft.Text:
    """A receipt code, big enough to copy by hand. Not "selectable": selectable text is
    missing from the accessibility tree, and a screen reader must read the code out."""
    return ft.Text(code, size=26, weight=ft.FontWeight.BOLD, font_family="monospace")
