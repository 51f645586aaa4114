"""The outbox transition table and what HTTP answers mean for an item."""

from __future__ import annotations

import random

import pytest

from sync.protocol.backoff import Backoff
from sync.protocol.outbox import (
    TRANSITIONS,
    InvalidTransitionError,
    OutboxEvent,
    OutboxState,
    event_for_status,
    next_state,
)


def test_the_happy_path() -> None:
    state = OutboxState.WAITING
    for event in (OutboxEvent.ATTEMPT, OutboxEvent.ACCEPTED):
        state = next_state(state, event)
    assert state is OutboxState.DELIVERED


def test_a_restart_mid_send_sends_again_and_never_loses_the_item() -> None:
    assert next_state(OutboxState.SENDING, OutboxEvent.RESTART) is OutboxState.WAITING
    # Every state survives a restart, and none of them goes away
    for state in OutboxState:
        assert (state, OutboxEvent.RESTART) in TRANSITIONS


def test_rejected_items_can_be_fixed_and_sent_again() -> None:
    assert next_state(OutboxState.REJECTED, OutboxEvent.RESEND) is OutboxState.WAITING


def test_delivered_is_final() -> None:
    for event in OutboxEvent:
        if event is OutboxEvent.RESTART:
            continue
        with pytest.raises(InvalidTransitionError):
            next_state(OutboxState.DELIVERED, event)


@pytest.mark.parametrize(("status", "event"), [
    (200, OutboxEvent.ACCEPTED), (201, OutboxEvent.ACCEPTED),
    (500, OutboxEvent.RETRY), (502, OutboxEvent.RETRY), (503, OutboxEvent.RETRY),
    (429, OutboxEvent.RETRY), (408, OutboxEvent.RETRY), (403, OutboxEvent.RETRY),
    (400, OutboxEvent.REFUSED), (409, OutboxEvent.REFUSED), (413, OutboxEvent.REFUSED),
    (422, OutboxEvent.REFUSED),
])
def test_only_answers_that_can_never_succeed_are_refusals(status: int,
                                                          event: OutboxEvent) -> None:
    assert event_for_status(status) is event


def test_backoff_grows_is_capped_and_jittered() -> None:
    backoff = Backoff(base=1.0, cap=60.0)
    assert [backoff.ceiling(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert backoff.ceiling(50) == 60.0
    rng = random.Random(7)
    draws = [backoff.delay(6, rng) for _ in range(200)]
    assert all(0 <= d <= 32.0 for d in draws)
    assert max(draws) - min(draws) > 10  # spread out, not one fixed delay


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    backoff = Backoff(base=1.0, cap=60.0)
    assert backoff.honour_retry_after(1, 30.0, random.Random(1)) == 30.0
    assert backoff.honour_retry_after(1, 3600.0, random.Random(1)) == 60.0
