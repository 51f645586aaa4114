"""Passcode to key material with Argon2id.

One derivation yields 64 bytes: the first 32 are the SQLCipher raw key, the last 32
are compared against the header's duress tag. Deriving both from one call keeps an
unlock with the duress passcode exactly as slow as an unlock with the real one.
"""

from __future__ import annotations

import ctypes
import hashlib
import hmac
import sys
from dataclasses import asdict, dataclass
from typing import NewType

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from app.vault.errors import HeaderError

Passcode = NewType("Passcode", str)

KEY_BYTES = 32
SALT_BYTES = 16
_OUTPUT_BYTES = 2 * KEY_BYTES


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The default takes about half a second on the reference machine."""

    iterations: int = 14
    lanes: int = 4
    memory_kib: int = 64 * 1024

    @classmethod
    def insecure_fast(cls) -> KdfParams:
        """Insecure but fast: for tests only, never for a real vault."""
        return cls(iterations=1, lanes=1, memory_kib=8)

    def to_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: object) -> KdfParams:
        if not isinstance(data, dict) or set(data) != {"iterations", "lanes", "memory_kib"}:
            raise HeaderError("KDF parameters are malformed")
        values = [data["iterations"], data["lanes"], data["memory_kib"]]
        if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values):
            raise HeaderError("KDF parameters are malformed")
        params = cls(*values)
        if params.memory_kib < 8 * params.lanes:
            raise HeaderError("KDF parameters are malformed")
        return params


@dataclass
class DerivedKeys:
    """Key material from one derivation, held in mutable buffers so it can be wiped."""

    database_key: bytearray
    duress_material: bytearray

    def duress_tag(self) -> bytes:
        return hashlib.sha256(b"brolly duress tag v1" + self.duress_material).digest()

    def matches_duress(self, tag: bytes) -> bool:
        return hmac.compare_digest(self.duress_tag(), tag)

    def sqlcipher_key_literal(self) -> str:
        return "x'" + self.database_key.hex() + "'"

    def wipe(self) -> None:
        for buffer in (self.database_key, self.duress_material):
            buffer[:] = bytes(len(buffer))


def derive(passcode: str, salt: bytes, params: KdfParams) -> DerivedKeys:
    """Run Argon2id once and split the output into the database key and duress material."""
    secret = passcode.encode("utf-8")
    output = Argon2id(
        salt=salt,
        length=_OUTPUT_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(secret)
    keys = DerivedKeys(bytearray(output[:KEY_BYTES]), bytearray(output[KEY_BYTES:]))
    _scrub_bytes(output)
    _scrub_bytes(secret)
    return keys


def _scrub_bytes(value: bytes) -> None:
    # Python bytes are immutable and may linger until the allocator reuses them;
    # overwriting the buffer of a private, just-created object is as far as Python allows.
    # Objects of length 0 or 1 are shared singletons in CPython: never touch those.
    if len(value) < 2 or sys.implementation.name != "cpython":
        return
    offset = sys.getsizeof(value) - len(value) - 1
    ctypes.memset(id(value) + offset, 0, len(value))
