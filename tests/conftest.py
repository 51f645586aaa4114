"""Fixtures shared by the whole suite. The vault uses an insecure but fast KDF everywhere
except in the tests that check the real parameters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.vault.kdf import KdfParams
from app.vault.vault import Vault

PASSCODE = "correct horse battery"


@pytest.fixture
def fast_kdf() -> KdfParams:
    return KdfParams.insecure_fast()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def vault(data_dir: Path, fast_kdf: KdfParams) -> Iterator[Vault]:
    """An unlocked vault with the passcode PASSCODE."""
    v = Vault(data_dir, params=fast_kdf)
    v.create(PASSCODE)
    yield v
    v.lock()
