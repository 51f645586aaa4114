"""The support directory: services people can call from the app, reviewed by the organisation.

The reviewed file (``assets/directory.json``) is JSON::

    {"format": 1,
     "reviewed": {"source": "<where the facts come from>", "date": "YYYY-MM-DD",
                  "note": "<what was checked>"},
     "services": [
       {"id": "red-project", "name": "The Red Project", "code": "REDPROJECT",
        "areas": ["uk.eng.wm.wmp.birmingham"], "help": ["sex_worker_support"],
        "phones": [{"label": "Phone", "display": "0121 643 0301", "e164": "+441216430301"}],
        "description": "...", "website": "https://..."}]}

``code`` (participating projects only) and ``website`` are optional. A phone has either
``e164`` (a valid number; ``display`` must dial the same number from the UK) or
``short_code`` (a UK short number such as 101 or 999, shown as itself).

Each service becomes one item of the signed "directory" bundle, exactly as written
here (the review note stays with the organisation). Validation is strict because the
app puts these numbers behind a "call" button for someone who may be in danger.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.areas import AreaTaxonomy
from server_stub.console.errors import DirectoryError
from sync.protocol import directory as protocol_directory
from sync.protocol.directory import (
    HELP_KINDS,
    MAX_SERVICES,
    check_object,
    check_text,
    service_from_item,
)

DIRECTORY_FORMAT = 1
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TOP_KEYS = frozenset({"format", "reviewed", "services"})
_REVIEWED_KEYS = frozenset({"source", "date", "note"})

__all__ = ["HELP_KINDS", "Directory", "load_directory", "parse_directory"]


@dataclass(frozen=True)
class Directory:
    """A validated directory: its review note and its services as bundle items."""

    source: str
    reviewed_on: str
    items: tuple[dict[str, Any], ...]

    def item(self, service_id: str) -> dict[str, Any]:
        return next(item for item in self.items if item["id"] == service_id)


def load_directory(path: Path, areas: AreaTaxonomy) -> Directory:
    """Read and validate a reviewed directory file; DirectoryError at the first problem."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DirectoryError(f"cannot read the directory: {type(exc).__name__}") from None
    return parse_directory(document, areas)


def parse_directory(document: Any, areas: AreaTaxonomy) -> Directory:
    top = _object(document, _TOP_KEYS, frozenset(), "directory")
    if top["format"] != DIRECTORY_FORMAT or isinstance(top["format"], bool):
        raise DirectoryError("directory format is not supported")
    reviewed = _object(top["reviewed"], _REVIEWED_KEYS, frozenset(), "reviewed")
    for key in ("source", "note"):
        _text(reviewed[key], f"reviewed {key}", 1000)
    if not isinstance(reviewed["date"], str) or not _DAY.fullmatch(reviewed["date"]):
        raise DirectoryError("reviewed date must look like YYYY-MM-DD")
    services = top["services"]
    if not isinstance(services, list) or not 1 <= len(services) <= MAX_SERVICES:
        raise DirectoryError(f"services must be a list of 1 to {MAX_SERVICES}")
    items = tuple(check_service(service, areas) for service in services)
    _unique([item["id"] for item in items], "service id")
    _unique([item["code"] for item in items if "code" in item], "organisation code")
    return Directory(source=reviewed["source"], reviewed_on=reviewed["date"], items=items)


def check_service(value: Any, areas: AreaTaxonomy) -> dict[str, Any]:
    """One service, checked by the protocol's item schema; returned unchanged (it is the
    bundle item, exactly as the app will read it)."""
    try:
        service_from_item(value, lambda code: code in areas)
    except protocol_directory.DirectoryError as exc:
        raise DirectoryError(str(exc)) from None
    return dict(value)


def _object(value: Any, required: frozenset[str], optional: frozenset[str],
            what: str) -> dict[str, Any]:
    try:
        return check_object(value, required, optional, what)
    except protocol_directory.DirectoryError as exc:
        raise DirectoryError(str(exc)) from None


def _text(value: Any, what: str, limit: int) -> None:
    try:
        check_text(value, what, limit)
    except protocol_directory.DirectoryError as exc:
        raise DirectoryError(str(exc)) from None


def _unique(values: list[str], what: str) -> None:
    if len(values) != len(set(values)):
        raise DirectoryError(f"{what}s must be unique")
