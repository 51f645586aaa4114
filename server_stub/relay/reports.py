"""Accepting a sealed report: the one write path open to anonymous clients.

Order of checks, cheapest and most telling first:

1. shape: ``ReportSubmission.from_json`` (canonical base64, one of the envelope sizes,
   a well-formed idempotency key); the relay cannot and does not open the envelope;
2. a known idempotency key: same envelope -> the first receipt again (200), another
   envelope -> conflict (409);
3. the proof of work (403 if invalid, expired or already spent);
4. store the envelope and spend the proof in one transaction.

Why a retry skips the proof (step 2 before 3): a client whose response got lost resends
the same body, possibly hours later from its outbox, after the challenge expired or the
relay restarted with a new secret. Its proof was already spent on exactly this
envelope, and answering it stores nothing, so there is nothing for a proof to protect.
What it reveals is a receipt, and only to someone who already holds both the 128-bit
random key and the sealed bytes, i.e. the sender. A different envelope under a known
key gets 409 (the client has a bug); an unknown key with a spent proof gets 403.
"""

from __future__ import annotations

import secrets

from server_stub.relay.errors import IdempotencyConflictError
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
    existing = services.storage.find_report(submission.idempotency_key)
    if existing is not None:
        if existing.envelope_sha256 != envelope_digest(submission.envelope):
            raise IdempotencyConflictError(
                "idempotency key already used for another envelope")
        return existing.receipt, False
    solved = services.issuer.check(submission.pow_challenge, submission.pow_nonce)
    receipt = Receipt(new_receipt_id(), utc_day(services.clock()))
    return services.storage.store_report(NewReport(
        receipt=receipt, idempotency_key=submission.idempotency_key,
        envelope=submission.envelope, challenge_sha256=solved.sha256,
        challenge_keep_until=solved.keep_until))
