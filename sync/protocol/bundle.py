"""Signed bundles: the alerts of a region, the support directory, the area taxonomy.

The console signs, the relay stores and serves, the app verifies before anything
touches its cache. A bundle is a signed file (see signing.py) whose signed part is::

    {"kind": "alerts" | "directory" | "areas", "name": "<region or list name>",
     "version": <int, monotonic per kind and name>,
     "issued_at": "YYYY-MM-DDTHH:MM:SSZ", "expires_at": "YYYY-MM-DDTHH:MM:SSZ",
     "items": [{...}, ...]}

verify_bundle() checks, in this order, and raises at the first failure:

1. size <= max_bytes, before parsing anything   -> BundleTooLargeError
2. canonical JSON in the signed-file layout       -> MalformedBundleError
3. signatures by the root's publisher keys        -> UnknownKeyError / SignatureError
4. the signed part follows the schema             -> MalformedBundleError
5. kind and name are the ones asked for           -> WrongBundleError
6. version rules (at_least, newer_than)           -> RollbackError
7. issued_at not more than a day ahead of now     -> MalformedBundleError
8. now < expires_at                               -> ExpiredError

Signatures come before the schema so unauthenticated content meets as little code as
possible; kind and name come after them so a validly signed bundle for another region
cannot be swapped in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.protocol.codec import (
    as_int,
    as_list,
    as_str,
    exact_keys,
    format_utc,
    parse_utc,
    require_utc,
)
from sync.protocol.errors import (
    BundleTooLargeError,
    ExpiredError,
    MalformedBundleError,
    RollbackError,
    SignatureError,
    UnknownKeyError,
    WrongBundleError,
)
from sync.protocol.root import PUBLISHER_ROLE, Root
from sync.protocol.signing import BUNDLE_CONTEXT, SignedFile, parse_file, sign_file, valid_signers

KINDS = frozenset({"alerts", "directory", "areas"})
# Room for MAX_ITEMS alerts of about 800 bytes each (a 10,000-alert region measures
# about 400 bytes an alert signed; bench/relay.py), gzip makes the wire far smaller.
MAX_BUNDLE_BYTES = 8 * 1024 * 1024
MAX_ITEMS = 10_000
# Clocks on phones drift and time zones get set wrong; more than a day ahead is a bug
# or an attempt to outlive the next bundle.
MAX_CLOCK_SKEW = timedelta(days=1)

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_SIGNED_KEYS = frozenset({"kind", "name", "version", "issued_at", "expires_at", "items"})


@dataclass(frozen=True)
class Bundle:
    """A verified bundle. ``raw`` is what the cache stores; ``key_id`` is the first signer."""

    kind: str
    name: str
    version: int
    issued_at: datetime
    expires_at: datetime
    items: tuple[dict[str, Any], ...] = field(repr=False)
    raw: bytes = field(repr=False)
    key_id: str


def sign_bundle(kind: str, name: str, version: int, items: Sequence[dict[str, Any]], *,
                issued_at: datetime, expires_at: datetime, key: Ed25519PrivateKey) -> bytes:
    """Canonical bytes of a bundle signed by ``key``; MalformedBundleError on bad fields."""
    signed = {"kind": kind, "name": name, "version": version,
              "issued_at": format_utc(issued_at), "expires_at": format_utc(expires_at),
              "items": list(items)}
    _parse_signed(signed)
    return sign_file(signed, [key], BUNDLE_CONTEXT)


def verify_bundle(raw: bytes, root: Root, *, kind: str, name: str, now: datetime,
                  at_least: int | None = None, newer_than: int | None = None,
                  max_bytes: int = MAX_BUNDLE_BYTES) -> Bundle:
    """Verify ``raw`` against ``root``; return the Bundle or raise a BundleError.

    Version rules, both optional:
      at_least   -- the client cache: pass the cached version. Equal is accepted (a
                    re-fetch of the same release); strictly older raises RollbackError.
      newer_than -- the relay upload: pass the stored version. Only a strictly greater
                    version is accepted; equal or older raises RollbackError.
    """
    bundle = read_verified_bundle(raw, root, kind=kind, name=name, max_bytes=max_bytes)
    _check_version(bundle.version, at_least, newer_than)
    _check_time(bundle, require_utc(now, "now"))
    return bundle


def read_verified_bundle(raw: bytes, root: Root, *, kind: str, name: str,
                         max_bytes: int = MAX_BUNDLE_BYTES) -> Bundle:
    """Check size, shape, signature, kind and name, but neither version nor time.

    For reading back a cache that verify_bundle admitted: an expired copy must still be
    shown (flagged as out of date), never silently replaced by "nothing found".
    """
    if not isinstance(raw, bytes):
        raise MalformedBundleError("bundle must be bytes")
    if len(raw) > max_bytes:
        raise BundleTooLargeError(f"bundle is larger than {max_bytes} bytes")
    file = parse_file(raw, MalformedBundleError)
    signer = _check_signatures(file, root)
    bundle = replace(_parse_signed(file.signed), raw=raw, key_id=signer)
    if bundle.kind != kind or bundle.name != name:
        raise WrongBundleError("bundle is of another kind or name than asked for")
    return bundle


def _check_signatures(file: SignedFile, root: Root) -> str:
    publisher_keys = root.publisher_keys()
    if not any(signer in publisher_keys for signer, _ in file.signatures):
        raise UnknownKeyError("bundle is not signed by a publisher key of the trusted root")
    signers = valid_signers(file, publisher_keys, BUNDLE_CONTEXT)
    if len(signers) < root.roles[PUBLISHER_ROLE].threshold:
        raise SignatureError("bundle signature does not verify")
    return signers[0]


def _check_version(version: int, at_least: int | None, newer_than: int | None) -> None:
    if at_least is not None and version < at_least:
        raise RollbackError("bundle is older than the one already held")
    if newer_than is not None and version <= newer_than:
        raise RollbackError("bundle is not newer than the stored one")


def _check_time(bundle: Bundle, now: datetime) -> None:
    if bundle.issued_at > now + MAX_CLOCK_SKEW:
        raise MalformedBundleError("bundle is issued in the future")
    if now >= bundle.expires_at:
        raise ExpiredError("bundle has expired")


def _parse_signed(signed: dict[str, Any]) -> Bundle:
    error = MalformedBundleError
    exact_keys(signed, _SIGNED_KEYS, "bundle", error)
    if not isinstance(signed["kind"], str) or signed["kind"] not in KINDS:
        raise error("bundle kind is unknown")
    issued_at = parse_utc(signed["issued_at"], "bundle issued_at", error)
    expires_at = parse_utc(signed["expires_at"], "bundle expires_at", error)
    if expires_at <= issued_at:
        raise error("bundle expires before it is issued")
    items = as_list(signed["items"], "bundle items", error, max_items=MAX_ITEMS)
    if not all(isinstance(item, dict) for item in items):
        raise error("bundle items must be objects")
    return Bundle(kind=signed["kind"], name=as_str(signed["name"], "bundle name", error, NAME),
                  version=as_int(signed["version"], "bundle version", error, minimum=1),
                  issued_at=issued_at, expires_at=expires_at, items=tuple(items),
                  raw=b"", key_id="")
