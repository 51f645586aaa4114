"""Run every benchmark, print the table, write the results.

    python -m bench            # full sizes; writes bench/results.json
    python -m bench --quick    # small sizes in seconds; a smoke run of the harness

A benchmark that cannot run (no Chromium, a server that does not start) is reported as
FAILED in the table and makes the run exit with status 1; nothing is skipped quietly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import app, checking, drain, feeds, ingest, unlock, vault, work
from bench.harness import Figure, load, machine

RESULTS = Path(__file__).with_name("results.json")
FULL = {"unlock_runs": 5, "saves": 10_000, "reads": 1_000, "vault_runs": 3,
        "identifiers": 100_000, "lookups": 20_000, "ingest_reports": 2_000, "ingest_runs": 3,
        "drain_reports": 1_000, "pow_solves": 64, "feed_alerts": 10_000, "app_runs": 5}
QUICK = {"unlock_runs": 1, "saves": 200, "reads": 100, "vault_runs": 1,
         "identifiers": 4_000, "lookups": 500, "ingest_reports": 200, "ingest_runs": 1,
         "drain_reports": 30, "pow_solves": 4, "feed_alerts": 300, "app_runs": 1}
FOOTNOTE = "* our own target; the issue sets none for this figure."


def benchmarks(sizes: dict[str, int]) -> list[tuple[str, Callable[[list[Figure]], Any]]]:
    """(name, run) in order; a run gets the figures so far (drain needs the ingest one)."""
    def ceiling(done: list[Figure]) -> float | None:
        return next((f.value for f in done if f.key == "relay_ingest"), None)

    return [
        ("unlock", lambda _: unlock.unlock(sizes["unlock_runs"])),
        ("vault", lambda _: vault.overhead(sizes["saves"], sizes["reads"], sizes["vault_runs"])),
        ("checking", lambda _: checking.check_latency(sizes["identifiers"], sizes["lookups"])),
        ("ingest", lambda _: ingest.ingest(sizes["ingest_reports"], sizes["ingest_runs"])),
        ("drain", lambda done: drain.drain(sizes["drain_reports"], ceiling(done))),
        ("work", lambda _: work.expected_solve(sizes["pow_solves"])),
        ("feeds", lambda _: feeds.feeds(sizes["feed_alerts"])),
        ("app", lambda _: app.timings(sizes["app_runs"])),
    ]


def run(sizes: dict[str, int], say: Callable[[str], None]
        ) -> tuple[list[Figure], dict[str, str]]:
    figures: list[Figure] = []
    failures: dict[str, str] = {}
    for name, measure in benchmarks(sizes):
        try:
            found = measure(figures)
        except Exception as exc:  # noqa: BLE001 - reported, and the run fails at the end
            failures[name] = f"{type(exc).__name__}: {exc}"
            say(f"| {name} | FAILED: {failures[name][:200]} | | | | NO |")
            traceback.print_exc()
            continue
        for figure in found if isinstance(found, list) else [found]:
            figures.append(figure)
            say(row(figure))
    return figures, failures


def row(figure: Figure) -> str:
    baseline = f"{figure.baseline:.4g} {figure.unit}" if figure.baseline is not None else "-"
    ratio = f"{figure.ratio:.2f}" if figure.ratio is not None else "-"
    met = {True: "yes", False: "NO", None: "-"}[figure.met]
    return (f"| {figure.name} | {figure.value:.4g} {figure.unit} | {baseline} | {ratio} "
            f"| {figure.target} | {met} |")


def table(figures: list[Figure], failures: dict[str, str]) -> str:
    lines = ["| figure | measured | baseline | ratio | target | met |",
             "|---|---|---|---|---|---|"]
    lines += [row(f) for f in figures]
    lines += [f"| {name} | FAILED | | | | NO |" for name in failures]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke run")
    parser.add_argument("--out", type=Path, help="where to write the results (JSON); "
                        "a full run writes bench/results.json unless told otherwise")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    info = machine()
    print(f"Machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}, "
          f"SQLCipher {info['sqlcipher']}; load {info['load_at_start']}", flush=True)
    started = dt.datetime.now(dt.UTC)
    figures, failures = run(sizes, lambda line: print(line, flush=True))
    info["load_at_end"] = load()
    print("\n" + table(figures, failures))
    print(FOOTNOTE)
    print(f"Load average (1, 5, 15 min) at start {info['load_at_start']}, "
          f"at end {info['load_at_end']}")
    out = args.out or (None if args.quick else RESULTS)
    if out is not None:
        out.write_text(json.dumps({
            "when": started.isoformat(timespec="seconds"),
            "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1),
            "quick": args.quick, "machine": info, "sizes": sizes,
            "figures": [f.as_json() for f in figures], "failures": failures},
            indent=2) + "\n")
        print(f"Written to {out}")
    if failures:
        print(f"FAILED: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
