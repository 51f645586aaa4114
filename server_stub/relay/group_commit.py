"""Many concurrent writes, one durable commit.

A receipt promises the report is on disk, so every write ends in an fsync; one fsync per
report caps the relay at a few hundred reports a second whatever the number of clients.
Here the requests that arrive while a batch is being written wait together, and the next
of them writes them all in one transaction: the fsync is shared, and each caller still
returns only once its own row has been committed.

No thread of its own: the first caller to find the writer free writes the batch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class GroupCommit(Generic[T, R]):
    def __init__(self, write: Callable[[list[T]], list[R]], *, max_batch: int = 256) -> None:
        """``write`` commits a batch in one transaction and returns one result per item,
        in order; if it raises, every caller of that batch gets the exception."""
        self._write = write
        self._max_batch = max_batch
        self._queue: list[tuple[T, Future[R]]] = []
        self._queue_lock = threading.Lock()
        self._writer = threading.Lock()

    def submit(self, item: T) -> R:
        done: Future[R] = Future()
        with self._queue_lock:
            self._queue.append((item, done))
        while not done.done():
            with self._writer:
                self._write_waiting()
        return done.result()

    def _write_waiting(self) -> None:
        with self._queue_lock:
            batch = self._queue[:self._max_batch]
            del self._queue[:self._max_batch]
        if not batch:
            return
        try:
            results = self._write([item for item, _ in batch])
            if len(results) != len(batch):
                raise RuntimeError("a batch write must return one result per item")
        except BaseException as exc:
            for _, done in batch:
                done.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (_, done), result in zip(batch, results, strict=True):
            done.set_result(result)
