"""The composition root of the app: `brolly app`.

Where the Flet desktop client is not available (servers, this project's CI) the app runs
as a local web app bound to 127.0.0.1, with every script served locally (no_cdn).
"""

from __future__ import annotations

import logging

import flet as ft

from app.config import AppConfig
from app.services.phone import PhoneApp
from app.ui.shell import Ui


def run(config: AppConfig, *, host: str = "127.0.0.1", port: int = 8550,
        web: bool = True) -> None:
    # Flet logs events at debug level; nothing it might log about a page may reach a log.
    logging.getLogger("flet").setLevel(logging.WARNING)
    logging.getLogger("flet_web").setLevel(logging.WARNING)
    phone = PhoneApp(config)

    def main(page: ft.Page) -> None:
        Ui(page, phone).start()

    view = ft.AppView.WEB_BROWSER if web else ft.AppView.FLET_APP
    # No assets folder: the local web server serves Flet's own files and nothing of ours.
    ft.run(main, name="", host=host, port=port, view=view, no_cdn=True, assets_dir=None)
