"""Strict readers for the JSON values the protocol exchanges: one spelling per value.

Every reader takes the error class to raise, so a bundle field fails with
MalformedBundleError and a relay body with MessageError. Messages name the field,
never its value: the caller may log them.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, date, datetime
from typing import Any

from sync.protocol.errors import ProtocolError

# 2**53 - 1: the largest integer every JSON implementation reads exactly.
MAX_SAFE_INT = 9_007_199_254_740_991

_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

ErrorType = type[ProtocolError]


def exact_keys(value: Any, keys: frozenset[str], what: str, error: ErrorType) -> dict[str, Any]:
    """Return ``value`` if it is a JSON object with exactly ``keys``; unknown keys are refused."""
    if not isinstance(value, dict):
        raise error(f"{what} must be an object")
    if set(value) != keys:
        raise error(f"{what} must have exactly the keys {sorted(keys)}")
    return value


def as_int(value: Any, what: str, error: ErrorType, *, minimum: int = 0,
           maximum: int = MAX_SAFE_INT) -> int:
    """Return ``value`` if it is an int (not a bool) within [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise error(f"{what} must be an integer")
    if not minimum <= value <= maximum:
        raise error(f"{what} must be between {minimum} and {maximum}")
    return value


def as_str(value: Any, what: str, error: ErrorType, pattern: re.Pattern[str]) -> str:
    """Return ``value`` if it is a str that fully matches ``pattern``."""
    if not isinstance(value, str) or pattern.fullmatch(value) is None:
        raise error(f"{what} is not well formed")
    return value


def as_list(value: Any, what: str, error: ErrorType, *, max_items: int) -> list[Any]:
    """Return ``value`` if it is a JSON array of at most ``max_items`` elements."""
    if not isinstance(value, list):
        raise error(f"{what} must be an array")
    if len(value) > max_items:
        raise error(f"{what} has more than {max_items} elements")
    return value


def b64encode(data: bytes) -> str:
    """Standard base64 with padding (RFC 4648 section 4)."""
    return base64.b64encode(data).decode("ascii")


def b64decode(text: Any, what: str, error: ErrorType) -> bytes:
    """Decode standard padded base64, refusing any other spelling of the same bytes."""
    if not isinstance(text, str) or not text.isascii():
        raise error(f"{what} must be base64 text")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise error(f"{what} is not valid base64") from None
    # Non-zero trailing bits decode too; refusing them keeps one spelling per value.
    if b64encode(data) != text:
        raise error(f"{what} is not canonical base64")
    return data


def require_utc(moment: datetime, what: str) -> datetime:
    """Return ``moment`` in UTC; a naive datetime is a programming error, not a wire error."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")
    return moment.astimezone(UTC)


def format_utc(moment: datetime) -> str:
    """Format as ``YYYY-MM-DDTHH:MM:SSZ``; sub-second precision is dropped."""
    return require_utc(moment, "timestamp").strftime(_TIMESTAMP_FORMAT)


def truncate_utc(moment: datetime) -> datetime:
    """The datetime that ``format_utc`` spells, so signers and verifiers agree."""
    return require_utc(moment, "timestamp").replace(microsecond=0)


def parse_utc(text: Any, what: str, error: ErrorType) -> datetime:
    """Parse exactly ``YYYY-MM-DDTHH:MM:SSZ`` into an aware UTC datetime."""
    if not isinstance(text, str) or _TIMESTAMP.fullmatch(text) is None:
        raise error(f"{what} must look like YYYY-MM-DDTHH:MM:SSZ")
    try:
        return datetime.strptime(text, _TIMESTAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise error(f"{what} is not a valid timestamp") from None


def parse_day(text: Any, what: str, error: ErrorType) -> date:
    """Parse exactly ``YYYY-MM-DD``."""
    if not isinstance(text, str) or _DAY.fullmatch(text) is None:
        raise error(f"{what} must look like YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise error(f"{what} is not a valid date") from None
