"""The relay's public API as the phone uses it: challenges, submissions, bundles.

Every failure to get an answer is a RelayUnreachableError; an answer is returned as what
it is (status and parsed body), and the outbox state table decides what it means.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from sync.errors import AnswerTooLargeError, RelayAnswerError, RelayUnreachableError
from sync.protocol.bundle import MAX_BUNDLE_BYTES
from sync.protocol.codec import b64decode
from sync.protocol.delta import MEDIA_TYPE as PATCH_MEDIA_TYPE
from sync.protocol.errors import MessageError
from sync.protocol.messages import PowChallenge, Receipt, ReportSubmission

_MAX_ERROR_CODE = 64


@dataclass(frozen=True)
class SubmitOutcome:
    status: int
    receipt: Receipt | None = None
    error_code: str | None = None  # the relay's machine code, e.g. "too_large"
    retry_after: float | None = None


@dataclass(frozen=True)
class _Answer:
    status_code: int
    headers: httpx.Headers
    content: bytes

    def json(self) -> Any:
        return json.loads(self.content)


@dataclass(frozen=True)
class BundleAnswer:
    status: int  # 200, 304 or 404
    raw: bytes = b""
    etag: str | None = None
    patch: bool = False  # raw is a patch to the version sent as ``since`` (delta.py)


class RelayApi:
    def __init__(self, http: httpx.Client) -> None:
        self._http = http

    def health(self) -> bool:
        response = self._request("GET", "/v1/health")
        return response.status_code == 200

    def challenge(self) -> PowChallenge:
        response = self._request("GET", "/v1/pow")
        if response.status_code != 200:
            raise RelayAnswerError(f"challenge request answered {response.status_code}")
        try:
            return PowChallenge.from_json(response.json())
        except (ValueError, MessageError):
            raise RelayAnswerError("challenge is not in the protocol's shape") from None

    def submit(self, submission: ReportSubmission) -> SubmitOutcome:
        response = self._request("POST", "/v1/reports", json=submission.to_json())
        status = response.status_code
        if status in (200, 201):
            try:
                return SubmitOutcome(status, receipt=Receipt.from_json(response.json()))
            except (ValueError, MessageError):
                raise RelayAnswerError("receipt is not in the protocol's shape") from None
        return SubmitOutcome(status, error_code=_error_code(response),
                             retry_after=_retry_after(response))

    def bundle(self, kind: str, name: str, *, etag: str | None = None,
               since: int | None = None) -> BundleAnswer:
        # The version says all the ETag would (versions only grow), in fewer bytes.
        headers = {"If-None-Match": etag} if etag and since is None else {}
        params = {"since": str(since)} if since is not None else {}
        response = self._request("GET", f"/v1/bundles/{kind}/{name}", headers=headers,
                                 params=params, limit=MAX_BUNDLE_BYTES)
        if response.status_code in (304, 404):
            return BundleAnswer(response.status_code)
        if response.status_code != 200:
            raise RelayAnswerError(f"bundle request answered {response.status_code}")
        media_type = response.headers.get("Content-Type", "").partition(";")[0].strip()
        return BundleAnswer(200, response.content, response.headers.get("ETag"),
                            patch=media_type == PATCH_MEDIA_TYPE)

    def replies(self, token: str) -> list[tuple[str, bytes, str]]:
        """The sealed replies in a mailbox, as (id, sealed, day); an empty mailbox and an
        unknown one look the same."""
        response = self._request("GET", f"/v1/replies/{token}", limit=1024 * 1024)
        if response.status_code != 200:
            raise RelayAnswerError(f"replies request answered {response.status_code}")
        try:
            items = response.json()["replies"]
            return [(str(i["id"]), b64decode(i["sealed"], "sealed", MessageError),
                     str(i["day"])) for i in items]
        except (ValueError, KeyError, TypeError, MessageError):
            raise RelayAnswerError("replies are not in the protocol's shape") from None

    def _request(self, method: str, path: str, *, limit: int = 64 * 1024,
                 **kwargs: Any) -> _Answer:
        """Send and read the (decompressed) body, refusing more than ``limit`` bytes."""
        try:
            with self._http.stream(method, path, **kwargs) as response:
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise AnswerTooLargeError("the answer is larger than the protocol allows")
                return _Answer(response.status_code, response.headers, bytes(body))
        except httpx.HTTPError as exc:
            raise RelayUnreachableError(type(exc).__name__) from None


def _error_code(response: _Answer) -> str | None:
    try:
        code = response.json().get("error")
    except (ValueError, AttributeError):
        return None
    if isinstance(code, str) and code.isascii() and len(code) <= _MAX_ERROR_CODE:
        return code
    return None


def _retry_after(response: _Answer) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None
