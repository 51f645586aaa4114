"""The trust file the app pins: the organisation's signed root and its report public key.

Canonical JSON (app.core.canonical), exactly these keys::

    {"format": 1,
     "report_public_key": "<base64 of the 1216-byte X-Wing public key>",
     "root": "<base64 of the signed root file, byte for byte>"}

The root decides which keys may sign bundles; the report public key is what reports
are sealed to. The root is carried as the exact bytes the organisation signed, so the
app can hand the same bytes to anything that checks them again.

The root schema has no slot for the report key, so this file is not signed as a whole:
it is trusted because it ships inside the app, like the root itself. Rotating the report
key therefore needs an app update (or, later, a signed bundle that carries it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core import canonical
from app.core.errors import CanonicalError
from sync.protocol.codec import b64decode, b64encode, exact_keys
from sync.protocol.envelope import ReportPublicKey, load_public_key, public_key_bytes
from sync.protocol.errors import EnvelopeError, ProtocolError, RootError
from sync.protocol.root import MAX_ROOT_BYTES, Root, load_trusted_root

TRUST_FORMAT = 1
# A root file base64-encoded, a 1216-byte key base64-encoded, and the JSON around them.
MAX_TRUST_BYTES = 2 * MAX_ROOT_BYTES

_KEYS = frozenset({"format", "root", "report_public_key"})


class TrustError(ProtocolError):
    """A trust file that is not canonical, not this format, or whose root or key is invalid."""


@dataclass(frozen=True)
class Trust:
    """A loaded trust file: a self-consistent root and the key reports are sealed to."""

    root: Root
    report_public_key: ReportPublicKey
    raw: bytes = field(repr=False)


def make_trust(root_raw: bytes, report_public_key: ReportPublicKey) -> bytes:
    """Canonical bytes of a trust file; TrustError if the root does not load on its own."""
    document = {"format": TRUST_FORMAT, "root": b64encode(root_raw),
                "report_public_key": b64encode(public_key_bytes(report_public_key))}
    raw = canonical.encode(document)
    load_trust(raw)  # never write what the app would refuse
    return raw


def load_trust(raw: bytes) -> Trust:
    """Parse and check a trust file; TrustError at the first problem.

    The root must be signed by a threshold of its own root keys (load_trusted_root);
    its expiry is not checked, for the same reason as there: a phone must keep
    verifying bundles while offline.
    """
    document = _document(raw)
    root_raw = b64decode(document["root"], "trust root", TrustError)
    key_raw = b64decode(document["report_public_key"], "trust report_public_key", TrustError)
    try:
        root = load_trusted_root(root_raw)
    except RootError as exc:
        raise TrustError(f"trust root does not load: {exc}") from None
    try:
        report_key = load_public_key(key_raw)
    except EnvelopeError:
        raise TrustError("trust report_public_key is not a report public key") from None
    return Trust(root=root, report_public_key=report_key, raw=raw)


def _document(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, bytes) or len(raw) > MAX_TRUST_BYTES:
        raise TrustError(f"trust file must be bytes, at most {MAX_TRUST_BYTES}")
    try:
        document = canonical.decode(raw)
    except CanonicalError:
        raise TrustError("trust file is not canonical JSON") from None
    document = exact_keys(document, _KEYS, "trust file", TrustError)
    if isinstance(document["format"], bool) or document["format"] != TRUST_FORMAT:
        raise TrustError("trust file format is not supported")
    return document
