"""What the encryption costs: the same workload on the SQLCipher vault and on plain SQLite.

The very same ReportStore code runs on both: the baseline is plain sqlite3 (Python's
own) with the vault's schema and pragmas behind the vault's two methods. Two more runs
split the difference: SQLCipher's library without a key (what the library build and its
Python binding cost), and the vault without SQLCipher's memory wiping (what wiping every
freed buffer costs, as against the encryption itself). Each run is its own process:
once a process has turned memory wiping on, SQLCipher keeps it on for good.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3

from app.core.report import Report
from app.core.vocab import IncidentType, PlaceType
from app.vault import database
from app.vault.kdf import KdfParams
from app.vault.reports import ReportStore
from app.vault.vault import Vault
from bench.harness import Figure, median, timed

PASSCODE = "a bench passcode"
TARGET_RATIO = 1.3
_PRAGMAS = ("temp_store = MEMORY", "secure_delete = ON", "journal_mode = WAL",
            "synchronous = FULL", "foreign_keys = ON")


class PlainDatabase:
    """The vault's schema and pragmas without encryption, behind the vault's two methods."""

    def __init__(self, path: Path, connect: Callable[..., Any] = sqlite3.connect) -> None:
        self._conn = connect(str(path), isolation_level=None)
        for pragma in _PRAGMAS:
            self._conn.execute(f"PRAGMA {pragma}")
        database.migrate(self._conn)

    @contextmanager
    def connection(self) -> Iterator[Any]:
        yield self._conn

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        with database.transaction(self._conn) as conn:
            yield conn

    def close(self) -> None:
        self._conn.close()


def _report(i: int) -> Report:
    return Report(date=dt.date(2026, 11, 1), area_code="uk.eng.wm.wmp.birmingham",
                  place_type=PlaceType.HOTEL,
                  incident_types=(IncidentType.ROBBERY, IncidentType.THREATS),
                  narrative=f"Bench report {i}: he took the money back and threatened me.")


def _workload(store: ReportStore, saves: int, reads: int) -> dict[str, float]:
    """Separate durable saves (one transaction each, as the wizard does), reads by id,
    and the My reports listing."""
    ids: list[str] = []
    save = timed(lambda: ids.extend(store.save_draft(_report(i)) for i in range(saves)))
    read = timed(lambda: [store.get(ids[i * 7 % len(ids)]) for i in range(reads)])
    listing = timed(lambda: store.list())
    return {"save": save, "read": read, "list": listing, "total": save + read + listing}


def _on_vault(saves: int, reads: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        vault = Vault(Path(scratch), params=KdfParams.insecure_fast())  # unlock is apart
        vault.create(PASSCODE)
        try:
            return _workload(ReportStore(vault), saves, reads)
        finally:
            vault.lock()


def _on_plain(saves: int, reads: int, connect: Callable[..., Any]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        db = PlainDatabase(Path(scratch) / "plain.db", connect)
        try:
            return _workload(ReportStore(db), saves, reads)  # type: ignore[arg-type]
        finally:
            db.close()


VARIANTS = ("vault", "vault_no_wipe", "plain", "unkeyed")


def _variant(name: str, saves: int, reads: int) -> dict[str, float]:
    if name == "vault_no_wipe":
        database.MEMORY_SECURITY = "OFF"
    if name in ("vault", "vault_no_wipe"):
        return _on_vault(saves, reads)
    return _on_plain(saves, reads, sqlite3.connect if name == "plain" else sqlcipher3.connect)


def _in_child(name: str, saves: int, reads: int) -> dict[str, float]:
    repo = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "bench.vault", name, str(saves), str(reads)],
                          cwd=repo, env={**os.environ, "PYTHONPATH": str(repo)},
                          capture_output=True, text=True, check=True, timeout=1800)
    return dict(json.loads(done.stdout))


def overhead(saves: int, reads: int, runs: int) -> list[Figure]:
    results: dict[str, list[dict[str, float]]] = {name: [] for name in VARIANTS}
    for _ in range(runs):  # interleaved, so that all of them see the same disk weather
        for name in VARIANTS:
            results[name].append(_in_child(name, saves, reads))
    medians = {name: {part: median([r[part] for r in runs_])
                      for part in ("save", "read", "list", "total")}
               for name, runs_ in results.items()}
    vault, no_wipe, plain, unkeyed = (medians[n]["total"] for n in VARIANTS)
    figure = Figure("vault_overhead", f"Vault: {saves:,} saves, {reads:,} reads, a listing",
                    vault, "s", baseline=plain, baseline_name="plain sqlite3, same schema",
                    target=f"ratio <= {TARGET_RATIO:g}",
                    notes={"medians": medians,
                           "ratio_by_part": {p: medians["vault"][p] / medians["plain"][p]
                                             for p in ("save", "read", "list")},
                           "library_ratio": unkeyed / plain,
                           "without_memory_wiping_ratio": no_wipe / plain,
                           "runs": results})
    figure.met = figure.ratio is not None and figure.ratio <= TARGET_RATIO
    return [figure, Figure(
        "vault_no_wipe", "Vault without SQLCipher's memory wiping (not what ships)", no_wipe,
        "s", baseline=plain, baseline_name="plain sqlite3, same schema",
        notes={"why": "splits the vault's cost: the wiping is kept on in the app"})]


if __name__ == "__main__":
    print(json.dumps(_variant(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
