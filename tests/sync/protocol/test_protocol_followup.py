"""Receipt codes, reply keys, mailbox tokens and sealed replies (docs/PROTOCOL.md)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import x25519
from hypothesis import given
from hypothesis import strategies as st

from sync.protocol.followup import (
    ALPHABET,
    MAX_REPLY_CHARS,
    SEALED_REPLY_BYTES,
    SUITE,
    FollowupError,
    Reply,
    ReplyKind,
    format_receipt_code,
    mailbox_token,
    new_receipt_code,
    normalise_receipt_code,
    open_reply,
    reply_keys,
    reply_plaintext,
    seal_reply,
)
from sync.protocol.padding import pad

PROTOCOL_MD = Path(__file__).resolve().parents[3] / "docs" / "PROTOCOL.md"

# The vector in docs/PROTOCOL.md
CODE = "0123-4567-89AB-CDEF"
SEED = "87529660c4a0e74621afd451fcc0f6eae6512d3438dc665ee75931c180a14b04"
PUBLIC = "098a5cb6e763a3206843239798098279c4633d7aa720d0cfa92d8f3a1bb8561d"
MAILBOX = "gLoA7GoLNwfetWtZn0nCslAMFY4M-vEAfM-cwv9mR84"
REPLY = Reply(ReplyKind.ALERT_PUBLISHED, "Your warning is out. Thank you. Ça va?",
              dt.date(2026, 11, 22))


def test_the_documented_vector() -> None:
    keys = reply_keys(CODE)
    assert keys.private_bytes.hex() == SEED
    assert keys.public_bytes.hex() == PUBLIC
    assert keys.token == MAILBOX
    digest = hashlib.sha256(b"brolly mailbox v1" + bytes.fromhex(PUBLIC)).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == MAILBOX


def test_a_new_code_is_sixteen_characters_in_four_groups() -> None:
    codes = {new_receipt_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert set("".join(groups)) <= set(ALPHABET)


def test_a_code_is_read_however_it_was_typed() -> None:
    for typed in ("0123456789abcdef", " 0123 4567 89ab cdef ", "O123-4567-89AB-CDEF",
                  "0l23-4567-89AB-CDEF", "0I23456789ABCDEF"):
        assert format_receipt_code(typed) == CODE
        assert reply_keys(typed).token == MAILBOX


@pytest.mark.parametrize("typed", ["", "0123-4567-89AB", "0123-4567-89AB-CDEFG",
                                   "0123-4567-89AB-CDEU", "0123-4567-89AB-CDE!"])
def test_what_cannot_be_a_code_is_refused(typed: str) -> None:
    with pytest.raises(FollowupError):
        normalise_receipt_code(typed)


def test_a_reply_opens_only_with_its_own_key() -> None:
    keys, other = reply_keys(CODE), reply_keys(new_receipt_code())
    sealed = seal_reply(REPLY, keys.public_bytes)
    assert open_reply(sealed, keys.private_bytes) == REPLY
    with pytest.raises(FollowupError):
        open_reply(sealed, other.private_bytes)


def test_a_tampered_reply_does_not_open() -> None:
    keys = reply_keys(CODE)
    sealed = bytearray(seal_reply(REPLY, keys.public_bytes))
    for index in (0, 40, len(sealed) - 1):
        changed = bytearray(sealed)
        changed[index] ^= 1
        with pytest.raises(FollowupError):
            open_reply(bytes(changed), keys.private_bytes)


def test_every_reply_has_the_same_size_so_its_length_says_nothing() -> None:
    public = reply_keys(CODE).public_bytes
    short = seal_reply(Reply(ReplyKind.OTHER, "Hi", dt.date(2026, 1, 1)), public)
    long = seal_reply(Reply(ReplyKind.OTHER, "x" * MAX_REPLY_CHARS, dt.date(2026, 1, 1)), public)
    assert len(short) == len(long)


def test_replies_are_one_to_two_thousand_characters() -> None:
    for text in ("", "   ", "x" * (MAX_REPLY_CHARS + 1)):
        with pytest.raises(FollowupError):
            Reply(ReplyKind.QUESTION, text, dt.date(2026, 1, 1))


@given(st.text(min_size=1, max_size=300).filter(lambda t: t.strip()),
       st.sampled_from(list(ReplyKind)))
def test_any_text_survives_the_round_trip(text: str, kind: ReplyKind) -> None:
    keys = _KEYS
    reply = Reply(kind, text, dt.date(2026, 11, 22))
    assert open_reply(seal_reply(reply, keys.public_bytes), keys.private_bytes) == reply


def test_the_token_is_a_hash_of_the_public_key_only() -> None:
    assert mailbox_token(bytes.fromhex(PUBLIC)) == MAILBOX


def test_protocol_md_holds_the_vector_these_tests_use() -> None:
    # Given section 13 of docs/PROTOCOL.md
    section = PROTOCOL_MD.read_text(encoding="utf-8").split("## 13. Anonymous follow-up")[1]
    # Then it states the code, seed, key and token this file checks
    for value in (CODE, SEED, PUBLIC, MAILBOX):
        assert f"`{value}`" in section


def test_the_documented_sealed_reply_opens_to_the_documented_reply() -> None:
    # Given the sealed reply and the hashes printed in docs/PROTOCOL.md
    section = PROTOCOL_MD.read_text(encoding="utf-8").split("## 13. Anonymous follow-up")[1]
    block = section.split("<!-- reply-vector:begin -->")[1].split("<!-- reply-vector:end -->")[0]
    sealed = base64.b64decode("".join(block.replace("```", "").split()), validate=True)
    hashes = re.findall(r"`([0-9a-f]{64})`", section)
    reply = Reply(ReplyKind.QUESTION, "Are you safe? Reply here or call us.",
                  dt.date(2026, 11, 22))
    # Then the plaintext and the sealed bytes have those hashes
    assert hashlib.sha256(reply_plaintext(reply)).hexdigest() in hashes
    assert hashlib.sha256(sealed).hexdigest() in hashes
    assert len(sealed) == SEALED_REPLY_BYTES
    # And the code's key opens it to that reply
    assert open_reply(sealed, reply_keys(CODE).private_bytes) == reply


def test_a_sealed_reply_has_one_size() -> None:
    assert len(seal_reply(REPLY, _KEYS.public_bytes)) == SEALED_REPLY_BYTES == 8240


def test_a_reply_sealed_for_another_mailbox_does_not_open() -> None:
    # A reply bound (info) to one token but encrypted to this key: the binding is checked
    recipient = x25519.X25519PublicKey.from_public_bytes(_KEYS.public_bytes)
    info = b"brolly reply v1\x00" + reply_keys(new_receipt_code()).token.encode()
    sealed = SUITE.encrypt(reply_plaintext(REPLY), recipient, info=info)
    with pytest.raises(FollowupError):
        open_reply(sealed, _KEYS.private_bytes)


@pytest.mark.parametrize("body", [
    {"v": 1, "kind": "question", "text": "Hi", "sent_day": "2026-11-22", "extra": 1},
    {"v": 1, "kind": "question", "text": "Hi"},
    {"v": 2, "kind": "question", "text": "Hi", "sent_day": "2026-11-22"},
    {"v": True, "kind": "question", "text": "Hi", "sent_day": "2026-11-22"},
    {"v": 1, "kind": "threat", "text": "Hi", "sent_day": "2026-11-22"},
    {"v": 1, "kind": "question", "text": 12, "sent_day": "2026-11-22"},
    {"v": 1, "kind": "question", "text": " ", "sent_day": "2026-11-22"},
    {"v": 1, "kind": "question", "text": "Hi", "sent_day": "20261122"},
    {"v": 1, "kind": "question", "text": "Hi", "sent_day": "2026-11-22T00:00:00"},
    ["v", 1],
    '{"kind": "question", "sent_day": "2026-11-22", "text": "Hi", "v": 1}',
    '{"v":1,"kind":"question","text":"Hi","sent_day":"2026-11-22"}',
])
def test_a_sealed_body_that_is_not_a_reply_does_not_open(body: object) -> None:
    recipient = x25519.X25519PublicKey.from_public_bytes(_KEYS.public_bytes)
    info = b"brolly reply v1\x00" + _KEYS.token.encode()
    text = body if isinstance(body, str) else json.dumps(body, sort_keys=True,
                                                          separators=(",", ":"))
    sealed = SUITE.encrypt(pad(text.encode()), recipient, info=info)
    with pytest.raises(FollowupError):
        open_reply(sealed, _KEYS.private_bytes)


def test_a_refused_code_says_what_is_wrong() -> None:
    with pytest.raises(FollowupError, match="16 letters and digits"):
        normalise_receipt_code("0123-4567")
    with pytest.raises(FollowupError, match="without U"):
        normalise_receipt_code("0123-4567-89AB-CDEU")


_KEYS = reply_keys(CODE)
