"""A real relay in a child process on 127.0.0.1, which a test can kill and start again."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RelayProcess:
    def __init__(self, workdir: Path, root_raw: bytes, *, port: int | None = None,
                 difficulty: int = 2, extra_args: tuple[str, ...] = ()) -> None:
        self.workdir = workdir
        self.db = workdir / "relay.db"
        self.root = workdir / "root.json"
        self.root.write_bytes(root_raw)
        secret = workdir / "pow.secret"
        secret.write_text("a-fixed-secret-so-challenges-survive-restarts-0123456789")
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "relay.log"
        self._args = [
            sys.executable, "-m", "server_stub.relay", "relay", "serve",
            "--db", f"sqlite:///{self.db}", "--host", "127.0.0.1", "--port", str(self.port),
            "--root", str(self.root), "--pow-difficulty", str(difficulty),
            "--pow-secret-file", str(secret),
            "--rate-limit", "reports=1000000/60", "--rate-limit", "pow=1000000/60",
            "--rate-limit", "bundles=1000000/60", *extra_args,
        ]
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20.0) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        with self.log.open("ab") as log:
            self._proc = subprocess.Popen(self._args, stdout=log, stderr=log, env=env,
                                          cwd=self.workdir)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"relay exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("relay did not start in time")

    def kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait(timeout=10)
            self._proc = None

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
            self._proc = None

    def envelope_count(self) -> int:
        with sqlite3.connect(self.db) as conn:
            return int(conn.execute("SELECT count(*) FROM envelopes").fetchone()[0])

    def receipt_ids(self) -> set[str]:
        with sqlite3.connect(self.db) as conn:
            return {row[0] for row in conn.execute("SELECT id FROM envelopes")}
