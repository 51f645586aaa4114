"""Errors raised by the vault. None of them ever carries a passcode, a key or report content.

    VaultError
    ├── VaultMissingError      no vault in this data directory
    ├── VaultExistsError       refusing to create over an existing vault
    ├── VaultLockedError       an operation needs the vault unlocked
    ├── HeaderError            the plaintext header is missing, damaged or of an unknown format
    ├── UnlockRefusedError     the passcode was not accepted, or may not be tried yet
    │   ├── WrongPasscodeError     wrong passcode (attempts so far, delay before the next try)
    │   └── UnlockThrottledError   too soon after a failed attempt (seconds to wait)
    ├── PasscodeRejectedError  a new passcode is unusable (empty, or equal to the other one)
    ├── ReportNotFoundError    no stored report with that id
    ├── ReportNotEditableError a report that was already sent cannot be saved as a draft
    └── MigrationError         the database is newer than this build, or a migration failed

Typical use::

    try:
        vault.unlock(passcode)
    except UnlockRefusedError as exc:
        show_delay(exc.retry_after)
"""


class VaultError(Exception):
    """Base class of every error the vault raises."""


class VaultMissingError(VaultError):
    """There is no vault in the data directory."""


class VaultExistsError(VaultError):
    """A vault already exists where a new one was to be created."""


class VaultLockedError(VaultError):
    """The vault is locked; unlock it first."""


class HeaderError(VaultError):
    """The plaintext header beside the database is missing, damaged or unknown."""


class UnlockRefusedError(VaultError):
    """The vault was not unlocked. ``retry_after`` is the delay in seconds before the next try."""

    def __init__(self, message: str, *, retry_after: float, failed_attempts: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.failed_attempts = failed_attempts


class WrongPasscodeError(UnlockRefusedError):
    """The passcode does not open the vault."""


class UnlockThrottledError(UnlockRefusedError):
    """An unlock was attempted before the delay after a failed attempt had passed."""


class PasscodeRejectedError(VaultError):
    """A new passcode cannot be used (empty, or the same as the duress passcode)."""


class ReportNotFoundError(VaultError, KeyError):
    """No stored report has that id."""


class ReportNotEditableError(VaultError):
    """The report was already sent; it can no longer be changed as a draft."""


class MigrationError(VaultError):
    """The schema cannot be brought to this build's version."""
