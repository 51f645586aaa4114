"""Draining the outbox: one item at a time, each paid for with a fresh proof of work.

Only transport errors, 5xx and the few retryable 4xx are retried (with capped, jittered
backoff); an answer that can never succeed marks the item REJECTED with the relay's
machine code, for the user to see, fix and resend. Nothing is ever dropped.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sync.errors import RelayUnreachableError, SyncError
from sync.ports import OutboxPort
from sync.protocol import pow
from sync.protocol.backoff import Backoff
from sync.protocol.errors import MessageError, SolveStoppedError
from sync.protocol.messages import ReportSubmission
from sync.protocol.outbox import OutboxEvent, OutboxItem, event_for_status
from sync.relay_api import RelayApi

NETWORK_ERROR = "network"
BAD_ANSWER = "bad_answer"


class SendResult(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    REJECTED = "rejected"
    OFFLINE = "offline"
    STOPPED = "stopped"


@dataclass
class DrainReport:
    results: list[tuple[str, SendResult]] = field(default_factory=list)

    def count(self, result: SendResult) -> int:
        return sum(1 for _, r in self.results if r is result)


Progress = Callable[[str, int, int], None]  # item id, attempts made, attempts expected


class Sender:
    def __init__(self, outbox: OutboxPort, api: RelayApi, *, backoff: Backoff | None = None,
                 clock: Callable[[], datetime] | None = None, rng: random.Random | None = None,
                 on_delivered: Callable[[OutboxItem], None] | None = None,
                 on_progress: Progress | None = None) -> None:
        self._outbox = outbox
        self._api = api
        self._backoff = backoff or Backoff()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._rng = rng
        self._on_delivered = on_delivered
        self._on_progress = on_progress

    def drain(self, should_stop: Callable[[], bool] = lambda: False) -> DrainReport:
        """Send every due item until done, offline, or told to stop."""
        report = DrainReport()
        for item in self._outbox.due(self._clock()):
            if should_stop():
                break
            result = self.send(item, should_stop)
            report.results.append((item.id, result))
            if result in (SendResult.OFFLINE, SendResult.STOPPED):
                break
        return report

    def send(self, item: OutboxItem, should_stop: Callable[[], bool] = lambda: False
             ) -> SendResult:
        self._outbox.apply(item.id, OutboxEvent.ATTEMPT)
        try:
            challenge = self._api.challenge()
            nonce = pow.solve(challenge.challenge, challenge.difficulty,
                              progress=self._progress(item, challenge.difficulty),
                              should_stop=should_stop)
            submission = ReportSubmission(item.idempotency_key, item.envelope,
                                          challenge.challenge, nonce)
            outcome = self._api.submit(submission)
        except SolveStoppedError:
            self._outbox.apply(item.id, OutboxEvent.RESTART)
            return SendResult.STOPPED
        except RelayUnreachableError:
            self._retry(item, NETWORK_ERROR, None)
            return SendResult.OFFLINE
        except (SyncError, MessageError):
            self._retry(item, BAD_ANSWER, None)
            return SendResult.RETRY
        event = event_for_status(outcome.status)
        if event is OutboxEvent.ACCEPTED and outcome.receipt is not None:
            done = self._outbox.apply(item.id, event, receipt=outcome.receipt.to_json())
            if self._on_delivered is not None:
                self._on_delivered(done)
            return SendResult.DELIVERED
        if event is OutboxEvent.REFUSED:
            self._outbox.apply(item.id, event, error=outcome.error_code or f"http_{outcome.status}")
            return SendResult.REJECTED
        self._retry(item, outcome.error_code or f"http_{outcome.status}", outcome.retry_after)
        return SendResult.RETRY

    def _retry(self, item: OutboxItem, error: str, retry_after: float | None) -> None:
        delay = self._backoff.honour_retry_after(item.attempts + 1, retry_after, self._rng)
        self._outbox.apply(item.id, OutboxEvent.RETRY, error=error,
                           not_before=self._clock() + timedelta(seconds=delay))

    def _progress(self, item: OutboxItem, difficulty: int) -> Callable[[int], None] | None:
        if self._on_progress is None:
            return None
        callback, expected = self._on_progress, pow.expected_attempts(difficulty)
        return lambda attempts: callback(item.id, attempts, expected)
