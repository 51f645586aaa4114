"""Settings: language, areas, passcodes, auto-lock, sending, proxy, relay, delete all."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.ui import widgets
from app.ui.area_picker import AreaPicker
from app.ui.screens.lock import language_picker
from app.ui.screens.outreach import outreach_settings
from app.ui.shell import Ui
from app.vault.errors import PasscodeRejectedError, WrongPasscodeError

_AUTO_LOCK = [1, 2, 5, 10, 30]
_DELAYS = [0, 15, 60, 240]


class SettingsScreen:
    def __init__(self) -> None:
        self.message: str | None = None

    def title(self, ui: Ui) -> str:
        return ui._("Settings")

    def build(self, ui: Ui) -> ft.Control:
        session = ui.session
        settings = session.settings.load()
        def set_areas(chosen: list[str]) -> None:
            session.settings.update(areas=tuple(chosen))
            session.sync_now()

        def setter(name: str) -> widgets.Handler:
            def change(event: Any) -> None:
                session.settings.update(**{name: int(event.control.value)})
            return change

        picker = AreaPicker(ui, ui.app.areas, list(settings.areas), on_change=set_areas)

        def minutes(label_one: str, label_many: str, n: int) -> str:
            return ui.ngettext(label_one, label_many, n) % {"count": n}

        auto = widgets.choice(ui._("Lock Brolly after this long without use"), [
            (str(n), minutes("%(count)d minute", "%(count)d minutes", n)) for n in _AUTO_LOCK],
            str(settings.auto_lock_minutes), setter("auto_lock_minutes"))
        delay = widgets.choice(ui._("Wait a random time before sending (hides when you "
                                    "wrote it)"), [
            ("0", ui._("Send straight away"))] + [
            (str(n), minutes("Up to %(count)d minute", "Up to %(count)d minutes", n))
            for n in _DELAYS if n], str(settings.send_delay_minutes),
            setter("send_delay_minutes"))
        keep = ft.Switch(label=ui._("Keep a copy of sent reports on this phone"),
                         value=settings.keep_sent_reports,
                         on_change=lambda e: session.settings.update(
                             keep_sent_reports=bool(e.control.value)))
        return ft.Column([
            *([widgets.banner(self.message)] if self.message else []),
            language_picker(ui),
            widgets.subheading(ui._("Areas you work in")), picker.control,
            auto, delay, keep,
            *self._passcodes(ui), *self._network(ui),
            *outreach_settings(ui, lambda message: self._say(ui, message)),
            widgets.subheading(ui._("Delete everything")),
            widgets.paragraph(ui._("Deletes every report, warning and setting from this phone. "
                                   "This cannot be undone.")),
            widgets.secondary(ui._("Delete everything"), lambda _e: self._wipe(ui),
                              icon=ft.Icons.DELETE_FOREVER),
        ], spacing=14, scroll=ft.ScrollMode.AUTO)

    def _passcodes(self, ui: Ui) -> list[ft.Control]:
        current = widgets.text_field(ui._("Current passcode"), password=True)
        new = widgets.text_field(ui._("New passcode"), password=True)
        duress = widgets.text_field(ui._("New duress passcode"), password=True)

        def change(_event: Any) -> None:
            old, fresh = current.value or "", new.value or ""
            if len(fresh) < 6:
                self._say(ui, ui._("Your passcode needs at least 6 characters."))
                return
            ui.run_slow(lambda: ui.app.vault.change_passcode(old, fresh),
                        lambda _r: self._say(ui, ui._("Your passcode was changed.")),
                        lambda exc: self._say(ui, _passcode_error(ui, exc)))

        def set_duress(_event: Any) -> None:
            code = duress.value or ""
            if not code:
                self._say(ui, ui._("Type the duress passcode first."))
                return
            ui.run_slow(lambda: ui.app.vault.set_duress_passcode(code),
                        lambda _r: self._say(ui, ui._("The duress passcode is set.")),
                        lambda exc: self._say(ui, _passcode_error(ui, exc)))

        def clear_duress(_event: Any) -> None:
            ui.app.vault.clear_duress_passcode()
            self._say(ui, ui._("There is no duress passcode now."))

        has = ui.app.vault.has_duress_passcode()
        return [
            widgets.subheading(ui._("Change passcode")), current, new,
            widgets.primary(ui._("Change passcode"), change),
            widgets.subheading(ui._("Duress passcode")),
            widgets.paragraph(ui._("Unlocking with the duress passcode quietly deletes "
                                   "everything and opens an empty Brolly.")),
            widgets.paragraph(ui._("A duress passcode is set.") if has else ui._(
                "No duress passcode is set."), muted=True),
            duress, ft.Row([widgets.primary(ui._("Set duress passcode"), set_duress),
                            *([widgets.secondary(ui._("Remove duress passcode"), clear_duress)]
                              if has else [])], wrap=True),
        ]

    def _network(self, ui: Ui) -> list[ft.Control]:
        settings = ui.session.settings.load()
        proxy = widgets.text_field(ui._("Proxy (for Tor with Orbot: socks5://127.0.0.1:9050)"),
                                   settings.proxy or "")
        relay = widgets.text_field(ui._("Relay address"), settings.relay_url or
                                   (ui.app.config.relay_url or ""))

        def save(_event: Any) -> None:
            proxy_value = (proxy.value or "").strip() or None
            relay_value = (relay.value or "").strip() or None
            if proxy_value and not proxy_value.startswith(("socks5://", "socks5h://",
                                                           "http://", "https://")):
                self._say(ui, ui._("A proxy address starts with socks5:// or http://."))
                return
            if relay_value and not relay_value.startswith(("https://", "http://127.0.0.1",
                                                           "http://localhost")):
                self._say(ui, ui._("The relay address must start with https://."))
                return
            ui.session.settings.update(proxy=proxy_value, relay_url=relay_value)
            ui.app.reopen_session()
            self._say(ui, ui._("Network settings saved."))

        return [widgets.subheading(ui._("Connection")), proxy, relay,
                widgets.paragraph(ui._("Warnings are checked with this organisation's key, "
                                       "which came with the app."), muted=True),
                widgets.primary(ui._("Save connection settings"), save)]

    def _say(self, ui: Ui, message: str) -> None:
        self.message = message
        ui.refresh()

    def _wipe(self, ui: Ui) -> None:
        def wipe() -> None:
            ui.app.wipe()
            ui.show_start()

        ui.confirm(ui._("Delete everything?"),
                   ui._("Every report, warning and setting on this phone will be deleted. "
                        "This cannot be undone."),
                   ui._("Yes, delete everything"), wipe)


def _passcode_error(ui: Ui, exc: Exception) -> str:
    if isinstance(exc, WrongPasscodeError):
        return ui._("The current passcode is not right.")
    if isinstance(exc, PasscodeRejectedError):
        return ui._("That passcode cannot be used. Choose another one.")
    return ui._("Something went wrong. Nothing was changed.")
