"""Private keys at rest: encrypted with a key derived from the console passphrase.

One key per file, so that the root key can be moved to offline storage on its own. A
key file is canonical JSON::

    {"format": 1, "kind": "report" | "publisher" | "root",
     "kdf": {"algorithm": "argon2id", "iterations": 3, "lanes": 4, "memory_kib": 262144},
     "salt": "<base64, 16 bytes>", "nonce": "<base64, 12 bytes>",
     "ciphertext": "<base64: ChaCha20-Poly1305 of the raw private key, with its tag>"}

Argon2id (memory-hard, so a stolen file resists guessing on GPUs) turns the passphrase
into a 256-bit key; ChaCha20-Poly1305 encrypts the private key. Everything except the
ciphertext is the AEAD's associated data: changing the KDF cost, the salt or the kind
(say, to pass the report key off as the publisher key) makes decryption fail.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NewType

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from app.core import canonical
from app.core.errors import CanonicalError
from app.vault.errors import HeaderError
from app.vault.kdf import KdfParams
from server_stub.console.errors import KeyFileFormatError, WrongPassphraseError
from server_stub.console.files import PRIVATE_MODE, write_atomic
from sync.protocol.codec import b64decode, b64encode
from sync.protocol.errors import ProtocolError

Passphrase = NewType("Passphrase", str)

KEY_FILE_FORMAT = 1
KINDS = frozenset({"report", "publisher", "root"})
SALT_BYTES = 16
NONCE_BYTES = 12
KEY_BYTES = 32
MAX_KEY_FILE_BYTES = 4096
# Stronger than the phone's vault: the console runs on a desk machine and unlocks rarely.
CONSOLE_KDF = KdfParams(iterations=3, lanes=4, memory_kib=256 * 1024)
# A key file names its own KDF cost; a planted file must not make us allocate 100 GiB.
_MAX_MEMORY_KIB = 4 * 1024 * 1024
_MAX_ITERATIONS = 64
_MAX_LANES = 64

_FILE_KEYS = frozenset({"format", "kind", "kdf", "salt", "nonce", "ciphertext"})
_KDF_KEYS = frozenset({"algorithm", "iterations", "lanes", "memory_kib"})


@dataclass(frozen=True)
class _KeyFile:
    header: dict[str, Any]
    params: KdfParams
    salt: bytes
    nonce: bytes
    ciphertext: bytes


def seal_key(secret: bytes, passphrase: Passphrase, *, kind: str,
             params: KdfParams = CONSOLE_KDF) -> bytes:
    """The bytes of a key file holding ``secret`` encrypted under ``passphrase``."""
    _check_kind(kind)
    if not passphrase:
        raise ValueError("a passphrase cannot be empty")
    salt, nonce = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_BYTES)
    header = {"format": KEY_FILE_FORMAT, "kind": kind,
              "kdf": {"algorithm": "argon2id", **params.to_dict()},
              "salt": b64encode(salt), "nonce": b64encode(nonce)}
    aead = ChaCha20Poly1305(_derive(passphrase, salt, params))
    ciphertext = aead.encrypt(nonce, secret, canonical.encode(header))
    return canonical.encode({**header, "ciphertext": b64encode(ciphertext)})


def open_key(raw: bytes, passphrase: Passphrase, *, kind: str) -> bytes:
    """The private key inside a key file of ``kind``.

    Raises KeyFileFormatError for a file that is not a key file of that kind, and
    WrongPassphraseError when it does not decrypt (wrong passphrase or altered file:
    the two cannot be told apart, by design of the AEAD).
    """
    _check_kind(kind)
    parsed = _parse(raw)
    if parsed.header["kind"] != kind:
        raise KeyFileFormatError(f"this is not a {kind} key file")
    aead = ChaCha20Poly1305(_derive(passphrase, parsed.salt, parsed.params))
    try:
        return aead.decrypt(parsed.nonce, parsed.ciphertext, canonical.encode(parsed.header))
    except InvalidTag:
        raise WrongPassphraseError("the passphrase does not open this key file") from None


def write_key_file(path: Path, secret: bytes, passphrase: Passphrase, *, kind: str,
                   params: KdfParams = CONSOLE_KDF) -> None:
    """Encrypt ``secret`` into a new file at ``path`` (mode 0600); FileExistsError if it exists."""
    write_atomic(path, seal_key(secret, passphrase, kind=kind, params=params),
                 mode=PRIVATE_MODE, overwrite=False)


def read_key_file(path: Path, passphrase: Passphrase, *, kind: str) -> bytes:
    """The private key in the key file at ``path``."""
    with path.open("rb") as handle:
        raw = handle.read(MAX_KEY_FILE_BYTES + 1)
    return open_key(raw, passphrase, kind=kind)


def _derive(passphrase: Passphrase, salt: bytes, params: KdfParams) -> bytes:
    return Argon2id(salt=salt, length=KEY_BYTES, iterations=params.iterations,
                    lanes=params.lanes, memory_cost=params.memory_kib,
                    ).derive(passphrase.encode("utf-8"))


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"key kind must be one of {sorted(KINDS)}")


def _parse(raw: bytes) -> _KeyFile:
    if len(raw) > MAX_KEY_FILE_BYTES:
        raise KeyFileFormatError("key file is too large")
    try:
        document = canonical.decode(raw)
    except CanonicalError:
        raise KeyFileFormatError("key file is not canonical JSON") from None
    if not isinstance(document, dict) or set(document) != _FILE_KEYS:
        raise KeyFileFormatError(f"key file must have exactly the keys {sorted(_FILE_KEYS)}")
    if document["format"] != KEY_FILE_FORMAT or document["kind"] not in KINDS:
        raise KeyFileFormatError("key file format or kind is unknown")
    header = {key: value for key, value in document.items() if key != "ciphertext"}
    try:
        parsed = _KeyFile(header=header, params=_params(document["kdf"]),
                          salt=b64decode(document["salt"], "salt", ProtocolError),
                          nonce=b64decode(document["nonce"], "nonce", ProtocolError),
                          ciphertext=b64decode(document["ciphertext"], "ciphertext",
                                               ProtocolError))
    except ProtocolError as exc:
        raise KeyFileFormatError(f"key file field is invalid: {exc}") from None
    if len(parsed.salt) != SALT_BYTES or len(parsed.nonce) != NONCE_BYTES:
        raise KeyFileFormatError("key file salt or nonce has the wrong length")
    return parsed


def _params(value: Any) -> KdfParams:
    if not isinstance(value, dict) or set(value) != _KDF_KEYS or value["algorithm"] != "argon2id":
        raise KeyFileFormatError("key file kdf must be argon2id with its three costs")
    try:
        params = KdfParams.from_dict({k: v for k, v in value.items() if k != "algorithm"})
    except HeaderError:
        raise KeyFileFormatError("key file kdf costs are invalid") from None
    if (params.memory_kib > _MAX_MEMORY_KIB or params.iterations > _MAX_ITERATIONS
            or params.lanes > _MAX_LANES):
        raise KeyFileFormatError("key file kdf costs are out of range")
    return params
