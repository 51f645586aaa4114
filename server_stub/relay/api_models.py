"""The JSON shapes of the relay API, as pydantic models: they validate requests and they
are what /openapi.json publishes, so the published schema is the enforced one.

Models are strict (no "1" for 1) and refuse unknown keys. The protocol's own checks
(``sync.protocol``) run after these in the routes, for what a schema cannot say
(canonical base64, envelope sizes).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sync.protocol import pow as protocol_pow
from sync.protocol.bundle import KINDS, NAME
from sync.protocol.envelope import MAX_ENVELOPE_BYTES, PROTOCOL_VERSION

# 16 bytes in 22 base64url characters: the last one carries 2 bits and 4 zero bits, so
# only A, Q, g and w can end a canonical key.
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_-]{21}[AQgw]$"
RECEIPT_ID_PATTERN = r"^[A-Za-z0-9_-]{22}$"
NONCE_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
CHALLENGE_PATTERN = r"^[\x21-\x7e]{1,512}$"
BASE64_PATTERN = r"^[A-Za-z0-9+/]*={0,2}$"
BUNDLE_NAME_PATTERN = f"^{NAME.pattern}$"
BUNDLE_KIND_PATTERN = "^(" + "|".join(sorted(KINDS)) + ")$"
MAX_ENVELOPE_BASE64 = 4 * ((MAX_ENVELOPE_BYTES + 2) // 3)
MAX_ACK_IDS = 1000
MAX_PAGE = 200


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class ErrorBody(_Strict):
    """Every error: a stable machine code and a sentence that never quotes the input."""

    error: str = Field(examples=["proof_used"])
    detail: str = Field(examples=["this proof of work has already been used"])


class Health(_Strict):
    """The relay answers."""

    status: Literal["ok"]


class PowChallengeOut(_Strict):
    """A proof-of-work challenge: find a nonce so SHA-256(challenge ':' nonce) starts with
    ``difficulty`` zero bits, and send both before ``expires_at``."""

    challenge: str = Field(pattern=CHALLENGE_PATTERN)
    difficulty: int = Field(ge=0, le=protocol_pow.MAX_DIFFICULTY_BITS)
    expires_at: str = Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
                            examples=["2025-01-01T12:00:00Z"])


class PowProof(_Strict):
    """A solved challenge, exactly as issued, and the nonce that solves it."""

    challenge: str = Field(pattern=CHALLENGE_PATTERN, max_length=protocol_pow.MAX_CHALLENGE_CHARS)
    nonce: str = Field(pattern=NONCE_PATTERN, max_length=protocol_pow.MAX_NONCE_CHARS)


class ReportSubmissionIn(_Strict):
    """One sealed report. ``envelope`` is standard base64 of the sealed bytes."""

    v: int = Field(ge=PROTOCOL_VERSION, le=PROTOCOL_VERSION,
                   description=f"protocol version, {PROTOCOL_VERSION}")
    idempotency_key: str = Field(pattern=IDEMPOTENCY_KEY_PATTERN,
                                 description="22 base64url characters (16 random bytes)")
    envelope: str = Field(pattern=BASE64_PATTERN, min_length=4, max_length=MAX_ENVELOPE_BASE64)
    pow: PowProof


class ReceiptOut(_Strict):
    """Proof that the relay holds the report. A retry gets the same receipt back."""

    id: str = Field(pattern=RECEIPT_ID_PATTERN)
    received_day: date


class PendingEnvelopeOut(_Strict):
    """A sealed envelope for the organisation to open; the sealing is bound to the
    idempotency key (HPKE info), so the console needs both."""

    id: str = Field(pattern=RECEIPT_ID_PATTERN)
    received_day: date
    idempotency_key: str = Field(pattern=IDEMPOTENCY_KEY_PATTERN)
    envelope: str = Field(description="standard base64 of the sealed bytes")


class EnvelopePage(_Strict):
    """Up to ``limit`` pending envelopes; pass ``next_cursor`` back as ``cursor`` for more."""

    envelopes: list[PendingEnvelopeOut]
    next_cursor: str | None


class AckIn(_Strict):
    """Receipt ids of envelopes the organisation has safely stored."""

    ids: Annotated[list[Annotated[str, Field(pattern=RECEIPT_ID_PATTERN)]],
                   Field(min_length=1, max_length=MAX_ACK_IDS)]


class AckOut(_Strict):
    """How many of the ids were pending and are now deleted."""

    acknowledged: int = Field(ge=0)


class BundleInfo(_Strict):
    """The bundle the relay now serves for this kind and name."""

    kind: str
    name: str
    version: int = Field(ge=1)
    etag: str


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for error statuses, all with ErrorBody."""
    return {status: {"model": ErrorBody, "description": _DESCRIPTIONS[status]}
            for status in statuses}


_DESCRIPTIONS = {
    400: "Malformed request",
    401: "Missing or invalid organisation token",
    403: "Refused (proof of work, or bundle signature)",
    404: "Not found",
    409: "Conflict with what the relay holds",
    413: "Body too large",
    422: "Request does not match the schema",
    429: "Rate limited; see Retry-After",
}


MAILBOX_PATTERN = r"^[A-Za-z0-9_-]{43}$"
MAX_SEALED_REPLY_BASE64 = 12 * 1024  # a reply is 8240 bytes sealed (followup.py)


class ReplyIn(_Strict):
    """A reply sealed to a reporter's reply key, left in their mailbox."""

    token: str = Field(pattern=MAILBOX_PATTERN, description="the mailbox token")
    sealed: str = Field(pattern=BASE64_PATTERN, min_length=4, max_length=MAX_SEALED_REPLY_BASE64)


class ReplyStored(_Strict):
    id: str = Field(pattern=RECEIPT_ID_PATTERN)


class ReplyOut(_Strict):
    id: str = Field(pattern=RECEIPT_ID_PATTERN)
    sealed: str = Field(description="standard base64 of the sealed reply")
    day: date


class Mailbox(_Strict):
    """The replies waiting in a mailbox; an unknown mailbox is an empty one."""

    replies: list[ReplyOut]
