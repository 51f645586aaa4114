"""Draining the outbox: one phone delivering its queued reports to the relay, against the
relay's own ingest ceiling (the figure before this one).

The phone is the real thing (vault, outbox, Sender, RelayApi over httpx); the relay asks
for the minimum proof of work, so this measures delivery, not hashing (bench/work.py
measures the hashing). The phone sends one report at a time, as it does.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.harness import Figure
from bench.servers import MIN_DIFFICULTY, relay_running
from tests.sync.faults.conftest import FAST_RETRIES, close_phone, make_phone
from tests.trustkit import TrustKit


def drain(reports: int, ingest_ceiling: float | None) -> Figure:
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        phone = make_phone(base / "phone")
        try:
            phone.queue(reports)
            (base / "relay").mkdir()
            with relay_running(base / "relay", TrustKit()) as relay:
                sender = phone.sender(relay.url)
                start = time.perf_counter()
                phone.drain_until_done(sender, timeout=600)
                seconds = time.perf_counter() - start
                delivered = relay.receipt_ids()
            receipts = phone.receipts()
        finally:
            close_phone(phone)
    exactly_once = len(delivered) == reports and sorted(receipts) == sorted(delivered)
    return Figure("drain", f"Drain {reports:,} queued reports (one phone)", reports / seconds,
                  "reports/s", baseline=ingest_ceiling,
                  baseline_name="relay ingest ceiling (50 clients)",
                  target="all delivered, exactly once*", met=exactly_once,
                  notes={"seconds": seconds, "delivered": len(delivered),
                         "receipts_on_phone": len(receipts), "pow_difficulty": MIN_DIFFICULTY,
                         "retry_backoff": str(FAST_RETRIES)})
