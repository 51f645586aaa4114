"""Canonical JSON: one byte string for one value, so that what is sealed or signed is stable.

Rules: UTF-8, keys sorted, no insignificant white space, no floats (they do not
round-trip across languages), no NaN, only str keys. Anything else raises
:class:`CanonicalError` instead of being coerced.
"""

from __future__ import annotations

import json
import re
from typing import Any

from app.core.errors import CanonicalError

_MAX_DEPTH = 32
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def encode(value: Any) -> bytes:
    """Encode a JSON-compatible value (dict, list, str, int, bool, None) canonically."""
    _check(value, 0)
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def decode(data: bytes) -> Any:
    """Decode canonical bytes; rejects floats, duplicate keys and non-canonical spellings."""
    try:
        text = data.decode("utf-8")
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_float=_no_float,
                           parse_constant=_no_float)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CanonicalError(f"not canonical JSON: {type(exc).__name__}") from None
    if encode(value) != data:
        raise CanonicalError("bytes are JSON but not in canonical form")
    return value


def _check(value: Any, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise CanonicalError("value nested too deeply")
    if isinstance(value, str):
        if _LONE_SURROGATE.search(value):
            raise CanonicalError("text holds half of a character (a lone surrogate)")
        return
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        return
    if isinstance(value, float):
        raise CanonicalError("floats are not allowed in canonical JSON")
    if isinstance(value, (list, tuple)):
        for item in value:
            _check(item, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalError("object keys must be strings")
            _check(item, depth + 1)
        return
    raise CanonicalError(f"type {type(value).__name__} is not allowed in canonical JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError("duplicate key")
        result[key] = value
    return result


def _no_float(text: str) -> Any:
    raise ValueError("float")
