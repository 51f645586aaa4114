"""Changing language, on the first screen, in Settings and on the lock screen: the whole
screen follows at once, and the lock screen keeps speaking it after a restart."""

from __future__ import annotations

from tests.e2e.driver import PhoneDriver

PASSCODE = "246810"


def test_the_language_can_be_changed_anywhere_and_the_screen_follows(
        phone: PhoneDriver) -> None:
    # On the very first screen, in English
    phone.find("button", "Start using Brolly", timeout=60)
    # When Spanish is chosen, the screen speaks Spanish at once
    phone.choose_language("es")
    phone.find("button", "Start using Brolly")
    assert "Start using Brolly" not in phone.screen_text()
    # And Polish, then set-up finishes in Polish
    phone.choose_language("pl")
    phone.first_run(PASSCODE)
    for action in ("Report a bad date", "Check a number", "Support services", "Quick exit"):
        assert phone.has("button", action), action
    assert "Report a bad date" not in phone.screen_text()
    # After a restart the lock screen is still in Polish, and can switch there too
    phone.page.reload()
    phone.open()
    phone.find("button", "Unlock", timeout=60)
    phone.choose_language("th")
    phone.find("button", "Unlock")
    phone.unlock(PASSCODE)
    phone.find("button", "Report a bad date", timeout=30)
    # In Settings, back to English
    phone.tap("Settings")
    phone.choose_language("en")
    phone.tap("Back")
    phone.find("button", "Report a bad date")
    assert "Report a bad date" in phone.screen_text()


def test_every_control_on_the_main_screens_has_a_name(phone: PhoneDriver) -> None:
    phone.choose_language("bg")
    assert phone.unnamed_controls() == []
    phone.first_run(PASSCODE)
    screens = {"Home": None, "Report a bad date": "Save draft and close",
               "Check a number": "Back", "Support services": "Back", "My reports": "Back",
               "Settings": "Back"}
    for screen, leave in screens.items():
        if leave is not None:
            phone.tap(screen)
            phone.find("button", leave)
        assert phone.unnamed_controls() == [], screen
        assert phone.small_controls() == [], screen
        if leave is not None:
            phone.tap(leave)
            phone.find("button", "Report a bad date")


def test_the_main_journey_works_with_text_at_twice_the_size(phone: PhoneDriver) -> None:
    # Flutter takes its text scale from the browser's root font size, as a phone's
    # "large text" setting would set it.
    phone.page.add_init_script("document.addEventListener('DOMContentLoaded', () => {"
                               " document.documentElement.style.fontSize = '32px'; });")
    phone.page.reload()
    phone.open()
    phone.first_run(PASSCODE)
    phone.screenshot("/tmp/text-200.png")
    phone.tap("Check a number")
    phone.type_into("Phone number, number plate, email or username", "07700 900999")
    phone.tap("Check")
    phone.wait_for_text(phone.part_of("No warning found (data from %(date)s)."), timeout=30)
