"""Keeping the signed feeds fresh: alerts per followed region, the directory, the areas.

A bundle touches the cache only after its signature (against the pinned root), kind and
name, version (never older than the cached one) and expiry have been checked; the cache
write replaces the old copy in one transaction. An unchanged poll is a conditional GET
that costs a 304. When the relay answers with a patch (sync/protocol/delta.py), the
patch is applied to the cached bundle and the result verified as a whole; a patch that
does not give a bundle that verifies costs one more request, for the whole bundle. A
refused bundle leaves the cache exactly as it was and is reported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from sync.errors import AnswerTooLargeError, RelayUnreachableError, SyncError
from sync.ports import CachedFeed, FeedPort
from sync.protocol.bundle import read_verified_bundle, verify_bundle
from sync.protocol.delta import apply_patch
from sync.protocol.errors import (
    BundleError,
    BundleTooLargeError,
    ExpiredError,
    PatchError,
    RollbackError,
    SignatureError,
    UnknownKeyError,
)
from sync.protocol.root import Root
from sync.relay_api import BundleAnswer, RelayApi


class FeedOutcome(StrEnum):
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    NOT_PUBLISHED = "not_published"  # nothing published for this name yet
    REFUSED = "refused"  # the relay served something that failed verification
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class FeedResult:
    kind: str
    name: str
    outcome: FeedOutcome
    reason: str | None = None  # for REFUSED: a machine code the UI words for the user
    new_item_ids: tuple[str, ...] = field(default=())


class FeedSync:
    def __init__(self, cache: FeedPort, api: RelayApi, root: Root,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._cache = cache
        self._api = api
        self._root = root
        self._clock = clock or (lambda: datetime.now(UTC))

    def refresh(self, kind: str, name: str) -> FeedResult:
        cached = self._cache.get(kind, name)
        try:
            answer = self._api.bundle(kind, name, etag=cached.etag if cached else None,
                                      since=cached.version if cached else None)
            if not answer.patch:
                return self._accept(kind, name, cached, answer)
            result = self._accept(kind, name, cached, _applied(cached, answer))
            if result.outcome is not FeedOutcome.REFUSED:
                return result
            # A patch that gives no good bundle: the whole bundle decides, not the patch.
            return self._accept(kind, name, cached, self._api.bundle(kind, name))
        except RelayUnreachableError:
            return FeedResult(kind, name, FeedOutcome.UNREACHABLE)
        except AnswerTooLargeError:
            return FeedResult(kind, name, FeedOutcome.REFUSED, "too_large")
        except SyncError:
            return FeedResult(kind, name, FeedOutcome.REFUSED, "bad_answer")

    def _accept(self, kind: str, name: str, cached: CachedFeed | None,
                answer: BundleAnswer) -> FeedResult:
        now = self._clock()
        if answer.status == 404:
            return FeedResult(kind, name, FeedOutcome.NOT_PUBLISHED)
        if answer.status == 304 or answer.patch:
            if cached is None:
                return FeedResult(kind, name, FeedOutcome.REFUSED, "bad_answer")
            if answer.patch:
                return FeedResult(kind, name, FeedOutcome.REFUSED, "malformed")
            self._cache.confirm(kind, name, now)
            return FeedResult(kind, name, FeedOutcome.UNCHANGED)
        try:
            bundle = verify_bundle(answer.raw, self._root, kind=kind, name=name, now=now,
                                   at_least=cached.version if cached else None)
        except BundleError as exc:
            return FeedResult(kind, name, FeedOutcome.REFUSED, refusal_reason(exc))
        if cached is not None and bundle.version == cached.version:
            if bundle.raw != cached.raw:
                # Two different bundles signed with one version number: keep what we have.
                return FeedResult(kind, name, FeedOutcome.REFUSED, "conflicting_version")
            self._cache.confirm(kind, name, now)
            return FeedResult(kind, name, FeedOutcome.UNCHANGED)
        old_ids = _item_ids(cached.raw, self._root, kind, name) if cached else set()
        self._cache.put(kind, name, bundle.version, bundle.raw, etag=answer.etag, fetched_at=now)
        new_ids = tuple(str(i["id"]) for i in bundle.items
                        if "id" in i and str(i["id"]) not in old_ids)
        return FeedResult(kind, name, FeedOutcome.UPDATED, new_item_ids=new_ids)


def _applied(cached: CachedFeed | None, answer: BundleAnswer) -> BundleAnswer:
    """The whole bundle a patch gives (still to be verified), under the ETag the relay
    gives that bundle; the patch itself if it does not apply (refused as malformed)."""
    if cached is None:
        return answer
    try:
        raw = apply_patch(cached.raw, answer.raw)
    except PatchError:
        return answer
    return BundleAnswer(200, raw, f'"{hashlib.sha256(raw).hexdigest()}"')


def refusal_reason(exc: BundleError) -> str:
    if isinstance(exc, (SignatureError, UnknownKeyError)):
        return "bad_signature"
    if isinstance(exc, RollbackError):
        return "older_version"
    if isinstance(exc, ExpiredError):
        return "expired"
    if isinstance(exc, BundleTooLargeError):
        return "too_large"
    return "malformed"


def _item_ids(raw: bytes, root: Root, kind: str, name: str) -> set[str]:
    try:
        bundle = read_verified_bundle(raw, root, kind=kind, name=name)
    except BundleError:
        return set()
    return {str(item["id"]) for item in bundle.items if "id" in item}
