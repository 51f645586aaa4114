"""Keeping the signed feeds fresh: alerts per followed region, the directory, the areas.

A bundle touches the cache only after its signature (against the pinned root), kind and
name, version (never older than the cached one) and expiry have been checked; the cache
write replaces the old copy in one transaction. An unchanged poll is a conditional GET
that costs a 304. A refused bundle leaves the cache exactly as it was and is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from sync.errors import AnswerTooLargeError, RelayUnreachableError, SyncError
from sync.ports import FeedPort
from sync.protocol.bundle import read_verified_bundle, verify_bundle
from sync.protocol.errors import (
    BundleError,
    BundleTooLargeError,
    ExpiredError,
    RollbackError,
    SignatureError,
    UnknownKeyError,
)
from sync.protocol.root import Root
from sync.relay_api import RelayApi


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
        except RelayUnreachableError:
            return FeedResult(kind, name, FeedOutcome.UNREACHABLE)
        except AnswerTooLargeError:
            return FeedResult(kind, name, FeedOutcome.REFUSED, "too_large")
        except SyncError:
            return FeedResult(kind, name, FeedOutcome.REFUSED, "bad_answer")
        now = self._clock()
        if answer.status == 404:
            return FeedResult(kind, name, FeedOutcome.NOT_PUBLISHED)
        if answer.status == 304:
            if cached is None:
                return FeedResult(kind, name, FeedOutcome.REFUSED, "bad_answer")
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
