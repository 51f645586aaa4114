"""Errors of the client's sync engine (the wire formats have their own, in sync.protocol).

    SyncError
    ├── RelayUnreachableError   no answer: offline, DNS, TLS, timeout, reset (always retried)
    └── RelayAnswerError        an answer that does not follow the protocol (retried too)
        └── AnswerTooLargeError an answer larger than the protocol allows (not even read)

Typical use::

    try:
        outcome = api.submit(submission)
    except SyncError:
        retry_later()
"""


class SyncError(Exception):
    """Base class of the sync engine's errors."""


class RelayUnreachableError(SyncError):
    """The relay could not be reached; nothing is known about what it received."""


class RelayAnswerError(SyncError):
    """The relay answered with something the protocol does not allow."""


class AnswerTooLargeError(RelayAnswerError):
    """The relay sent more bytes than the protocol allows for this answer."""
