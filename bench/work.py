"""The proof of work a phone pays per report at the relay's default difficulty.

Solving takes 2**bits hashes on average, and the actual count per report varies a lot
(it is geometric), so the figure is the expected time: the measured hash rate of the
phone's own solver over many solves, into 2**bits. Measured here, on this machine's
CPU: a phone is several times slower.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from bench.harness import Figure
from server_stub.relay.config import RelayConfig
from sync.protocol import pow as proof_of_work

SAMPLE_BITS = 14  # solved for real; the rate carries over to any difficulty


def expected_solve(solves: int) -> Figure:
    bits = RelayConfig(Path("root.json")).pow_difficulty  # what `relay serve` uses
    attempts = 0
    start = time.perf_counter()
    for _ in range(solves):
        nonce = proof_of_work.solve(secrets.token_urlsafe(24), SAMPLE_BITS)
        attempts += int(nonce) + 1  # the solver counts up from "0"
    rate = attempts / (time.perf_counter() - start)
    return Figure("pow_default", f"Proof of work per report at the default {bits} bits "
                  "(expected)", (1 << bits) / rate, "s",
                  notes={"hashes_per_s": rate, "difficulty_bits": bits, "solves": solves,
                         "sample_bits": SAMPLE_BITS, "attempts": attempts})
