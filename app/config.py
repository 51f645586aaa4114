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
ASSETS = Path(__file__).resolve().parent.parent / "assets"


@dataclass(frozen=True)
class AppConfig:
    data_dir: Path
    region: str = "GB"
    kdf: KdfParams = field(default_factory=KdfParams)
    relay_url: str | None = None  # the organisation's relay; settings may override it
    trust_file: Path | None = None  # the pinned root and report key (see sync.protocol.trust)
    ca_file: Path | None = None  # for a self-hosted relay with its own certificate authority

    @property
    def shipped_directory(self) -> Path | None:
        """The signed directory shipped beside the trust file, for offline first runs."""
        if self.trust_file is None:
            return None
        return self.trust_file.with_name("directory.bundle.json")


def default_data_dir(environ: Mapping[str, str], platform: str = sys.platform) -> Path:
    """Where the vault lives when neither --data-dir nor BROLLY_DATA_DIR says otherwise."""
    home = Path(environ.get("HOME") or Path.home())
    if platform == "win32":
        return Path(environ.get("APPDATA") or home / "AppData" / "Roaming") / "Brolly"
    if platform == "darwin":
        return home / "Library" / "Application Support" / "Brolly"
    return Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "brolly"


def build_config(data_dir: str | None = None, environ: Mapping[str, str] | None = None, *,
                 relay_url: str | None = None, trust_file: str | None = None,
                 ca_file: str | None = None) -> AppConfig:
    environ = os.environ if environ is None else environ
    chosen = data_dir or environ.get(DATA_DIR_ENV)
    path = Path(chosen).expanduser() if chosen else default_data_dir(environ)
    trust = Path(trust_file).expanduser().resolve() if trust_file else _shipped("trust.json")
    return AppConfig(data_dir=path.resolve(), relay_url=relay_url, trust_file=trust,
                     ca_file=Path(ca_file).expanduser().resolve() if ca_file else None)


def _shipped(name: str) -> Path | None:
    path = ASSETS / name
    return path if path.is_file() else None
