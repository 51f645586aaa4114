"""Blindness, end to end: a real relay (the CLI, uvicorn, the real log set-up) goes
through a whole session, then its database file, write-ahead log and log output are
searched for what it must never keep: report plaintext, client addresses, user agents.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import inspect

from server_stub.relay.storage import Storage, open_engine
from server_stub.relay.tokens import add_org_token

PLAINTEXT_MARKER = b"MARKER-plaintext-5f1c2e"
AGENT_MARKER = "MarkerAgent/7.3-ua"
FORWARDED = "203.0.113.77"
IPV4 = re.compile(rb"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
IPV6_LOOPBACK = re.compile(rb"(?<![\w:])::1(?![\w:])")
SPYING_HEADERS = {
    "X-Forwarded-For": FORWARDED,
    "X-Real-IP": FORWARDED,
    "Forwarded": f"for={FORWARDED}",
    "User-Agent": AGENT_MARKER,
}
EXPECTED_COLUMNS = {
    "envelopes": {"id", "idempotency_key", "envelope_sha256", "envelope", "received_day"},
    "bundles": {"kind", "name", "version", "raw", "etag"},
    "bundle_history": {"kind", "name", "version", "raw"},
    "used_pow": {"challenge_sha256", "expires_at"},
    "org_tokens": {"token_sha256", "label"},
    "schema_version": {"version"},
    # A mailbox token links to no report; see test_replies.py.
    "replies": {"id", "token", "sealed", "day"},
}


def _session(http: httpx.Client, org: httpx.Client, make_submission: Callable[..., Any],
             publisher: Any) -> None:
    """A realistic day: reports, a retry, a conflict, junk, the console, bundles."""
    bodies = [make_submission(http, plaintext=PLAINTEXT_MARKER + f" report {i}".encode())
              for i in range(4)]
    for body in bodies:
        assert http.post("/v1/reports", json=body).status_code == 201
    assert http.post("/v1/reports", json=bodies[0]).status_code == 200
    conflict = make_submission(http, idempotency_key=bodies[1]["idempotency_key"],
                               plaintext=PLAINTEXT_MARKER + b" other")
    assert http.post("/v1/reports", json=conflict).status_code == 409
    junk = b'{"v": 1, "idempotency_key": "' + PLAINTEXT_MARKER + b'", "envelope": 5}'
    assert http.post("/v1/reports", content=junk,
                     headers={"content-type": "application/json"}).status_code == 422
    assert http.post("/v1/reports", content=PLAINTEXT_MARKER + b"{",
                     headers={"content-type": "application/json"}).status_code == 400
    assert http.get(f"/v1/{PLAINTEXT_MARKER.decode()}").status_code == 404
    pending = org.get("/v1/org/envelopes").json()["envelopes"]
    assert len(pending) == 4
    org.post("/v1/org/envelopes/ack", json={"ids": [pending[0]["id"]]})
    org.put("/v1/org/bundles/alerts/gb-lon", content=publisher.bundle(1),
            headers={"content-type": "application/json"})
    assert http.get("/v1/bundles/alerts/gb-lon").status_code == 200


def test_the_relay_keeps_no_plaintext_address_or_agent(
        relay_server: Callable[..., Any], tmp_path: Path,
        make_submission: Callable[..., Any], publisher: Any) -> None:
    # Given a real relay with a SQLite database and an organisation token
    db_path = tmp_path / "blind.db"
    db_url = f"sqlite:///{db_path}"
    storage = Storage.open(db_url)
    token = add_org_token(storage, "console")
    storage.close()
    relay = relay_server(db_url=db_url)
    # When a whole session runs with spying headers on every request
    with relay.http(headers=SPYING_HEADERS) as http, relay.http(
            headers={**SPYING_HEADERS, "Authorization": f"Bearer {token}"}) as org:
        _session(http, org, make_submission, publisher)
    # (the write-ahead log is searched while the relay runs, and again after it stopped)
    live = _database_files(tmp_path)
    relay.stop()
    # Then neither the database files nor the log hold a marker or an address
    files = {**{f"{name} (live)": data for name, data in live.items()},
             **_database_files(tmp_path)}
    assert any(name.startswith("blind.db-wal") for name in files)
    log = relay.log_path.read_bytes()
    assert b"relay starting" in log
    assert b"Uvicorn running on" in log
    for name, data in {**files, "log": log}.items():
        assert PLAINTEXT_MARKER not in data, name
        assert AGENT_MARKER.encode() not in data, name
        assert FORWARDED.encode() not in data, name
        assert b"127.0.0.1" not in data, name
        assert not IPV6_LOOPBACK.search(data), name
    assert not IPV4.search(log), IPV4.findall(log)
    # And the database did hold the reports (so the search was meaningful), in a schema
    # with nowhere to put an address or a time of day
    rows, columns, day_type = _inspect(db_url)
    assert rows == 4
    assert columns == EXPECTED_COLUMNS
    assert day_type == "DATE"


def _database_files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.name.startswith("blind.db")}


def _inspect(db_url: str) -> tuple[int, dict[str, set[str]], str]:
    """(envelope rows, columns per table, type of received_day)."""
    engine = open_engine(db_url)
    try:
        rows = Storage(engine).count_rows("envelopes")
        inspector = inspect(engine)
        columns = {table: {c["name"] for c in inspector.get_columns(table)}
                   for table in inspector.get_table_names()}
        day_type = next(str(c["type"]) for c in inspector.get_columns("envelopes")
                        if c["name"] == "received_day")
    finally:
        engine.dispose()
    return rows, columns, day_type
