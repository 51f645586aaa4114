"""Fixtures for the relay tests: a signing organisation, databases, apps and real servers.

Everything binds 127.0.0.1 on a free port and cleans up after itself. Storage tests run
on SQLite always and on PostgreSQL when BROLLY_TEST_POSTGRES_URL is set (each test in a
schema of its own, dropped afterwards).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server_stub.relay.app import create_app
from server_stub.relay.config import RateLimit, RelayConfig
from server_stub.relay.server import uvicorn_config
from server_stub.relay.storage import Storage
from server_stub.relay.tokens import add_org_token
from sync.protocol import pow as protocol_pow
from sync.protocol.bundle import sign_bundle
from sync.protocol.envelope import (
    ReportPrivateKey,
    generate_report_keypair,
    new_idempotency_key,
    seal_report,
)
from sync.protocol.messages import ReportSubmission
from sync.protocol.root import make_root, sign_root

REPO = Path(__file__).resolve().parents[2]
POSTGRES_ENV = "BROLLY_TEST_POSTGRES_URL"
TEST_DIFFICULTY = 4
GENEROUS = RateLimit(100_000, 60)


# Organisation keys and bundles ------------------------------------------------------

@dataclass
class Publisher:
    """The organisation in the tests: a pinned root, a publisher key, bundle signing."""

    root_path: Path
    publisher_key: Ed25519PrivateKey
    report_private_key: ReportPrivateKey

    def bundle(self, version: int, *, kind: str = "alerts", name: str = "gb-lon",
               items: list[dict[str, Any]] | None = None,
               key: Ed25519PrivateKey | None = None,
               expires_in: timedelta = timedelta(days=7),
               issued_ago: timedelta = timedelta(minutes=1)) -> bytes:
        now = datetime.now(UTC)
        return sign_bundle(kind, name, version, items or [{"n": version}],
                           issued_at=now - issued_ago, expires_at=now + expires_in,
                           key=key or self.publisher_key)

    def seal(self, plaintext: bytes, idempotency_key: str,
             reply_public_key: bytes | None = None) -> bytes:
        return seal_report(plaintext, self.report_private_key.public_key, idempotency_key,
                           reply_public_key)


@pytest.fixture(scope="session")
def publisher(tmp_path_factory: pytest.TempPathFactory) -> Publisher:
    root_key, publisher_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    signed = make_root(version=1, expires_at=datetime.now(UTC) + timedelta(days=365),
                       root_keys=[root_key.public_key()],
                       publisher_keys=[publisher_key.public_key()])
    root_path = tmp_path_factory.mktemp("org") / "root.json"
    root_path.write_bytes(sign_root(signed, [root_key]))
    private, _public = generate_report_keypair()
    return Publisher(root_path, publisher_key, private)


# Databases --------------------------------------------------------------------------

def _pg_url_with_schema(base: str, schema: str) -> str:
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'relay.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    schema = f"relay_test_{secrets.token_hex(6)}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_url_with_schema(base, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def storage(db_url: str) -> Iterator[Storage]:
    s = Storage.open(db_url)
    yield s
    s.close()


# In-process apps --------------------------------------------------------------------

@dataclass
class FakeClock:
    """Wall clock that tests can move forward."""

    now: float = field(default_factory=time.time)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_config(tmp_path: Path, publisher: Publisher) -> Callable[..., RelayConfig]:
    def build(**overrides: Any) -> RelayConfig:
        values: dict[str, Any] = {
            "root_path": publisher.root_path,
            "db_url": f"sqlite:///{tmp_path / 'app.db'}",
            "pow_difficulty": TEST_DIFFICULTY,
            "rate_limits": dict.fromkeys(RelayConfig(root_path=Path()).rate_limits, GENEROUS),
        }
        values.update(overrides)
        return RelayConfig(**values)
    return build


@dataclass
class ThreadedRelay:
    """The app under uvicorn (the relay's own settings) in a thread, on 127.0.0.1."""

    app: FastAPI
    server: uvicorn.Server
    thread: threading.Thread
    base_url: str

    @classmethod
    def start(cls, app: FastAPI) -> ThreadedRelay:
        server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", 0, configure_logging=False))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("in-process relay did not start")
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        return cls(app, server, thread, f"http://127.0.0.1:{port}")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture
def app_client(make_config: Callable[..., RelayConfig],
               clock: FakeClock) -> Iterator[Callable[..., httpx.Client]]:
    """Factory: an httpx client for a relay app (config overrides) served in a thread."""
    running: list[tuple[ThreadedRelay, httpx.Client]] = []

    def build(storage: Storage | None = None, **overrides: Any) -> httpx.Client:
        app = create_app(make_config(**overrides), storage=storage, clock=clock)
        relay = ThreadedRelay.start(app)
        http = httpx.Client(base_url=relay.base_url, timeout=30)
        running.append((relay, http))
        return http

    yield build
    for relay, http in running:
        http.close()
        relay.stop()


@pytest.fixture
def app_storage(make_config: Callable[..., RelayConfig]) -> Iterator[Storage]:
    """The database the in-process apps use, opened separately to look inside."""
    s = Storage.open(make_config().db_url)
    yield s
    s.close()


@pytest.fixture
def org_token(app_storage: Storage) -> str:
    """A valid organisation token for the in-process apps."""
    return add_org_token(app_storage, "console")


@pytest.fixture
def org(client: httpx.Client, org_token: str) -> Iterator[httpx.Client]:
    """An httpx client for the same relay as ``client``, with the organisation token."""
    with httpx.Client(base_url=str(client.base_url), timeout=30,
                      headers={"Authorization": f"Bearer {org_token}"}) as http:
        yield http


@pytest.fixture
def client(app_client: Callable[..., httpx.Client]) -> httpx.Client:
    return app_client()


# Reports ----------------------------------------------------------------------------



def solve(http: httpx.Client) -> dict[str, str]:
    """Fetch a challenge and solve it: the ``pow`` object of a submission."""
    challenge = http.get("/v1/pow").json()
    nonce = protocol_pow.solve(challenge["challenge"], challenge["difficulty"])
    return {"challenge": challenge["challenge"], "nonce": nonce}


@pytest.fixture
def make_submission(publisher: Publisher) -> Callable[..., dict[str, Any]]:
    """Factory: a complete, valid report body (sealed envelope, solved proof)."""
    def build(http: httpx.Client, *, plaintext: bytes = b"a report",
              idempotency_key: str | None = None,
              reply_public_key: bytes | None = None) -> dict[str, Any]:
        key = idempotency_key or new_idempotency_key()
        proof = solve(http)
        submission = ReportSubmission(idempotency_key=key,
                                      envelope=publisher.seal(plaintext, key, reply_public_key),
                                      pow_challenge=proof["challenge"],
                                      pow_nonce=proof["nonce"])
        return submission.to_json()
    return build


# Real servers -----------------------------------------------------------------------

@dataclass
class RelayProcess:
    """A relay started with the real CLI in a child process."""

    base_url: str
    log_path: Path
    process: subprocess.Popen[bytes]

    def http(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30, **kwargs)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(relay: RelayProcess, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if relay.process.poll() is not None:
            return False
        try:
            if httpx.get(f"{relay.base_url}/v1/health", timeout=1).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    return False


@pytest.fixture
def relay_server(tmp_path: Path, publisher: Publisher) -> Iterator[Callable[..., RelayProcess]]:
    """Factory: start ``python -m server_stub.relay relay serve`` on 127.0.0.1."""
    started: list[RelayProcess] = []

    def start(*, db_url: str | None = None, extra: list[str] | None = None) -> RelayProcess:
        db_url = db_url or f"sqlite:///{tmp_path / 'served.db'}"
        limits = [f"--rate-limit={group}=100000/60"
                  for group in RelayConfig(root_path=Path()).rate_limits]
        for _attempt in range(3):
            port = free_port()
            log_path = tmp_path / f"relay-{port}.log"
            command = [sys.executable, "-m", "server_stub.relay", "relay", "serve",
                       "--db", db_url, "--root", str(publisher.root_path),
                       "--host", "127.0.0.1", "--port", str(port),
                       "--pow-difficulty", str(TEST_DIFFICULTY), *limits, *(extra or [])]
            with log_path.open("wb") as log:
                process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=log,
                                           env={**os.environ, "PYTHONPATH": str(REPO)})
            relay = RelayProcess(f"http://127.0.0.1:{port}", log_path, process)
            started.append(relay)
            if _wait_until_up(relay, time.monotonic() + 30):
                return relay
            relay.stop()
        raise RuntimeError(f"relay did not start:\n{log_path.read_text()}")

    yield start
    for relay in started:
        relay.stop()
