"""Where a vault lives on disk, and how its files are destroyed."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.vault.header import fsync_dir

_CHUNK = 1 << 20


@dataclass(frozen=True)
class VaultFiles:
    data_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "vault.db"

    @property
    def header(self) -> Path:
        return self.data_dir / "vault.json"

    @property
    def rekeyed(self) -> Path:
        """The copy re-encrypted by a passcode change, before it replaces the database."""
        return self.data_dir / "vault.db.new"

    def sidecars(self, database: Path) -> list[Path]:
        suffixes = ("-wal", "-shm", "-journal")
        return [database.with_name(database.name + suffix) for suffix in suffixes]

    def all_files(self) -> list[Path]:
        paths = [self.database, *self.sidecars(self.database), self.rekeyed]
        paths += self.sidecars(self.rekeyed)
        paths += [self.header, self.header.with_name(self.header.name + ".tmp")]
        return paths

    def discard_rekeyed(self) -> None:
        """Remove a re-encrypted copy and its journal; a stale hot journal would otherwise be
        rolled back into the next copy."""
        for path in (self.rekeyed, *self.sidecars(self.rekeyed)):
            path.unlink(missing_ok=True)

    def exists(self) -> bool:
        return self.header.exists()

    def prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.data_dir, 0o700)

    def destroy(self) -> None:
        """Overwrite and delete every vault file. Without the key the contents were ciphertext
        already; overwriting also defeats undelete tools on file systems that write in place."""
        for path in self.all_files():
            _overwrite_and_unlink(path)
        if self.data_dir.exists():
            fsync_dir(self.data_dir)


def _overwrite_and_unlink(path: Path) -> None:
    try:
        fd = os.open(path, os.O_WRONLY)
    except FileNotFoundError:
        return
    try:
        remaining = os.fstat(fd).st_size
        block = os.urandom(min(_CHUNK, max(remaining, 1)))
        while remaining > 0:
            remaining -= os.write(fd, block[: min(len(block), remaining)])
        os.fsync(fd)
    finally:
        os.close(fd)
    path.unlink(missing_ok=True)
