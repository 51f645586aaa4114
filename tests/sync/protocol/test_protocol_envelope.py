"""Report envelopes: what is sealed opens only with the right key and idempotency key."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.protocol.envelope import (
    ENVELOPE_OVERHEAD,
    ENVELOPE_SIZES,
    MAX_ENVELOPE_BYTES,
    MAX_REPORT_BYTES,
    PROTOCOL_VERSION,
    PUBLIC_KEY_BYTES,
    SUITE,
    ReportPrivateKey,
    check_envelope_shape,
    check_idempotency_key,
    generate_report_keypair,
    hpke_info,
    load_private_key,
    load_public_key,
    new_idempotency_key,
    open_report,
    private_key_bytes,
    public_key_bytes,
    seal_report,
)
from sync.protocol.errors import EnvelopeError, PaddingError, ProtocolError
from sync.protocol.padding import pad

KEY = "AAECAwQFBgcICQoLDA0ODw"
OTHER_KEY = "8PHy8_T19vf4-fr7_P3-_w"
SECRET = b"SECRET-MARKER the client's name and what he did"
REPLY = bytes(range(32))


@pytest.fixture(scope="module")
def sealed(report_key: ReportPrivateKey) -> bytes:
    return seal_report(SECRET, report_key.public_key, KEY, reply_public_key=REPLY)


def test_round_trip_with_reply_key(report_key: ReportPrivateKey, sealed: bytes) -> None:
    # Given a report sealed with a reply key
    # When the console opens it with the same idempotency key
    opened = open_report(sealed, report_key, KEY)
    # Then it gets the report and the reply key back
    assert opened.report_bytes == SECRET
    assert opened.reply_public_key == REPLY


def test_round_trip_without_reply_key(report_key: ReportPrivateKey) -> None:
    # Given a report sealed without a reply key
    envelope = seal_report(b"r", report_key.public_key, KEY)
    # When opened
    opened = open_report(envelope, report_key, KEY)
    # Then there is no reply key
    assert opened.report_bytes == b"r"
    assert opened.reply_public_key is None


def test_sealing_is_randomised(report_key: ReportPrivateKey) -> None:
    # Given the same report sealed twice
    first = seal_report(SECRET, report_key.public_key, KEY)
    second = seal_report(SECRET, report_key.public_key, KEY)
    # Then the envelopes differ (fresh ephemeral key each time)
    assert first != second


def test_padding_hides_the_report_size(report_key: ReportPrivateKey) -> None:
    # Given a 10-byte and a 1500-byte report
    short = seal_report(b"s" * 10, report_key.public_key, KEY)
    long = seal_report(b"l" * 1500, report_key.public_key, KEY, reply_public_key=REPLY)
    # Then their envelopes are the same length: the smallest bucket plus overhead
    assert len(short) == len(long) == 2048 + ENVELOPE_OVERHEAD


@pytest.mark.parametrize(("size", "bucket"), [(2020, 4096), (9000, 16384),
                                               (MAX_REPORT_BYTES, 32768)])
def test_envelope_sizes_follow_the_buckets(report_key: ReportPrivateKey, size: int,
                                           bucket: int) -> None:
    # Given reports in bigger buckets, up to the largest allowed
    envelope = seal_report(b"x" * size, report_key.public_key, KEY, reply_public_key=REPLY)
    # Then the envelope has the bucket's size and opens
    assert len(envelope) == bucket + ENVELOPE_OVERHEAD
    assert open_report(envelope, report_key, KEY).report_bytes == b"x" * size


def test_max_envelope_size_is_well_under_64_kib() -> None:
    # Given the computed maximum
    # Then it is the largest bucket plus version byte, X-Wing enc and tag
    assert MAX_ENVELOPE_BYTES == 32768 + 1 + 1120 + 16 == max(ENVELOPE_SIZES)
    assert MAX_ENVELOPE_BYTES < 64 * 1024


def test_too_large_report_is_refused_before_sealing(report_key: ReportPrivateKey) -> None:
    # Given a report one byte over the limit (even without a reply key)
    # Then sealing refuses it with PaddingError
    with pytest.raises(PaddingError, match="report too large"):
        seal_report(b"x" * (MAX_REPORT_BYTES + 1), report_key.public_key, KEY)


def test_empty_report_and_bad_reply_key_are_refused(report_key: ReportPrivateKey) -> None:
    # Given an empty report, or a reply key that is not 32 bytes
    # Then sealing refuses
    with pytest.raises(EnvelopeError, match="empty"):
        seal_report(b"", report_key.public_key, KEY)
    with pytest.raises(EnvelopeError, match="reply"):
        seal_report(b"r", report_key.public_key, KEY, reply_public_key=bytes(31))


def test_every_sampled_bit_flip_is_detected(report_key: ReportPrivateKey, sealed: bytes) -> None:
    # Given ~200 positions: the first bytes, the enc/ciphertext boundary, the tag and a sample
    rng = random.Random(20250601)
    positions = {*range(16), *range(1110, 1130), *range(len(sealed) - 16, len(sealed))}
    positions |= set(rng.sample(range(len(sealed)), 200 - len(positions)))
    for position in sorted(positions):
        tampered = bytearray(sealed)
        tampered[position] ^= 1 << rng.randrange(8)
        # When one bit is flipped
        # Then the envelope does not open, and the message carries no plaintext
        with pytest.raises(EnvelopeError) as caught:
            open_report(bytes(tampered), report_key, KEY)
        assert b"SECRET" not in str(caught.value).encode()


@pytest.mark.parametrize("cut", [1, 16, 17, 1000, 1137, 2048, 3184])
def test_truncated_envelopes_do_not_open(report_key: ReportPrivateKey, sealed: bytes,
                                         cut: int) -> None:
    # Given an envelope with its last bytes cut off
    # Then it does not open
    with pytest.raises(EnvelopeError):
        open_report(sealed[:-cut], report_key, KEY)


def test_extended_or_resized_envelopes_do_not_open(report_key: ReportPrivateKey,
                                                   sealed: bytes) -> None:
    # Given an envelope with a byte appended, or grown to the next valid size
    # Then it does not open
    with pytest.raises(EnvelopeError):
        open_report(sealed + b"\x00", report_key, KEY)
    with pytest.raises(EnvelopeError):
        open_report(sealed + bytes(2048), report_key, KEY)


def test_wrong_private_key(other_report_key: ReportPrivateKey, sealed: bytes) -> None:
    # Given another organisation's key
    # Then the envelope does not open
    with pytest.raises(EnvelopeError, match="does not open"):
        open_report(sealed, other_report_key, KEY)


def test_wrong_idempotency_key(report_key: ReportPrivateKey, sealed: bytes) -> None:
    # Given the right key but the envelope replayed under another idempotency key
    # Then it does not open: the key is bound into the HPKE key schedule
    with pytest.raises(EnvelopeError, match="does not open"):
        open_report(sealed, report_key, OTHER_KEY)


def test_unknown_version_byte(report_key: ReportPrivateKey, sealed: bytes) -> None:
    # Given an envelope claiming version 2
    tampered = bytes([2]) + sealed[1:]
    # Then it is refused before decryption
    with pytest.raises(EnvelopeError, match="version"):
        open_report(tampered, report_key, KEY)


def _forge(report_key: ReportPrivateKey, plaintext: bytes) -> bytes:
    """Seal arbitrary plaintext the way a malicious sender with the public key could."""
    encrypted = SUITE.encrypt(plaintext, report_key.public_key.hpke_key, info=hpke_info(KEY))
    return bytes([PROTOCOL_VERSION]) + encrypted


@pytest.mark.parametrize("inner", [
    b"",                                  # no header
    b"\x02\x00report",                    # unknown inner format
    b"\x01\x05" + bytes(5) + b"report",   # reply key of 5 bytes
    b"\x01\x20" + bytes(32),              # reply key but no report
    b"\x01\x00",                          # header only
])
def test_authentic_but_malformed_framing_is_refused(report_key: ReportPrivateKey,
                                                    inner: bytes) -> None:
    # Given an envelope that decrypts but whose inner framing is wrong
    envelope = _forge(report_key, pad(inner))
    # Then opening it raises EnvelopeError
    with pytest.raises(EnvelopeError, match="framing"):
        open_report(envelope, report_key, KEY)


def test_authentic_but_badly_padded_is_refused(report_key: ReportPrivateKey) -> None:
    # Given an envelope that decrypts to a block with non-zero padding
    padded = bytearray(pad(b"\x01\x00report"))
    padded[-1] = 0xFF
    # Then opening it raises PaddingError (an EnvelopeError)
    with pytest.raises(PaddingError):
        open_report(_forge(report_key, bytes(padded)), report_key, KEY)


def test_nothing_secret_in_reprs(report_key: ReportPrivateKey, sealed: bytes) -> None:
    # Given an opened report and a private key
    opened = open_report(sealed, report_key, KEY)
    # Then their reprs show neither the plaintext nor the seed
    assert "SECRET" not in repr(opened)
    assert report_key.seed.hex() not in repr(report_key)
    assert repr(report_key.seed)[2:20] not in repr(report_key)


def test_key_serialization_round_trip() -> None:
    # Given a fresh key pair
    private, public = generate_report_keypair()
    # When both are serialized and loaded again
    loaded_private = load_private_key(private_key_bytes(private))
    loaded_public = load_public_key(public_key_bytes(public))
    # Then the sizes are the documented ones and the loaded keys work together
    assert len(private_key_bytes(private)) == 32
    assert len(public_key_bytes(public)) == PUBLIC_KEY_BYTES == 1216
    assert loaded_public == public == loaded_private.public_key
    envelope = seal_report(b"r", loaded_public, KEY)
    assert open_report(envelope, loaded_private, KEY).report_bytes == b"r"


def test_key_pairs_are_fresh() -> None:
    # Given two generated key pairs
    # Then their public keys differ
    assert generate_report_keypair()[1] != generate_report_keypair()[1]


@pytest.mark.parametrize("raw", [b"", bytes(31), bytes(33)])
def test_private_keys_must_be_32_bytes(raw: bytes) -> None:
    with pytest.raises(EnvelopeError):
        load_private_key(raw)


def test_public_keys_must_be_well_formed(report_key: ReportPrivateKey) -> None:
    # Given a key of the wrong length, or an ML-KEM part with coefficients out of range
    raw = report_key.public_key.raw
    # Then loading refuses it
    with pytest.raises(EnvelopeError):
        load_public_key(raw[:-1])
    with pytest.raises(EnvelopeError):
        load_public_key(b"\xff" * 1184 + raw[1184:])


def test_new_idempotency_keys_are_22_canonical_characters() -> None:
    # Given many generated keys
    keys = {new_idempotency_key() for _ in range(200)}
    # Then they are unique and pass the check
    assert len(keys) == 200
    for key in keys:
        assert len(key) == 22
        check_idempotency_key(key)


@pytest.mark.parametrize("key", [
    "", "AAECAwQFBgcICQoLDA0OD", "AAECAwQFBgcICQoLDA0ODwA", "AAECAwQFBgcICQoLDA0OD+",
    "AAECAwQFBgcICQoLDA0ODx",  # last character carries non-zero unused bits
    "AAECAwQFBgcICQoLDA0OD=", "AAECAwQFBgcICQoLDA0ODw\n", None, b"AAECAwQFBgcICQoLDA0ODw",
])
def test_malformed_idempotency_keys_are_refused(report_key: ReportPrivateKey, key: object) -> None:
    # Given a malformed idempotency key
    # Then neither the check nor sealing accept it
    with pytest.raises(EnvelopeError):
        check_idempotency_key(key)  # type: ignore[arg-type]
    with pytest.raises(EnvelopeError):
        seal_report(b"r", report_key.public_key, key)  # type: ignore[arg-type]


def test_hpke_info_layout() -> None:
    # Given the idempotency key
    info = hpke_info(KEY)
    # Then info = label || 0x00 || context label || version || key, 56 bytes
    assert info == b"brolly report v1\x00brolly-report-v1\x01" + KEY.encode()
    assert len(info) == 56


def test_check_envelope_shape_is_what_the_relay_can_check(sealed: bytes) -> None:
    # Given a valid envelope and one of a size no bucket produces
    check_envelope_shape(sealed)
    # Then only the valid one passes
    with pytest.raises(EnvelopeError):
        check_envelope_shape(sealed[:-1])
    with pytest.raises(EnvelopeError):
        check_envelope_shape(bytearray(sealed))  # type: ignore[arg-type]


_valid_sized = st.sampled_from(sorted(ENVELOPE_SIZES)).flatmap(
    lambda size: st.binary(min_size=size - 1, max_size=size - 1).map(lambda b: b"\x01" + b))


@given(st.one_of(st.binary(max_size=4000), _valid_sized))
@settings(max_examples=80, database=None, deadline=None)
def test_random_bytes_only_raise_envelope_errors(report_key: ReportPrivateKey,
                                                 data: bytes) -> None:
    # Given arbitrary bytes, some of a valid size with a valid version byte
    # When opened
    # Then the only possible outcome is an EnvelopeError
    with pytest.raises(ProtocolError) as caught:
        open_report(data, report_key, KEY)
    assert isinstance(caught.value, EnvelopeError)
