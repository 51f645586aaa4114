"""Publishing and serving signed bundles.

The relay cannot sign, so it can only pass on what the organisation signed. An upload
is verified against the pinned trust root exactly as a phone would verify it (same
``verify_bundle``), plus: the version must be strictly greater than the one held. So a
stolen organisation token cannot publish forged alerts, nor roll a region back to an
old bundle, nor freeze it on an expired one.

The latest bundle per (kind, name) is served, and the last few versions are kept
(storage.BUNDLE_HISTORY). ``since`` on a download is answered with "not modified" when
the client already has that version or newer; with a patch (sync/protocol/delta.py)
when the client's version is still in the history and the patch is at most half the
bundle; and with the whole latest bundle otherwise. A patch needs no trust in the
relay: applied to the client's copy it gives back the signed bytes, which the client
verifies as a whole.

Serving: a strong ETag per representation (``"<sha256>"`` for the bytes as signed,
``"<sha256>-gzip"`` for the gzip coding, RFC 9110 8.8.3), If-None-Match with either,
and gzip when the client accepts it (compressed once per bundle, cached).
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from server_stub.relay.services import RelayServices
from server_stub.relay.storage import Storage, StoredBundle
from sync.protocol.bundle import verify_bundle
from sync.protocol.delta import make_patch

_CACHE_ENTRIES = 32
T = TypeVar("T")


def publish_bundle(services: RelayServices, kind: str, name: str, raw: bytes) -> StoredBundle:
    """Verify and store a newer bundle; raises BundleError or StaleBundleError."""
    held = services.storage.bundle_version(kind, name)
    bundle = verify_bundle(raw, services.root, kind=kind, name=name, now=services.now(),
                           newer_than=held, max_bytes=services.config.max_bundle_bytes)
    # put_bundle repeats the version test inside its transaction (a racing upload).
    return services.storage.put_bundle(kind, name, bundle.version, raw)


def entity_tags(bundle: StoredBundle) -> tuple[str, str]:
    """(identity ETag, gzip ETag), quoted."""
    return f'"{bundle.etag}"', f'"{bundle.etag}-gzip"'


def none_match(header: str | None, tags: tuple[str, ...]) -> bool:
    """True if If-None-Match lists one of ``tags`` or is ``*`` (weak comparison)."""
    if header is None:
        return False
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*":
            return True
        if candidate.startswith("W/"):
            candidate = candidate[2:]
        if candidate in tags:
            return True
    return False


def accepts_gzip(header: str | None) -> bool:
    """True if Accept-Encoding allows gzip (explicitly, or via ``*``) with q > 0."""
    if not header:
        return False
    weights: dict[str, float] = {}
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        weights[coding.strip().lower()] = _quality(params)
    if "gzip" in weights:
        return weights["gzip"] > 0
    return weights.get("*", 0.0) > 0


def _quality(params: str) -> float:
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


class Memo(Generic[T]):
    """The last few values computed from immutable inputs (an ETag names the bytes)."""

    def __init__(self, entries: int = _CACHE_ENTRIES) -> None:
        self._entries = entries
        self._lock = threading.Lock()
        self._values: OrderedDict[Hashable, T] = OrderedDict()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self._entries:
                self._values.popitem(last=False)
        return value


def compress(data: bytes) -> bytes:
    """Deterministic gzip (no timestamp, no file name), so the gzip ETag is stable."""
    return gzip.compress(data, compresslevel=9, mtime=0)


class GzipCache:
    """gzip bytes of recently served bundles, by ETag (which changes with the bytes)."""

    def __init__(self) -> None:
        self._memo: Memo[bytes] = Memo()

    def compressed(self, bundle: StoredBundle) -> bytes:
        return self._memo.get(bundle.etag, lambda: compress(bundle.raw))


class PatchCache:
    """Patches from the versions in the history to the latest, plain and gzip."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._memo: Memo[tuple[bytes, bytes] | None] = Memo()

    def patch(self, bundle: StoredBundle, since: int) -> tuple[bytes, bytes] | None:
        """(patch, its gzip) from version ``since`` to ``bundle``, None if there is none."""
        return self._memo.get((bundle.etag, since), lambda: self._make(bundle, since))

    def _make(self, bundle: StoredBundle, since: int) -> tuple[bytes, bytes] | None:
        held = self._storage.bundle_at(bundle.kind, bundle.name, since)
        patch = None if held is None else make_patch(held, bundle.raw)
        # A patch that saves less than half is not worth a second way to fail.
        if patch is None or len(patch) > len(bundle.raw) // 2:
            return None
        return patch, compress(patch)
