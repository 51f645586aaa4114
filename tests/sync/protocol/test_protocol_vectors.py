"""The published test vectors: the code reproduces them, and docs/PROTOCOL.md shows them."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.core import canonical
from sync.protocol import envelope, padding, pow, root, signing
from sync.protocol.alert import alerts_in
from sync.protocol.bundle import sign_bundle, verify_bundle
from sync.protocol.codec import parse_utc
from sync.protocol.delta import apply_patch, make_patch
from sync.protocol.errors import EnvelopeError, MalformedBundleError

HERE = Path(__file__).parent
VECTORS: dict[str, Any] = json.loads((HERE / "vectors.json").read_text(encoding="utf-8"))
DOCS = (HERE.parents[2] / "docs" / "PROTOCOL.md").read_text(encoding="utf-8")


def _strings(value: Any) -> list[str]:
    """Every string leaf of the vectors, except the readable 'value' of the canonical vector."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() if key != "value" for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _key(seed_hex: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex))


@pytest.mark.parametrize("value", sorted(set(_strings(VECTORS))))
def test_docs_show_the_same_vectors(value: str) -> None:
    # Given a value from vectors.json
    # Then PROTOCOL.md contains it (hex may be wrapped, so white space is ignored)
    assert "".join(value.split()) in "".join(DOCS.split())


def test_canonical_vector() -> None:
    v = VECTORS["canonical"]
    encoded = canonical.encode(v["value"])
    assert encoded.decode() == v["encoded_utf8"]
    assert encoded.hex() == v["encoded_hex"]


@pytest.mark.parametrize("vector", VECTORS["padding"])
def test_padding_vectors(vector: dict[str, Any]) -> None:
    # Given the documented data for each row
    data = {0: b"", 6: b"brolly", 2044: bytes(range(256)) * 7 + bytes(252),
            2045: b"\x01" * 2045}[vector["data_length"]]
    assert hashlib.sha256(data).hexdigest() == vector["data_sha256"]
    # When padded
    padded = padding.pad(data)
    # Then length, first bytes and hash match
    assert len(padded) == vector["padded_length"]
    assert padded[:8].hex() == vector["padded_head_hex"]
    assert hashlib.sha256(padded).hexdigest() == vector["padded_sha256"]


def test_pow_vector() -> None:
    v = VECTORS["pow"]
    assert pow.solve(v["challenge"], v["difficulty_bits"]) == v["nonce"]
    assert pow.pow_digest(v["challenge"], v["nonce"]).hex() == v["digest_hex"]
    pow.verify(v["challenge"], v["nonce"], v["difficulty_bits"])


def test_root_vector() -> None:
    # Given the fixed root key
    v = VECTORS["root"]
    key = _key(v["root_seed_hex"])
    assert key.public_key().public_bytes_raw().hex() == v["root_public_hex"]
    assert signing.key_id(key.public_key()) == v["root_key_id"]
    # When the documented root is loaded and re-signed from its signed part
    trusted = root.load_trusted_root(v["root_json"].encode())
    signed = canonical.decode(v["root_json"].encode())["signed"]
    # Then it loads, and signing reproduces it byte for byte (Ed25519 is deterministic)
    assert trusted.root_keys().keys() == {v["root_key_id"]}
    assert root.sign_root(signed, [key]).decode() == v["root_json"]


def test_bundle_vector() -> None:
    # Given the fixed publisher key and the documented signed part
    v = VECTORS["bundle"]
    key = _key(v["publisher_seed_hex"])
    assert key.public_key().public_bytes_raw().hex() == v["publisher_public_hex"]
    assert signing.key_id(key.public_key()) == v["key_id"]
    signed = canonical.decode(v["signed_canonical"].encode())
    # When signed again
    raw = sign_bundle(signed["kind"], signed["name"], signed["version"], signed["items"],
                      issued_at=parse_utc(signed["issued_at"], "t", MalformedBundleError),
                      expires_at=parse_utc(signed["expires_at"], "t", MalformedBundleError),
                      key=key)
    # Then the signature and the whole bundle are reproduced exactly
    message = bytes.fromhex(v["signing_context_hex"]) + v["signed_canonical"].encode()
    assert key.sign(message).hex() == v["signature_hex"]
    assert raw.decode() == v["bundle_json"]
    # And the bundle verifies against the vector root, with a parseable alert inside
    trusted = root.load_trusted_root(VECTORS["root"]["root_json"].encode())
    bundle = verify_bundle(raw, trusted, kind=v["kind"], name=v["name"],
                           now=datetime.fromisoformat(v["verify_at"]))
    assert [a.id for a in alerts_in(bundle)] == ["a-0001"]


def test_patch_vector() -> None:
    # Given the bundle vector (version 7) and the documented patch to version 8
    old = VECTORS["bundle"]["bundle_json"].encode()
    patch = VECTORS["patch"]["patch_json"].encode()
    # When applied
    rebuilt = apply_patch(old, patch)
    # Then it gives the documented bytes, signed by the vector publisher, one alert more
    assert hashlib.sha256(rebuilt).hexdigest() == VECTORS["patch"]["rebuilt_sha256"]
    trusted = root.load_trusted_root(VECTORS["root"]["root_json"].encode())
    bundle = verify_bundle(rebuilt, trusted, kind="alerts", name="GB-LND", at_least=7,
                           now=datetime.fromisoformat(VECTORS["bundle"]["verify_at"]))
    assert [a.id for a in alerts_in(bundle)] == ["a-0001", "a-0002"]
    # And the patch is exactly what make_patch writes for those two bundles
    assert make_patch(old, rebuilt) == patch


def test_xwing_key_derivation_matches_the_draft() -> None:
    # Given the X-Wing draft's first test vector
    v = VECTORS["xwing_keygen"]
    # When its seed is loaded as a report private key
    private = envelope.load_private_key(bytes.fromhex(v["seed_hex"]))
    # Then the derived public key is the draft's public key
    assert private.public_key.raw.hex() == v["public_key_hex"]


def test_envelope_vector_opens() -> None:
    # Given the documented private key and envelope
    v = VECTORS["envelope"]
    private = envelope.load_private_key(bytes.fromhex(v["private_key_hex"]))
    sealed = bytes.fromhex(v["envelope_hex"])
    assert private.public_key.fingerprint() == v["public_key_sha256"]
    assert envelope.hpke_info(v["idempotency_key"]).hex() == v["hpke_info_hex"]
    # When opened with the documented idempotency key
    opened = envelope.open_report(sealed, private, v["idempotency_key"])
    # Then the expected report and reply key come out
    assert opened.report_bytes.decode() == v["report_utf8"]
    assert opened.reply_public_key == bytes.fromhex(v["reply_public_key_hex"])
    # And not under another idempotency key
    with pytest.raises(EnvelopeError):
        envelope.open_report(sealed, private, envelope.new_idempotency_key())
