"""The benchmark harness works: a quick run produces every figure with sane values.

This asserts that the harness measures, not how fast anything is: speed is for
`make bench` to report, never for a test to decide. Nothing is skipped: without
Chromium the app figures fail, and so does this test."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EVERY_FIGURE = {"unlock", "kdf_memory", "vault_overhead", "vault_no_wipe", "check_p50",
                "check_p99", "check_first", "relay_ingest", "drain", "pow_default",
                "feed_per_alert", "feed_304", "feed_delta", "feed_refresh", "app_open",
                "app_send"}


def test_a_quick_run_measures_every_figure(tmp_path: Path) -> None:
    # Given the quick sizes
    out = tmp_path / "results.json"
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    # When the harness runs them
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--out", str(out)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=240)

    # Then every figure is there, finite and positive, with its baseline and ratio
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    results = json.loads(out.read_text())
    figures = {f["key"]: f for f in results["figures"]}
    assert set(figures) == EVERY_FIGURE
    assert results["failures"] == {}
    for figure in figures.values():
        assert math.isfinite(figure["value"]), figure
        assert figure["value"] > 0, figure
        assert figure["met"] in (True, False, None), figure
        if figure["baseline"] is not None:
            assert figure["baseline"] > 0, figure
            assert figure["ratio"] > 0, figure
    # and the values hang together
    notes = figures["feed_304"]["notes"]
    assert notes["unchanged"]["total"] < notes["full"]["total"]
    assert notes["one_alert_changed"]["new_alerts"] == 1
    assert figures["drain"]["met"] is True  # every report delivered exactly once
    assert figures["drain"]["notes"]["delivered"] == results["sizes"]["drain_reports"]
    assert figures["check_p99"]["notes"]["found_of_first_300"] > 0
    assert figures["kdf_memory"]["value"] > figures["kdf_memory"]["baseline"] / 2
    assert figures["check_p50"]["value"] <= figures["check_p99"]["value"]
    assert results["machine"]["sqlcipher"]
    assert "| figure | measured |" in done.stdout
