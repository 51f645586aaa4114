"""The UK area taxonomy: complete police coverage, a valid tree, and its queries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.core.areas import DEFAULT_AREAS_PATH, Area, AreaKind, AreaTaxonomy
from app.core.errors import AreaTaxonomyError, UnknownAreaError

# The 43 territorial police forces of England and Wales, by the region they sit in.
FORCES_BY_PARENT = {
    "uk.eng.ne": {"Cleveland Police", "Durham Constabulary", "Northumbria Police"},
    "uk.eng.nw": {"Cheshire Constabulary", "Cumbria Constabulary", "Greater Manchester Police",
                  "Lancashire Constabulary", "Merseyside Police"},
    "uk.eng.yh": {"Humberside Police", "North Yorkshire Police", "South Yorkshire Police",
                  "West Yorkshire Police"},
    "uk.eng.em": {"Derbyshire Constabulary", "Leicestershire Police", "Lincolnshire Police",
                  "Northamptonshire Police", "Nottinghamshire Police"},
    "uk.eng.wm": {"Staffordshire Police", "Warwickshire Police", "West Mercia Police",
                  "West Midlands Police"},
    "uk.eng.ee": {"Bedfordshire Police", "Cambridgeshire Constabulary", "Essex Police",
                  "Hertfordshire Constabulary", "Norfolk Constabulary", "Suffolk Constabulary"},
    "uk.eng.lon": {"Metropolitan Police", "City of London Police"},
    "uk.eng.se": {"Hampshire and Isle of Wight Constabulary", "Kent Police", "Surrey Police",
                  "Sussex Police", "Thames Valley Police"},
    "uk.eng.sw": {"Avon and Somerset Police", "Devon and Cornwall Police", "Dorset Police",
                  "Gloucestershire Constabulary", "Wiltshire Police"},
    "uk.wls": {"Dyfed-Powys Police", "Gwent Police", "North Wales Police", "South Wales Police"},
}
WMP = "uk.eng.wm.wmp"
WMP_TOWNS = {
    "Birmingham", "Coventry", "Wolverhampton", "Walsall", "Dudley", "Sandwell", "West Bromwich",
    "Solihull", "Sutton Coldfield", "Smethwick", "Halesowen", "Stourbridge", "Oldbury",
    "Bilston", "Wednesbury", "Willenhall", "Aldridge", "Brierley Hill",
}


def forces(areas: AreaTaxonomy) -> list[Area]:
    return [area for area in areas if area.kind is AreaKind.POLICE_FORCE]


def test_the_shipped_file_loads(areas: AreaTaxonomy) -> None:
    assert DEFAULT_AREAS_PATH.is_file()
    assert areas.root == Area("uk", "United Kingdom", AreaKind.COUNTRY, None)
    assert [a.name for a in areas.children("uk")] == [
        "England", "Wales", "Scotland", "Northern Ireland",
    ]
    assert len(areas.children("uk.eng")) == 9
    assert all(a.kind is AreaKind.REGION for a in areas.children("uk.eng"))


def test_all_43_forces_of_england_and_wales_sit_under_the_right_region(
    areas: AreaTaxonomy,
) -> None:
    # Given every police force node
    in_england_and_wales = [
        f for f in forces(areas)
        if areas.is_within(f.code, "uk.eng") or areas.is_within(f.code, "uk.wls")
    ]
    # Then there are exactly 43, each under its own region (or Wales)
    assert len(in_england_and_wales) == 43
    for parent, names in FORCES_BY_PARENT.items():
        assert {a.name for a in areas.children(parent) if a.kind is AreaKind.POLICE_FORCE} == names
    assert sum(len(names) for names in FORCES_BY_PARENT.values()) == 43


def test_scotland_and_northern_ireland_have_their_single_forces(areas: AreaTaxonomy) -> None:
    assert [a.name for a in areas.children("uk.sct")] == ["Police Scotland"]
    assert [a.name for a in areas.children("uk.nir")] == ["Police Service of Northern Ireland"]
    assert len(forces(areas)) == 45


def test_every_force_lists_at_least_three_towns(areas: AreaTaxonomy) -> None:
    for force in forces(areas):
        towns = areas.children(force.code)
        assert len(towns) >= 3, force.name
        assert all(town.kind is AreaKind.TOWN for town in towns)


def test_west_midlands_police_area_is_detailed(areas: AreaTaxonomy) -> None:
    names = {town.name for town in areas.children(WMP)}
    assert names >= WMP_TOWNS
    assert areas.get(f"{WMP}.birmingham").name == "Birmingham"
    assert areas.get(f"{WMP}.west_bromwich").name == "West Bromwich"


def test_names_are_unique_so_search_results_are_unambiguous(areas: AreaTaxonomy) -> None:
    names = [area.name for area in areas]
    assert len(names) == len(set(names))


def test_get_and_contains(areas: AreaTaxonomy) -> None:
    assert f"{WMP}.coventry" in areas
    assert "uk.eng.wm.wmp.atlantis" not in areas
    assert 42 not in areas
    with pytest.raises(UnknownAreaError):
        areas.get("uk.eng.wm.wmp.atlantis")
    with pytest.raises(KeyError):  # UnknownAreaError is also a KeyError
        areas.children("nowhere")


def test_ancestors_run_from_the_root(areas: AreaTaxonomy) -> None:
    assert [a.code for a in areas.ancestors(f"{WMP}.dudley")] == [
        "uk", "uk.eng", "uk.eng.wm", WMP,
    ]
    assert areas.ancestors("uk") == ()
    assert [a.code for a in areas.ancestors("uk.wls.gwent.newport")] == [
        "uk", "uk.wls", "uk.wls.gwent",
    ]


def test_is_within(areas: AreaTaxonomy) -> None:
    assert areas.is_within(f"{WMP}.walsall", "uk.eng.wm")
    assert areas.is_within(f"{WMP}.walsall", f"{WMP}.walsall")  # an area is within itself
    assert not areas.is_within(f"{WMP}.walsall", "uk.eng.wm.staffs")
    assert not areas.is_within("uk.eng.wm", f"{WMP}.walsall")
    # "uk.eng.w" is a prefix of the string but not an ancestor
    assert not areas.is_within(f"{WMP}.walsall", "uk.eng.w")
    # a code from a newer taxonomy still sits inside its ancestors
    assert areas.is_within(f"{WMP}.newplace", WMP)


def test_leaves_under(areas: AreaTaxonomy) -> None:
    leaves = areas.leaves_under("uk.eng.wm")
    assert {a.name for a in leaves} >= WMP_TOWNS | {"Stoke-on-Trent", "Worcester", "Rugby"}
    assert all(a.kind is AreaKind.TOWN and not areas.children(a.code) for a in leaves)
    assert areas.leaves_under(f"{WMP}.solihull") == (areas.get(f"{WMP}.solihull"),)
    assert len(areas.leaves_under("uk")) == sum(1 for a in areas if a.kind is AreaKind.TOWN)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("birmingham", "Birmingham"),
        ("BIRM", "Birmingham"),
        ("  sutton c", "Sutton Coldfield"),
        ("stoke on trent", "Stoke-on-Trent"),
        ("kings lynn", "King's Lynn"),
        ("king’s", "King's Lynn"),
        ("bromwich", "West Bromwich"),  # a word inside the name
    ],
)
def test_search_finds_names_ignoring_case_and_punctuation(
    areas: AreaTaxonomy, text: str, first: str
) -> None:
    assert areas.search(text)[0].name == first


def test_search_orders_prefix_matches_first_and_respects_limit(areas: AreaTaxonomy) -> None:
    # Given a text that starts some names, starts a later word in others, and sits inside
    # a word in yet others
    found = [a.name for a in areas.search("WEST")]
    # Then they come in that order, towns before the wider areas in each group
    assert found == [
        "West Bromwich", "Westminster", "Weston-super-Mare",
        "West Mercia Police", "West Midlands Police", "West Yorkshire Police",
        "West Midlands",
        "North West", "South West",
        "Haverfordwest", "Lowestoft",
    ]
    assert [a.name for a in areas.search("west", limit=2)] == found[:2]
    assert areas.search("") == []
    assert areas.search(" - ") == []
    assert areas.search("zzzz") == []


def test_search_prefers_towns_among_equal_matches(areas: AreaTaxonomy) -> None:
    found = areas.search("durham")
    assert [a.name for a in found[:2]] == ["Durham", "Durham Constabulary"]


def _write(tmp_path: Path, records: Any) -> Path:
    path = tmp_path / "areas.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def _node(code: str, kind: str, parent: str | None, name: str = "X") -> dict[str, Any]:
    return {"code": code, "name": name, "kind": kind, "parent": parent}


GOOD = [_node("uk", "country", None), _node("uk.eng", "nation", "uk"),
        _node("uk.eng.wm", "region", "uk.eng")]
BROKEN_FILES = {
    "duplicate code": [*GOOD, _node("uk.eng", "nation", "uk")],
    "unknown parent": [*GOOD, _node("uk.sct.x", "police_force", "uk.sct")],
    "code not under parent": [*GOOD, _node("uk.wls", "nation", "uk.eng")],
    "slug with capitals": [*GOOD, _node("uk.eng.WM2", "region", "uk.eng")],
    "empty slug": [*GOOD, _node("uk.eng.", "region", "uk.eng")],
    "two roots": [*GOOD, _node("fr", "country", None)],
    "no root": GOOD[1:],
    "unknown kind": [*GOOD, _node("uk.eng.wm.x", "county", "uk.eng.wm")],
    "kind not below parent": [*GOOD, _node("uk.eng.wm.x", "nation", "uk.eng.wm")],
    "empty name": [*GOOD, _node("uk.eng.wm.x", "town", "uk.eng.wm", name=" ")],
    "missing key": [*GOOD, {"code": "uk.eng.x", "name": "X", "kind": "region"}],
    "extra key": [*GOOD, {**_node("uk.eng.x", "region", "uk.eng"), "aliases": []}],
    "number as code": [*GOOD, _node(7, "region", "uk.eng")],  # type: ignore[arg-type]
    "kind as list": [*GOOD, _node("uk.eng.x", ["region"], "uk.eng")],  # type: ignore[arg-type]
    "not a list": {"areas": GOOD},
}


def test_a_small_valid_file_loads(tmp_path: Path) -> None:
    taxonomy = AreaTaxonomy.load(_write(tmp_path, GOOD))
    assert len(taxonomy) == 3
    assert [a.code for a in taxonomy.children("uk.eng")] == ["uk.eng.wm"]


@pytest.mark.parametrize("records", BROKEN_FILES.values(), ids=BROKEN_FILES.keys())
def test_broken_files_are_refused(tmp_path: Path, records: Any) -> None:
    with pytest.raises(AreaTaxonomyError):
        AreaTaxonomy.load(_write(tmp_path, records))


def test_unreadable_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(AreaTaxonomyError):
        AreaTaxonomy.load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"[{")
    with pytest.raises(AreaTaxonomyError):
        AreaTaxonomy.load(bad)


def test_feed_region_is_the_english_region_or_the_nation() -> None:
    # Given the shipped taxonomy
    from app.core.areas import AreaTaxonomy
    from app.core.errors import UnknownAreaError

    areas = AreaTaxonomy.load()
    # Then a town's alerts come from its English region, or its nation elsewhere
    assert areas.feed_region("uk.eng.wm.wmp.birmingham").code == "uk.eng.wm"
    assert areas.feed_region("uk.eng.wm").code == "uk.eng.wm"
    scotland_town = areas.leaves_under("uk.sct")[0].code
    assert areas.feed_region(scotland_town).code == "uk.sct"
    with pytest.raises(UnknownAreaError):
        areas.feed_region("uk.eng")
    with pytest.raises(UnknownAreaError):
        areas.feed_region("uk")
    assert areas.feed_regions(["uk.eng.wm.wmp.coventry", "uk.eng.wm.wmp.walsall", "uk",
                               "nowhere", scotland_town]) == ("uk.eng.wm", "uk.sct")
