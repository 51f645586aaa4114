"""The anonymous API: health, proof-of-work challenges, report submission, bundle download.

Handlers are plain ``def``: FastAPI runs them in its thread pool, where blocking
database calls belong. Errors from the layers below are mapped to statuses here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response

from server_stub.relay.api_models import (
    BUNDLE_KIND_PATTERN,
    BUNDLE_NAME_PATTERN,
    MAILBOX_PATTERN,
    Health,
    Mailbox,
    PowChallengeOut,
    ReceiptOut,
    ReplyOut,
    ReportSubmissionIn,
    error_responses,
)
from server_stub.relay.bundles import (
    GzipCache,
    PatchCache,
    accepts_gzip,
    entity_tags,
    none_match,
)
from server_stub.relay.errors import ChallengeError, IdempotencyConflictError
from server_stub.relay.handlers import ApiError
from server_stub.relay.reports import submit_report
from server_stub.relay.services import RelayServices
from server_stub.relay.storage import StoredBundle
from sync.protocol.codec import MAX_SAFE_INT, b64encode
from sync.protocol.delta import MEDIA_TYPE as PATCH_MEDIA_TYPE
from sync.protocol.errors import MessageError
from sync.protocol.messages import PowChallenge, ReportSubmission
from sync.protocol.messages import Receipt as WireReceipt

BUNDLE_CACHE_CONTROL = "no-cache"

_BUNDLE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The latest signed bundle, byte for byte as the organisation signed it",
        "content": {"application/json": {"schema": {"type": "object"}},
                    PATCH_MEDIA_TYPE: {"schema": {"type": "object"}}},
        "headers": {"ETag": {"description": "strong entity tag", "schema": {"type": "string"}}},
    },
    304: {"description": "Not modified: If-None-Match matched, or `since` is not older"},
    **error_responses(404, 422, 429),
}

_RECEIPT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": ReceiptOut, "description": "A retry: the receipt the first attempt got"},
    **error_responses(400, 403, 409, 413, 422, 429),
}


def router(services: RelayServices) -> APIRouter:
    """The public routes, bound to ``services``."""
    api = APIRouter()
    gzip_cache = GzipCache()
    patches = PatchCache(services.storage)

    @api.get("/v1/health", response_model=Health, responses=error_responses(429))
    def health() -> Health:
        """The relay is up."""
        return Health(status="ok")

    @api.get("/v1/replies/{token}", response_model=Mailbox, responses=error_responses(422, 429))
    def mailbox(token: Annotated[str, Path(pattern=MAILBOX_PATTERN)]) -> Mailbox:
        """The sealed replies in a mailbox. An unknown mailbox answers like an empty one."""
        return Mailbox(replies=[ReplyOut(id=i, sealed=b64encode(sealed), day=day)
                                for i, sealed, day in services.storage.replies(token)])

    @api.get("/v1/pow", response_model=PowChallengeOut, responses=error_responses(429))
    def pow_challenge() -> PowChallengeOut:
        """A fresh proof-of-work challenge; one solved challenge pays for one report."""
        issued = services.issuer.issue()
        wire = PowChallenge(issued.challenge, issued.difficulty,
                            datetime.fromtimestamp(issued.expires_at, UTC))
        return PowChallengeOut.model_validate(wire.to_json())

    @api.post("/v1/reports", status_code=201, response_model=ReceiptOut,
              responses=_RECEIPT_RESPONSES)
    def post_report(body: ReportSubmissionIn, response: Response) -> ReceiptOut:
        """Submit one sealed report (201), or retry one (200, same receipt)."""
        try:
            submission = ReportSubmission.from_json(body.model_dump(mode="json"))
        except MessageError as exc:
            raise ApiError(422, "invalid_request", str(exc)) from None
        try:
            receipt, created = submit_report(services, submission)
        except ChallengeError as exc:
            raise ApiError(403, exc.code, str(exc)) from None
        except IdempotencyConflictError as exc:
            raise ApiError(409, exc.code, str(exc)) from None
        if not created:
            response.status_code = 200
        return ReceiptOut.model_validate(
            WireReceipt(receipt.id, receipt.received_day).to_json(), strict=False)

    @api.get("/v1/bundles/{kind}/{name}", response_class=Response, responses=_BUNDLE_RESPONSES)
    def get_bundle(
        kind: Annotated[str, Path(pattern=BUNDLE_KIND_PATTERN, examples=["alerts"])],
        name: Annotated[str, Path(pattern=BUNDLE_NAME_PATTERN, examples=["gb-lon"])],
        since: Annotated[int | None, Query(ge=0, le=MAX_SAFE_INT,
                                           description="version the client holds")] = None,
        if_none_match: Annotated[str | None, Header(max_length=1024)] = None,
        accept_encoding: Annotated[str | None, Header(max_length=1024)] = None,
    ) -> Response:
        """The latest signed bundle of this kind and name, or with `since`, the patch from
        that version to the latest when the relay still holds it and it is much smaller."""
        bundle = services.storage.get_bundle(kind, name)
        if bundle is None:
            raise ApiError(404, "not_found", "no bundle of this kind and name")
        identity_tag, gzip_tag = entity_tags(bundle)
        use_gzip = accepts_gzip(accept_encoding)
        headers = {"ETag": gzip_tag if use_gzip else identity_tag,
                   "Cache-Control": BUNDLE_CACHE_CONTROL, "Vary": "Accept-Encoding"}
        unchanged = since is not None and since >= bundle.version
        if unchanged or none_match(if_none_match, (identity_tag, gzip_tag)):
            return Response(status_code=304, headers=headers)
        patch = patches.patch(bundle, since) if since is not None else None
        if patch is not None:
            return _patch_body(patch, since, headers, use_gzip)
        return _bundle_body(bundle, headers, gzip_cache if use_gzip else None)

    return api


def _patch_body(patch: tuple[bytes, bytes], since: int | None, headers: dict[str, str],
                use_gzip: bool) -> Response:
    plain, compressed = patch
    # Its own tag: the patch is another representation than the bundle (RFC 9110 8.8.3).
    tag = headers["ETag"][:-1] + f'-from-{since}"'
    if not use_gzip:
        return Response(plain, media_type=PATCH_MEDIA_TYPE, headers={**headers, "ETag": tag})
    return Response(compressed, media_type=PATCH_MEDIA_TYPE,
                    headers={**headers, "ETag": tag, "Content-Encoding": "gzip"})


def _bundle_body(bundle: StoredBundle, headers: dict[str, str],
                 gzip_cache: GzipCache | None) -> Response:
    if gzip_cache is None:
        return Response(bundle.raw, media_type="application/json", headers=headers)
    return Response(gzip_cache.compressed(bundle), media_type="application/json",
                    headers={**headers, "Content-Encoding": "gzip"})
