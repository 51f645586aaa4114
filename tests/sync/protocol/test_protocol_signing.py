"""Signed files: layout, key ids, and which signatures count."""

from __future__ import annotations

import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.core import canonical
from sync.protocol.codec import b64encode
from sync.protocol.errors import MalformedBundleError
from sync.protocol.signing import (
    BUNDLE_CONTEXT,
    MAX_SIGNATURES,
    ROOT_CONTEXT,
    key_id,
    parse_file,
    sign_file,
    valid_signers,
)

SIGNED = {"kind": "alerts", "n": 1}


def test_key_id_is_truncated_sha256_of_the_raw_key(publisher_key: Ed25519PrivateKey) -> None:
    # Given a public key
    raw = publisher_key.public_key().public_bytes_raw()
    # Then its id is the hex of the first 16 bytes of SHA-256(raw)
    assert key_id(publisher_key.public_key()) == hashlib.sha256(raw).digest()[:16].hex()
    assert len(key_id(publisher_key.public_key())) == 32


def test_sign_and_parse_round_trip(publisher_key: Ed25519PrivateKey,
                                   root_key: Ed25519PrivateKey) -> None:
    # Given a file signed by two keys
    raw = sign_file(SIGNED, [publisher_key, root_key], BUNDLE_CONTEXT)
    # When parsed
    file = parse_file(raw, MalformedBundleError)
    # Then it is canonical, and both signatures verify in order
    assert canonical.encode(canonical.decode(raw)) == raw
    assert file.signed == SIGNED
    assert file.signed_bytes == canonical.encode(SIGNED)
    keys = {key_id(k.public_key()): k.public_key() for k in (publisher_key, root_key)}
    assert valid_signers(file, keys, BUNDLE_CONTEXT) == [key_id(publisher_key.public_key()),
                                                         key_id(root_key.public_key())]


def test_signatures_by_unknown_keys_are_skipped(publisher_key: Ed25519PrivateKey,
                                                stranger_key: Ed25519PrivateKey) -> None:
    # Given a file signed by a stranger and the publisher
    raw = sign_file(SIGNED, [stranger_key, publisher_key], BUNDLE_CONTEXT)
    file = parse_file(raw, MalformedBundleError)
    # When only the publisher is known
    keys = {key_id(publisher_key.public_key()): publisher_key.public_key()}
    # Then only the publisher counts
    assert valid_signers(file, keys, BUNDLE_CONTEXT) == [key_id(publisher_key.public_key())]


def test_context_separates_roots_from_bundles(publisher_key: Ed25519PrivateKey) -> None:
    # Given a file signed as a root
    file = parse_file(sign_file(SIGNED, [publisher_key], ROOT_CONTEXT), MalformedBundleError)
    keys = {key_id(publisher_key.public_key()): publisher_key.public_key()}
    # Then its signature does not count as a bundle signature by the same key
    assert valid_signers(file, keys, ROOT_CONTEXT) == [key_id(publisher_key.public_key())]
    assert valid_signers(file, keys, BUNDLE_CONTEXT) == []


def _document(signatures: object, signed: object = SIGNED) -> bytes:
    return canonical.encode({"signatures": signatures, "signed": signed})


GOOD_SIG = {"key_id": "0" * 32, "sig": b64encode(bytes(64))}


@pytest.mark.parametrize("raw", [
    b"",
    b"not json",
    b'{"signatures": [], "signed": {}}',                       # not canonical (spaces)
    canonical.encode({"signed": SIGNED}),                      # no signatures
    canonical.encode({"signed": SIGNED, "signatures": [GOOD_SIG], "extra": 1}),
    _document([]),                                             # empty signatures
    _document([GOOD_SIG], signed=[1]),                         # signed not an object
    _document([GOOD_SIG, GOOD_SIG]),                           # same key twice
    _document([GOOD_SIG] * (MAX_SIGNATURES + 1)),              # too many
    _document([{"key_id": "0" * 31, "sig": GOOD_SIG["sig"]}]),  # short key id
    _document([{"key_id": "A" * 32, "sig": GOOD_SIG["sig"]}]),  # upper-case hex
    _document([{"key_id": "0" * 32, "sig": b64encode(bytes(63))}]),
    _document([{"key_id": "0" * 32, "sig": "not base64!"}]),
    _document([{"key_id": "0" * 32, "sig": GOOD_SIG["sig"], "alg": "ed25519"}]),
    json.dumps({"signatures": [GOOD_SIG], "signed": {"a": 1.5}}).encode(),
])
def test_malformed_files_raise_the_callers_error(raw: bytes) -> None:
    # Given bytes that are not exactly a signed file
    # Then parsing raises the error class the caller chose
    with pytest.raises(MalformedBundleError):
        parse_file(raw, MalformedBundleError)
