"""`brolly vault init|unlock-check|wipe`, run as a real process with the passcode on stdin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PASSCODE = "tall purple umbrella"


def brolly(*args: str, stdin: str = "", env_dir: Path | None = None
           ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BROLLY_")}
    if env_dir is not None:
        env["BROLLY_DATA_DIR"] = str(env_dir)
    return subprocess.run([sys.executable, "-m", "app.cli", *args], input=stdin,
                          capture_output=True, text=True, timeout=60, env=env)


def test_init_check_and_wipe(tmp_path: Path) -> None:
    data = tmp_path / "vault"
    # Given a vault created from the command line
    made = brolly("--data-dir", str(data), "vault", "init", stdin=PASSCODE + "\n")
    assert made.returncode == 0, made.stderr
    assert (data / "vault.db").exists()
    # When the right and a wrong passcode are checked
    right = brolly("--data-dir", str(data), "vault", "unlock-check", stdin=PASSCODE + "\n")
    wrong = brolly("--data-dir", str(data), "vault", "unlock-check", stdin="nope\n")
    # Then the exit codes say which is which, and no output repeats a passcode
    assert right.returncode == 0, right.stderr
    assert "opens the vault" in right.stderr
    assert wrong.returncode == 1
    assert "not right" in wrong.stderr
    for result in (made, right, wrong):
        assert PASSCODE not in result.stdout + result.stderr
        assert "nope" not in result.stdout + result.stderr
    # And wipe removes it
    wiped = brolly("--data-dir", str(data), "vault", "wipe", "--yes")
    assert wiped.returncode == 0
    assert list(data.iterdir()) == []
    missing = brolly("--data-dir", str(data), "vault", "unlock-check", stdin=PASSCODE + "\n")
    assert missing.returncode == 3


def test_data_dir_from_the_environment_and_duress(tmp_path: Path) -> None:
    data = tmp_path / "env-vault"
    made = brolly("vault", "init", "--duress", stdin=f"{PASSCODE}\nduress code\n", env_dir=data)
    assert made.returncode == 0, made.stderr
    assert (data / "vault.json").exists()
    # The duress passcode "opens" it, leaving a fresh vault that opens only with it
    assert brolly("vault", "unlock-check", stdin="duress code\n", env_dir=data).returncode == 0
    assert brolly("vault", "unlock-check", stdin=PASSCODE + "\n", env_dir=data).returncode == 1


def test_wipe_asks_first(tmp_path: Path) -> None:
    data = tmp_path / "vault"
    brolly("--data-dir", str(data), "vault", "init", stdin=PASSCODE + "\n")
    kept = brolly("--data-dir", str(data), "vault", "wipe", stdin="no\n")
    assert kept.returncode == 1
    assert (data / "vault.db").exists()


def test_no_passcode_on_stdin_is_a_clear_error(tmp_path: Path) -> None:
    result = brolly("--data-dir", str(tmp_path / "v"), "vault", "init", stdin="")
    assert result.returncode == 2
    assert "No input" in result.stderr
    assert not (tmp_path / "v" / "vault.json").exists()


def test_help_lists_the_commands() -> None:
    result = brolly("--help")
    assert result.returncode == 0
    assert "vault" in result.stdout
    assert "demo" in result.stdout
