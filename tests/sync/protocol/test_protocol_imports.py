"""sync.protocol is pure: importing it pulls in no network, UI or database library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
FORBIDDEN = ("httpx", "fastapi", "starlette", "flet", "sqlcipher3", "sqlite3", "sqlalchemy",
             "psycopg", "requests", "socket", "urllib.request", "http.client", "asyncio")
MINE = {"errors", "codec", "padding", "envelope", "pow", "signing", "root", "bundle", "alert",
        "messages"}

_PROBE = """
import importlib, pkgutil, sys
import sync.protocol
names = [m.name for m in pkgutil.iter_modules(sync.protocol.__path__)]
for name in names:
    importlib.import_module("sync.protocol." + name)
print(" ".join(names))
print(" ".join(sorted(name for name in {forbidden!r} if name in sys.modules)))
"""


def test_importing_the_protocol_loads_nothing_forbidden() -> None:
    # Given a fresh interpreter that imports every module of the package
    probe = _PROBE.format(forbidden=FORBIDDEN)
    # When it lists the modules and which forbidden ones ended up in sys.modules
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                            text=True, check=True, timeout=60)
    imported, loaded = result.stdout.split("\n")[:2]
    # Then every protocol module was among them, and nothing forbidden was loaded
    assert MINE <= set(imported.split())
    assert loaded.split() == []
