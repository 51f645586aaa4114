"""The lock screen speaks the language last chosen, before anything is unlocked."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.config import build_config
from app.services.phone import LANGUAGE_FILE, PhoneApp
from app.services.settings import Settings
from app.vault.kdf import KdfParams
from server_stub.demo import make_organisation


@pytest.fixture(scope="module")
def trust_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    org, _relay = make_organisation(tmp_path_factory.mktemp("org"), 9,
                                    kdf=KdfParams.insecure_fast())
    return org.trust_file


@pytest.fixture
def make_app(trust_file: Path) -> Any:
    def make(data_dir: Path) -> PhoneApp:
        config = build_config(str(data_dir), {}, trust_file=str(trust_file))
        return PhoneApp(replace(config, kdf=KdfParams.insecure_fast()))
    return make


def test_the_language_chosen_before_set_up_is_there_after_a_restart(tmp_path: Path,
                                                                     make_app: Any) -> None:
    first = make_app(tmp_path)
    first.remember_lock_screen_language("ro")
    first.create("a long passcode", Settings(language="ro"))
    first.lock()
    again = make_app(tmp_path)
    assert again.lock_screen_language() == "ro"
    again.unlock("a long passcode")
    assert again.session is not None
    again.lock()


def test_only_a_language_code_is_kept_outside_the_vault(tmp_path: Path, make_app: Any) -> None:
    app = make_app(tmp_path)
    app.remember_lock_screen_language("zh_Hans")
    assert (tmp_path / LANGUAGE_FILE).read_bytes() == b"zh_Hans"
    app.remember_lock_screen_language("../../etc/passwd")
    assert not (tmp_path / LANGUAGE_FILE).exists()
    (tmp_path / LANGUAGE_FILE).write_text("<script>")
    assert app.lock_screen_language() is None


def test_deleting_everything_forgets_the_language(tmp_path: Path, make_app: Any) -> None:
    app = make_app(tmp_path)
    app.remember_lock_screen_language("pl")
    app.create("a long passcode", Settings(language="pl"))
    app.wipe()
    assert app.lock_screen_language() is None
    assert app.first_run
