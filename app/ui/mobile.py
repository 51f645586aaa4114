"""Entry point for phone builds (`flet build apk|ipa`, see pyproject's [tool.flet]).

On a phone the app's private storage directory comes from Flet (FLET_APP_STORAGE_DATA);
the relay and the organisation's trust file are the ones shipped in assets/.
"""

from __future__ import annotations

import json
import os

from app.config import ASSETS, build_config
from app.ui.main import run


def main() -> None:
    shipped = ASSETS / "relay.json"
    relay = json.loads(shipped.read_text())["url"] if shipped.is_file() else None
    config = build_config(os.environ.get("FLET_APP_STORAGE_DATA"), relay_url=relay)
    run(config, web=False)


if __name__ == "__main__":
    main()
