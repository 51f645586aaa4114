"""The small plaintext header that sits beside the encrypted database.

It holds only what is needed before the key exists: the format version, the KDF
salt and parameters, the failed-attempt counter and the duress tag. The duress tag
is always present (random when no duress passcode is set), so the header does not
reveal whether one is configured. ``pending`` is set only while a passcode change
is in flight; it lets an interrupted change finish with either passcode.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from app.vault.errors import HeaderError
from app.vault.kdf import SALT_BYTES, KdfParams

FORMAT_VERSION = 1
_TAG_BYTES = 32

# After this many failures in a row the next attempt must wait; each further failure doubles it.
_FAILURES_BEFORE_DELAY = 3
_MAX_DELAY = 15 * 60.0


@dataclass(frozen=True)
class KdfSetting:
    salt: bytes
    params: KdfParams

    @classmethod
    def fresh(cls, params: KdfParams) -> KdfSetting:
        return cls(secrets.token_bytes(SALT_BYTES), params)


@dataclass(frozen=True)
class KeySlot:
    """A way in: the KDF setting that turns a passcode into the key, and its duress tag."""

    kdf: KdfSetting
    duress_tag: bytes

    @classmethod
    def random(cls, kdf: KdfSetting) -> KeySlot:
        """A slot whose duress tag matches no passcode (no duress passcode set)."""
        return cls(kdf, secrets.token_bytes(_TAG_BYTES))


@dataclass(frozen=True)
class Header:
    slot: KeySlot
    failed_attempts: int = 0
    pending: KeySlot | None = None

    @classmethod
    def fresh(cls, params: KdfParams) -> Header:
        return cls(KeySlot.random(KdfSetting.fresh(params)))

    def slots(self) -> list[KeySlot]:
        return [self.slot] if self.pending is None else [self.slot, self.pending]

    def with_failures(self, count: int) -> Header:
        return replace(self, failed_attempts=count)

    def retry_delay(self) -> float:
        """Delay owed before the next attempt; it grows with each failure and is capped."""
        extra = self.failed_attempts - _FAILURES_BEFORE_DELAY
        if extra < 0:
            return 0.0
        return min(_MAX_DELAY, 5.0 * 2.0**extra)


def read_header(path: Path) -> Header:
    try:
        data = json.loads(path.read_bytes())
        pending = data.get("pending")
        header = Header(
            slot=_slot_from_json(data["slot"]),
            failed_attempts=data["failed_attempts"],
            pending=_slot_from_json(pending) if pending is not None else None,
        )
        version = data["format"]
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise HeaderError("the vault header is damaged") from None
    if version != FORMAT_VERSION:
        raise HeaderError("the vault header has an unknown format version")
    if not isinstance(header.failed_attempts, int) or header.failed_attempts < 0:
        raise HeaderError("the vault header is damaged")
    return header


def write_header(path: Path, header: Header) -> None:
    """Replace the header atomically: a crash leaves the old or the new one, never half."""
    body: dict[str, object] = {
        "format": FORMAT_VERSION,
        "slot": _slot_to_json(header.slot),
        "failed_attempts": header.failed_attempts,
    }
    if header.pending is not None:
        body["pending"] = _slot_to_json(header.pending)
    write_atomic(path, json.dumps(body, sort_keys=True).encode("ascii"))


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _slot_to_json(slot: KeySlot) -> dict[str, object]:
    return {
        "salt": _b64encode(slot.kdf.salt),
        "kdf": slot.kdf.params.to_dict(),
        "duress_tag": _b64encode(slot.duress_tag),
    }


def _slot_from_json(data: dict[str, object]) -> KeySlot:
    kdf = KdfSetting(_b64decode(data["salt"], SALT_BYTES), KdfParams.from_dict(data["kdf"]))
    return KeySlot(kdf, _b64decode(data["duress_tag"], _TAG_BYTES))


def _b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _b64decode(text: object, length: int) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    raw = base64.b64decode(text, validate=True)
    if len(raw) != length:
        raise ValueError("wrong length")
    return raw
