"""The reviewed support directory: the seed validates, its numbers are right, and it is
published and shipped as a bundle the app accepts."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import phonenumbers
import pytest

from app.core.areas import AreaTaxonomy
from server_stub.console.casework import Casework
from server_stub.console.directory import (
    HELP_KINDS,
    Directory,
    load_directory,
    parse_directory,
)
from server_stub.console.errors import DirectoryError
from server_stub.console.keys import ConsolePaths, load_publisher_key
from server_stub.console.publish import SHIPPED_DIRECTORY, Publisher, publish_directory
from sync.protocol.bundle import verify_bundle
from sync.protocol.trust import Trust
from tests.console.conftest import PASSPHRASE, RunningRelay

SEED = Path(__file__).resolve().parents[2] / "assets" / "directory.json"
PROJECTS = {"red-project": "REDPROJECT", "kairos-wwt": "KAIROS", "turnaround": "TURNAROUND",
            "changing-lives-walsall-wolverhampton": "CHANGINGLIVES"}


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    return json.loads(SEED.read_text(encoding="utf-8"))


@pytest.fixture
def directory(areas: AreaTaxonomy) -> Directory:
    return load_directory(SEED, areas)


def test_the_seed_loads_and_names_its_review(directory: Directory) -> None:
    assert directory.reviewed_on == "2026-11-22"
    assert "It's Never OK" in directory.source
    assert [item["id"] for item in directory.items] == [
        *PROJECTS, "west-midlands-police", "emergency-999"]


def test_every_number_dials_the_e164_it_gives(directory: Directory) -> None:
    for item in directory.items:
        for phone in item["phones"]:
            if "e164" in phone:
                number = phonenumbers.parse(phone["display"], "GB")
                assert phonenumbers.is_valid_number(number), phone
                assert phonenumbers.format_number(
                    number, phonenumbers.PhoneNumberFormat.E164) == phone["e164"]
            else:
                assert phone["short_code"] == phone["display"]


def test_the_seed_says_what_the_campaign_page_says(directory: Directory,
                                                   areas: AreaTaxonomy) -> None:
    red = directory.item("red-project")
    assert red["phones"] == [{"label": "Phone", "display": "0121 643 0301",
                              "e164": "+441216430301"}]
    assert red["areas"] == ["uk.eng.wm.wmp.birmingham"]
    kairos = {p["label"]: p["e164"] for p in directory.item("kairos-wwt")["phones"]}
    assert kairos == {"Phone": "+442476559550", "Freefone": "+448081785540"}
    assert directory.item("turnaround")["phones"][0]["e164"] == "+447714252927"
    assert directory.item("changing-lives-walsall-wolverhampton")["phones"][0]["e164"] == (
        "+441902341822")
    # The four projects are presented as services for sex workers, and nothing more is claimed
    for service_id, code in PROJECTS.items():
        item = directory.item(service_id)
        assert item["code"] == code
        assert item["help"] == ["sex_worker_support"]
        assert "website" not in item
    police = directory.item("west-midlands-police")
    assert police["phones"][0]["short_code"] == "101"
    assert "online or by calling 101" in police["description"]
    assert "999" in police["description"]
    assert directory.item("emergency-999")["phones"][0]["short_code"] == "999"
    assert all("code" not in directory.item(i) for i in ("west-midlands-police", "emergency-999"))
    for item in directory.items:
        assert all(code in areas for code in item["areas"])
        assert set(item["help"]) <= set(HELP_KINDS)


def _broken(seed: dict[str, Any], change: str) -> dict[str, Any]:
    doc = copy.deepcopy(seed)
    first = doc["services"][0]
    if change == "e164":
        first["phones"][0]["e164"] = "+441216430302"
    elif change == "not-e164":
        first["phones"][0]["e164"] = "0121 643 0301"
    elif change == "short-code":
        doc["services"][4]["phones"][0] = {"label": "x", "display": "12345",
                                           "short_code": "12345"}
    elif change == "area":
        first["areas"] = ["uk.eng.wm.wmp.atlantis"]
    elif change == "help":
        first["help"] = ["sex_worker_support", "miracles"]
    elif change == "duplicate-id":
        doc["services"][1]["id"] = first["id"]
    elif change == "duplicate-code":
        doc["services"][1]["code"] = first["code"]
    elif change == "unknown-key":
        first["email"] = "someone@example.org"
    elif change == "control-text":
        first["description"] = "Support\u202e for sex workers"
    elif change == "http-website":
        first["website"] = "http://example.org"
    elif change == "no-review":
        del doc["reviewed"]
    return doc


@pytest.mark.parametrize("change", [
    "e164", "not-e164", "short-code", "area", "help", "duplicate-id", "duplicate-code",
    "unknown-key", "control-text", "http-website", "no-review"])
def test_an_invalid_directory_is_refused(seed: dict[str, Any], areas: AreaTaxonomy,
                                         change: str) -> None:
    with pytest.raises(DirectoryError):
        parse_directory(_broken(seed, change), areas)


def test_publish_uploads_and_ships_a_bundle_the_app_accepts(
        relay: RunningRelay, paths: ConsolePaths, trust: Trust, casework: Casework,
        directory: Directory, tmp_path: Path) -> None:
    # Given the reviewed directory
    ship = tmp_path / "assets"
    now = dt.datetime.now(dt.UTC)
    # When it is published with a copy to ship
    with relay.client() as client:
        publisher = Publisher(load_publisher_key(paths, PASSPHRASE), trust, casework, client)
        published = publish_directory(publisher, directory, now, ship_dir=ship)
    # Then the shipped copy verifies against the pinned root and holds every service
    shipped = (ship / SHIPPED_DIRECTORY).read_bytes()
    bundle = verify_bundle(shipped, trust.root, kind="directory", name="uk", now=now)
    assert list(bundle.items) == list(directory.items)
    assert bundle.version == published.version == 1
    # And it is what the relay serves
    served = httpx.get(f"{relay.base_url}/v1/bundles/directory/uk", timeout=30)
    assert served.content == shipped


def test_publish_without_upload_still_ships(paths: ConsolePaths, trust: Trust,
                                            casework: Casework, directory: Directory,
                                            tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    publisher = Publisher(load_publisher_key(paths, PASSPHRASE), trust, casework, None)
    first = publish_directory(publisher, directory, now, ship_dir=tmp_path)
    second = publish_directory(publisher, directory, now, ship_dir=tmp_path)
    assert (first.uploaded, first.version, second.version) == (False, 1, 2)
    verify_bundle((tmp_path / SHIPPED_DIRECTORY).read_bytes(), trust.root, kind="directory",
                  name="uk", now=now, at_least=2)


def test_the_apps_reader_accepts_the_shipped_bundle(paths: ConsolePaths, trust: Trust,
                                                    casework: Casework, directory: Directory,
                                                    areas: AreaTaxonomy, tmp_path: Path) -> None:
    # The app reads directory items with sync.protocol.directory (owned by the app side);
    # the console's items must pass it unchanged.
    reader = pytest.importorskip("sync.protocol.directory")
    now = dt.datetime.now(dt.UTC)
    publisher = Publisher(load_publisher_key(paths, PASSPHRASE), trust, casework, None)
    publish_directory(publisher, directory, now, ship_dir=tmp_path)
    bundle = verify_bundle((tmp_path / SHIPPED_DIRECTORY).read_bytes(), trust.root,
                           kind="directory", name="uk", now=now)
    services = reader.services_in(bundle, lambda code: code in areas)
    assert [s.id for s in services] == [item["id"] for item in directory.items]
