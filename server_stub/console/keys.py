"""The organisation's keys: made once by ``keys init``, then loaded as each command needs them.

Three key pairs, each with one job:

- the report key (X-Wing, HPKE): phones seal reports to its public half; only the
  console can open them;
- the publisher key (Ed25519): signs the alerts and directory bundles;
- the root key (Ed25519): signs the trust root, which names the publisher key. It is
  needed again only to rotate keys, so it can live offline.

Layout of the console directory::

    DIR/keys/report.key  publisher.key  root.key   encrypted (keystore.py), mode 0600
    DIR/keys/root.json                             the signed root, for the relay (--root)
    DIR/keys/trust.json                            what the app pins (sync/protocol/trust.py)
    DIR/casework/                                  the casework vault (casework.py)

All of ``keys/`` is written into a staging directory and renamed into place in one
step, so an interrupted ``init`` leaves either no keys or all of them.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.vault.kdf import KdfParams
from server_stub.console.errors import KeyMismatchError, KeysExistError, NotInitialisedError
from server_stub.console.files import PUBLIC_MODE, make_private_dir, write_atomic
from server_stub.console.keystore import (
    CONSOLE_KDF,
    Passphrase,
    read_key_file,
    write_key_file,
)
from sync.protocol.envelope import (
    ReportPrivateKey,
    generate_report_keypair,
    load_private_key,
    private_key_bytes,
)
from sync.protocol.root import make_root, sign_root
from sync.protocol.signing import key_id
from sync.protocol.trust import Trust, load_trust, make_trust

# The root says when phones should start asking for a newer one; two years leaves room
# for an app release cycle or two.
ROOT_VALIDITY = timedelta(days=730)


@dataclass(frozen=True)
class ConsolePaths:
    """Where the console keeps its files, under one directory."""

    base: Path

    @property
    def keys_dir(self) -> Path:
        return self.base / "keys"

    @property
    def report_key(self) -> Path:
        return self.keys_dir / "report.key"

    @property
    def publisher_key(self) -> Path:
        return self.keys_dir / "publisher.key"

    @property
    def root_key(self) -> Path:
        return self.keys_dir / "root.key"

    @property
    def root(self) -> Path:
        return self.keys_dir / "root.json"

    @property
    def trust(self) -> Path:
        return self.keys_dir / "trust.json"

    @property
    def casework(self) -> Path:
        return self.base / "casework"


@dataclass(frozen=True)
class KeysCreated:
    """What ``init_keys`` made, for the operator to check and distribute."""

    trust: Trust
    report_fingerprint: str
    publisher_key_id: str
    root_key_id: str


def init_keys(paths: ConsolePaths, passphrase: Passphrase, *, params: KdfParams = CONSOLE_KDF,
              now: datetime | None = None) -> KeysCreated:
    """Generate the three key pairs, the signed root and the trust file.

    Raises KeysExistError if ``keys/`` exists: keys are never overwritten (the phones
    pin them; replacing them by accident would cut every phone off).
    """
    if paths.keys_dir.exists():
        raise KeysExistError("the console directory already has keys")
    make_private_dir(paths.base)
    report_private, report_public = generate_report_keypair()
    publisher, root_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    moment = now or datetime.now(UTC)
    signed = make_root(version=1, expires_at=moment + ROOT_VALIDITY,
                       root_keys=[root_key.public_key()],
                       publisher_keys=[publisher.public_key()])
    root_raw = sign_root(signed, [root_key])
    trust_raw = make_trust(root_raw, report_public)
    staging = paths.base / f".keys-{secrets.token_hex(6)}"
    make_private_dir(staging)
    try:
        write_key_file(staging / paths.report_key.name, private_key_bytes(report_private),
                       passphrase, kind="report", params=params)
        write_key_file(staging / paths.publisher_key.name, publisher.private_bytes_raw(),
                       passphrase, kind="publisher", params=params)
        write_key_file(staging / paths.root_key.name, root_key.private_bytes_raw(),
                       passphrase, kind="root", params=params)
        write_atomic(staging / paths.root.name, root_raw, mode=PUBLIC_MODE, overwrite=False)
        write_atomic(staging / paths.trust.name, trust_raw, mode=PUBLIC_MODE, overwrite=False)
        _move_into_place(staging, paths.keys_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return KeysCreated(trust=load_trust(trust_raw), report_fingerprint=report_public.fingerprint(),
                       publisher_key_id=key_id(publisher.public_key()),
                       root_key_id=key_id(root_key.public_key()))


def load_trust_file(paths: ConsolePaths) -> Trust:
    """The console's own trust file; NotInitialisedError before ``init``."""
    try:
        raw = paths.trust.read_bytes()
    except FileNotFoundError:
        raise NotInitialisedError("there is no trust file in the console directory") from None
    return load_trust(raw)


def load_report_key(paths: ConsolePaths, passphrase: Passphrase) -> ReportPrivateKey:
    """The report private key; checked against the pinned public key before use."""
    private = load_private_key(_read(paths.report_key, passphrase, "report"))
    if private.public_key.raw != load_trust_file(paths).report_public_key.raw:
        raise KeyMismatchError("the report key does not match the trust file")
    return private


def load_publisher_key(paths: ConsolePaths, passphrase: Passphrase) -> Ed25519PrivateKey:
    """The publisher signing key; it must be a publisher of the console's own root."""
    key = Ed25519PrivateKey.from_private_bytes(_read(paths.publisher_key, passphrase,
                                                     "publisher"))
    if key_id(key.public_key()) not in load_trust_file(paths).root.publisher_keys():
        raise KeyMismatchError("the publisher key is not listed in the trust root")
    return key


def _read(path: Path, passphrase: Passphrase, kind: str) -> bytes:
    try:
        return read_key_file(path, passphrase, kind=kind)
    except FileNotFoundError:
        raise NotInitialisedError(f"there is no {kind} key in the console directory") from None


def _move_into_place(staging: Path, final: Path) -> None:
    # rename() of a directory is atomic; if another init won the race, its keys/ is not
    # empty and the rename fails without touching them.
    try:
        os.rename(staging, final)
    except OSError:
        raise KeysExistError("the console directory already has keys") from None
