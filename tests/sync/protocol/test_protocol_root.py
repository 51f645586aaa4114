"""The trust root: self-signed pinning and rotation by the previous root's keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import canonical
from sync.protocol.errors import RootError
from sync.protocol.root import (
    MAX_ROOT_BYTES,
    Root,
    load_trusted_root,
    make_root,
    sign_root,
    update_root,
    update_root_chain,
)
from sync.protocol.signing import BUNDLE_CONTEXT, ROOT_CONTEXT, key_id, sign_file
from tests.sync.protocol.helpers import NOW, ed25519_key

NEW_ROOT_KEY = ed25519_key("tests new root key")
NEWER_ROOT_KEY = ed25519_key("tests newer root key")
NEW_PUBLISHER = ed25519_key("tests new publisher key")


def root_file(version: int, root_keys: Sequence[Ed25519PrivateKey],
              signers: Sequence[Ed25519PrivateKey], *, publisher: Ed25519PrivateKey = NEW_PUBLISHER,
              expires_at: datetime = NOW + timedelta(days=365), threshold: int = 1) -> bytes:
    signed = make_root(version=version, expires_at=expires_at,
                       root_keys=[k.public_key() for k in root_keys],
                       publisher_keys=[publisher.public_key()], root_threshold=threshold)
    return sign_root(signed, signers)


def test_pinned_root_loads(trusted_root: Root, root_key: Ed25519PrivateKey,
                           publisher_key: Ed25519PrivateKey) -> None:
    # Given the root the app ships
    # Then its roles resolve to the right public keys
    assert trusted_root.version == 1
    assert set(trusted_root.publisher_keys()) == {key_id(publisher_key.public_key())}
    assert set(trusted_root.root_keys()) == {key_id(root_key.public_key())}
    assert not trusted_root.is_expired(NOW)
    assert trusted_root.is_expired(NOW + timedelta(days=365))


def test_pinned_root_must_be_signed_by_its_own_root_key(root_key: Ed25519PrivateKey,
                                                        stranger_key: Ed25519PrivateKey) -> None:
    # Given a root signed by a key that is not one of its root keys
    raw = root_file(1, [root_key], [stranger_key])
    # Then it is not trusted
    with pytest.raises(RootError, match="threshold"):
        load_trusted_root(raw)


def test_thresholds_count_distinct_valid_signatures(root_key: Ed25519PrivateKey) -> None:
    # Given a root that needs 2 of 2 root keys
    keys = [root_key, NEW_ROOT_KEY]
    # Then one signature is not enough and two are
    with pytest.raises(RootError):
        load_trusted_root(root_file(1, keys, [root_key], threshold=2))
    assert load_trusted_root(root_file(1, keys, keys, threshold=2)).roles["root"].threshold == 2


def test_bundle_signatures_do_not_sign_roots(root_key: Ed25519PrivateKey) -> None:
    # Given a valid root signed under the bundle context instead of the root context
    signed = make_root(version=1, expires_at=NOW + timedelta(days=1),
                       root_keys=[root_key.public_key()],
                       publisher_keys=[root_key.public_key()])
    # Then it is refused
    with pytest.raises(RootError):
        load_trusted_root(sign_file(signed, [root_key], BUNDLE_CONTEXT))


def _valid_signed(root_key: Ed25519PrivateKey) -> dict[str, Any]:
    return make_root(version=1, expires_at=NOW + timedelta(days=1),
                     root_keys=[root_key.public_key()], publisher_keys=[NEW_PUBLISHER.public_key()])


@pytest.mark.parametrize("mutate", [
    lambda s: s.update(type="bundle"),
    lambda s: s.update(version=0),
    lambda s: s.update(version=True),
    lambda s: s.update(expires_at="2026-01-01"),
    lambda s: s.update(extra=1),
    lambda s: s.pop("roles"),
    lambda s: s["roles"].pop("publisher"),
    lambda s: s["roles"]["root"].update(threshold=0),
    lambda s: s["roles"]["root"].update(threshold=2),
    lambda s: s["roles"]["root"].update(keys=[]),
    lambda s: s["roles"]["root"].update(keys=["0" * 32]),
    lambda s: s["roles"]["root"].update(keys=s["roles"]["root"]["keys"] * 2),
    lambda s: s.update(keys={}),
    lambda s: s["keys"].update({"0" * 32: next(iter(s["keys"].values()))}),
    lambda s: next(iter(s["keys"].values())).update(public="AAAA"),
])
def test_malformed_roots_are_refused(root_key: Ed25519PrivateKey, mutate: Any) -> None:
    # Given a root that breaks one rule, correctly signed anyway
    signed = _valid_signed(root_key)
    mutate(signed)
    # Then sign_root refuses to sign it and load_trusted_root refuses to load it
    with pytest.raises(RootError):
        sign_root(signed, [root_key])
    with pytest.raises(RootError):
        load_trusted_root(sign_file(signed, [root_key], ROOT_CONTEXT))


def test_oversized_and_non_canonical_roots_are_refused(trusted_root: Root) -> None:
    # Given a root padded past the limit, and one re-encoded with spaces
    spaced = canonical.decode(trusted_root.raw)
    # Then both are refused
    with pytest.raises(RootError, match="too large"):
        load_trusted_root(trusted_root.raw + b" " * MAX_ROOT_BYTES)
    with pytest.raises(RootError, match="canonical"):
        load_trusted_root(repr(spaced).encode())


def test_rotation_signed_by_old_and_new_root_keys(trusted_root: Root,
                                                  root_key: Ed25519PrivateKey) -> None:
    # Given root 2 with a new root key and publisher, signed by the old and the new root key
    raw = root_file(2, [NEW_ROOT_KEY], [root_key, NEW_ROOT_KEY])
    # When the app rotates
    new_root = update_root(trusted_root, raw, NOW)
    # Then the new publisher key is trusted and the old one is not
    assert new_root.version == 2
    assert set(new_root.publisher_keys()) == {key_id(NEW_PUBLISHER.public_key())}


def test_a_chain_of_rotations(trusted_root: Root, root_key: Ed25519PrivateKey) -> None:
    # Given roots 2 and 3, each signed by its predecessor's and its own root key
    second = root_file(2, [NEW_ROOT_KEY], [root_key, NEW_ROOT_KEY])
    third = root_file(3, [NEWER_ROOT_KEY], [NEW_ROOT_KEY, NEWER_ROOT_KEY])
    # When rotated one at a time
    # Then the app ends at root 3
    assert update_root(update_root(trusted_root, second, NOW), third, NOW).version == 3


def test_skipped_version_is_refused(trusted_root: Root, root_key: Ed25519PrivateKey) -> None:
    # Given root 3 offered to a device holding root 1, correctly signed
    raw = root_file(3, [NEW_ROOT_KEY], [root_key, NEW_ROOT_KEY])
    # Then it is refused, and so is root 1 again
    with pytest.raises(RootError, match="exactly one more"):
        update_root(trusted_root, raw, NOW)
    with pytest.raises(RootError, match="exactly one more"):
        update_root(trusted_root, trusted_root.raw, NOW)


def test_root_signed_only_by_the_new_key_is_refused(trusted_root: Root) -> None:
    # Given root 2 signed only by its own new key (what an attacker with a new key could make)
    raw = root_file(2, [NEW_ROOT_KEY], [NEW_ROOT_KEY])
    # Then it is refused: the old trust did not vouch for it
    with pytest.raises(RootError, match="previous root"):
        update_root(trusted_root, raw, NOW)


def test_root_signed_only_by_the_old_key_is_refused(trusted_root: Root,
                                                    root_key: Ed25519PrivateKey) -> None:
    # Given root 2 naming a new root key but signed only by the old one
    raw = root_file(2, [NEW_ROOT_KEY], [root_key])
    # Then it is refused: nobody proved they hold the new key
    with pytest.raises(RootError, match="own root keys"):
        update_root(trusted_root, raw, NOW)


def test_expired_root_is_refused(trusted_root: Root, root_key: Ed25519PrivateKey) -> None:
    # Given a correctly chained root 2 that expires exactly now
    raw = root_file(2, [NEW_ROOT_KEY], [root_key, NEW_ROOT_KEY], expires_at=NOW)
    # Then it is refused
    with pytest.raises(RootError, match="expired"):
        update_root(trusted_root, raw, NOW)


def test_chain_tolerates_expired_intermediate_roots(trusted_root: Root,
                                                    root_key: Ed25519PrivateKey) -> None:
    # Given an expired root 2 and a current root 3 (the phone was offline for a long time)
    second = root_file(2, [NEW_ROOT_KEY], [root_key, NEW_ROOT_KEY],
                       expires_at=NOW - timedelta(days=30))
    third = root_file(3, [NEWER_ROOT_KEY], [NEW_ROOT_KEY, NEWER_ROOT_KEY])
    # Then the chain is accepted, but not if the newest root has expired too
    assert update_root_chain(trusted_root, [second, third], NOW).version == 3
    with pytest.raises(RootError, match="expired"):
        update_root_chain(trusted_root, [second], NOW)


def test_rotation_by_a_threshold_of_old_keys(root_key: Ed25519PrivateKey) -> None:
    # Given a trusted root needing 2 of 2 root keys
    old_keys = [root_key, NEW_ROOT_KEY]
    trusted = load_trusted_root(root_file(1, old_keys, old_keys, threshold=2))
    # When root 2 carries only one old signature
    # Then it is refused; with both it is accepted
    with pytest.raises(RootError, match="previous root"):
        update_root(trusted, root_file(2, [NEWER_ROOT_KEY], [root_key, NEWER_ROOT_KEY]), NOW)
    raw = root_file(2, [NEWER_ROOT_KEY], [root_key, NEW_ROOT_KEY, NEWER_ROOT_KEY])
    assert update_root(trusted, raw, NOW).version == 2


@given(st.binary(max_size=2000))
@settings(max_examples=60, database=None, deadline=None)
def test_random_bytes_only_raise_root_errors(trusted_root: Root, data: bytes) -> None:
    # Given arbitrary bytes
    # Then loading or rotating raises RootError and nothing else
    with pytest.raises(RootError):
        load_trusted_root(data)
    with pytest.raises(RootError):
        update_root(trusted_root, data, NOW)
