"""Group commit: callers that arrive together share one write, and each gets its own
result only after the write that holds its item has finished."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from server_stub.relay.group_commit import GroupCommit


class SlowWriter:
    """Records each batch; the write takes a while, as an fsync does."""

    def __init__(self, seconds: float = 0.02, fail_on: int | None = None) -> None:
        self.batches: list[list[int]] = []
        self.committed: set[int] = set()
        self._seconds = seconds
        self._fail_on = fail_on
        self._lock = threading.Lock()

    def __call__(self, items: list[int]) -> list[int]:
        time.sleep(self._seconds)
        with self._lock:
            self.batches.append(list(items))
            if self._fail_on in items:
                raise OSError("disk full")
            self.committed.update(items)
        return [item * 10 for item in items]


def _submit_all(group: GroupCommit[int, int], items: range, writer: SlowWriter
                ) -> dict[int, object]:
    def one(item: int) -> object:
        try:
            result = group.submit(item)
        except OSError as exc:
            return exc
        assert item in writer.committed  # nobody hears back before their row is written
        return result

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return dict(zip(items, pool.map(one, items), strict=True))


def test_callers_that_arrive_together_share_a_write() -> None:
    writer = SlowWriter()
    group = GroupCommit(writer)
    results = _submit_all(group, range(40), writer)
    assert results == {i: i * 10 for i in range(40)}
    assert sorted(i for batch in writer.batches for i in batch) == list(range(40))
    assert len(writer.batches) < 40 / 2  # most callers shared a write


def test_a_failed_write_reaches_everyone_in_its_batch_and_no_one_else() -> None:
    writer = SlowWriter(fail_on=7)
    group = GroupCommit(writer)
    results = _submit_all(group, range(30), writer)
    failed_batch = next(batch for batch in writer.batches if 7 in batch)
    for item, result in results.items():
        if item in failed_batch:
            assert isinstance(result, OSError)
        else:
            assert result == item * 10
    assert group.submit(100) == 1000  # the writer is free again


def test_a_batch_is_never_larger_than_the_limit() -> None:
    writer = SlowWriter()
    group = GroupCommit(writer, max_batch=4)
    _submit_all(group, range(25), writer)
    assert max(len(batch) for batch in writer.batches) <= 4
    assert sorted(i for batch in writer.batches for i in batch) == list(range(25))


def test_a_write_that_returns_the_wrong_number_of_results_fails_loudly() -> None:
    group: GroupCommit[int, int] = GroupCommit(lambda items: [])
    with pytest.raises(RuntimeError, match="one result per item"):
        group.submit(1)
