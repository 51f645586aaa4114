"""Report envelopes: a report sealed with HPKE (RFC 9180, base mode) to the organisation.

The relay stores envelopes it cannot read; only the console, which holds the report
private key, opens them. Layout, byte by byte (docs/PROTOCOL.md has the details)::

    envelope  = version (1 byte, 0x01) || enc (1120 bytes) || ciphertext (bucket + 16 bytes)
    plaintext = pad(inner)                          # 2, 4, 8, 16 or 32 KiB
    inner     = 0x01 || reply_len (0x00 | 0x20) || reply_public_key || report_bytes

Suite: KEM MLKEM768-X25519 (X-Wing, 0x647A), KDF HKDF-SHA256, AEAD ChaCha20-Poly1305.
The hybrid KEM keeps reports confidential even against someone who records the
traffic today and has a quantum computer later; X25519 keeps it safe if ML-KEM falls.

The idempotency key is bound to the ciphertext, so an envelope replayed under another
key does not open. cryptography's single-shot API takes no ``aad``; following RFC 9180
section 8.1 it goes into ``info``, which feeds the key schedule: a different key derives
a different AEAD key and the tag check fails, the same guarantee as aad.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519

from sync.protocol.errors import EnvelopeError, PaddingError
from sync.protocol.padding import BUCKETS, MAX_PAYLOAD_BYTES, pad, unpad

PROTOCOL_VERSION = 1
HPKE_INFO_LABEL = b"brolly report v1"
CONTEXT_LABEL = b"brolly-report-v1"
SUITE = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)

ENC_BYTES = 1120  # X-Wing ciphertext: ML-KEM-768 (1088) || X25519 ephemeral (32)
TAG_BYTES = 16
ENVELOPE_OVERHEAD = 1 + ENC_BYTES + TAG_BYTES
ENVELOPE_SIZES = frozenset(bucket + ENVELOPE_OVERHEAD for bucket in BUCKETS)
MAX_ENVELOPE_BYTES = BUCKETS[-1] + ENVELOPE_OVERHEAD  # 33905 bytes

MLKEM_PUBLIC_BYTES = 1184
PUBLIC_KEY_BYTES = MLKEM_PUBLIC_BYTES + 32  # X-Wing encoding: ML-KEM pk || X25519 pk
PRIVATE_KEY_BYTES = 32  # X-Wing seed, expanded with SHAKE256 into both component keys
REPLY_KEY_BYTES = 32

INNER_FORMAT = 1
INNER_HEADER_BYTES = 2
# Fixed whether or not a reply key is sent, so the limit a user meets does not change.
MAX_REPORT_BYTES = MAX_PAYLOAD_BYTES - INNER_HEADER_BYTES - REPLY_KEY_BYTES

IDEMPOTENCY_KEY_BYTES = 16
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{22}")


@dataclass(frozen=True)
class ReportPublicKey:
    """The organisation's report public key, shipped in the app; ``raw`` is 1216 bytes."""

    raw: bytes = field(repr=False)
    hpke_key: hpke.MLKEM768X25519PublicKey = field(repr=False, compare=False)

    def fingerprint(self) -> str:
        """Hex SHA-256 of ``raw``, to compare keys out of band."""
        return hashlib.sha256(self.raw).hexdigest()


@dataclass(frozen=True, eq=False)
class ReportPrivateKey:
    """The console's report private key: a 32-byte X-Wing seed. Never leaves the console."""

    seed: bytes = field(repr=False)
    hpke_key: hpke.MLKEM768X25519PrivateKey = field(repr=False)
    public_key: ReportPublicKey = field(repr=False)


@dataclass(frozen=True)
class OpenedReport:
    """What an envelope carried. ``report_bytes`` stays out of repr so it cannot reach a log."""

    report_bytes: bytes = field(repr=False)
    reply_public_key: bytes | None = field(repr=False)


def generate_report_keypair() -> tuple[ReportPrivateKey, ReportPublicKey]:
    """A fresh report key pair from 32 random bytes."""
    private = load_private_key(secrets.token_bytes(PRIVATE_KEY_BYTES))
    return private, private.public_key


def private_key_bytes(private_key: ReportPrivateKey) -> bytes:
    """The 32-byte seed: the whole secret. Store it encrypted."""
    return private_key.seed


def load_private_key(raw: bytes) -> ReportPrivateKey:
    """Derive both component keys from a 32-byte X-Wing seed (draft-connolly-cfrg-xwing-kem)."""
    if len(raw) != PRIVATE_KEY_BYTES:
        raise EnvelopeError("report private key must be 32 bytes")
    expanded = hashlib.shake_256(raw).digest(96)
    mlkem_key = mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64])
    x25519_key = x25519.X25519PrivateKey.from_private_bytes(expanded[64:])
    public_raw = (mlkem_key.public_key().public_bytes_raw()
                  + x25519_key.public_key().public_bytes_raw())
    hpke_private = hpke.MLKEM768X25519PrivateKey(mlkem_key, x25519_key)
    public = ReportPublicKey(raw=public_raw, hpke_key=hpke_private.public_key())
    return ReportPrivateKey(seed=bytes(raw), hpke_key=hpke_private, public_key=public)


