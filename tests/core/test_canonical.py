"""Canonical JSON: one byte string per value, and nothing else accepted."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.canonical import decode, encode
from app.core.errors import CanonicalError

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=20,
)


def test_encode_sorts_keys_and_drops_whitespace() -> None:
    # Given a dict written in an arbitrary key order
    value = {"b": [1, 2], "a": {"z": None, "y": True}, "é": "ü"}
    # When it is encoded
    data = encode(value)
    # Then keys are sorted, there is no whitespace and non-ASCII stays UTF-8
    assert data == '{"a":{"y":true,"z":null},"b":[1,2],"é":"ü"}'.encode()


def test_tuples_encode_as_lists() -> None:
    assert encode({"t": (1, "x")}) == b'{"t":[1,"x"]}'


@pytest.mark.parametrize("value", [1.0, {"x": 0.5}, [math.nan], math.inf, {"x": {1, 2}}, b"x"])
def test_encode_rejects_values_that_do_not_round_trip(value: object) -> None:
    # Given a float, NaN, a set or bytes anywhere in the value
    # When / Then it is refused rather than coerced
    with pytest.raises(CanonicalError):
        encode(value)


def test_encode_rejects_non_string_keys() -> None:
    with pytest.raises(CanonicalError):
        encode({1: "a"})


def test_encode_rejects_deep_nesting() -> None:
    # Given a value nested far deeper than any report
    value: list[object] = []
    for _ in range(100):
        value = [value]
    # When / Then
    with pytest.raises(CanonicalError):
        encode(value)


@pytest.mark.parametrize(
    "data",
    [
        b'{"a":1.0}',  # float
        b'{"a":1e3}',  # exponent is a float too
        b'{"a":NaN}',
        b'{"a":Infinity}',
        b'{"a":1,"a":2}',  # duplicate key
        b'{"a": 1}',  # whitespace
        b'{"b":1,"a":2}',  # unsorted keys
        b'{"a":1}\n',  # trailing newline
        b'{"a":"\\u00e9"}',  # escaped where canonical is literal UTF-8
        b'{"a":-0}',  # -0 is spelt 0
        b"\xff",  # not UTF-8
        b"",
        b"{",
    ],
)
def test_decode_rejects_non_canonical_bytes(data: bytes) -> None:
    # Given bytes that are not exactly the canonical spelling of a value
    # When / Then decoding refuses them
    with pytest.raises(CanonicalError):
        decode(data)


@given(json_values)
def test_round_trip_is_exact(value: object) -> None:
    # Given any JSON value without floats
    # When it is encoded and decoded
    data = encode(value)
    # Then the value comes back and re-encodes to the same bytes
    assert decode(data) == value
    assert encode(decode(data)) == data


@given(st.binary(max_size=40))
def test_decode_only_raises_canonical_error(data: bytes) -> None:
    # Given arbitrary bytes, decoding either works or raises CanonicalError
    try:
        value = decode(data)
    except CanonicalError:
        return
    assert encode(value) == data


def test_lone_surrogates_are_refused_as_canonical_errors() -> None:
    import pytest

    from app.core import canonical
    from app.core.errors import CanonicalError

    with pytest.raises(CanonicalError):
        canonical.encode({"text": "\udc00"})
