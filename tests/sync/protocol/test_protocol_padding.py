"""Padding to fixed buckets: lengths leak only the bucket, unpad accepts one encoding."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.protocol.errors import PaddingError
from sync.protocol.padding import BUCKETS, MAX_PAYLOAD_BYTES, bucket_for, pad, unpad


@pytest.mark.parametrize(("length", "bucket"), [
    (0, 2048), (1, 2048), (2044, 2048), (2045, 4096), (4092, 4096), (4093, 8192),
    (8188, 8192), (16380, 16384), (16381, 32768), (MAX_PAYLOAD_BYTES, 32768),
])
def test_data_goes_to_the_smallest_bucket_that_fits(length: int, bucket: int) -> None:
    # Given data of a length on either side of a bucket boundary
    data = b"\x07" * length
    # When padded
    padded = pad(data)
    # Then the result is exactly the smallest bucket holding 4 length bytes plus the data
    assert len(padded) == bucket == bucket_for(length)
    assert padded[:4] == length.to_bytes(4, "big")
    assert padded[4:4 + length] == data
    assert not any(padded[4 + length:])
    assert unpad(padded) == data


def test_too_large_data_is_refused() -> None:
    # Given one byte more than the biggest bucket holds
    # When padded
    # Then it is refused with the documented message
    with pytest.raises(PaddingError, match="report too large"):
        pad(bytes(MAX_PAYLOAD_BYTES + 1))


@given(st.binary(max_size=9000))
@settings(max_examples=60, database=None, deadline=None)
def test_round_trip_for_any_data(data: bytes) -> None:
    # Given any data up to a few buckets
    # When padded and unpadded
    # Then it comes back and the length is a bucket
    padded = pad(data)
    assert len(padded) in BUCKETS
    assert unpad(padded) == data


@pytest.mark.parametrize("length", [0, 1, 2047, 2049, 3000, 32769, 65536])
def test_unpad_refuses_lengths_that_are_not_buckets(length: int) -> None:
    # Given bytes whose length is not a bucket size
    # Then unpad refuses them
    with pytest.raises(PaddingError):
        unpad(bytes(length))


def test_unpad_refuses_a_length_prefix_beyond_the_bucket() -> None:
    # Given a 2 KiB bucket claiming to hold 2045 bytes
    padded = (2045).to_bytes(4, "big") + bytes(2044)
    # Then it is refused
    with pytest.raises(PaddingError, match="exceeds"):
        unpad(padded)


def test_unpad_refuses_data_not_in_the_smallest_bucket() -> None:
    # Given 10 bytes stretched to 4 KiB (pad would have used 2 KiB)
    padded = (10).to_bytes(4, "big") + b"x" * 10 + bytes(4096 - 14)
    # Then it is refused: one plaintext, one padded form
    with pytest.raises(PaddingError, match="smallest"):
        unpad(padded)


@pytest.mark.parametrize("position", [14, 100, 2047])
def test_unpad_refuses_non_zero_padding(position: int) -> None:
    # Given a valid padded block with one padding byte set
    padded = bytearray(pad(b"x" * 10))
    padded[position] = 1
    # Then it is refused
    with pytest.raises(PaddingError, match="not zero"):
        unpad(bytes(padded))
