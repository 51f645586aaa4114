"""The outbox state machine: every state an envelope can be in, and every transition, here.

    WAITING ──attempt──▶ SENDING ──accepted──▶ DELIVERED
       ▲                    │
       ├────retry───────────┤   network error, 5xx, 429, 408, a stale proof of work
       │                    └──refused──▶ REJECTED ──resend──▶ WAITING
       └────────────restart (from SENDING: the answer was never seen)

Only an answer that can never succeed (a 4xx other than 403/408/429) is REJECTED, and the
user is shown why. A transport error or a 5xx is never permanent. A restart puts a SENDING
item back to WAITING: it is sent again with the same idempotency key, and the relay
answers a duplicate with the receipt it already gave, so delivery stays exactly-once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class OutboxState(StrEnum):
    WAITING = "waiting"
    SENDING = "sending"
    DELIVERED = "delivered"
    REJECTED = "rejected"


class OutboxEvent(StrEnum):
    ATTEMPT = "attempt"
    ACCEPTED = "accepted"
    RETRY = "retry"
    REFUSED = "refused"
    RESTART = "restart"
    RESEND = "resend"


@dataclass(frozen=True)
class OutboxItem:
    """One sealed envelope in the outbox, as the vault stores it."""

    id: str
    report_id: str | None
    idempotency_key: str
    envelope: bytes
    state: OutboxState
    attempts: int
    not_before: datetime | None
    last_error: str | None  # a machine code for the user-facing reason, never server text
    receipt: dict[str, object] | None
    created_at: datetime
    updated_at: datetime


class InvalidTransitionError(Exception):
    """An event that the state machine does not allow in the item's current state."""


TRANSITIONS: dict[tuple[OutboxState, OutboxEvent], OutboxState] = {
    (OutboxState.WAITING, OutboxEvent.ATTEMPT): OutboxState.SENDING,
    (OutboxState.WAITING, OutboxEvent.RESTART): OutboxState.WAITING,
    (OutboxState.SENDING, OutboxEvent.ACCEPTED): OutboxState.DELIVERED,
    (OutboxState.SENDING, OutboxEvent.RETRY): OutboxState.WAITING,
    (OutboxState.SENDING, OutboxEvent.REFUSED): OutboxState.REJECTED,
    (OutboxState.SENDING, OutboxEvent.RESTART): OutboxState.WAITING,
    (OutboxState.REJECTED, OutboxEvent.RESEND): OutboxState.WAITING,
    (OutboxState.REJECTED, OutboxEvent.RESTART): OutboxState.REJECTED,
    (OutboxState.DELIVERED, OutboxEvent.RESTART): OutboxState.DELIVERED,
}

_RETRYABLE_STATUSES = frozenset({403, 408, 425, 429})


def next_state(state: OutboxState, event: OutboxEvent) -> OutboxState:
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise InvalidTransitionError(f"{event.value} is not allowed when {state.value}") from None


def event_for_status(status: int) -> OutboxEvent:
    """What an HTTP answer to a submission means for the item."""
    if 200 <= status < 300:
        return OutboxEvent.ACCEPTED
    if status >= 500 or status in _RETRYABLE_STATUSES:
        # 403 is a proof of work that expired or was already used: a fresh one fixes it.
        return OutboxEvent.RETRY
    if 400 <= status < 500:
        return OutboxEvent.REFUSED
    return OutboxEvent.RETRY
