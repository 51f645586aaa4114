"""Anonymous follow-up: a receipt code, the reply key it derives, and sealed replies.

The person who reported keeps a receipt code (16 Crockford base32 characters, 80 bits,
shown as ``XXXX-XXXX-XXXX-XXXX``). Everything else is derived from it, so the code alone
is enough on any phone:

    seed    = Argon2id(code, salt = "brolly receipt v1", 2 passes, 1 lane, 19 MiB) -> 32 bytes
    key     = X25519 private key from seed;  public = its 32-byte public key
    mailbox = base64url(SHA-256("brolly mailbox v1" || public)), no padding (43 characters)

The public key travels inside the sealed report (envelope.py), so only the organisation
learns it. A reply is sealed to it with HPKE (RFC 9180 base mode: DHKEM(X25519,
HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305; ``info`` binds the version and the mailbox)
and left on the relay under the mailbox token. The relay sees a random-looking token and
a padded ciphertext: nothing it holds links a mailbox to a report.

Why these Argon2id parameters: the code already has 80 random bits, so the KDF does not
have to make up for a weak secret as a passcode's does; it only has to make each guess
dear. 19 MiB and 2 passes (OWASP's first recommended setting) take about 20 ms on a
laptop core and a few hundred ms on a cheap phone, once per report, off the UI thread.
Trying codes against a known mailbox token at even 10^6 guesses a second would take
about 2 * 10^10 years on average.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import hashlib
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from app.core import canonical
from app.core.errors import CanonicalError
from sync.protocol.errors import PaddingError, ProtocolError
from sync.protocol.padding import LENGTH_PREFIX_BYTES, pad, unpad

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CODE_CHARS = 16
GROUP = 4
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
SEED_SALT = b"brolly receipt v1"
SEED_ITERATIONS, SEED_LANES, SEED_MEMORY_KIB = 2, 1, 19 * 1024
MAILBOX_LABEL = b"brolly mailbox v1"
HPKE_INFO_LABEL = b"brolly reply v1"
SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)
MAX_REPLY_CHARS = 2000
# Every reply is filled to the same size (the 8 KiB padding bucket), so the length of a
# sealed reply says nothing about its words: 2000 characters of any script fit.
BODY_BYTES = 8 * 1024 - LENGTH_PREFIX_BYTES
# X25519 encapsulated key, the padded body, the Poly1305 tag: every sealed reply.
SEALED_REPLY_BYTES = 32 + LENGTH_PREFIX_BYTES + BODY_BYTES + 16
# A mailbox holds at most this many replies, so a phone's answer stays bounded
# (50 base64 replies are about 550 KB).
MAX_REPLIES_PER_MAILBOX = 50
REPLY_VERSION = 1


class FollowupError(ProtocolError):
    """A receipt code that is not one, or a reply that does not open."""


class ReplyKind(enum.StrEnum):
    SUPPORT_OFFERED = "support_offered"
    QUESTION = "question"
    ALERT_PUBLISHED = "alert_published"
    OTHER = "other"


@dataclass(frozen=True)
class ReplyKeys:
    private_bytes: bytes
    public_bytes: bytes
    token: str


@dataclass(frozen=True)
class Reply:
    kind: ReplyKind
    text: str
    sent_day: dt.date

    def __post_init__(self) -> None:
        if not self.text.strip() or len(self.text) > MAX_REPLY_CHARS:
            raise FollowupError(f"a reply needs 1 to {MAX_REPLY_CHARS} characters")
        try:
            self.text.encode("utf-8")
        except UnicodeEncodeError:
            raise FollowupError("a reply must be text") from None


def new_receipt_code() -> str:
    return format_receipt_code("".join(secrets.choice(ALPHABET) for _ in range(CODE_CHARS)))


def normalise_receipt_code(text: str) -> str:
    """The 16 characters of a code as typed (any case, spaces, dashes, O for 0, I or L
    for 1); FollowupError when it cannot be one."""
    code = "".join(text.split()).replace("-", "").upper().translate(_LOOKALIKES)
    if len(code) != CODE_CHARS:
        raise FollowupError(f"a receipt code has {CODE_CHARS} letters and digits")
    if any(c not in ALPHABET for c in code):
        raise FollowupError("a receipt code has only the digits and the letters A-Z "
                            "without U")
    return code


def format_receipt_code(text: str) -> str:
    code = normalise_receipt_code(text)
    return "-".join(code[i:i + GROUP] for i in range(0, CODE_CHARS, GROUP))


def reply_keys(code: str) -> ReplyKeys:
    """The reply key pair and mailbox of a receipt code (slow on purpose: Argon2id)."""
    seed = Argon2id(salt=SEED_SALT, length=32, iterations=SEED_ITERATIONS, lanes=SEED_LANES,
                    memory_cost=SEED_MEMORY_KIB).derive(
        normalise_receipt_code(code).encode("ascii"))
    private = x25519.X25519PrivateKey.from_private_bytes(seed)
    public = private.public_key().public_bytes_raw()
    return ReplyKeys(seed, public, mailbox_token(public))


def mailbox_token(public_bytes: bytes) -> str:
    digest = hashlib.sha256(MAILBOX_LABEL + bytes(public_bytes)).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _info(token: str) -> bytes:
    return HPKE_INFO_LABEL + b"\x00" + token.encode("ascii")


def reply_plaintext(reply: Reply) -> bytes:
    """What is sealed: canonical JSON filled with spaces, then padded, always 8 KiB."""
    encoded = canonical.encode({"v": REPLY_VERSION, "kind": reply.kind.value,
                                "text": reply.text, "sent_day": reply.sent_day.isoformat()})
    if len(encoded) > BODY_BYTES:
        raise FollowupError("the reply is too long once encoded")
    return pad(encoded.ljust(BODY_BYTES, b" "))


def seal_reply(reply: Reply, public_bytes: bytes) -> bytes:
    try:
        recipient = x25519.X25519PublicKey.from_public_bytes(bytes(public_bytes))
    except ValueError:
        raise FollowupError("not a reply public key") from None
    token = mailbox_token(public_bytes)
    return SUITE.encrypt(reply_plaintext(reply), recipient, info=_info(token))


def open_reply(sealed: bytes, private_bytes: bytes) -> Reply:
    """FollowupError for anything that is not a reply sealed to this key."""
    private = x25519.X25519PrivateKey.from_private_bytes(bytes(private_bytes))
    token = mailbox_token(private.public_key().public_bytes_raw())
    try:
        return _parse(unpad(SUITE.decrypt(bytes(sealed), private, info=_info(token))))
    except (InvalidTag, ValueError, KeyError, TypeError, PaddingError, CanonicalError):
        raise FollowupError("the reply does not open") from None


def _parse(plaintext: bytes) -> Reply:
    # Canonical JSON never ends in a space, so the fill comes off cleanly.
    body = canonical.decode(plaintext.rstrip(b" "))
    if not isinstance(body, dict) or set(body) != {"v", "kind", "text", "sent_day"}:
        raise FollowupError("a reply has exactly v, kind, text and sent_day")
    if body["v"] != REPLY_VERSION or isinstance(body["v"], bool):
        raise FollowupError("unsupported reply version")
    if not isinstance(body["text"], str) or not isinstance(body["sent_day"], str):
        raise FollowupError("a reply's text and day are strings")
    return Reply(ReplyKind(body["kind"]), body["text"], _day(body["sent_day"]))


def _day(text: str) -> dt.date:
    if len(text) != 10 or not text.isascii():  # YYYY-MM-DD only (§1), no other ISO forms
        raise FollowupError("a reply's day is YYYY-MM-DD")
    return dt.date.fromisoformat(text)
