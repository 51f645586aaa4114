"""The trust file the app pins: round trip, and refusal of anything tampered or malformed."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.core import canonical
from sync.protocol.envelope import generate_report_keypair
from sync.protocol.errors import ProtocolError
from sync.protocol.root import make_root, sign_root
from sync.protocol.trust import MAX_TRUST_BYTES, TrustError, load_trust, make_trust


def _root(signer: Ed25519PrivateKey | None = None) -> bytes:
    root_key, publisher = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    signed = make_root(version=1, expires_at=datetime.now(UTC) + timedelta(days=30),
                       root_keys=[root_key.public_key()], publisher_keys=[publisher.public_key()])
    return sign_root(signed, [signer or root_key])


def _document(raw: bytes) -> dict[str, object]:
    document = canonical.decode(raw)
    assert isinstance(document, dict)
    return document


@pytest.fixture
def trust_raw() -> bytes:
    _private, public = generate_report_keypair()
    return make_trust(_root(), public)


def test_round_trip() -> None:
    # Given a root and a report key
    root_raw = _root()
    _private, public = generate_report_keypair()
    # When they are made into a trust file and loaded back
    raw = make_trust(root_raw, public)
    trust = load_trust(raw)
    # Then the same root bytes and key come out, and the file is canonical JSON
    assert trust.root.raw == root_raw
    assert trust.root.version == 1
    assert trust.report_public_key.raw == public.raw
    assert trust.raw == raw
    assert set(_document(raw)) == {"format", "root", "report_public_key"}
    assert _document(raw)["format"] == 1


def test_a_root_that_does_not_verify_is_never_written() -> None:
    # Given a root signed by a key that is not its root key
    _private, public = generate_report_keypair()
    forged = _root(signer=Ed25519PrivateKey.generate())
    # When a trust file is made from it, Then it is refused
    with pytest.raises(TrustError, match="trust root"):
        make_trust(forged, public)


def _tampered_root(raw: bytes) -> bytes:
    document = _document(raw)
    root = json.loads(base64.b64decode(str(document["root"])))
    root["signed"]["version"] = 2  # the signature no longer covers what is there
    document["root"] = base64.b64encode(canonical.encode(root)).decode()
    return canonical.encode(document)


def _other_key(raw: bytes) -> bytes:
    document = _document(raw)
    document["report_public_key"] = base64.b64encode(b"\x01" * 100).decode()
    return canonical.encode(document)


def _with(raw: bytes, **changes: object) -> bytes:
    return canonical.encode({**_document(raw), **changes})


@pytest.mark.parametrize("tamper", [
    pytest.param(lambda raw: b"", id="empty"),
    pytest.param(lambda raw: b"\x00garbage\xff", id="garbage"),
    pytest.param(lambda raw: json.dumps(_document(raw), indent=1).encode(), id="not-canonical"),
    pytest.param(lambda raw: _with(raw, format=2), id="future-format"),
    pytest.param(lambda raw: _with(raw, format=True), id="format-true"),
    pytest.param(lambda raw: _with(raw, extra="x"), id="unknown-key"),
    pytest.param(lambda raw: canonical.encode({"format": 1, "root": _document(raw)["root"]}),
                 id="missing-key"),
    pytest.param(lambda raw: _with(raw, root="not base64!"), id="root-not-base64"),
    pytest.param(_tampered_root, id="root-tampered"),
    pytest.param(_other_key, id="not-a-report-key"),
    pytest.param(lambda raw: raw + b" " * MAX_TRUST_BYTES, id="too-large"),
])
def test_tampered_or_garbage_trust_files_are_refused(
        trust_raw: bytes, tamper: Callable[[bytes], bytes]) -> None:
    # Given a valid trust file, changed in one way
    bad = tamper(trust_raw)
    # When it is loaded, Then a TrustError (a ProtocolError) says no
    with pytest.raises(TrustError) as caught:
        load_trust(bad)
    assert isinstance(caught.value, ProtocolError)
