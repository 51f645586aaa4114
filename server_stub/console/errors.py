"""Errors raised by the organisation console. None carries a passphrase, a key, a token or
any word of a report: messages name what failed, and the CLI words them for people.

    ConsoleError
    ├── KeystoreError             a key file that cannot be used
    │   ├── WrongPassphraseError      the passphrase does not open it (or the file was altered)
    │   ├── KeyFileFormatError        not a key file of a known format
    │   └── KeyMismatchError          a private key that does not match the trust file
    ├── KeysExistError            refusing to create keys over existing ones
    ├── NotInitialisedError       no keys, trust file or casework store yet (``keys init``)
    ├── CaseNotFoundError         no case with that id
    ├── AlertNotFoundError        no alert with that id
    ├── AlertRefusedError         this case cannot become an alert (``reason`` says why)
    ├── RegionError               not an area that has its own alerts feed
    ├── DirectoryError            the reviewed directory file is not valid
    └── RelayError                the relay's organisation API did not do what was asked
        ├── RelayUnreachableError     no answer at all (network, TLS, timeout)
        └── RelayRefusedError         an answer, but not success (``status``, ``code``)

Typical use in the CLI::

    try:
        result = pull(...)
    except WrongPassphraseError:
        ...  # say so, exit 1
    except RelayError:
        ...  # nothing was lost: envelopes stay on the relay until acknowledged
"""

from __future__ import annotations


class ConsoleError(Exception):
    """Base class of every error the console raises."""


class KeystoreError(ConsoleError):
    """A key file cannot be used."""


class WrongPassphraseError(KeystoreError):
    """The passphrase does not open a key file (or the file was changed since) or the
    casework store. ``retry_after``: seconds before the store accepts another try."""

    def __init__(self, message: str, *, retry_after: float = 0.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class KeyFileFormatError(KeystoreError):
    """The file is not a key file of a format this console knows."""


class KeyMismatchError(KeystoreError):
    """A private key is not the one the trust file names: the directory was mixed up."""


class KeysExistError(ConsoleError):
    """Keys already exist in the console directory; they are never overwritten."""


class NotInitialisedError(ConsoleError):
    """The console directory has no keys, trust file or casework store (run ``keys init``)."""


class CaseNotFoundError(ConsoleError, KeyError):
    """No case has that id."""


class AlertNotFoundError(ConsoleError, KeyError):
    """No alert has that id."""


class AlertRefusedError(ConsoleError):
    """The case cannot become an alert. ``reason`` is a machine code the CLI words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RegionError(ConsoleError):
    """Alerts are published per feed region (an English region, or a nation without
    regions); this code is not one."""


class DirectoryError(ConsoleError):
    """The reviewed directory does not validate."""


class RelayError(ConsoleError):
    """The relay did not do what the console asked."""


class RelayUnreachableError(RelayError):
    """No answer from the relay: network, TLS or timeout."""


class RelayRefusedError(RelayError):
    """The relay answered with an error status; ``code`` is its machine code, if any."""

    def __init__(self, message: str, *, status: int, code: str | None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
