"""Errors the relay raises below the HTTP layer. The routes turn each into one status.

    RelayError
    ├── StorageError                 the database cannot be used as it is
    │   └── SchemaTooNewError        written by a newer relay; refusing to downgrade it
    ├── ChallengeError               a proof of work the relay will not accept (403)
    │   ├── ChallengeInvalidError    not issued by this relay, or not solved
    │   ├── ChallengeExpiredError    issued by this relay, but too long ago
    │   └── ChallengeUsedError       already paid for another report
    ├── IdempotencyConflictError     the key is known, with a different envelope (409)
    ├── StaleBundleError             not newer than the bundle already held (409)
    ├── MailboxFullError             a reporter's mailbox holds all the replies it may (409)
    └── UnauthorizedError            no valid organisation token (401)

Protocol errors (bad signatures, malformed bundles, bad proofs) come from
``sync.protocol.errors`` and are mapped by the routes as well.

Intended use::

    try:
        receipt = reports.submit(...)
    except ChallengeError as exc:
        ...  # 403, exc.code says which
    except IdempotencyConflictError:
        ...  # 409
"""

from __future__ import annotations


class RelayError(Exception):
    """Base class of the relay's own errors."""

    code = "relay_error"


class StorageError(RelayError):
    """The database is not in a state this relay can use."""

    code = "storage_error"


class SchemaTooNewError(StorageError):
    """The database schema is newer than this relay; migrations only go forward."""

    code = "schema_too_new"


class ChallengeError(RelayError):
    """A proof of work that the relay does not accept."""

    code = "proof_invalid"


class ChallengeInvalidError(ChallengeError):
    """The challenge was not issued by this relay, or the nonce does not solve it."""

    code = "proof_invalid"


class ChallengeExpiredError(ChallengeError):
    """The challenge was issued by this relay but has expired."""

    code = "proof_expired"


class ChallengeUsedError(ChallengeError):
    """The challenge already paid for another report."""

    code = "proof_used"


class IdempotencyConflictError(RelayError):
    """The idempotency key is already stored with a different envelope."""

    code = "idempotency_conflict"


class StaleBundleError(RelayError):
    """The uploaded bundle's version is not greater than the one the relay holds."""

    code = "bundle_not_newer"

    def __init__(self, current_version: int) -> None:
        super().__init__(f"the relay already holds version {current_version}")
        self.current_version = current_version


class MailboxFullError(RelayError):
    """The mailbox already holds MAX_REPLIES_PER_MAILBOX replies."""

    code = "mailbox_full"


class UnauthorizedError(RelayError):
    """The request carries no valid organisation token."""

    code = "unauthorized"
