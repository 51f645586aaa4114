"""Plain ASGI middleware wrapped around every request, outermost first:

1. :class:`SecurityHeadersMiddleware` adds the security headers to every response
   (errors included) and strips any Server or Set-Cookie header.
2. :class:`ContainErrorsMiddleware` turns an unhandled exception into a bare JSON 500
   and logs only its type and frames (never the message, which can quote input). It
   also keeps the exception from reaching uvicorn, which would log the full text.
3. :class:`RateLimitMiddleware` refuses with 429 and Retry-After before any work.
4. :class:`BodyLimitMiddleware` refuses a body over the route's limit with 413: at once
   if Content-Length says so, otherwise as soon as the streamed bytes pass the limit,
   in both cases before anything parses the body.
"""

from __future__ import annotations

import json

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server_stub.relay.logs import describe_exception, get_logger
from server_stub.relay.ratelimit import RateLimiter

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
_DROPPED_HEADERS = frozenset({b"server", b"set-cookie"})


async def send_error(send: Send, status: int, code: str, detail: str,
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """Send a complete JSON error response ``{"error": code, "detail": detail}``."""
    body = json.dumps({"error": code, "detail": detail}).encode("utf-8")
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode("ascii")), *(headers or [])],
    })
    await send({"type": "http.response.body", "body": body})


class SecurityHeadersMiddleware:
    """Adds security headers; Cache-Control no-store unless the route chose a policy."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in _DROPPED_HEADERS]
                if not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                headers.extend(SECURITY_HEADERS)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ContainErrorsMiddleware:
    """Last line of defence: a JSON 500 that says nothing, and a log line that says little."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            get_logger().error("unhandled error %s",
                               describe_exception((type(exc), exc, exc.__traceback__)))
            if not started:
                await send_error(send, 500, "internal", "the relay could not handle this")


def rate_limit_group(method: str, path: str) -> str:
    """Which limit a request counts against."""
    if path.startswith("/v1/reports"):
        return "reports" if method == "POST" else "other"
    if path.startswith("/v1/pow"):
        return "pow"
    if path.startswith("/v1/bundles/"):
        return "bundles"
    if path.startswith("/v1/org/"):
        return "org"
    return "other"


class RateLimitMiddleware:
    """429 with Retry-After once a pseudonymous client exceeds its group's limit."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter,
                 address_header: str | None = None) -> None:
        self.app = app
        self.limiter = limiter
        self.address_header = address_header.lower() if address_header else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        group = rate_limit_group(scope["method"], scope["path"])
        wait = self.limiter.check(group, self._address(scope))
        if wait is None:
            await self.app(scope, receive, send)
            return
        await send_error(send, 429, "rate_limited", "too many requests, try again later",
                         [(b"retry-after", str(wait).encode("ascii"))])

    def _address(self, scope: Scope) -> str:
        if self.address_header is not None:
            value = Headers(scope=scope).get(self.address_header)
            if value:
                return value.split(",")[0].strip()
        client = scope.get("client")
        return str(client[0]) if client else "unknown"


class BodyTooLargeError(HTTPException):
    """Raised from ``receive`` when the streamed body passes the limit.

    An HTTPException, so that FastAPI's body reader lets it through unchanged and the
    handler answers 413 in the usual JSON shape.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"request body is larger than {limit} bytes")


class BodyLimitMiddleware:
    """Per-route body limits: reports, bundle uploads, everything else."""

    def __init__(self, app: ASGIApp, *, report_bytes: int, bundle_bytes: int,
                 other_bytes: int) -> None:
        self.app = app
        self.report_bytes = report_bytes
        self.bundle_bytes = bundle_bytes
        self.other_bytes = other_bytes

    def limit_for(self, method: str, path: str) -> int:
        """The largest body accepted for this request."""
        if method == "POST" and path == "/v1/reports":
            return self.report_bytes
        if method == "PUT" and path.startswith("/v1/org/bundles/"):
            return self.bundle_bytes
        return self.other_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["method"], scope["path"])
        too_large = f"request body is larger than {limit} bytes"
        # The HTTP server has already refused a Content-Length that is not a number.
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await send_error(send, 413, "too_large", too_large)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLargeError:
            # FastAPI answers this itself; this is for a body read outside its handling.
            if started:
                raise
            await send_error(send, 413, "too_large", too_large)
