"""The trust root: which keys may publish bundles, and which keys may replace the root.

Inspired by TUF's root.json. The app ships and pins one root; everything it accepts
later is verified against it. The signed part::

    {"type": "root", "version": 1, "expires_at": "2027-01-01T00:00:00Z",
     "keys": {"<key id>": {"public": "<base64 raw Ed25519>"}},
     "roles": {"root": {"keys": ["<key id>"], "threshold": 1},
               "publisher": {"keys": ["<key id>"], "threshold": 1}}}

Rotation: root N+1 must be signed by a threshold of root N's root keys (the old trust
vouches for the new) AND by a threshold of its own root keys (the new keys are really
held). Version numbers never skip, so an attacker cannot jump a device over a root.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.protocol.codec import (
    as_int,
    as_list,
    as_str,
    b64decode,
    b64encode,
    exact_keys,
    format_utc,
    parse_utc,
    require_utc,
)
from sync.protocol.errors import RootError
from sync.protocol.signing import (
    KEY_ID,
    PUBLIC_KEY_BYTES,
    ROOT_CONTEXT,
    SignedFile,
    key_id,
    key_id_of_raw,
    parse_file,
    sign_file,
    valid_signers,
)

ROOT_TYPE = "root"
ROOT_ROLE = "root"
PUBLISHER_ROLE = "publisher"
MAX_ROOT_BYTES = 64 * 1024
MAX_KEYS = 16

_SIGNED_KEYS = frozenset({"type", "version", "expires_at", "keys", "roles"})
_ROLE_NAMES = frozenset({ROOT_ROLE, PUBLISHER_ROLE})
_ROLE_KEYS = frozenset({"keys", "threshold"})
_KEY_KEYS = frozenset({"public"})


@dataclass(frozen=True)
class Role:
    """The key ids that act for a role, and how many of them must sign."""

    key_ids: tuple[str, ...]
    threshold: int


@dataclass(frozen=True)
class Root:
    """A verified trust root. ``keys`` maps key id to the raw 32-byte Ed25519 public key."""

    version: int
    expires_at: datetime
    keys: Mapping[str, bytes]
    roles: Mapping[str, Role]
    raw: bytes = field(repr=False)

    def role_keys(self, role: str) -> dict[str, Ed25519PublicKey]:
        """Public keys of ``role`` ("root" or "publisher"), by key id."""
        return {kid: Ed25519PublicKey.from_public_bytes(self.keys[kid])
                for kid in self.roles[role].key_ids}

    def publisher_keys(self) -> dict[str, Ed25519PublicKey]:
        """The keys whose signatures make a bundle valid."""
        return self.role_keys(PUBLISHER_ROLE)

    def root_keys(self) -> dict[str, Ed25519PublicKey]:
        """The keys that sign the next root."""
        return self.role_keys(ROOT_ROLE)

    def is_expired(self, now: datetime) -> bool:
        """True once now >= expires_at; the caller decides how loudly to warn."""
        return require_utc(now, "now") >= self.expires_at


def make_root(*, version: int, expires_at: datetime,
              root_keys: Sequence[Ed25519PublicKey],
              publisher_keys: Sequence[Ed25519PublicKey],
              root_threshold: int = 1, publisher_threshold: int = 1) -> dict[str, Any]:
    """The ``signed`` part of a root, ready for sign_root()."""
    keys = {key_id(key): {"public": b64encode(key.public_bytes_raw())}
            for key in [*root_keys, *publisher_keys]}
    return {
        "type": ROOT_TYPE,
        "version": version,
        "expires_at": format_utc(expires_at),
        "keys": keys,
        "roles": {
            ROOT_ROLE: {"keys": [key_id(k) for k in root_keys], "threshold": root_threshold},
            PUBLISHER_ROLE: {"keys": [key_id(k) for k in publisher_keys],
                             "threshold": publisher_threshold},
        },
    }


def sign_root(signed: Mapping[str, Any], root_signing_keys: Sequence[Ed25519PrivateKey]) -> bytes:
    """Sign a root. For a rotation pass the old root keys and the new ones together."""
    _parse_signed(dict(signed), b"")
    return sign_file(signed, root_signing_keys, ROOT_CONTEXT)


def load_trusted_root(raw: bytes) -> Root:
    """Load the root the app pins: it must be signed by a threshold of its own root keys.

    Expiry is not checked here: a pinned root must keep verifying bundles offline.
    Check Root.is_expired() and try update_root() when the network allows.
    """
    file, root = _parse(raw)
    _require_threshold(file, root, "its own root keys")
    return root


def update_root(trusted: Root, new_raw: bytes, now: datetime) -> Root:
    """Rotate to root ``trusted.version + 1``; RootError unless it chains and is unexpired."""
    new_root = _rotate(trusted, new_raw)
    if new_root.is_expired(now):
        raise RootError("new root has expired")
    return new_root


def update_root_chain(trusted: Root, new_raws: Sequence[bytes], now: datetime) -> Root:
    """Rotate through several roots in order; only the last one must be unexpired.

    A phone that was offline for a long time may hold root N while the relay has N+3;
    N+1 and N+2 may have expired meanwhile and still be valid links (TUF 5.3).
    """
    current = trusted
    for new_raw in new_raws:
        current = _rotate(current, new_raw)
    if current.is_expired(now):
        raise RootError("newest root has expired")
    return current


def _rotate(trusted: Root, new_raw: bytes) -> Root:
    file, new_root = _parse(new_raw)
    _require_threshold(file, trusted, "the previous root's keys")
    _require_threshold(file, new_root, "its own root keys")
    if new_root.version != trusted.version + 1:
        raise RootError("new root version must be exactly one more than the trusted one")
    return new_root


def _require_threshold(file: SignedFile, signer_root: Root, whose: str) -> None:
    signers = valid_signers(file, signer_root.root_keys(), ROOT_CONTEXT)
    if len(signers) < signer_root.roles[ROOT_ROLE].threshold:
        raise RootError(f"root is not signed by a threshold of {whose}")


def _parse(raw: bytes) -> tuple[SignedFile, Root]:
    if not isinstance(raw, bytes) or len(raw) > MAX_ROOT_BYTES:
        raise RootError("root file is too large")
    file = parse_file(raw, RootError)
    return file, _parse_signed(file.signed, raw)


def _parse_signed(signed: dict[str, Any], raw: bytes) -> Root:
    exact_keys(signed, _SIGNED_KEYS, "root", RootError)
    if signed["type"] != ROOT_TYPE:
        raise RootError("not a root file")
    keys = _parse_keys(signed["keys"])
    roles = MappingProxyType({name: _parse_role(signed["roles"], name, keys)
                              for name in sorted(_ROLE_NAMES)})
    return Root(version=as_int(signed["version"], "root version", RootError, minimum=1),
                expires_at=parse_utc(signed["expires_at"], "root expires_at", RootError),
                keys=keys, roles=roles, raw=raw)


def _parse_keys(value: Any) -> Mapping[str, bytes]:
    if not isinstance(value, dict) or not 1 <= len(value) <= MAX_KEYS:
        raise RootError(f"root keys must be an object of 1 to {MAX_KEYS} keys")
    keys = {}
    for kid, entry in value.items():
        entry = exact_keys(entry, _KEY_KEYS, "root key", RootError)
        public = b64decode(entry["public"], "root key public", RootError)
        if len(public) != PUBLIC_KEY_BYTES:
            raise RootError("root key public must be 32 bytes")
        try:
            Ed25519PublicKey.from_public_bytes(public)
        except ValueError:
            raise RootError("root key public is not an Ed25519 key") from None
        # The id is derived, never chosen: a mismatch means a confused or forged file.
        if kid != key_id_of_raw(public):
            raise RootError("root key id does not match its public key")
        keys[kid] = public
    return MappingProxyType(keys)


def _parse_role(roles: Any, name: str, keys: Mapping[str, bytes]) -> Role:
    exact_keys(roles, _ROLE_NAMES, "root roles", RootError)
    role = exact_keys(roles[name], _ROLE_KEYS, f"root role {name}", RootError)
    key_ids = tuple(as_str(kid, f"{name} key id", RootError, KEY_ID)
                    for kid in as_list(role["keys"], f"{name} keys", RootError,
                                       max_items=MAX_KEYS))
    if not key_ids or len(set(key_ids)) != len(key_ids):
        raise RootError(f"{name} keys must be a non-empty list without repeats")
    if any(kid not in keys for kid in key_ids):
        raise RootError(f"{name} lists a key id that is not in keys")
    threshold = as_int(role["threshold"], f"{name} threshold", RootError,
                       minimum=1, maximum=len(key_ids))
    return Role(key_ids=key_ids, threshold=threshold)
