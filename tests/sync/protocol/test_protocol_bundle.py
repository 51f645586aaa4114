"""Signed bundles: nothing reaches the cache unless signed, current, and the one asked for."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import canonical
from sync.protocol.bundle import MAX_BUNDLE_BYTES, sign_bundle, verify_bundle
from sync.protocol.errors import (
    BundleError,
    BundleTooLargeError,
    ExpiredError,
    MalformedBundleError,
    RollbackError,
    SignatureError,
    UnknownKeyError,
    WrongBundleError,
)
from sync.protocol.root import Root, load_trusted_root, make_root, sign_root
from sync.protocol.signing import BUNDLE_CONTEXT, ROOT_CONTEXT, key_id, sign_file
from tests.sync.protocol.helpers import NOW, ed25519_key

SECOND_PUBLISHER = ed25519_key("tests second publisher key")


def bundle(key: Ed25519PrivateKey, *, kind: str = "alerts", name: str = "GB-LND",
           version: int = 5, items: list[dict[str, Any]] | None = None,
           issued_at: datetime = NOW - timedelta(hours=1),
           expires_at: datetime = NOW + timedelta(days=7)) -> bytes:
    return sign_bundle(kind, name, version, items if items is not None else [{"n": 1}],
                       issued_at=issued_at, expires_at=expires_at, key=key)


def verify(raw: bytes, root: Root, **kwargs: Any) -> Any:
    options: dict[str, Any] = {"kind": "alerts", "name": "GB-LND", "now": NOW, **kwargs}
    return verify_bundle(raw, root, **options)


def test_good_bundle_verifies(trusted_root: Root, publisher_key: Ed25519PrivateKey,
                              alert_item: dict[str, Any]) -> None:
    # Given a bundle signed by the root's publisher key
    raw = bundle(publisher_key, items=[alert_item])
    # When the app verifies it
    verified = verify(raw, trusted_root)
    # Then every field comes back, with the raw bytes to cache and the signer's key id
    assert (verified.kind, verified.name, verified.version) == ("alerts", "GB-LND", 5)
    assert verified.items == (alert_item,)
    assert verified.raw == raw
    assert verified.key_id == key_id(publisher_key.public_key())
    assert verified.issued_at == NOW - timedelta(hours=1)
    assert verified.expires_at == NOW + timedelta(days=7)


@pytest.mark.parametrize("kind", ["directory", "areas"])
def test_other_kinds_verify(trusted_root: Root, publisher_key: Ed25519PrivateKey,
                            kind: str) -> None:
    raw = bundle(publisher_key, kind=kind, name="national")
    assert verify(raw, trusted_root, kind=kind, name="national").kind == kind


def test_flipped_signature_byte(trusted_root: Root, publisher_key: Ed25519PrivateKey) -> None:
    # Given a bundle whose signature has one byte changed (still canonical base64)
    document = canonical.decode(bundle(publisher_key))
    sig = bytearray(base64.b64decode(document["signatures"][0]["sig"]))
    sig[10] ^= 0x01
    document["signatures"][0]["sig"] = base64.b64encode(bytes(sig)).decode()
    # Then it is refused as a bad signature
    with pytest.raises(SignatureError):
        verify(canonical.encode(document), trusted_root)


def test_tampered_content(trusted_root: Root, publisher_key: Ed25519PrivateKey) -> None:
    # Given a signed bundle whose item was edited afterwards
    raw = bundle(publisher_key, items=[{"phone": "+447700900123"}])
    tampered = raw.replace(b"+447700900123", b"+447700900124")
    # Then it is refused
    with pytest.raises(SignatureError):
        verify(tampered, trusted_root)


def test_unknown_key(trusted_root: Root, stranger_key: Ed25519PrivateKey) -> None:
    # Given a bundle signed by a key the root does not list
    # Then it is refused as unknown
    with pytest.raises(UnknownKeyError):
        verify(bundle(stranger_key), trusted_root)


def test_root_key_is_not_a_publisher_key(trusted_root: Root,
                                         root_key: Ed25519PrivateKey) -> None:
    # Given a bundle signed by the root key (listed in the root, but not as publisher)
    # Then it is refused as unknown: roles are separate
    with pytest.raises(UnknownKeyError):
        verify(bundle(root_key), trusted_root)


def test_root_context_signature_is_not_a_bundle_signature(
        trusted_root: Root, publisher_key: Ed25519PrivateKey) -> None:
    # Given a valid bundle body signed by the publisher under the root context
    signed = canonical.decode(bundle(publisher_key))["signed"]
    raw = sign_file(signed, [publisher_key], ROOT_CONTEXT)
    # Then the signature does not count
    with pytest.raises(SignatureError):
        verify(raw, trusted_root)
    assert verify(sign_file(signed, [publisher_key], BUNDLE_CONTEXT), trusted_root)


def test_publisher_threshold(root_key: Ed25519PrivateKey,
                             publisher_key: Ed25519PrivateKey) -> None:
    # Given a root requiring 2 of 2 publisher keys
    signed = make_root(version=1, expires_at=NOW + timedelta(days=30),
                       root_keys=[root_key.public_key()],
                       publisher_keys=[publisher_key.public_key(), SECOND_PUBLISHER.public_key()],
                       publisher_threshold=2)
    root = load_trusted_root(sign_root(signed, [root_key]))
    body = canonical.decode(bundle(publisher_key))["signed"]
    # Then one signature is not enough, two are
    with pytest.raises(SignatureError):
        verify(sign_file(body, [publisher_key], BUNDLE_CONTEXT), root)
    both = sign_file(body, [publisher_key, SECOND_PUBLISHER], BUNDLE_CONTEXT)
    assert verify(both, root).key_id == key_id(publisher_key.public_key())


@pytest.mark.parametrize(("kind", "name"), [("directory", "GB-LND"), ("alerts", "GB-MAN")])
def test_kind_or_name_mismatch(trusted_root: Root, publisher_key: Ed25519PrivateKey,
                               kind: str, name: str) -> None:
    # Given a valid bundle for another kind or region than the one requested
    raw = bundle(publisher_key, kind=kind, name=name)
    # Then it is refused: a valid bundle cannot be swapped in for another
    with pytest.raises(WrongBundleError):
        verify(raw, trusted_root)


def test_client_cache_rule_at_least(trusted_root: Root,
                                    publisher_key: Ed25519PrivateKey) -> None:
    # Given the app holds version 5
    # Then version 5 again is accepted (a re-fetch), 6 is accepted, 4 is a rollback
    assert verify(bundle(publisher_key, version=5), trusted_root, at_least=5).version == 5
    assert verify(bundle(publisher_key, version=6), trusted_root, at_least=5).version == 6
    with pytest.raises(RollbackError):
        verify(bundle(publisher_key, version=4), trusted_root, at_least=5)


def test_relay_upload_rule_newer_than(trusted_root: Root,
                                      publisher_key: Ed25519PrivateKey) -> None:
    # Given the relay stores version 5
    # Then only a strictly greater version is accepted
    assert verify(bundle(publisher_key, version=6), trusted_root, newer_than=5).version == 6
    for version in (5, 4):
        with pytest.raises(RollbackError):
            verify(bundle(publisher_key, version=version), trusted_root, newer_than=5)


def test_expired(trusted_root: Root, publisher_key: Ed25519PrivateKey) -> None:
    # Given a bundle that expires exactly now, and one that expired a second ago
    # Then both are refused
    with pytest.raises(ExpiredError):
        verify(bundle(publisher_key, expires_at=NOW), trusted_root)
    with pytest.raises(ExpiredError):
        verify(bundle(publisher_key, expires_at=NOW - timedelta(seconds=1)), trusted_root)


def test_issued_in_the_future(trusted_root: Root, publisher_key: Ed25519PrivateKey) -> None:
    # Given bundles issued just under and just over a day ahead of the phone's clock
    near = bundle(publisher_key, issued_at=NOW + timedelta(days=1))
    far = bundle(publisher_key, issued_at=NOW + timedelta(days=1, seconds=1),
                 expires_at=NOW + timedelta(days=9))
    # Then clock skew of a day is tolerated and more is refused
    assert verify(near, trusted_root)
    with pytest.raises(MalformedBundleError, match="future"):
        verify(far, trusted_root)


def test_oversized_is_refused_before_parsing(trusted_root: Root,
                                             publisher_key: Ed25519PrivateKey) -> None:
    # Given a valid bundle and a limit one byte below its size, and garbage over the default
    raw = bundle(publisher_key)
    # Then both are refused as too large (the garbage is never parsed)
    with pytest.raises(BundleTooLargeError):
        verify(raw, trusted_root, max_bytes=len(raw) - 1)
    assert verify(raw, trusted_root, max_bytes=len(raw))
    with pytest.raises(BundleTooLargeError):
        verify(b"[" * (MAX_BUNDLE_BYTES + 1), trusted_root)


@pytest.mark.parametrize("cut", [1, 10, 100])
def test_truncated(trusted_root: Root, publisher_key: Ed25519PrivateKey, cut: int) -> None:
    with pytest.raises(MalformedBundleError):
        verify(bundle(publisher_key)[:-cut], trusted_root)


@pytest.mark.parametrize("raw", [b"", b"garbage", b"\xff\xfe", b"null", b"[]", b"{}"])
def test_garbage(trusted_root: Root, raw: bytes) -> None:
    with pytest.raises(MalformedBundleError):
        verify(raw, trusted_root)


def test_non_canonical_bytes(trusted_root: Root, publisher_key: Ed25519PrivateKey) -> None:
    # Given a valid bundle re-encoded with white space (same JSON value, other bytes)
    raw = bundle(publisher_key)
    spaced = raw.replace(b'","', b'", "', 1)
    # Then it is refused: only the canonical bytes are the signed bundle
    assert json.loads(spaced) == json.loads(raw)
    with pytest.raises(MalformedBundleError, match="canonical"):
        verify(spaced, trusted_root)


def _resign(key: Ed25519PrivateKey, **changes: Any) -> bytes:
    signed = canonical.decode(bundle(key))["signed"]
    signed.update(changes)
    return sign_file(signed, [key], BUNDLE_CONTEXT)


@pytest.mark.parametrize("changes", [
    {"kind": "news"}, {"kind": ["alerts"]}, {"name": "-leading-dash"}, {"name": "a" * 65},
    {"name": "GB LND"}, {"version": 0}, {"version": "5"}, {"version": True},
    {"version": 2**53}, {"issued_at": "2025-06-01"}, {"expires_at": "2025-05-01T00:00:00Z"},
    {"items": {"n": 1}}, {"items": [1, 2]}, {"extra": True},
])
def test_schema_violations_even_when_signed(trusted_root: Root,
                                            publisher_key: Ed25519PrivateKey,
                                            changes: dict[str, Any]) -> None:
    # Given a correctly signed bundle whose signed part breaks the schema
    raw = _resign(publisher_key, **changes)
    # Then it is refused as malformed
    with pytest.raises(MalformedBundleError):
        verify(raw, trusted_root)


def test_sign_bundle_refuses_what_verify_would_refuse(publisher_key: Ed25519PrivateKey) -> None:
    # Given fields that do not follow the schema
    # Then the console cannot sign them
    with pytest.raises(MalformedBundleError):
        bundle(publisher_key, kind="news")
    with pytest.raises(MalformedBundleError):
        bundle(publisher_key, expires_at=NOW - timedelta(days=1))


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20)
_shaped = st.fixed_dictionaries({"signed": _json, "signatures": _json})


@given(st.one_of(st.binary(max_size=2000), _json.map(canonical.encode),
                 _shaped.map(canonical.encode)))
@settings(max_examples=150, database=None, deadline=None)
def test_random_input_only_raises_bundle_errors(trusted_root: Root, data: bytes) -> None:
    # Given random bytes, random canonical JSON, and random JSON in the signed-file shape
    # When verified
    # Then only a BundleError can come out
    with pytest.raises(BundleError):
        verify(data, trusted_root)
