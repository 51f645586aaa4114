"""Strict readers for JSON values: one spelling per value, errors of the caller's class."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from sync.protocol import codec
from sync.protocol.errors import MessageError

_WORD = re.compile(r"[a-z]+")


def test_exact_keys_accepts_exactly_the_keys() -> None:
    # Given an object with exactly the expected keys
    value = {"a": 1, "b": 2}
    # When it is checked
    # Then it comes back unchanged
    assert codec.exact_keys(value, frozenset({"a", "b"}), "thing", MessageError) is value


@pytest.mark.parametrize("value", [{"a": 1}, {"a": 1, "b": 2, "c": 3}, [], "ab", None])
def test_exact_keys_refuses_missing_extra_or_non_objects(value: object) -> None:
    # Given something that is not an object with exactly keys a and b
    # When it is checked
    # Then the caller's error class is raised
    with pytest.raises(MessageError, match="thing"):
        codec.exact_keys(value, frozenset({"a", "b"}), "thing", MessageError)


@pytest.mark.parametrize("value", [True, False, 1.0, "1", None, -1, codec.MAX_SAFE_INT + 1])
def test_as_int_refuses_bools_floats_strings_and_out_of_range(value: object) -> None:
    # Given a value that is not an int in range (bool is an int subclass in Python)
    # Then it is refused
    with pytest.raises(MessageError):
        codec.as_int(value, "n", MessageError)


def test_as_int_accepts_bounds() -> None:
    # Given ints on the bounds
    # Then they are accepted
    assert codec.as_int(0, "n", MessageError) == 0
    assert codec.as_int(codec.MAX_SAFE_INT, "n", MessageError) == codec.MAX_SAFE_INT
    with pytest.raises(MessageError):
        codec.as_int(5, "n", MessageError, minimum=1, maximum=4)


def test_as_str_requires_a_full_match() -> None:
    # Given a pattern of lower-case words
    # Then partial matches and non-strings are refused
    assert codec.as_str("abc", "w", MessageError, _WORD) == "abc"
    for value in ("abc1", "", 5, None):
        with pytest.raises(MessageError):
            codec.as_str(value, "w", MessageError, _WORD)


def test_as_list_bounds_the_number_of_elements() -> None:
    # Given a list longer than allowed
    # Then it is refused before anything looks at its elements
    assert codec.as_list([1, 2], "l", MessageError, max_items=2) == [1, 2]
    with pytest.raises(MessageError):
        codec.as_list([1, 2, 3], "l", MessageError, max_items=2)
    with pytest.raises(MessageError):
        codec.as_list((1,), "l", MessageError, max_items=2)


def test_base64_round_trip() -> None:
    # Given bytes of every value
    data = bytes(range(256))
    # When encoded and decoded
    # Then they come back
    assert codec.b64decode(codec.b64encode(data), "d", MessageError) == data


@pytest.mark.parametrize("text", [
    "AQ",        # missing padding
    "AR==",      # non-zero trailing bits: decodes to 0x01 but is not how 0x01 is spelled
    "AQ==\n",    # trailing white space
    "A Q==",     # inner white space
    "AQ-_",      # base64url alphabet
    "é",         # not ASCII
    5,
])
def test_base64_refuses_non_canonical_spellings(text: object) -> None:
    # Given a spelling other than standard padded canonical base64
    # Then it is refused
    with pytest.raises(MessageError):
        codec.b64decode(text, "d", MessageError)


def test_timestamps_round_trip_in_utc() -> None:
    # Given an aware datetime in another zone with microseconds
    moment = datetime(2025, 3, 1, 13, 30, 15, 999, tzinfo=timezone(timedelta(hours=2)))
    # When formatted
    text = codec.format_utc(moment)
    # Then it is UTC, whole seconds, and parses back to the truncated value
    assert text == "2025-03-01T11:30:15Z"
    assert codec.parse_utc(text, "t", MessageError) == codec.truncate_utc(moment)
    assert codec.parse_utc(text, "t", MessageError).tzinfo == UTC


@pytest.mark.parametrize("text", [
    "2025-03-01T11:30:15+00:00", "2025-03-01 11:30:15Z", "2025-03-01T11:30:15.0Z",
    "2025-03-01T11:30:15z", "2025-02-30T00:00:00Z", "2025-03-01T24:00:00Z",
    "２025-03-01T11:30:15Z", "2025-03-01T11:30:15Z\n", 20250301, None,
])
def test_parse_utc_accepts_only_one_spelling(text: object) -> None:
    # Given any other spelling or an impossible date
    # Then it is refused
    with pytest.raises(MessageError):
        codec.parse_utc(text, "t", MessageError)


def test_naive_datetimes_are_a_programming_error() -> None:
    # Given a naive datetime
    # Then formatting it raises ValueError (not a wire error)
    with pytest.raises(ValueError, match="timezone-aware"):
        codec.format_utc(datetime(2025, 1, 1))


def test_parse_day() -> None:
    # Given a day
    # Then only YYYY-MM-DD of a real date is accepted
    assert codec.parse_day("2024-02-29", "d", MessageError) == date(2024, 2, 29)
    for text in ("2023-02-29", "2024-2-29", "20240229", "2024-02-29T00:00:00Z", None):
        with pytest.raises(MessageError):
            codec.parse_day(text, "d", MessageError)
