"""Signed files, shared by the trust root and the bundles: layout, key ids, Ed25519 checks.

A signed file is canonical JSON (app.core.canonical)::

    {"signatures": [{"key_id": "<32 hex>", "sig": "<base64 of 64 bytes>"}, ...],
     "signed": {...}}

Each signature covers ``context || canonical(signed)``. The context names what is
signed ("brolly root v1" or "brolly bundle v1", then a zero byte), so a signature
made for one kind of file can never be replayed as the other, even if an organisation
uses one key for both roles.

A key id is the lowercase hex of the first 16 bytes of SHA-256(raw Ed25519 public key).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.core import canonical
from app.core.errors import CanonicalError
from sync.protocol.codec import ErrorType, as_list, as_str, b64decode, b64encode, exact_keys

ROOT_CONTEXT = b"brolly root v1\x00"
BUNDLE_CONTEXT = b"brolly bundle v1\x00"
MAX_SIGNATURES = 16
SIGNATURE_BYTES = 64
PUBLIC_KEY_BYTES = 32

KEY_ID = re.compile(r"[0-9a-f]{32}")
_FILE_KEYS = frozenset({"signed", "signatures"})
_SIGNATURE_KEYS = frozenset({"key_id", "sig"})


@dataclass(frozen=True)
class SignedFile:
    """A parsed signed file whose signatures have not been checked yet."""

    signed: dict[str, Any] = field(repr=False)
    signed_bytes: bytes = field(repr=False)
    signatures: tuple[tuple[str, bytes], ...] = field(repr=False)


def key_id(public_key: Ed25519PublicKey) -> str:
    """Hex of the first 16 bytes of SHA-256 of the raw 32-byte public key."""
    return key_id_of_raw(public_key.public_bytes_raw())


def key_id_of_raw(raw_public_key: bytes) -> str:
    """key_id() for a public key already in raw form."""
    return hashlib.sha256(raw_public_key).digest()[:16].hex()


def sign_file(signed: Mapping[str, Any], keys: Sequence[Ed25519PrivateKey],
              context: bytes) -> bytes:
    """Canonical bytes of a signed file carrying one signature per key, in the given order."""
    signed_bytes = canonical.encode(dict(signed))
    signatures = [
        {"key_id": key_id(key.public_key()), "sig": b64encode(key.sign(context + signed_bytes))}
        for key in keys
    ]
    return canonical.encode({"signed": dict(signed), "signatures": signatures})


def parse_file(raw: bytes, error: ErrorType) -> SignedFile:
    """Check the layout only; ``error`` for non-canonical bytes or a wrong shape."""
    try:
        document = canonical.decode(raw)
    except CanonicalError:
        raise error("not canonical JSON") from None
    document = exact_keys(document, _FILE_KEYS, "signed file", error)
    signed = document["signed"]
    if not isinstance(signed, dict):
        raise error("signed must be an object")
    return SignedFile(signed=signed, signed_bytes=canonical.encode(signed),
                      signatures=_parse_signatures(document["signatures"], error))


def valid_signers(file: SignedFile, keys: Mapping[str, Ed25519PublicKey],
                  context: bytes) -> list[str]:
    """Key ids from ``keys`` whose signature on ``file`` verifies, in signature order.

    Signatures by keys not in ``keys`` are skipped: during a root rotation a file also
    carries signatures that only the previous root knows about.
    """
    message = context + file.signed_bytes
    signers = []
    for signer, signature in file.signatures:
        public_key = keys.get(signer)
        if public_key is not None and _verifies(public_key, signature, message):
            signers.append(signer)
    return signers


def _verifies(public_key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def _parse_signatures(value: Any, error: ErrorType) -> tuple[tuple[str, bytes], ...]:
    entries = as_list(value, "signatures", error, max_items=MAX_SIGNATURES)
    if not entries:
        raise error("signatures must not be empty")
    parsed = []
    for entry in entries:
        entry = exact_keys(entry, _SIGNATURE_KEYS, "signature", error)
        signer = as_str(entry["key_id"], "signature key_id", error, KEY_ID)
        signature = b64decode(entry["sig"], "signature sig", error)
        if len(signature) != SIGNATURE_BYTES:
            raise error("signature must be 64 bytes")
        parsed.append((signer, signature))
    if len({signer for signer, _ in parsed}) != len(parsed):
        raise error("a key signed more than once")
    return tuple(parsed)
