"""Pad sealed reports to a few fixed sizes, so that their length says little about them.

A network observer, or whoever holds the relay, sees how long each envelope is. A
report of a robbery with a long description and a two-line report must look alike,
so every plaintext is stretched to the smallest of five buckets:

    +--------------------+-------------+--------------------------+
    | length (4 bytes BE) | data        | zero bytes up to bucket  |
    +--------------------+-------------+--------------------------+

Buckets are 2, 4, 8, 16 and 32 KiB. ``unpad`` is strict: the length must be one of
the buckets, the smallest one that fits, and every padding byte must be zero. Sealed
envelopes are authenticated before unpadding, so strictness costs nothing and leaves a
single valid encoding for each plaintext.
"""

from __future__ import annotations

from sync.protocol.errors import PaddingError

KIB = 1024
BUCKETS: tuple[int, ...] = (2 * KIB, 4 * KIB, 8 * KIB, 16 * KIB, 32 * KIB)
LENGTH_PREFIX_BYTES = 4
MAX_PAYLOAD_BYTES = BUCKETS[-1] - LENGTH_PREFIX_BYTES


def bucket_for(length: int) -> int:
    """The size of the padded form of ``length`` data bytes; PaddingError if none fits."""
    needed = LENGTH_PREFIX_BYTES + length
    for bucket in BUCKETS:
        if needed <= bucket:
            return bucket
    raise PaddingError("report too large")


def pad(data: bytes) -> bytes:
    """Prefix ``data`` with its length and fill with zero bytes to the smallest bucket."""
    bucket = bucket_for(len(data))
    prefix = len(data).to_bytes(LENGTH_PREFIX_BYTES, "big")
    return prefix + bytes(data) + bytes(bucket - LENGTH_PREFIX_BYTES - len(data))


def unpad(padded: bytes) -> bytes:
    """Return the data inside ``padded``; PaddingError unless it is exactly what pad() makes."""
    if len(padded) not in BUCKETS:
        raise PaddingError("padded length is not a bucket size")
    length = int.from_bytes(padded[:LENGTH_PREFIX_BYTES], "big")
    if length > len(padded) - LENGTH_PREFIX_BYTES:
        raise PaddingError("length prefix exceeds the bucket")
    if bucket_for(length) != len(padded):
        raise PaddingError("data was not padded to the smallest bucket")
    end = LENGTH_PREFIX_BYTES + length
    if any(padded[end:]):
        raise PaddingError("padding bytes are not zero")
    return bytes(padded[LENGTH_PREFIX_BYTES:end])
