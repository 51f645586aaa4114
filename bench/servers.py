"""The servers a benchmark starts, and what talks to them.

Every server binds 127.0.0.1 and is stopped when its ``with`` block ends, however it
ends. The load generator is deliberately lighter than any real client (prepared bytes
on raw sockets): with httpx as the client, the client itself was the ceiling (about
700 requests/s here), and a baseline that measures the client flatters every ratio.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.sync.faults.relay_process import REPO, RelayProcess, free_port
from tests.trustkit import TrustKit

MIN_DIFFICULTY = 1  # the least proof of work the relay accepts


@contextmanager
def relay_running(workdir: Path, kit: TrustKit, *, token: str = "",
                  difficulty: int = MIN_DIFFICULTY) -> Iterator[RelayProcess]:
    """The real relay (`brolly relay serve`, SQLite) in a child process."""
    extra = ("--org-token-hash", hashlib.sha256(token.encode()).hexdigest()) if token else ()
    relay = RelayProcess(workdir, kit.root_raw, difficulty=difficulty, extra_args=extra)
    try:
        relay.start()
        yield relay
    finally:
        relay.stop()  # also when start() gave up waiting for it


@contextmanager
def bare_running() -> Iterator[int]:
    """The baseline endpoint (bench/bare_app.py) in a child process; yields its port."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "bench.bare_app", str(port)], env=env,
                               cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the baseline server exited")
        try:
            if httpx.get(url + "/v1/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError("the baseline server did not start")


async def post_all(port: int, path: str, bodies: list[bytes], clients: int
                   ) -> tuple[list[int], float]:
    """POST every body over ``clients`` keep-alive connections at once; (statuses, seconds)."""
    chunks = [bodies[i::clients] for i in range(clients)]

    async def client(chunk: list[bytes]) -> list[int]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        statuses = []
        try:
            for body in chunk:
                writer.write(b"POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                             b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                             % (path.encode(), port, len(body), body))
                head = await reader.readuntil(b"\r\n\r\n")
                statuses.append(int(head.split(b" ", 2)[1]))
                await reader.readexactly(_content_length(head))
        finally:
            writer.close()
        return statuses

    start = time.perf_counter()
    done = await asyncio.gather(*(client(c) for c in chunks if c))
    seconds = time.perf_counter() - start
    return [s for statuses in done for s in statuses], seconds


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    raise RuntimeError("an answer without Content-Length")  # the relay never chunks these


class CountingProxy:
    """A TCP forwarder on 127.0.0.1 that counts the bytes each way: what the phone's own
    HTTP client puts on the wire and gets back, headers included (TLS would add a little
    per record, and a handshake per new connection)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.up = 0  # phone -> relay
        self.down = 0  # relay -> phone
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="counting-proxy", daemon=True)
        self._server: asyncio.Server | None = None

    def counts(self) -> tuple[int, int]:
        return self.up, self.down

    def __enter__(self) -> CountingProxy:
        self._thread.start()
        if not self._ready.wait(10) or self._server is None:
            raise RuntimeError("the counting proxy did not start")
        return self

    def __exit__(self, *_exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._server.close()
            for task in asyncio.all_tasks(self._loop):
                task.cancel()
            self._loop.run_until_complete(asyncio.sleep(0))
            self._loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        await asyncio.gather(self._pipe(reader, up_writer, "up"),
                             self._pipe(up_reader, writer, "down"), return_exceptions=True)

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter,
                    direction: str) -> None:
        try:
            while chunk := await source.read(65536):
                if direction == "up":
                    self.up += len(chunk)
                else:
                    self.down += len(chunk)
                sink.write(chunk)
                await sink.drain()
        finally:
            sink.close()
