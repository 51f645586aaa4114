"""Bundle patches: a patch gives back the newer bundle byte for byte, or nothing at all."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import canonical
from sync.protocol.bundle import sign_bundle, verify_bundle
from sync.protocol.delta import apply_patch, make_patch
from sync.protocol.errors import PatchError, SignatureError
from sync.protocol.root import Root
from tests.sync.protocol.helpers import NOW, ed25519_key

KEY = ed25519_key("tests publisher key")


def item(n: int, text: str = "summary") -> dict[str, Any]:
    return {"id": f"a-{n:04d}", "summary": f"{text} {n}", "severity": "high"}


def signed(version: int, items: list[dict[str, Any]], key: Ed25519PrivateKey = KEY) -> bytes:
    issued = NOW - timedelta(hours=version)
    return sign_bundle("alerts", "GB-LND", version, items, issued_at=issued,
                       expires_at=issued + timedelta(days=7), key=key)


def test_one_new_alert_costs_one_alert_not_the_whole_bundle(trusted_root: Root) -> None:
    # Given a bundle of 200 alerts and the next version with one more
    old = signed(1, [item(n) for n in range(200)])
    new = signed(2, [item(n) for n in range(201)])

    # When the relay makes a patch and the phone applies it
    patch = make_patch(old, new)
    assert patch is not None
    rebuilt = apply_patch(old, patch)

    # Then the phone holds the newer bundle byte for byte, signature and all
    assert rebuilt == new
    assert verify_bundle(rebuilt, trusted_root, kind="alerts", name="GB-LND", now=NOW,
                         at_least=1).version == 2
    assert len(patch) < len(new) / 20
    assert canonical.decode(patch)["added"] == [item(200)]


def test_withdrawn_and_corrected_alerts_travel_as_ids_and_new_items() -> None:
    old = signed(3, [item(n) for n in range(30)])
    new = signed(4, [item(0), item(1, "corrected"), *(item(n) for n in range(3, 30)), item(30)])

    patch = make_patch(old, new)

    assert patch is not None
    body = canonical.decode(patch)
    assert (body["removed"], body["changed"], body["added"]) == (
        ["a-0002"], [item(1, "corrected")], [item(30)])
    assert body["from_version"] == 3
    assert body["from_sha256"] == hashlib.sha256(old).hexdigest()
    assert apply_patch(old, patch) == new


def test_a_reordering_or_items_without_ids_get_no_patch() -> None:
    items = [item(n) for n in range(50)]
    assert make_patch(signed(1, items), signed(2, list(reversed(items)))) is None
    assert make_patch(signed(1, [{"n": 1}] * 50), signed(2, [{"n": 1}] * 51)) is None
    assert make_patch(signed(1, [item(1), item(1)]), signed(2, [item(1)])) is None
    assert make_patch(b"not a bundle", signed(2, items)) is None


def test_a_patch_is_made_whatever_its_size() -> None:
    old, new = signed(1, [item(1)]), signed(2, [item(2)])
    patch = make_patch(old, new)
    assert patch is not None
    assert apply_patch(old, patch) == new


def test_a_patch_for_another_bundle_is_refused() -> None:
    old = signed(1, [item(n) for n in range(30)])
    patch = make_patch(old, signed(2, [item(n) for n in range(31)]))
    assert patch is not None

    with pytest.raises(PatchError, match="another bundle"):
        apply_patch(signed(1, [item(n) for n in range(29)]), patch)


@pytest.mark.parametrize("change", [
    {"format": 2}, {"from_version": 0}, {"from_sha256": "00"}, {"removed": [7]},
    {"signed": {"items": []}}, {"added": "a-0100"}, {"extra": 1},
])
def test_a_malformed_patch_is_refused(change: dict[str, Any]) -> None:
    old = signed(1, [item(n) for n in range(30)])
    patch = make_patch(old, signed(2, [item(n) for n in range(31)]))
    assert patch is not None

    with pytest.raises(PatchError):
        apply_patch(old, canonical.encode({**canonical.decode(patch), **change}))


@pytest.mark.parametrize("change", [
    {"removed": ["a-0999"]}, {"changed": [item(999)]}, {"added": [item(3)]},
    {"removed": ["a-0001"], "changed": [item(1, "x")]},
])
def test_a_patch_that_does_not_fit_the_held_bundle_is_refused(change: dict[str, Any]) -> None:
    old = signed(1, [item(n) for n in range(30)])
    patch = make_patch(old, signed(2, [item(n) for n in range(31)]))
    assert patch is not None

    with pytest.raises(PatchError, match="bundle"):
        apply_patch(old, canonical.encode({**canonical.decode(patch), **change}))


def test_a_forged_alert_in_a_patch_fails_the_signature(trusted_root: Root) -> None:
    # Given a relay that slips its own alert into an otherwise well-formed patch
    old = signed(1, [item(n) for n in range(30)])
    patch = make_patch(old, signed(2, [item(n) for n in range(31)]))
    assert patch is not None
    forged = canonical.encode({**canonical.decode(patch), "added": [item(30, "forged")]})

    # Then the rebuilt bundle does not verify: the phone never caches the forgery
    with pytest.raises(SignatureError):
        verify_bundle(apply_patch(old, forged), trusted_root, kind="alerts", name="GB-LND",
                      now=NOW)


@settings(max_examples=60, deadline=None)
@given(old_ids=st.lists(st.integers(0, 999), unique=True, min_size=20, max_size=60),
       picks=st.lists(st.tuples(st.sampled_from(["remove", "edit"]), st.integers(0, 59)),
                      max_size=5),
       added=st.integers(0, 5))
def test_small_changes_always_get_a_patch_that_rebuilds_the_bundle_exactly(
        old_ids: list[int], picks: list[tuple[str, int]], added: int) -> None:
    removed = {old_ids[i % len(old_ids)] for what, i in picks if what == "remove"}
    edited = {old_ids[i % len(old_ids)] for what, i in picks if what == "edit"}
    new_items = [item(n, "edited" if n in edited else "summary")
                 for n in old_ids if n not in removed]
    new_items += [item(1000 + n) for n in range(added)]
    old, new = signed(1, [item(n) for n in old_ids]), signed(2, new_items)

    patch = make_patch(old, new)

    assert patch is not None
    assert apply_patch(old, patch) == new
