"""Exactly-once under fire, against a real relay process: 50 parallel deliveries of one
report make one row and one receipt; one proof spent by many reports at once pays for
one. Runs on SQLite, and on PostgreSQL when BROLLY_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from server_stub.relay.storage import Storage

PARALLEL = 50


def _post_all_at_once(base_url: str, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    barrier = threading.Barrier(len(bodies))

    def post(body: dict[str, Any]) -> httpx.Response:
        # One connection per thread, so the requests really are concurrent on the wire
        with httpx.Client(base_url=base_url, timeout=60) as http:
            barrier.wait()
            return http.post("/v1/reports", json=body)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post, bodies))


def test_one_report_posted_50_times_at_once(relay_server: Callable[..., Any], db_url: str,
                                            make_submission: Callable[..., Any]) -> None:
    # Given a real relay and one valid report
    relay = relay_server(db_url=db_url)
    with relay.http() as http:
        body = make_submission(http)
    # When 50 threads deliver it at the same moment
    responses = _post_all_at_once(relay.base_url, [body] * PARALLEL)
    # Then one was created, 49 were recognised as retries, all hold the same receipt
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * (PARALLEL - 1) + [201]
    assert len({r.text for r in responses}) == 1
    storage = Storage.open(db_url)
    try:
        assert storage.count_rows("envelopes") == 1
        assert storage.count_rows("used_pow") == 1
    finally:
        storage.close()


def test_one_proof_spent_by_20_reports_at_once(relay_server: Callable[..., Any], db_url: str,
                                               make_submission: Callable[..., Any]) -> None:
    # Given 20 different reports carrying the same solved proof
    relay = relay_server(db_url=db_url)
    with relay.http() as http:
        bodies = [make_submission(http) for _ in range(20)]
    for body in bodies[1:]:
        body["pow"] = bodies[0]["pow"]
    # When they arrive together
    responses = _post_all_at_once(relay.base_url, bodies)
    # Then exactly one is stored; the rest are refused as replays
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [403] * 19
    assert {r.json()["error"] for r in responses if r.status_code == 403} == {"proof_used"}
    storage = Storage.open(db_url)
    try:
        assert storage.count_rows("envelopes") == 1
    finally:
        storage.close()
