"""One Shell per browser page: navigation, language, quick exit, auto-lock.

Screens are small objects with ``title(ui)`` and ``build(ui)``; the shell draws a header
with the screen's title, a back button and the "Quick exit" control on every screen but
the cover, and puts the screen's controls below it.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import flet as ft

from app import i18n
from app.services.phone import PhoneApp
from app.services.session import PhoneSession
from app.ui import theme, widgets
from sync.engine import SyncStatus

APP_TITLE = "Brolly"
_IDLE_CHECK_SECONDS = 5.0


class Screen(Protocol):
    def title(self, ui: Ui) -> str: ...

    def build(self, ui: Ui) -> ft.Control: ...


class Ui:
    def __init__(self, page: ft.Page, app: PhoneApp) -> None:
        self.page = page
        self.app = app
        self.language: str | None = app.lock_screen_language()
        self._translation = i18n.translation(self.language)
        self._stack: list[Screen] = []
        self._last_touch = time.monotonic()
        self._closed = threading.Event()
        self.notice: str | None = None
        self._notice_slot = ft.Container()

    # --- translation -------------------------------------------------------------------------

    def _(self, message: str) -> str:
        return self._translation.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translation.ngettext(singular, plural, n)

    def set_language(self, code: str | None, *, remember: bool = True) -> None:
        self.language = code
        self._translation = i18n.translation(code)
        if remember:
            self.app.remember_lock_screen_language(code)
            if self.app.session is not None:
                self.app.session.settings.update(language=code)
        self.refresh()

    # --- navigation --------------------------------------------------------------------------

    @property
    def session(self) -> PhoneSession:
        """The unlocked session; screens that need it are only shown while unlocked."""
        if self.app.session is None:
            raise RuntimeError("the vault is locked")
        return self.app.session

    def start(self) -> None:
        self.page.title = APP_TITLE
        theme.apply(self.page)
        self.page.padding = 0
        self.page.on_keyboard_event = self._on_key
        self.page.on_app_lifecycle_state_change = self._on_lifecycle
        self.page.on_disconnect = self._on_disconnect
        self.page.on_error = lambda _e: self.toast(self._("Something went wrong. Your reports "
                                                          "are safe."))
        self.app.add_status_listener(self._on_status)
        threading.Thread(target=self._idle_watch, name="brolly-autolock", daemon=True).start()
        # A new window never inherits an unlocked app: it starts at the lock screen.
        self.app.lock()
        self.show_start()

    def show_start(self) -> None:
        from app.ui.screens.first_run import FirstRun
        from app.ui.screens.lock import LockScreen

        self.reset(FirstRun() if self.app.first_run else LockScreen())

    def reset(self, screen: Screen) -> None:
        self._stack = [screen]
        self.refresh()

    def go(self, screen: Screen) -> None:
        self.touch()
        self._stack.append(screen)
        self.refresh()

    def back(self, _event: Any = None) -> None:
        self.touch()
        if len(self._stack) > 1:
            self._stack.pop()
        self.refresh()

    def replace(self, screen: Screen) -> None:
        self._stack[-1] = screen
        self.refresh()

    def showing(self, screen: Screen) -> bool:
        """Whether ``screen`` is the one on show (work finished off the loop checks it)."""
        return bool(self._stack) and self._stack[-1] is screen

    def refresh(self) -> None:
        screen = self._stack[-1]
        try:
            body = screen.build(self)
        except Exception:  # noqa: BLE001 - never show a raw error: it could name details
            body = self._something_went_wrong()
        from app.ui.screens.cover import Cover

        self.page.title = self._("Calculator") if isinstance(screen, Cover) else APP_TITLE
        self.page.controls.clear()
        if isinstance(screen, Cover):
            self.page.add(ft.SafeArea(body, expand=True))
        else:
            self.page.add(ft.SafeArea(ft.Column([self._header(screen), self._notice(), ft.Container(
                body, padding=ft.Padding.symmetric(horizontal=16, vertical=8), expand=True)],
                spacing=0, expand=True), expand=True))
        self.page.update()

    def _something_went_wrong(self) -> ft.Control:
        return ft.Column([
            widgets.banner(self._("Something went wrong on this screen. Your reports are "
                                  "safe."), warning=True),
            widgets.primary(self._("Back to home"), lambda _e: self.show_start()
                            if not self.app.unlocked else self._home()),
        ], spacing=12)

    def _home(self) -> None:
        from app.ui.screens.home import Home

        self.reset(Home())

    def toast(self, message: str) -> None:
        self.page.show_dialog(ft.SnackBar(ft.Text(message)))

    def confirm(self, title: str, body: str, action: str, then: Callable[[], None]) -> None:
        """Ask before something that cannot be undone; ``then`` runs only on ``action``."""
        def confirmed(_event: Any) -> None:
            self.page.pop_dialog()
            then()

        self.page.show_dialog(ft.AlertDialog(
            title=ft.Text(title), content=ft.Text(body),
            actions=[ft.TextButton(self._("Cancel"), on_click=lambda _e: self.page.pop_dialog()),
                     ft.TextButton(action, on_click=confirmed)]))

    # --- safety ------------------------------------------------------------------------------

    def quick_exit(self, _event: Any = None) -> None:
        """Lock at once and show the neutral cover; getting back needs the passcode."""
        from app.ui.screens.cover import Cover

        self.app.lock()
        self.notice = None
        self.reset(Cover())

    def lock(self) -> None:
        from app.ui.screens.lock import LockScreen

        self.app.lock()
        self.notice = None
        self.reset(LockScreen())

    def touch(self) -> None:
        self._last_touch = time.monotonic()

    def run_slow(self, work: Callable[[], Any], done: Callable[[Any], None],
                 failed: Callable[[Exception], None]) -> None:
        """Run ``work`` off the UI thread, then ``done(result)`` or ``failed(error)``."""
        def runner() -> None:
            try:
                result = work()
            except Exception as exc:  # noqa: BLE001 - handed to the screen to word it
                self._on_loop(functools.partial(failed, exc))
                return
            self._on_loop(functools.partial(done, result))
        threading.Thread(target=runner, daemon=True).start()

    # --- internals ---------------------------------------------------------------------------

    def _header(self, screen: Screen) -> ft.Control:
        back: list[ft.Control] = []
        if len(self._stack) > 1:
            back = [ft.TextButton(self._("Back"), icon=ft.Icons.ARROW_BACK, on_click=self.back,
                                  style=widgets.roomy())]
        exit_button = ft.FilledButton(
            # TRANSLATORS: a button that hides the app at once, e.g. when someone comes near.
            # Keep it short: it is shown on every screen.
            self._("Quick exit"), icon=ft.Icons.EXIT_TO_APP, on_click=self.quick_exit,
            style=widgets.roomy(bgcolor=ft.Colors.ERROR, color=ft.Colors.ON_ERROR))
        title = ft.Text(screen.title(self), theme_style=ft.TextThemeStyle.TITLE_LARGE,
                        weight=ft.FontWeight.BOLD, expand=True, no_wrap=False)
        return ft.Container(ft.Row([*back, title, exit_button], spacing=8),
                            padding=ft.Padding.symmetric(horizontal=12, vertical=8),
                            bgcolor=ft.Colors.SURFACE_CONTAINER)

    def _notice(self) -> ft.Control:
        self._notice_slot = ft.Container(padding=ft.Padding.only(left=16, right=16, top=8))
        self._fill_notice()
        return self._notice_slot

    def _fill_notice(self) -> None:
        self._notice_slot.content = None if self.notice is None else widgets.banner(self.notice)
        self._notice_slot.visible = self.notice is not None

    def _on_disconnect(self, _event: Any) -> None:
        self._closed.set()
        self.app.remove_status_listener(self._on_status)

    def _on_key(self, event: ft.KeyboardEvent) -> None:
        if event.key == "Escape":
            self.quick_exit()
        else:
            self.touch()

    def _on_lifecycle(self, event: ft.AppLifecycleStateChangeEvent) -> None:
        if event.state in (ft.AppLifecycleState.HIDE, ft.AppLifecycleState.PAUSE) \
                and self.app.unlocked:
            self.lock()

    def _idle_watch(self) -> None:
        while not self._closed.wait(_IDLE_CHECK_SECONDS):
            session = self.app.session
            if session is None:
                continue
            minutes = session.settings.load().auto_lock_minutes or 5
            if time.monotonic() - self._last_touch > minutes * 60:
                self._on_loop(self.lock)

    def _on_status(self, status: SyncStatus) -> None:
        new = sum(len(r.new_item_ids) for r in status.feed_results if r.kind == "alerts")
        if new:
            # Never the content of a warning in a notice: only that there are new ones.
            self.notice = self.ngettext("There is %(count)d new warning for your areas.",
                                        "There are %(count)d new warnings for your areas.",
                                        new) % {"count": new}
        # Only a new notice, or a screen that shows sync progress, is redrawn: redrawing
        # any other screen on every status (they come often while the relay is out of
        # reach) would swallow taps and typing in the report wizard.
        # A new notice is put in its place above the screen; only a screen that shows sync
        # progress is redrawn. Redrawing any other screen on every status (they come often
        # while the relay is out of reach) would swallow taps and typing in the wizard.
        if getattr(self._stack[-1], "live", False):
            self._on_loop(self._refresh_if_unlocked)
        elif new:
            self._on_loop(self._show_notice)

    def _refresh_if_unlocked(self) -> None:
        if self.app.unlocked and getattr(self._stack[-1], "live", False):
            self.refresh()

    def _show_notice(self) -> None:
        if not self.app.unlocked:
            return
        self._fill_notice()
        try:
            self._notice_slot.update()
        except RuntimeError:  # not on the page (the cover screen): shown at the next redraw
            pass

    def _on_loop(self, action: Callable[[], None]) -> None:
        async def run() -> None:
            action()
        try:
            self.page.run_task(run)
        except RuntimeError:  # the page is gone
            return
