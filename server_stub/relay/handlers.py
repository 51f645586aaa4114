"""Exception handlers: every error leaves as ``{"error": code, "detail": sentence}``.

Nothing a client sent is echoed back or logged: validation errors name the field and
what is wrong with it, never the value (nor an unknown key's name).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

DEFAULT_CODES: Mapping[int, str] = {
    400: "malformed_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal",
}
_MAX_REPORTED_ERRORS = 3
_LOCATION_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,40}")


class ApiError(HTTPException):
    """An HTTP error with a machine-readable code."""

    def __init__(self, status_code: int, code: str, detail: str,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status_code=status_code, detail=detail, headers=dict(headers or {}))
        self.code = code


def error_json(status: int, code: str, detail: str,
               headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The one error response shape."""
    return JSONResponse({"error": code, "detail": detail}, status_code=status,
                        headers=dict(headers or {}))


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)  # noqa: S101 - registered for this type only
    code = getattr(exc, "code", None) or DEFAULT_CODES.get(exc.status_code, "error")
    detail = exc.detail if isinstance(exc, ApiError) else _generic_detail(exc)
    return error_json(exc.status_code, code, detail, exc.headers)


def _generic_detail(exc: HTTPException) -> str:
    # Starlette's own details (Not Found, Method Not Allowed, body too large) are fixed
    # strings; anything else is replaced so that no library message reaches a client.
    if exc.status_code in (404, 405, 413) and isinstance(exc.detail, str):
        return exc.detail
    return DEFAULT_CODES.get(exc.status_code, "error").replace("_", " ")


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for this type only
    errors = list(exc.errors())
    if any(error.get("type") == "json_invalid" for error in errors):
        return error_json(400, "malformed_json", "the body is not valid JSON")
    described = "; ".join(_describe(error) for error in errors[:_MAX_REPORTED_ERRORS])
    if len(errors) > _MAX_REPORTED_ERRORS:
        described += f"; and {len(errors) - _MAX_REPORTED_ERRORS} more"
    return error_json(422, "invalid_request", described or "the request is not valid")


def _describe(error: Mapping[str, Any]) -> str:
    location = list(error.get("loc", ()))
    if error.get("type") == "extra_forbidden":
        # The last part is the unknown key itself: a client-chosen string.
        return f"{_location(location[:-1])}: unknown field"
    message = str(error.get("msg", "invalid"))
    return f"{_location(location)}: {message}"


def _location(parts: list[Any]) -> str:
    shown = []
    for part in parts:
        if isinstance(part, int) or (isinstance(part, str) and _LOCATION_PART.fullmatch(part)):
            shown.append(str(part))
        else:
            shown.append("?")
    return ".".join(shown) or "request"


def install_handlers(app: FastAPI) -> None:
    """Register the JSON error handlers on ``app``."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
