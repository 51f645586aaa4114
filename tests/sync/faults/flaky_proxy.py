"""A TCP proxy on 127.0.0.1 that misbehaves on purpose. Each time the client sends (a
request, on a new or a kept-alive connection) a share of the sends is dropped (the
connection closed unanswered), reset (forwarded, then the connection cut with RST before
the whole answer), or delayed; the rest are forwarded faithfully."""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from collections import Counter


class FlakyProxy:
    def __init__(self, target_port: int, *, fault_rate: float = 0.25, seed: int = 1) -> None:
        self.target_port = target_port
        self.fault_rate = fault_rate
        self.faults: Counter[str] = Counter()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = int(self._server.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)

    def __enter__(self) -> FlakyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self._server.close()

    def _choose(self) -> str:
        with self._lock:
            if self._rng.random() >= self.fault_rate:
                return "forward"
            fault = self._rng.choice(["drop", "reset", "delay"])
            self.faults[fault] += 1
            return fault

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
        except OSError:
            client.close()
            return
        threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()
        try:
            while data := client.recv(65536):
                fault = self._choose()
                if fault == "drop":
                    break
                if fault == "delay":
                    time.sleep(self._rng.uniform(0.1, 0.5))
                upstream.sendall(data)
                if fault == "reset":
                    time.sleep(0.002)
                    break
        except OSError:
            pass
        _reset(client, upstream)


def _reset(*sockets: socket.socket) -> None:
    for sock in sockets:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        except OSError:
            pass


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
