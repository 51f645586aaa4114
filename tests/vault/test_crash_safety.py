"""Killed at any moment, the vault keeps every save it acknowledged and stays intact."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.vault.kdf import KdfParams
from app.vault.reports import ReportStore
from app.vault.vault import Vault
from tests.conftest import PASSCODE

CHILD = Path(__file__).with_name("save_child.py")
ROOT = Path(__file__).resolve().parents[2]
KILLS = 200


@pytest.mark.slow
def test_two_hundred_kills_lose_no_acknowledged_report(data_dir: Path,
                                                       fast_kdf: KdfParams) -> None:
    vault = Vault(data_dir, params=fast_kdf)
    vault.create(PASSCODE)
    vault.lock()
    rng = random.Random(4242)
    acknowledged: set[str] = set()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(KILLS):
        # Given a child saving reports as fast as it can
        child = subprocess.Popen([sys.executable, str(CHILD), str(data_dir), PASSCODE],
                                 stdout=subprocess.PIPE, text=True, env=env)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        # When it is killed with SIGKILL at a random moment
        time.sleep(rng.uniform(0.0, 0.05))
        child.kill()
        for line in child.stdout:
            word, _, report_id = line.strip().partition(" ")
            if word == "ack":
                acknowledged.add(report_id)
        child.wait(timeout=10)
        child.stdout.close()
    # Then every acknowledged report is there, readable, and the database is intact
    vault.unlock(PASSCODE)
    stored = {r.id for r in ReportStore(vault).list()}
    assert len(acknowledged) > KILLS
    assert acknowledged <= stored
    assert len(stored) - len(acknowledged) <= KILLS  # at most one unacknowledged save per kill
    assert vault.integrity_errors() == []
    vault.lock()
