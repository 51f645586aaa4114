"""Identifier normalisation: exact match keys, and nothing typed is ever dropped."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.identifiers import (
    Handle,
    Phone,
    ascii_digits,
    is_plausible_email,
    normalise_email,
    normalise_handle,
    normalise_phone,
    normalise_registration,
    phone_keys,
    phone_match_keys,
)

regions = st.sampled_from(["GB", "gb", "US", "FR", "ZZ", "", " GB "]) | st.text(max_size=3)


@pytest.mark.parametrize(
    ("raw", "e164", "national"),
    [
        ("07700 900123", "+447700900123", "07700 900123"),
        ("+44 7700 900123", "+447700900123", "07700 900123"),
        ("0044 7700 900123", "+447700900123", "07700 900123"),
        ("07700-900-123", "+447700900123", "07700 900123"),
        ("  07700900123  ", "+447700900123", "07700 900123"),
        ("(0121) 643 0301", "+441216430301", "0121 643 0301"),
        ("+44 (0)121 643 0301", "+441216430301", "0121 643 0301"),
        ("02476 559550", "+442476559550", "024 7655 9550"),
        ("+1 202-555-0143", "+12025550143", "(202) 555-0143"),
        ("7911 123456", "+447911123456", "07911 123456"),  # valid mobile, trunk 0 left off
    ],
)
def test_phone_numbers_normalise_to_e164(raw: str, e164: str, national: str) -> None:
    # Given a number typed in any of the usual ways
    # When it is normalised for the UK
    phone = normalise_phone(raw)
    # Then it is verified with its E.164 and national forms, and the typed text is kept
    assert phone == Phone(raw=raw.strip(), e164=e164, national=national, verified=True)


@pytest.mark.parametrize(
    "raw",
    [
        "call me",
        "",
        "   ",
        "12345",  # too short to be a whole UK number
        "643 0301",  # a local number without its area code: no E.164 is invented for it
        "7700 900123",  # not a valid number and typed without its trunk 0
        "+",
        "1" * 300,
    ],
)
def test_unusable_numbers_are_kept_unverified(raw: str) -> None:
    # Given text that is not a whole phone number
    # When it is normalised
    phone = normalise_phone(raw)
    # Then it is kept as typed (stripped), without normalised forms
    assert phone == Phone(raw=raw.strip(), e164=None, national=None, verified=False)


def test_region_decides_numbers_without_country_code() -> None:
    assert normalise_phone("202-555-0143", "US").e164 == "+12025550143"
    assert normalise_phone("202-555-0143", "us").e164 == "+12025550143"
    assert not normalise_phone("07700 900123", "ZZ").verified  # unknown region
    assert normalise_phone("+44 7700 900123", "ZZ").e164 == "+447700900123"


def test_different_spellings_share_one_match_key() -> None:
    # Given the same number typed three ways
    spellings = ["07700 900123", "+44 7700 900123", "0044 (7700) 900-123"]
    # When their match keys are computed
    keys = {phone_match_keys(raw) for raw in spellings}
    # Then they all match each other
    assert keys == {("+447700900123",)}


def test_unverified_numbers_match_on_their_digits() -> None:
    assert phone_match_keys("643 0301") == ("6430301",)
    assert phone_match_keys("643-0301") == ("6430301",)
    assert phone_match_keys("call me") == ()
    assert phone_keys(Phone(raw="٠٧٧ 12")) == ("07712",)  # Arabic-Indic digits fold


def test_ascii_digits_folds_other_scripts() -> None:
    assert ascii_digits("a1b٢c३") == "123"
    assert ascii_digits("²") == ""  # superscripts are not decimal digits


@settings(deadline=None)
@given(st.text(max_size=60), regions)
def test_normalise_phone_never_raises_and_keeps_input(raw: str, region: str) -> None:
    # Given any text and any region
    # When it is normalised
    phone = normalise_phone(raw, region)
    # Then the typed text is kept, and e164 exists exactly when verified
    assert phone.raw == raw.strip()
    assert phone.verified == (phone.e164 is not None)
    assert phone.e164 is None or phone.e164.startswith("+")
    assert phone_match_keys(raw, region) == phone_keys(phone)


@settings(deadline=None)
@given(st.from_regex(r"\+?[0-9 ()\-]{0,20}", fullmatch=True), regions)
def test_normalise_phone_never_raises_on_number_like_text(raw: str, region: str) -> None:
    phone = normalise_phone(raw, region)
    assert phone.raw == raw.strip()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ab12 cde", "AB12CDE"),
        ("AB12CDE", "AB12CDE"),
        (" ab-12-cde ", "AB12CDE"),
        ("AB12", "AB12"),  # partial plates are kept
        ("x7", "X7"),
        ("P 123 ABC", "P123ABC"),
        ("ＡＢ１２ ＣＤＥ", "AB12CDE"),  # full-width letters fold
        ("é!?", ""),  # letters outside A-Z are dropped, not guessed at
        ("", ""),
    ],
)
def test_registration_normalisation(raw: str, expected: str) -> None:
    # Given a plate as a person might type it / When normalised / Then only A-Z0-9 remain
    assert normalise_registration(raw) == expected


@given(st.text())
def test_normalise_registration_never_raises_and_is_idempotent(raw: str) -> None:
    plate = normalise_registration(raw)
    assert all(char in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" for char in plate)
    assert normalise_registration(plate) == plate


def test_email_normalisation_and_plausibility() -> None:
    assert normalise_email("  Bad.Guy@Example.COM ") == "bad.guy@example.com"
    assert is_plausible_email("bad.guy@example.com")
    assert is_plausible_email(" a@b.co ")
    for raw in ["", "a@b", "@example.com", "a@.com", "a@example.", "a b@c.de", "a@b@c.de",
                "a" * 65 + "@example.com", "no at sign.com", "a@-x.com"]:
        assert not is_plausible_email(raw), raw


@given(st.text())
def test_email_functions_never_raise(raw: str) -> None:
    normalised = normalise_email(raw)
    assert normalised == normalised.strip()
    assert isinstance(is_plausible_email(raw), bool)


def test_handle_normalisation() -> None:
    # Given a handle typed with an "@", capitals and spaces
    # When normalised / Then it matches the same handle typed plainly
    assert normalise_handle(" OnlyFans ", " @BadGuy_99 ") == Handle("onlyfans", "badguy_99")
    assert normalise_handle("x", "@@ name") == Handle("x", "name")
    assert normalise_handle("x", " @ @Name ") == Handle("x", "name")
    assert normalise_handle("", "") == Handle("", "")


@given(st.text(), st.text())
def test_normalise_handle_never_raises_and_is_idempotent(platform: str, handle: str) -> None:
    once = normalise_handle(platform, handle)
    assert normalise_handle(once.platform, once.handle) == once
    assert not once.handle.startswith("@")
