"""Run by test_crash_safety in a child process: saves reports forever, acknowledging each one
on stdout only after save_draft has returned (that is, after the commit)."""

from __future__ import annotations

import sys
from pathlib import Path

from app.vault.kdf import KdfParams
from app.vault.reports import ReportStore
from app.vault.vault import Vault
from tests.vault.markers import marker_report


def main() -> None:
    vault = Vault(Path(sys.argv[1]), params=KdfParams.insecure_fast())
    vault.unlock(sys.argv[2])
    store = ReportStore(vault)
    print("ready", flush=True)
    i = 0
    while True:
        report_id = store.save_draft(marker_report(i), step=i % 6)
        if i % 3 == 0:
            store.mark_submitted(report_id)
        print(f"ack {report_id}", flush=True)
        i += 1


if __name__ == "__main__":
    main()
