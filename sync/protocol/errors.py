"""Errors raised by the wire protocol. Verifying functions raise; they never return False.

    ProtocolError (ValueError)
    ├── EnvelopeError            a report envelope that does not open, or bad inputs to seal one
    │   └── PaddingError         bytes that are not exactly one padding bucket, or too large
    ├── BundleError              a signed bundle that must not reach the cache
    │   ├── SignatureError       listed publisher key(s), but not enough valid signatures
    │   ├── UnknownKeyError      no signature by any publisher key of the trusted root
    │   ├── RollbackError        older than what the caller already holds
    │   ├── ExpiredError         now >= expires_at
    │   ├── WrongBundleError     validly signed, but another kind or name than asked for
    │   ├── MalformedBundleError not canonical JSON, or not the bundle/alert schema
    │   ├── BundleTooLargeError  more bytes than the caller allows, checked before parsing
    │   └── PatchError           a bundle patch that is malformed or made for another bundle
    ├── RootError                a trust root that does not load or does not chain
    ├── ProofOfWorkError         a proof of work that does not verify, or bad parameters
    │   └── SolveStoppedError    solve() was asked to stop before it found a nonce
    └── MessageError             a relay API body that is not exactly the documented shape

Every class derives from ValueError, so a pydantic validator on the relay may let them
through unchanged. Messages name the field that failed and never quote its value: a
report's plaintext, a key or a nonce must not end up in a log.

Intended use on the client::

    try:
        bundle = verify_bundle(raw, root, kind="alerts", name=region, now=now,
                               at_least=cached.version)
    except RollbackError:
        ...  # someone serves an old bundle: keep the cache, say so
    except BundleError:
        ...  # keep the cache, show "could not verify the latest warnings"
"""


class ProtocolError(ValueError):
    """Base class of every error the wire protocol raises."""


class EnvelopeError(ProtocolError):
    """A report envelope does not open, or the inputs to seal one are invalid."""


class PaddingError(EnvelopeError):
    """Data too large for the biggest bucket, or padded bytes that are not exactly one bucket."""


class BundleError(ProtocolError):
    """A signed bundle failed verification and must not reach the cache."""


class SignatureError(BundleError):
    """Signatures by listed publisher keys do not verify, or fall short of the threshold."""


class UnknownKeyError(BundleError):
    """No signature was made by a publisher key listed in the trusted root."""


class RollbackError(BundleError):
    """The bundle's version is older than the caller accepts (rollback or replay)."""


class ExpiredError(BundleError):
    """The bundle has expired (now >= expires_at)."""


class WrongBundleError(BundleError):
    """A validly signed bundle of another kind or name than the one asked for."""


class MalformedBundleError(BundleError):
    """The bytes are not canonical JSON or do not follow the bundle or alert schema."""


class BundleTooLargeError(BundleError):
    """The bundle is larger than the caller allows; checked before any parsing."""


class PatchError(BundleError):
    """A bundle patch is malformed, or was made for another bundle than the one held."""


class RootError(ProtocolError):
    """A trust root does not parse, is not signed by a threshold of keys, or does not chain."""


class ProofOfWorkError(ProtocolError):
    """A proof of work does not verify, or its parameters are out of range."""


class SolveStoppedError(ProofOfWorkError):
    """solve() stopped because should_stop() returned True."""


class MessageError(ProtocolError):
    """A relay API body is not exactly the documented shape."""
