"""The one settings object, built at the composition root (the CLI or app/ui/main.py).

Nothing below the composition root reads the environment: it receives an AppConfig.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from app.vault.kdf import KdfParams

DATA_DIR_ENV = "BROLLY_DATA_DIR"


@dataclass(frozen=True)
class AppConfig:
    data_dir: Path
    region: str = "GB"
    kdf: KdfParams = field(default_factory=KdfParams)


def default_data_dir(environ: Mapping[str, str], platform: str = sys.platform) -> Path:
    """Where the vault lives when neither --data-dir nor BROLLY_DATA_DIR says otherwise."""
    home = Path(environ.get("HOME") or Path.home())
    if platform == "win32":
        return Path(environ.get("APPDATA") or home / "AppData" / "Roaming") / "Brolly"
    if platform == "darwin":
        return home / "Library" / "Application Support" / "Brolly"
    return Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "brolly"


def build_config(data_dir: str | None = None, environ: Mapping[str, str] | None = None
                 ) -> AppConfig:
    environ = os.environ if environ is None else environ
    chosen = data_dir or environ.get(DATA_DIR_ENV)
    path = Path(chosen).expanduser() if chosen else default_data_dir(environ)
    return AppConfig(data_dir=path.resolve())
