"""No readable byte of a report on disk: a search of every file the app writes finds nothing."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest

from app.core.report_codec import report_to_bytes
from app.vault.kdf import KdfParams
from app.vault.reports import ReportStatus, ReportStore
from app.vault.vault import Vault
from tests.conftest import PASSCODE
from tests.vault.markers import marker_report, search


@pytest.fixture
def app_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary directory the process uses, made private to this test."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    return tmp


def test_the_search_finds_markers_in_a_plaintext_database(tmp_path: Path) -> None:
    # Control: the same data in an ordinary SQLite file is found, so zero hits below means
    # the vault hid it, not that the search is blind.
    conn = sqlite3.connect(tmp_path / "plain.db")
    conn.execute("CREATE TABLE reports (body BLOB)")
    conn.execute("INSERT INTO reports VALUES (?)", (report_to_bytes(marker_report(1)),))
    conn.commit()
    conn.close()
    assert search([tmp_path])


def test_fifty_reports_leave_no_readable_trace(data_dir: Path, app_tmp: Path,
                                               fast_kdf: KdfParams) -> None:
    # Given 50 reports full of marker strings and a marker phone number, filed through the
    # public API, half of them sent, with settings and a passcode change on top
    vault = Vault(data_dir, params=fast_kdf)
    vault.create(PASSCODE)
    store = ReportStore(vault)
    for i in range(50):
        report_id = store.save_draft(marker_report(i), step=3)
        if i % 2:
            store.mark_submitted(report_id)
    vault.put_setting("note", "QZXMARKER in a setting")
    assert len(store.list(ReportStatus.SUBMITTED)) == 25
    # While unlocked, the database and its write-ahead log hold only ciphertext
    assert search([data_dir, app_tmp]) == []
    # When the vault is locked
    vault.lock()
    # Then no file under the data directory or the temp directory holds any marker
    assert search([data_dir, app_tmp]) == []
    # And the reports are all there for whoever has the passcode
    vault.unlock(PASSCODE)
    assert store.count() == 50
    assert any("QZXMARKER narrative number 7:" in r.report.narrative for r in store.list())
    vault.change_passcode(PASSCODE, "another passcode")
    vault.lock()
    assert search([data_dir, app_tmp]) == []
