"""Publishing and serving signed bundles.

The relay cannot sign, so it can only pass on what the organisation signed. An upload
is verified against the pinned trust root exactly as a phone would verify it (same
``verify_bundle``), plus: the version must be strictly greater than the one held. So a
stolen organisation token cannot publish forged alerts, nor roll a region back to an
old bundle, nor freeze it on an expired one.

Only the latest bundle per (kind, name) is kept. ``since`` on a download is answered
with "not modified" when the client already has that version or newer, and with the
whole latest bundle otherwise: deltas are whole bundles (alerts bundles are small, and
a whole bundle is the only thing the client can verify on its own).

Serving: a strong ETag per representation (``"<sha256>"`` for the bytes as signed,
``"<sha256>-gzip"`` for the gzip coding, RFC 9110 8.8.3), If-None-Match with either,
and gzip when the client accepts it (compressed once per bundle, cached).
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict

from server_stub.relay.services import RelayServices
from server_stub.relay.storage import StoredBundle
from sync.protocol.bundle import verify_bundle

_GZIP_CACHE_ENTRIES = 32


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


class GzipCache:
    """gzip bytes of recently served bundles, by ETag (which changes with the bytes)."""

    def __init__(self, entries: int = _GZIP_CACHE_ENTRIES) -> None:
        self._entries = entries
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, bytes] = OrderedDict()

    def compressed(self, bundle: StoredBundle) -> bytes:
        """The gzip coding of ``bundle.raw``; deterministic (no timestamp, no file name)."""
        with self._lock:
            if bundle.etag in self._cache:
                self._cache.move_to_end(bundle.etag)
                return self._cache[bundle.etag]
        data = gzip.compress(bundle.raw, compresslevel=9, mtime=0)
        with self._lock:
            self._cache[bundle.etag] = data
            while len(self._cache) > self._entries:
                self._cache.popitem(last=False)
        return data
