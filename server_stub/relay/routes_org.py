"""The organisation API (``Authorization: Bearer <token>``): fetch and acknowledge sealed
envelopes, publish signed bundles.

A token lets the console move ciphertext and upload bundles; it does not let anyone
read a report (no key here) or publish something the publisher key did not sign.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from server_stub.relay.api_models import (
    BUNDLE_KIND_PATTERN,
    BUNDLE_NAME_PATTERN,
    MAX_PAGE,
    AckIn,
    AckOut,
    BundleInfo,
    EnvelopePage,
    PendingEnvelopeOut,
    ReplyIn,
    ReplyStored,
    error_responses,
)
from server_stub.relay.bundles import publish_bundle
from server_stub.relay.errors import MailboxFullError, StaleBundleError, UnauthorizedError
from server_stub.relay.handlers import ApiError
from server_stub.relay.services import RelayServices
from server_stub.relay.storage import PendingEnvelope
from server_stub.relay.tokens import authenticate
from sync.protocol.codec import b64decode, b64encode
from sync.protocol.errors import (
    BundleError,
    BundleTooLargeError,
    ExpiredError,
    MessageError,
    RollbackError,
    SignatureError,
    UnknownKeyError,
    WrongBundleError,
)
from sync.protocol.followup import SEALED_REPLY_BYTES

# "<day as a proleptic Gregorian ordinal>.<last receipt id>": every string the pattern
# admits is a valid cursor (ordinals up to 999999 are dates before the year 2738).
CURSOR_PATTERN = r"^[1-9][0-9]{0,5}\.[A-Za-z0-9_-]{22}$"
_bearer = HTTPBearer(auto_error=False, description="organisation token")

_BUNDLE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "the signed bundle, byte for byte as the console signed it",
        "content": {"application/json": {"schema": {"type": "object"}}},
    },
}


async def raw_body(request: Request) -> bytes:
    """The request body as bytes (its size is capped by BodyLimitMiddleware)."""
    return await request.body()


def _bundle_error(exc: BundleError) -> ApiError:
    if isinstance(exc, BundleTooLargeError):
        return ApiError(413, "too_large", str(exc))
    if isinstance(exc, (SignatureError, UnknownKeyError)):
        return ApiError(403, "bad_signature", str(exc))
    if isinstance(exc, RollbackError):
        return ApiError(409, "bundle_not_newer", str(exc))
    if isinstance(exc, ExpiredError):
        return ApiError(400, "bundle_expired", str(exc))
    if isinstance(exc, WrongBundleError):
        return ApiError(400, "wrong_bundle", str(exc))
    return ApiError(400, "malformed_bundle", str(exc))


def _parse_cursor(cursor: str | None) -> tuple[date, str] | None:
    if cursor is None:
        return None
    ordinal, _, last_id = cursor.partition(".")
    return date.fromordinal(int(ordinal)), last_id


def _cursor(row: PendingEnvelope) -> str:
    return f"{row.received_day.toordinal()}.{row.id}"


def _page(rows: list[PendingEnvelope], limit: int) -> EnvelopePage:
    items = [PendingEnvelopeOut(id=r.id, received_day=r.received_day,
                                idempotency_key=r.idempotency_key,
                                envelope=b64encode(r.envelope)) for r in rows]
    last = rows[-1] if len(rows) == limit else None
    cursor = None if last is None else _cursor(last)
    return EnvelopePage(envelopes=items, next_cursor=cursor)


def router(services: RelayServices) -> APIRouter:
    """The organisation routes, bound to ``services``."""

    def require_org(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> str:
        token = credentials.credentials if credentials is not None else None
        try:
            return authenticate(services.storage, services.config.org_token_hashes, token)
        except UnauthorizedError as exc:
            raise ApiError(401, exc.code, str(exc), {"WWW-Authenticate": "Bearer"}) from None

    api = APIRouter(prefix="/v1/org", dependencies=[Depends(require_org)])

    @api.get("/envelopes", response_model=EnvelopePage,
             responses=error_responses(401, 422, 429))
    def list_envelopes(
        cursor: Annotated[str | None, Query(pattern=CURSOR_PATTERN)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    ) -> EnvelopePage:
        """Pending envelopes, oldest day first. Acknowledge them, then ask again."""
        rows = services.storage.pending_envelopes(after=_parse_cursor(cursor), limit=limit)
        return _page(rows, limit)

    @api.post("/envelopes/ack", response_model=AckOut,
              responses=error_responses(401, 400, 413, 422, 429))
    def acknowledge(body: AckIn) -> AckOut:
        """The organisation holds these envelopes now: the relay deletes the sealed bytes."""
        return AckOut(acknowledged=services.storage.acknowledge(body.ids))

    @api.put("/bundles/{kind}/{name}", response_model=BundleInfo, openapi_extra=_BUNDLE_BODY,
             responses=error_responses(400, 401, 403, 409, 413, 422, 429))
    def put_bundle(
        kind: Annotated[str, Path(pattern=BUNDLE_KIND_PATTERN, examples=["alerts"])],
        name: Annotated[str, Path(pattern=BUNDLE_NAME_PATTERN, examples=["gb-lon"])],
        raw: Annotated[bytes, Depends(raw_body)],
    ) -> BundleInfo:
        """Publish a signed bundle: verified against the pinned root, version must grow."""
        try:
            stored = publish_bundle(services, kind, name, raw)
        except BundleError as exc:
            raise _bundle_error(exc) from None
        except StaleBundleError as exc:
            raise ApiError(409, exc.code, str(exc)) from None
        return BundleInfo(kind=stored.kind, name=stored.name, version=stored.version,
                          etag=f'"{stored.etag}"')

    @api.post("/replies", response_model=ReplyStored, status_code=201,
              responses=error_responses(400, 401, 409, 413, 422, 429))
    def leave_reply(body: ReplyIn) -> ReplyStored:
        """Leave a reply, sealed to a reporter's reply key, in their mailbox."""
        try:
            sealed = b64decode(body.sealed, "sealed", MessageError)
        except MessageError as exc:
            raise ApiError(422, "malformed_reply", str(exc)) from None
        if len(sealed) != SEALED_REPLY_BYTES:
            # Every reply has one size (followup.py); another size is not a reply, and
            # letting sizes vary would let them say something about the words.
            raise ApiError(422, "malformed_reply", "a sealed reply has another size")
        day = datetime.fromtimestamp(services.clock(), UTC).date()
        try:
            return ReplyStored(id=services.storage.put_reply(body.token, sealed, day))
        except MailboxFullError as exc:
            raise ApiError(409, exc.code, str(exc)) from None

    return api
