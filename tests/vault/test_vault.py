"""The vault's life cycle: create, unlock, lock, wrong passcodes, duress, wipe, passcode change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.vault.errors import (
    PasscodeRejectedError,
    UnlockThrottledError,
    VaultExistsError,
    VaultLockedError,
    VaultMissingError,
    WrongPasscodeError,
)
from app.vault.kdf import KdfParams
from app.vault.vault import Vault
from tests.conftest import PASSCODE


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_create_then_unlock_gives_back_what_was_stored(vault: Vault, data_dir: Path,
                                                       fast_kdf: KdfParams) -> None:
    # Given a vault holding a setting
    vault.put_setting("language", "ro")
    vault.lock()
    # When a new process opens it with the passcode
    reopened = Vault(data_dir, params=fast_kdf)
    reopened.unlock(PASSCODE)
    # Then the setting is there and the database is intact
    assert reopened.get_setting("language") == "ro"
    assert reopened.integrity_errors() == []
    reopened.lock()


def test_locked_vault_refuses_access(vault: Vault) -> None:
    vault.lock()
    with pytest.raises(VaultLockedError):
        vault.get_setting("language")
    assert not vault.is_unlocked


def test_create_refuses_to_overwrite(vault: Vault, data_dir: Path, fast_kdf: KdfParams) -> None:
    with pytest.raises(VaultExistsError):
        Vault(data_dir, params=fast_kdf).create("another passcode")


def test_unlock_without_vault_says_so(tmp_path: Path) -> None:
    with pytest.raises(VaultMissingError):
        Vault(tmp_path / "nothing").unlock(PASSCODE)


def test_empty_passcode_is_rejected(data_dir: Path, fast_kdf: KdfParams) -> None:
    with pytest.raises(PasscodeRejectedError):
        Vault(data_dir, params=fast_kdf).create("")


def test_header_holds_only_salt_parameters_counter_and_duress_tag(vault: Vault) -> None:
    header = json.loads(vault.files.header.read_text())
    assert set(header) == {"format", "slot", "failed_attempts"}
    assert set(header["slot"]) == {"salt", "kdf", "duress_tag"}


def test_wrong_passcode_is_a_typed_error_and_counted(vault: Vault) -> None:
    vault.lock()
    # When the wrong passcode is tried twice
    for attempt in (1, 2):
        with pytest.raises(WrongPasscodeError) as caught:
            vault.unlock("wrong")
        # Then each failure is counted on disk, and the error never echoes the passcode
        assert caught.value.failed_attempts == attempt
        assert "wrong" not in str(caught.value)
    assert vault.failed_attempts() == 2
    # And the right passcode resets the counter
    vault.unlock(PASSCODE)
    assert vault.failed_attempts() == 0


def test_delay_grows_and_survives_a_restart(vault: Vault, data_dir: Path,
                                            fast_kdf: KdfParams) -> None:
    vault.lock()
    clock = FakeClock()
    v = Vault(data_dir, params=fast_kdf, clock=clock)
    delays = []
    for _ in range(6):
        with pytest.raises(WrongPasscodeError) as caught:
            v.unlock("wrong")
        delays.append(caught.value.retry_after)
        # Trying again at once is refused without checking the passcode
        if caught.value.retry_after:
            with pytest.raises(UnlockThrottledError):
                v.unlock(PASSCODE)
        clock.now += caught.value.retry_after
    # Then two mistakes cost nothing, the third starts a delay, and it then doubles
    assert delays[:2] == [0.0, 0.0]
    assert delays[2] > 0
    assert delays[3] == 2 * delays[2]
    assert delays[4] == 2 * delays[3]
    assert delays[5] == 2 * delays[4]
    # When the app restarts, the delay is owed again in full
    restarted = Vault(data_dir, params=fast_kdf, clock=clock)
    assert restarted.retry_after() == delays[5]
    with pytest.raises(UnlockThrottledError):
        restarted.unlock(PASSCODE)
    clock.now += delays[5]
    restarted.unlock(PASSCODE)
    assert restarted.is_unlocked
    restarted.lock()


def test_duress_passcode_leaves_a_fresh_empty_vault(vault: Vault, data_dir: Path,
                                                    fast_kdf: KdfParams) -> None:
    # Given a vault with data and a duress passcode
    vault.put_setting("areas", ["uk.eng.wm.wmp.birmingham"])
    vault.set_duress_passcode("1234 duress")
    header_before = json.loads(vault.files.header.read_text())
    vault.lock()
    # When someone unlocks with the duress passcode
    v = Vault(data_dir, params=fast_kdf)
    v.unlock("1234 duress")
    # Then the app opens, empty, like a new install
    assert v.is_unlocked
    assert v.get_setting("areas") is None
    assert not v.has_duress_passcode()
    header_after = json.loads(v.files.header.read_text())
    assert header_after.keys() == header_before.keys()
    assert header_after["failed_attempts"] == 0
    assert header_after["slot"]["duress_tag"] != header_before["slot"]["duress_tag"]
    assert sorted(p.name for p in data_dir.iterdir()) == ["vault.db", "vault.db-shm",
                                                         "vault.db-wal", "vault.json"]
    v.lock()
    # And the real passcode opens nothing any more, while the duress one opens the new vault
    with pytest.raises(WrongPasscodeError):
        v.unlock(PASSCODE)
    v.unlock("1234 duress")
    assert v.get_setting("areas") is None
    v.lock()


def test_header_looks_the_same_with_or_without_duress(vault: Vault) -> None:
    without = json.loads(vault.files.header.read_text())
    vault.set_duress_passcode("duress")
    with_duress = json.loads(vault.files.header.read_text())
    assert without.keys() == with_duress.keys()
    assert without["slot"].keys() == with_duress["slot"].keys()
    assert len(without["slot"]["duress_tag"]) == len(with_duress["slot"]["duress_tag"])


def test_duress_passcode_must_differ_from_the_passcode(vault: Vault) -> None:
    with pytest.raises(PasscodeRejectedError):
        vault.set_duress_passcode(PASSCODE)


def test_clearing_duress_makes_it_an_ordinary_wrong_passcode(vault: Vault) -> None:
    vault.put_setting("kept", True)
    vault.set_duress_passcode("duress")
    vault.clear_duress_passcode()
    vault.lock()
    with pytest.raises(WrongPasscodeError):
        vault.unlock("duress")
    vault.unlock(PASSCODE)
    assert vault.get_setting("kept") is True


def test_change_passcode(vault: Vault) -> None:
    vault.put_setting("kept", 42)
    vault.change_passcode(PASSCODE, "a brand new one")
    vault.lock()
    with pytest.raises(WrongPasscodeError):
        vault.unlock(PASSCODE)
    vault.unlock("a brand new one")
    assert vault.get_setting("kept") == 42
    assert vault.integrity_errors() == []
    assert not vault.files.rekeyed.exists()


def test_change_passcode_needs_the_current_one(vault: Vault) -> None:
    with pytest.raises(WrongPasscodeError):
        vault.change_passcode("not it", "new one")
    vault.lock()
    vault.unlock(PASSCODE)


def test_duress_survives_a_passcode_change_but_cannot_become_the_passcode(vault: Vault) -> None:
    vault.set_duress_passcode("duress")
    with pytest.raises(PasscodeRejectedError):
        vault.change_passcode(PASSCODE, "duress")
    vault.change_passcode(PASSCODE, "new one")
    vault.put_setting("secret", "x")
    vault.lock()
    vault.unlock("duress")
    assert vault.get_setting("secret") is None


def test_wipe_removes_every_file(vault: Vault, data_dir: Path) -> None:
    vault.put_setting("x", 1)
    vault.wipe()
    assert list(data_dir.iterdir()) == []
    assert not vault.exists()


def test_files_are_private_to_the_user(vault: Vault, data_dir: Path) -> None:
    assert data_dir.stat().st_mode & 0o077 == 0
    assert vault.files.header.stat().st_mode & 0o077 == 0


def test_default_parameters_are_strong(tmp_path: Path) -> None:
    # The real parameters: at least 64 MiB of memory, and a real unlock works with them.
    params = KdfParams()
    assert params.memory_kib >= 64 * 1024
    assert params.iterations >= 3
    v = Vault(tmp_path / "real")
    v.create(PASSCODE)
    v.lock()
    v.unlock(PASSCODE)
    header = json.loads(v.files.header.read_text())
    assert header["slot"]["kdf"] == params.to_dict()
    v.lock()


def test_leftover_copy_from_an_interrupted_change_never_replaces_the_vault(vault: Vault) -> None:
    # Given a change that died as it began writing the copy (an empty file, no pending slot)
    vault.put_setting("kept", "yes")
    vault.lock()
    vault.files.rekeyed.write_bytes(b"")
    # When any other passcode is tried
    with pytest.raises(WrongPasscodeError):
        vault.unlock("some other passcode")
    # Then it opens nothing (SQLite would accept any key for an empty file) and loses nothing
    vault.unlock(PASSCODE)
    assert vault.get_setting("kept") == "yes"
    assert not vault.files.rekeyed.exists()


def test_sqlcipher_wipes_the_memory_it_frees(vault: Vault) -> None:
    # Decrypted pages must not linger in freed memory once the app locks.
    with vault.connection() as conn:
        assert conn.execute("PRAGMA cipher_memory_security").fetchone()[0] == "1"
