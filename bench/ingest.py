"""Relay ingest: sealed reports accepted per second from 50 clients at once, against a
bare FastAPI endpoint on the same uvicorn settings that only reads the body.

Both get the same bodies from the same light load generator (bench/servers.py). The
relay does everything it does for a phone: the body limit and rate-limit middleware,
the shape check, the idempotency lookup, the proof-of-work check (at the minimum
difficulty, so solving is not what is measured) and a durable SQLite write.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import tempfile
from pathlib import Path

import httpx

from app.core.report import Report
from app.core.report_codec import report_to_bytes
from app.core.vocab import IncidentType
from bench.harness import Figure, median
from bench.servers import MIN_DIFFICULTY, bare_running, post_all, relay_running
from sync.protocol import pow as proof_of_work
from sync.protocol.envelope import generate_report_keypair, new_idempotency_key, seal_report
from sync.protocol.messages import PowChallenge, ReportSubmission
from tests.trustkit import TrustKit

CLIENTS = 50
PATH = "/v1/reports"
TARGET_RATIO = 0.5


def submissions(url: str, count: int) -> list[bytes]:
    """Sealed reports with solved proofs, as a phone sends them; made before any clock
    starts (each proof is good for one report)."""
    _private, public = generate_report_keypair()
    bodies = []
    with httpx.Client(base_url=url) as http:
        for i in range(count):
            challenge = PowChallenge.from_json(http.get("/v1/pow").json())
            nonce = proof_of_work.solve(challenge.challenge, challenge.difficulty)
            key = new_idempotency_key()
            report = Report(date=dt.date(2026, 11, 1), area_code="uk.eng.wm.wmp.birmingham",
                            incident_types=(IncidentType.THREATS,),
                            narrative=f"bench report {i}")
            envelope = seal_report(report_to_bytes(report), public, key)
            submission = ReportSubmission(key, envelope, challenge.challenge, nonce)
            bodies.append(json.dumps(submission.to_json()).encode())
    return bodies


def _rate(port: int, bodies: list[bytes], clients: int) -> float:
    statuses, seconds = asyncio.run(post_all(port, PATH, bodies, clients))
    refused = [s for s in statuses if s != 201]
    if refused:
        raise RuntimeError(f"{len(refused)} of {len(bodies)} refused, e.g. {refused[0]}")
    return len(bodies) / seconds


def ingest(reports: int, runs: int) -> Figure:
    relay_rates, bare_rates = [], []
    with tempfile.TemporaryDirectory() as scratch, \
            relay_running(Path(scratch), TrustKit()) as relay, bare_running() as bare:
        warm = submissions(relay.url, min(200, reports))  # first connections, lazy imports
        _rate(relay.port, warm, CLIENTS)
        _rate(bare, warm, CLIENTS)
        for _ in range(runs):  # interleaved, so that both see the same machine weather
            bodies = submissions(relay.url, reports)
            relay_rates.append(_rate(relay.port, bodies, CLIENTS))
            bare_rates.append(_rate(bare, bodies, CLIENTS))
        one_client = _rate(relay.port, submissions(relay.url, reports), 1)
        stored = relay.envelope_count()
    expected = len(warm) + (runs + 1) * reports
    if stored != expected:
        raise RuntimeError(f"the relay stored {stored} reports, not {expected}")
    figure = Figure("relay_ingest", f"Relay ingest, {CLIENTS} clients at once",
                    median(relay_rates), "reports/s", baseline=median(bare_rates),
                    baseline_name="bare FastAPI endpoint reading the body",
                    target=f"ratio >= {TARGET_RATIO:g}",
                    notes={"relay_runs": relay_rates, "bare_runs": bare_rates,
                           "relay_one_client": one_client, "reports_per_run": reports,
                           "stored": stored, "pow_difficulty": MIN_DIFFICULTY})
    figure.met = figure.ratio is not None and figure.ratio >= TARGET_RATIO
    return figure
