"""What every benchmark shares: a figure with its baseline, medians, and the machine."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Figure:
    """One row of the table. ``key`` is stable across runs (the smoke test and anyone
    comparing two results.json files go by it); ``name`` is what a person reads."""

    key: str
    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = "-"
    met: bool | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


def median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def median_of(runs: int, measure: Callable[[], float]) -> tuple[float, list[float]]:
    samples = [measure() for _ in range(runs)]
    return median(samples), samples


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def percentile(samples: list[float], p: float) -> float:
    """The nearest-rank percentile (p in 0..100) of ``samples``."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def machine() -> dict[str, Any]:
    import sqlcipher3

    conn = sqlcipher3.connect(":memory:")
    try:
        cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
    finally:
        conn.close()
    return {"cpu": _cpu_model(), "cores": os.cpu_count(), "python": platform.python_version(),
            "system": platform.platform(), "sqlcipher": cipher,
            "sqlite_in_sqlcipher": sqlcipher3.sqlite_version, "load_at_start": load()}


def load() -> list[float]:
    """The 1, 5 and 15 minute load averages: on a shared machine, how noisy a run was."""
    return [round(x, 2) for x in os.getloadavg()]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
