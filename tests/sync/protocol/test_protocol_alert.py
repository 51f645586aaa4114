"""The alert item schema: strict both ways, so the app only shows what the console meant."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.protocol.alert import (
    Alert,
    Handle,
    Identifiers,
    alert_from_item,
    alert_to_item,
    alerts_in,
)
from sync.protocol.bundle import sign_bundle, verify_bundle
from sync.protocol.errors import MalformedBundleError, WrongBundleError
from sync.protocol.root import Root
from tests.sync.protocol.helpers import NOW


def test_item_round_trip(alert_item: dict[str, Any]) -> None:
    # Given a well-formed item
    # When parsed
    alert = alert_from_item(alert_item)
    # Then the fields are typed, and converting back gives the same item
    assert alert.date == date(2025, 5, 30)
    assert alert.expires_at == datetime(2025, 9, 1, tzinfo=UTC)
    assert alert.identifiers.handles == (Handle("whatsapp", "example_1"),)
    assert alert.severity == "high"
    assert alert_to_item(alert) == alert_item


def test_alert_to_item_refuses_an_invalid_alert() -> None:
    # Given an Alert built in code with a phone number that is not E.164
    alert = Alert(id="a1", regions=("GB-LND",), areas=(), date=date(2025, 1, 1),
                  incident_types=("violence",), summary="s",
                  identifiers=Identifiers(phones=("07700 900123",)), severity="high",
                  expires_at=NOW)
    # Then the console cannot turn it into an item
    with pytest.raises(MalformedBundleError, match="phone"):
        alert_to_item(alert)


def _set(path: str, value: Any) -> Any:
    def mutate(item: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = item
        for key in parents:
            target = target[key]
        target[last] = value
    return mutate


@pytest.mark.parametrize("mutate", [
    _set("id", ""), _set("id", "a b"), _set("id", 7),
    _set("regions", []), _set("regions", ["GB LND"]), _set("regions", "GB-LND"),
    _set("areas", ["x"] * 65), _set("date", "30/05/2025"), _set("date", "2025-02-30"),
    _set("incident_types", []), _set("summary", ""), _set("summary", "x" * 2001),
    _set("summary", "bell\x07"), _set("summary", "evil\u202etxt.exe"),
    _set("summary", "line\u2028separator"), _set("summary", None),
    _set("severity", "critical"), _set("severity", ["high"]),
    _set("expires_at", "2025-09-01"),
    _set("identifiers.phones", ["447700900123"]), _set("identifiers.phones", ["+0123456789"]),
    _set("identifiers.emails", ["not-an-email"]), _set("identifiers.emails", ["a b@x.org"]),
    _set("identifiers.handles", [{"platform": "WhatsApp", "handle": "x"}]),
    _set("identifiers.handles", [{"platform": "whatsapp", "handle": "two words"}]),
    _set("identifiers.handles", [{"platform": "whatsapp", "handle": "a\u2066b"}]),
    _set("identifiers.handles", [{"platform": "whatsapp"}]),
    _set("identifiers.registrations", ["ab12 cde"]),
    _set("identifiers.registrations", ["AB12  CDE"]),
    _set("identifiers.registrations", ["A" * 17]),
    _set("identifiers.phones", ["+447700900123"] * 33),
    _set("identifiers.extra", []), _set("extra", 1),
])
def test_items_breaking_the_schema_are_refused(alert_item: dict[str, Any], mutate: Any) -> None:
    # Given an item that breaks one rule
    item = copy.deepcopy(alert_item)
    mutate(item)
    # Then parsing refuses it
    with pytest.raises(MalformedBundleError):
        alert_from_item(item)


@pytest.mark.parametrize("missing", ["id", "summary", "identifiers", "expires_at"])
def test_missing_keys_are_refused(alert_item: dict[str, Any], missing: str) -> None:
    item = copy.deepcopy(alert_item)
    del item[missing]
    with pytest.raises(MalformedBundleError):
        alert_from_item(item)


def test_newlines_and_non_latin_text_are_fine(alert_item: dict[str, Any]) -> None:
    # Given a summary in several scripts over several lines
    alert_item["summary"] = "Homme violent.\nНасильник.\n暴力的な客。"
    # Then it is accepted as is
    assert alert_from_item(alert_item).summary == alert_item["summary"]


def test_alerts_in_a_verified_bundle(trusted_root: Root, publisher_key: Ed25519PrivateKey,
                                     alert_item: dict[str, Any]) -> None:
    # Given a verified alerts bundle with two items
    second = dict(alert_item, id="a-0002", severity="low")
    raw = sign_bundle("alerts", "GB-LND", 1, [alert_item, second],
                      issued_at=NOW, expires_at=NOW + timedelta(days=1), key=publisher_key)
    bundle = verify_bundle(raw, trusted_root, kind="alerts", name="GB-LND", now=NOW)
    # When its alerts are read
    alerts = alerts_in(bundle)
    # Then both come back in order
    assert [a.id for a in alerts] == ["a-0001", "a-0002"]


def test_one_bad_item_rejects_the_bundle(trusted_root: Root, publisher_key: Ed25519PrivateKey,
                                         alert_item: dict[str, Any]) -> None:
    # Given a signed alerts bundle where the second item is malformed
    raw = sign_bundle("alerts", "GB-LND", 1, [alert_item, {"id": "broken"}],
                      issued_at=NOW, expires_at=NOW + timedelta(days=1), key=publisher_key)
    bundle = verify_bundle(raw, trusted_root, kind="alerts", name="GB-LND", now=NOW)
    # Then reading its alerts fails as a whole
    with pytest.raises(MalformedBundleError):
        alerts_in(bundle)


def test_alerts_in_refuses_other_kinds(trusted_root: Root,
                                       publisher_key: Ed25519PrivateKey) -> None:
    raw = sign_bundle("directory", "national", 1, [], issued_at=NOW,
                      expires_at=NOW + timedelta(days=1), key=publisher_key)
    bundle = verify_bundle(raw, trusted_root, kind="directory", name="national", now=NOW)
    with pytest.raises(WrongBundleError):
        alerts_in(bundle)
