"""Organisation API tokens: random bearer secrets, stored only as SHA-256 digests.

A token is shown once, when it is made. The relay keeps its SHA-256: the tokens are
256 random bits, so a plain hash is enough (there is nothing to brute-force), and a
copy of the database does not let anyone call the organisation API.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from typing import NewType

from server_stub.relay.errors import UnauthorizedError
from server_stub.relay.storage import Storage

OrgToken = NewType("OrgToken", str)

_TOKEN_BYTES = 32
_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
_LABEL_PATTERN = re.compile(r"[\w .@-]{1,200}")


def hash_token(token: str) -> str:
    """Lowercase SHA-256 hex digest of a token, as stored and as configured."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> OrgToken:
    """A fresh token: 32 random bytes, base64url without padding (43 characters)."""
    return OrgToken(secrets.token_urlsafe(_TOKEN_BYTES))


def add_org_token(storage: Storage, label: str) -> OrgToken:
    """Create a token for ``label``, store its hash and return it (show it once)."""
    if not _LABEL_PATTERN.fullmatch(label):
        raise ValueError("a label is 1-200 letters, digits, spaces or . @ _ -")
    token = new_token()
    storage.add_token_hash(hash_token(token), label)
    return token


def revoke_org_tokens(storage: Storage, label: str) -> int:
    """Revoke every token with ``label``; return how many there were."""
    return storage.remove_tokens(label)


def authenticate(storage: Storage, configured: Iterable[str], token: str | None) -> str:
    """Return the label of a valid token, or raise UnauthorizedError.

    Tokens named in the configuration (as hashes) are accepted besides those in the
    database; their label is "configured".
    """
    if token is None or not _TOKEN_PATTERN.fullmatch(token):
        raise UnauthorizedError("a valid organisation token is required")
    digest = hash_token(token)
    # Constant-time comparison for the configured list; the database lookup is by
    # digest, and a digest's timing reveals nothing useful about the token.
    matched = False
    for candidate in configured:
        matched |= hmac.compare_digest(candidate, digest)
    if matched:
        return "configured"
    label = storage.token_label(digest)
    if label is None:
        raise UnauthorizedError("a valid organisation token is required")
    return label
