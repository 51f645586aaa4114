"""Accepting a sealed report: the one write path open to anonymous clients.

Order of checks, cheapest and most telling first:

1. shape: ``ReportSubmission.from_json`` (canonical base64, one of the envelope sizes,
   a well-formed idempotency key); the relay cannot and does not open the envelope;
2. the proof of work: signed by this relay, unexpired, enough work (stateless);
3. store the envelope and spend the proof in one transaction. A UNIQUE constraint
   settles the rest: a known idempotency key with the same envelope is a retry and gets
   the first receipt again (200), with another envelope a conflict (409); a proof that
   already paid for another report is refused (403).

A retry whose proof no longer passes step 2 is still answered: a client whose response
got lost resends the same body, possibly hours later from its outbox, after the
challenge expired or the relay restarted with a new secret. Its proof was already spent
on exactly this envelope, and answering it stores nothing, so there is nothing for a
proof to protect. What it reveals is a receipt, and only to someone who already holds
both the 128-bit random key and the sealed bytes, i.e. the sender. So a refused proof
is looked up as a retry before the 403. New reports, the common case, need no lookup.
"""

from __future__ import annotations

import secrets

from server_stub.relay.errors import ChallengeError, IdempotencyConflictError
from server_stub.relay.retention import utc_day
from server_stub.relay.services import RelayServices
from server_stub.relay.storage import NewReport, Receipt, envelope_digest
from sync.protocol.messages import ReportSubmission


def new_receipt_id() -> str:
    """16 random bytes, base64url: receipts are not sequential and reveal no order."""
    return secrets.token_urlsafe(16)


def submit_report(services: RelayServices, submission: ReportSubmission) -> tuple[Receipt, bool]:
    """Store a report, or recognise a retry; return (receipt, created).

    ``submission`` has passed ``ReportSubmission.from_json`` (step 1). Raises
    IdempotencyConflictError or ChallengeError.
    """
    try:
        solved = services.issuer.check(submission.pow_challenge, submission.pow_nonce)
    except ChallengeError:
        retried = _earlier_receipt(services, submission)
        if retried is None:
            raise
        return retried, False
    receipt = Receipt(new_receipt_id(), utc_day(services.clock()))
    return services.storage.store_report(NewReport(
        receipt=receipt, idempotency_key=submission.idempotency_key,
        envelope=submission.envelope, challenge_sha256=solved.sha256,
        challenge_keep_until=solved.keep_until))


def _earlier_receipt(services: RelayServices, submission: ReportSubmission
                     ) -> Receipt | None:
    """The receipt of this very report if it was stored before; IdempotencyConflictError
    if its key was used for another envelope."""
    existing = services.storage.find_report(submission.idempotency_key)
    if existing is None:
        return None
    if existing.envelope_sha256 != envelope_digest(submission.envelope):
        raise IdempotencyConflictError("idempotency key already used for another envelope")
    return existing.receipt
