"""The core is pure: it imports only the standard library, phonenumbers and itself."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import app.core

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flet", "flet_web", "httpx", "fastapi", "starlette", "uvicorn", "sqlcipher3",
             "cryptography", "sync", "server_stub", "app.ui", "app.vault")
ALLOWED_THIRD_PARTY = {"app", "phonenumbers"}

PROBE = """
import importlib, json, sys
before = set(sys.modules)
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def core_modules() -> list[str]:
    return sorted(
        f"app.core.{info.name}" for info in pkgutil.iter_modules(app.core.__path__)
    )


def test_core_modules_import_nothing_outside_the_core() -> None:
    # Given every module of app.core, imported in a fresh interpreter
    modules = core_modules()
    assert "app.core.report_codec" in modules
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(modules)],
        cwd=REPO, capture_output=True, text=True, check=True, timeout=60,
    )
    loaded = json.loads(result.stdout)
    # When the newly loaded modules are inspected
    forbidden = [m for m in loaded if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
    third_party = {
        m.split(".")[0] for m in loaded
    } - set(sys.stdlib_module_names) - ALLOWED_THIRD_PARTY
    # Then there is no UI, network, server or database code among them
    assert forbidden == []
    assert third_party == set()
