from app.core.identifiers import display_phone


def test_a_number_of_the_users_own_country_is_written_the_national_way() -> None:
    assert display_phone("+441216430301", "GB") == "0121 643 0301"
    assert display_phone("+40721234567", "RO") == "0721 234 567"


def test_a_number_from_another_country_keeps_its_country_code() -> None:
    assert display_phone("+441216430301", "RO") == "+44 121 643 0301"


def test_text_that_is_not_a_number_is_shown_as_it_is() -> None:
    assert display_phone("not a number", "GB") == "not a number"