def public_key_bytes(public_key: ReportPublicKey) -> bytes:
    """The 1216-byte X-Wing public key: ML-KEM-768 public key || X25519 public key."""
    return public_key.raw


def load_public_key(raw: bytes) -> ReportPublicKey:
    """Parse a 1216-byte X-Wing public key; EnvelopeError if it is not one."""
    if len(raw) != PUBLIC_KEY_BYTES:
        raise EnvelopeError("report public key must be 1216 bytes")
    try:
        mlkem_key = mlkem.MLKEM768PublicKey.from_public_bytes(raw[:MLKEM_PUBLIC_BYTES])
        x25519_key = x25519.X25519PublicKey.from_public_bytes(raw[MLKEM_PUBLIC_BYTES:])
    except ValueError:
        raise EnvelopeError("not a report public key") from None
    hpke_key = hpke.MLKEM768X25519PublicKey(mlkem_key, x25519_key)
    return ReportPublicKey(raw=bytes(raw), hpke_key=hpke_key)


def new_idempotency_key() -> str:
    """Base64url without padding of 16 random bytes: 22 characters."""
    token = secrets.token_bytes(IDEMPOTENCY_KEY_BYTES)
    return base64.urlsafe_b64encode(token).rstrip(b"=").decode("ascii")


def check_idempotency_key(key: str) -> None:
    """EnvelopeError unless ``key`` is exactly how new_idempotency_key() spells 16 bytes."""
    if not isinstance(key, str) or _IDEMPOTENCY_KEY.fullmatch(key) is None:
        raise EnvelopeError("idempotency key is not 22 base64url characters")
    try:
        decoded = base64.urlsafe_b64decode(key + "==")
    except (binascii.Error, ValueError):
        raise EnvelopeError("idempotency key is not base64url") from None
    # The last character carries 4 unused bits; only one spelling per key is accepted.
    if base64.urlsafe_b64encode(decoded).rstrip(b"=").decode("ascii") != key:
        raise EnvelopeError("idempotency key is not canonical base64url")


def report_context(idempotency_key: str) -> bytes:
    """What binds an envelope to its idempotency key: label || version || key (39 bytes)."""
    check_idempotency_key(idempotency_key)
    return CONTEXT_LABEL + bytes([PROTOCOL_VERSION]) + idempotency_key.encode("ascii")


def hpke_info(idempotency_key: str) -> bytes:
    """The HPKE info string: info label || 0x00 || report_context(idempotency_key)."""
    return HPKE_INFO_LABEL + b"\x00" + report_context(idempotency_key)


def seal_report(report_bytes: bytes, recipient: ReportPublicKey, idempotency_key: str,
                reply_public_key: bytes | None = None) -> bytes:
    """Pad and seal ``report_bytes`` to ``recipient``; the result opens only with that key."""
    info = hpke_info(idempotency_key)
    plaintext = pad(_frame(report_bytes, reply_public_key))
    return bytes([PROTOCOL_VERSION]) + SUITE.encrypt(plaintext, recipient.hpke_key, info=info)


def check_envelope_shape(envelope: bytes) -> None:
    """What the blind relay can check: one of the five sizes and a known version byte."""
    if not isinstance(envelope, bytes) or len(envelope) not in ENVELOPE_SIZES:
        raise EnvelopeError("envelope has the wrong size")
    if envelope[0] != PROTOCOL_VERSION:
        raise EnvelopeError("unsupported envelope version")


def open_report(envelope: bytes, private_key: ReportPrivateKey,
                idempotency_key: str) -> OpenedReport:
    """Open an envelope; EnvelopeError on any tampering, wrong key or wrong idempotency key."""
    check_envelope_shape(envelope)
    info = hpke_info(idempotency_key)
    try:
        plaintext = SUITE.decrypt(envelope[1:], private_key.hpke_key, info=info)
    except (InvalidTag, ValueError):
        # One message for every cause: which check failed is of no use to an attacker.
        raise EnvelopeError("envelope does not open") from None
    return _unframe(unpad(plaintext))


def _frame(report_bytes: bytes, reply_public_key: bytes | None) -> bytes:
    if not report_bytes:
        raise EnvelopeError("report is empty")
    if len(report_bytes) > MAX_REPORT_BYTES:
        raise PaddingError("report too large")
    reply = b"" if reply_public_key is None else bytes(reply_public_key)
    if reply_public_key is not None and len(reply) != REPLY_KEY_BYTES:
        raise EnvelopeError("reply public key must be 32 bytes")
    return bytes([INNER_FORMAT, len(reply)]) + reply + bytes(report_bytes)


def _unframe(inner: bytes) -> OpenedReport:
    if len(inner) < INNER_HEADER_BYTES or inner[0] != INNER_FORMAT:
        raise EnvelopeError("report framing is invalid")
    reply_length = inner[1]
    if reply_length not in (0, REPLY_KEY_BYTES):
        raise EnvelopeError("report framing is invalid")
    report_start = INNER_HEADER_BYTES + reply_length
    if len(inner) <= report_start:
        raise EnvelopeError("report framing is invalid")
    reply = inner[INNER_HEADER_BYTES:report_start] if reply_length else None
    return OpenedReport(report_bytes=inner[report_start:], reply_public_key=reply)
