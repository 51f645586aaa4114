"""The UK area taxonomy: where something happened, and which alerts concern whom.

The tree is shipped as ``assets/areas.json``: country > nation > region (England
only) > police force > town. A code is the dotted path from the root
("uk.eng.wm.wmp.birmingham"), so it is stable, readable and carries its ancestry;
:meth:`AreaTaxonomy.is_within` relies on that, which is why loading checks it.
``Area.name`` is an English msgid; ``app/core/area_names.py`` lists every name with
``N_`` so that extraction finds them (a test keeps it in sync with the JSON).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.core.errors import AreaTaxonomyError, UnknownAreaError

DEFAULT_AREAS_PATH = Path(__file__).resolve().parents[2] / "assets" / "areas.json"

_SLUG = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")
_NOT_WORD = re.compile(r"[\W_]+")
_APOSTROPHES = str.maketrans("", "", "'\u2019")
_RECORD_KEYS = frozenset({"code", "name", "kind", "parent"})


class AreaKind(StrEnum):
    """The level of an area in the tree, from the root down."""

    COUNTRY = "country"
    NATION = "nation"
    REGION = "region"
    POLICE_FORCE = "police_force"
    TOWN = "town"

    @property
    def rank(self) -> int:
        """Depth of the level: a child always ranks below its parent."""
        return list(AreaKind).index(self)


@dataclass(frozen=True)
class Area:
    """One node of the taxonomy."""

    code: str
    name: str  # English msgid
    kind: AreaKind
    parent: str | None

    @property
    def slug(self) -> str:
        """The last segment of the code."""
        return self.code.rpartition(".")[2]


class AreaTaxonomy:
    """A validated, immutable area tree with the queries the app needs."""

    def __init__(self, areas: Iterable[Area]) -> None:
        self._areas: dict[str, Area] = {}
        self._children: dict[str, list[Area]] = {}
        for area in areas:
            self._add(area)
        self._check_tree()

    @classmethod
    def load(cls, path: Path | None = None) -> AreaTaxonomy:
        """Load and validate a taxonomy file (the shipped one by default)."""
        source = DEFAULT_AREAS_PATH if path is None else path
        try:
            records = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise AreaTaxonomyError(f"cannot read area file: {type(exc).__name__}") from None
        if not isinstance(records, list):
            raise AreaTaxonomyError("area file must hold a list of areas")
        return cls(_area_from_record(record) for record in records)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._areas

    def __iter__(self) -> Iterator[Area]:
        return iter(self._areas.values())

    def __len__(self) -> int:
        return len(self._areas)

    @property
    def root(self) -> Area:
        """The single area without a parent."""
        return next(area for area in self._areas.values() if area.parent is None)

    def get(self, code: str) -> Area:
        """The area with ``code``; raises UnknownAreaError."""
        try:
            return self._areas[code]
        except KeyError:
            raise UnknownAreaError(code) from None

    def children(self, code: str) -> tuple[Area, ...]:
        """The direct children of ``code``, in file order."""
        self.get(code)
        return tuple(self._children.get(code, ()))

    def ancestors(self, code: str) -> tuple[Area, ...]:
        """The areas above ``code``, root first, not including ``code`` itself."""
        chain: list[Area] = []
        parent = self.get(code).parent
        while parent is not None:
            area = self._areas[parent]
            chain.append(area)
            parent = area.parent
        return tuple(reversed(chain))

    def is_within(self, code: str, ancestor_code: str) -> bool:
        """True when ``code`` is ``ancestor_code`` or lies below it.

        Decided from the codes alone, so it never raises: an alert may carry a code
        from a newer taxonomy, and "uk.eng.wm.wmp.newplace" is still within
        "uk.eng.wm".
        """
        return code == ancestor_code or code.startswith(ancestor_code + ".")

    def feed_region(self, code: str) -> Area:
        """The area whose alerts bundle covers ``code``: its English region, or its nation
        where there are no regions (Scotland, Wales, Northern Ireland), or the area itself
        at those levels. Areas above (the UK) have no single feed: UnknownAreaError."""
        for area in (self.get(code), *reversed(self.ancestors(code))):
            if area.kind is AreaKind.REGION or (
                    area.kind is AreaKind.NATION and not self._has_regions(area.code)):
                return area
        raise UnknownAreaError(code)

    def feed_regions(self, codes: Iterable[str]) -> tuple[str, ...]:
        """The distinct feed regions covering ``codes`` (unknown or too broad codes skipped)."""
        found: dict[str, None] = {}
        for code in codes:
            try:
                found[self.feed_region(code).code] = None
            except UnknownAreaError:
                continue
        return tuple(found)

    def _has_regions(self, code: str) -> bool:
        return any(child.kind is AreaKind.REGION for child in self._children.get(code, ()))

    def descendants(self, code: str) -> tuple[Area, ...]:
        """Every area below ``code``, depth first in file order."""
        found: list[Area] = []
        stack = list(reversed(self.children(code)))
        while stack:
            area = stack.pop()
            found.append(area)
            stack.extend(reversed(self._children.get(area.code, ())))
        return tuple(found)

    def leaves_under(self, code: str) -> tuple[Area, ...]:
        """The areas without children at or below ``code``."""
        area = self.get(code)
        if area.code not in self._children:
            return (area,)
        return tuple(a for a in self.descendants(code) if a.code not in self._children)

    def search(self, text: str, limit: int | None = None) -> list[Area]:
        """Areas whose English name contains ``text``, ignoring case and punctuation.

        Names that start with the text come first, then names with a word that
        starts with it, then the rest; within each group, deeper (more specific)
        areas first, then by name.
        """
        needle = _fold(text)
        if not needle:
            return []
        scored = []
        for area in self._areas.values():
            name = _fold(area.name)
            if needle not in name:
                continue
            group = 0 if name.startswith(needle) else 1 if f" {needle}" in name else 2
            scored.append(((group, -area.kind.rank, name, area.code), area))
        scored.sort(key=lambda pair: pair[0])
        found = [area for _, area in scored]
        return found if limit is None else found[:limit]

    def _add(self, area: Area) -> None:
        if area.code in self._areas:
            raise AreaTaxonomyError(f"duplicate area code {area.code!r}")
        self._areas[area.code] = area
        if area.parent is not None:
            self._children.setdefault(area.parent, []).append(area)

    def _check_tree(self) -> None:
        roots = [area for area in self._areas.values() if area.parent is None]
        if len(roots) != 1:
            raise AreaTaxonomyError("the area tree must have exactly one root")
        for area in self._areas.values():
            _check_area(area, None if area.parent is None else self._areas.get(area.parent))


def _check_area(area: Area, parent: Area | None) -> None:
    if not area.name.strip():
        raise AreaTaxonomyError(f"area {area.code!r} has no name")
    if area.parent is None:
        if not _SLUG.fullmatch(area.code):
            raise AreaTaxonomyError(f"root code {area.code!r} is not a slug")
        return
    if parent is None:
        raise AreaTaxonomyError(f"area {area.code!r} has an unknown parent")
    if area.code != f"{parent.code}.{area.slug}" or not _SLUG.fullmatch(area.slug):
        raise AreaTaxonomyError(f"area {area.code!r} is not its parent's code plus a slug")
    if area.kind.rank <= parent.kind.rank:
        raise AreaTaxonomyError(f"area {area.code!r} is not below its parent's level")


def _area_from_record(record: Any) -> Area:
    if not isinstance(record, dict) or record.keys() != _RECORD_KEYS:
        raise AreaTaxonomyError("each area needs exactly code, name, kind and parent")
    code, name, kind, parent = (record[key] for key in ("code", "name", "kind", "parent"))
    if not (isinstance(code, str) and isinstance(name, str) and isinstance(kind, str)):
        raise AreaTaxonomyError("area code, name and kind must be strings")
    if not (parent is None or isinstance(parent, str)):
        raise AreaTaxonomyError(f"area {code!r} has a parent that is not a code")
    try:
        area_kind = AreaKind(kind)
    except ValueError:
        raise AreaTaxonomyError(f"area {code!r} has an unknown kind") from None
    return Area(code=code, name=name, kind=area_kind, parent=parent)


def _fold(text: str) -> str:
    """Lower-case, with punctuation as spaces: "stoke on trent" finds "Stoke-on-Trent"."""
    words = _NOT_WORD.sub(" ", text.translate(_APOSTROPHES)).casefold().split()
    return " ".join(words)
