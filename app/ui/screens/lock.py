"""The lock screen: passcode, the delay after wrong tries, and the language."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.services.phone import NoTrustError
from app.ui import languages, widgets
from app.ui.shell import Ui
from app.vault.errors import UnlockRefusedError, UnlockThrottledError


class LockScreen:
    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def title(self, ui: Ui) -> str:
        return ui._("Brolly is locked")

    def build(self, ui: Ui) -> ft.Control:
        passcode = widgets.text_field(ui._("Passcode"), password=True, autofocus=True)
        status = ft.Column()
        if self.message:
            status.controls.append(widgets.banner(self.message, warning=True))
        wait = ui.app.vault.retry_after()
        if wait > 0:
            status.controls.append(widgets.banner(_wait_text(ui, wait), warning=True))

        def unlock(_event: Any) -> None:
            code = passcode.value or ""
            if not code:
                passcode.error = ui._("Type your passcode.")
                ui.page.update()
                return
            status.controls[:] = [widgets.busy(ui._("Opening…"))]
            ui.page.update()
            ui.run_slow(lambda: ui.app.unlock(code), lambda _r: _opened(ui), failed)

        def failed(exc: Exception) -> None:
            if isinstance(exc, UnlockRefusedError):
                text = _wait_text(ui, exc.retry_after) if exc.retry_after > 0 else ui._(
                    "That passcode is not right.")
                if isinstance(exc, UnlockThrottledError):
                    text = _wait_text(ui, exc.retry_after)
            elif isinstance(exc, NoTrustError):
                text = ui._("This copy of Brolly is missing its organisation's key file. "
                            "Please install it again from your support project.")
            else:
                text = ui._("Brolly could not open. Your reports are safe; try again.")
            self.message = text
            ui.refresh()

        passcode.on_submit = unlock
        return ft.Column([
            widgets.paragraph(ui._("Type your passcode to open Brolly.")),
            passcode,
            widgets.primary(ui._("Unlock"), unlock, icon=ft.Icons.LOCK_OPEN),
            status,
            ft.Divider(),
            language_picker(ui),
        ], spacing=16, scroll=ft.ScrollMode.AUTO)


def _wait_text(ui: Ui, seconds: float) -> str:
    whole = max(1, round(seconds))
    return ui.ngettext("That passcode is not right. Wait %(seconds)d second before trying again.",
                       "That passcode is not right. Wait %(seconds)d seconds before trying "
                       "again.", whole) % {"seconds": whole}


def _opened(ui: Ui) -> None:
    from app.ui.screens.home import Home

    # The latest choice wins: one made on the lock screen is kept in the settings.
    stored = ui.session.settings.load().language
    if ui.language is None and stored:
        ui.set_language(stored)
    elif ui.language != stored:
        ui.session.settings.update(language=ui.language)
    ui.touch()
    ui.reset(Home())


def language_picker(ui: Ui) -> ft.Control:
    """A row of buttons, one per language, each named in its own language."""
    buttons: list[ft.Control] = [ft.TextButton(languages.own_name(code), style=widgets.roomy(),
                             on_click=lambda _e, c=code: ui.set_language(c),
                             disabled=code == (ui.language or "en"))
               for code in languages.available()]
    return ft.Column([widgets.subheading(ui._("Language")), ft.Row(buttons, wrap=True)])
