"""The vault: one SQLCipher database per install, keyed from the passcode by Argon2id.

Life cycle: ``Vault(data_dir)`` is locked; ``create`` or ``unlock`` opens it; ``lock``
closes it and wipes the key. A duress passcode given to ``unlock`` destroys the vault
and leaves a fresh, empty one that opens with the duress passcode, so that to whoever
watches, the app simply opened.
"""

from __future__ import annotations

import hmac
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from app.core import canonical
from app.vault import database
from app.vault.errors import (
    HeaderError,
    PasscodeRejectedError,
    UnlockThrottledError,
    VaultExistsError,
    VaultLockedError,
    VaultMissingError,
    WrongPasscodeError,
)
from app.vault.files import VaultFiles
from app.vault.header import Header, KdfSetting, KeySlot, fsync_dir, read_header, write_header
from app.vault.kdf import DerivedKeys, KdfParams, derive

_DURESS_SETTING = "vault.duress_passcode"


class Vault:
    """An install's encrypted store. Thread-safe: every use of the connection holds a lock."""

    def __init__(self, data_dir: Path, *, params: KdfParams | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 migrations: database.Migrations = database.MIGRATIONS) -> None:
        self.files = VaultFiles(Path(data_dir))
        self._migrations = migrations
        self._params = params or KdfParams()
        self._clock = clock
        self._mutex = threading.RLock()
        self._conn: database.Connection | None = None
        self._key: bytearray | None = None
        # After a restart the delay owed for earlier failures starts again from now,
        # so restarting the app never shortens it.
        self._not_before = clock() + self._retry_delay_on_disk()

    # --- state -----------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.files.exists()

    @property
    def is_unlocked(self) -> bool:
        return self._conn is not None

    def retry_after(self) -> float:
        """Seconds until another unlock attempt is accepted (0 when it may be tried now)."""
        return max(0.0, self._not_before - self._clock())

    def failed_attempts(self) -> int:
        return read_header(self.files.header).failed_attempts if self.exists() else 0

    # --- opening and closing -----------------------------------------------------------------

    def create(self, passcode: str) -> None:
        """Create a new, empty vault and leave it unlocked."""
        _require_passcode(passcode)
        with self._mutex:
            if self.exists():
                raise VaultExistsError("a vault already exists in this data directory")
            self.files.prepare()
            self.files.destroy()  # leftovers of an interrupted create or wipe
            header = Header.fresh(self._params)
            keys = derive(passcode, header.slot.kdf.salt, header.slot.kdf.params)
            self._create_database(header, keys)

    def unlock(self, passcode: str) -> None:
        """Open the vault. Raises WrongPasscodeError or UnlockThrottledError."""
        with self._mutex:
            if self._conn is not None:
                return
            header = self._read_header()
            wait = self.retry_after()
            if wait > 0:
                raise UnlockThrottledError("too soon after a failed attempt", retry_after=wait,
                                           failed_attempts=header.failed_attempts)
            # Count the attempt before trying it, so killing the app mid-attempt is no way
            # around the delay.
            header = header.with_failures(header.failed_attempts + 1)
            write_header(self.files.header, header)
            for slot in header.slots():
                keys = derive(passcode, slot.kdf.salt, slot.kdf.params)
                if keys.matches_duress(slot.duress_tag):
                    self._duress_wipe(slot.kdf, keys)
                    return
                if self._open_any(header, slot, keys):
                    return
                keys.wipe()
            self._not_before = self._clock() + header.retry_delay()
            raise WrongPasscodeError("the passcode does not open the vault",
                                     retry_after=header.retry_delay(),
                                     failed_attempts=header.failed_attempts)

    def lock(self) -> None:
        """Close the database and wipe the key held by this object."""
        with self._mutex:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            if self._key is not None:
                self._key[:] = bytes(len(self._key))
                self._key = None

    def wipe(self) -> None:
        """Delete everything: the database, its journals and the header."""
        with self._mutex:
            self.lock()
            self.files.destroy()
            self._not_before = self._clock()

    # --- passcodes ---------------------------------------------------------------------------

    def change_passcode(self, current: str, new: str) -> None:
        """Re-encrypt under a new passcode. Interrupted at any point, either passcode opens it."""
        _require_passcode(new)
        with self._mutex:
            conn = self._require_open()
            header = self._read_header()
            self._check_current(current, header)
            duress = self.get_setting(_DURESS_SETTING)
            if isinstance(duress, str) and hmac.compare_digest(duress.encode(), new.encode()):
                raise PasscodeRejectedError("the new passcode is the duress passcode")
            new_kdf = KdfSetting.fresh(self._params)
            new_keys = derive(new, new_kdf.salt, new_kdf.params)
            tag = self._duress_tag_for(duress, new_kdf)
            self.files.discard_rekeyed()
            database.export_rekeyed(conn, self.files.rekeyed, new_keys)
            _fsync_file(self.files.rekeyed)
            write_header(self.files.header, replace(header, pending=KeySlot(new_kdf, tag)))
            self._close_checkpointed()
            os.replace(self.files.rekeyed, self.files.database)
            fsync_dir(self.files.data_dir)
            final = Header(slot=KeySlot(new_kdf, tag))
            write_header(self.files.header, final)
            self._open(self.files.database, new_keys, create=False)

    def set_duress_passcode(self, duress: str) -> None:
        """Set (or replace) the passcode that silently destroys the vault when used to unlock."""
        _require_passcode(duress)
        with self._mutex:
            self._require_open()
            header = self._read_header()
            keys = derive(duress, header.slot.kdf.salt, header.slot.kdf.params)
            try:
                if self._key is None or hmac.compare_digest(keys.database_key, self._key):
                    raise PasscodeRejectedError("the duress passcode must differ from the passcode")
                self.put_setting(_DURESS_SETTING, duress)
                slot = KeySlot(header.slot.kdf, keys.duress_tag())
                write_header(self.files.header, replace(header, slot=slot))
            finally:
                keys.wipe()

    def clear_duress_passcode(self) -> None:
        with self._mutex:
            self._require_open()
            header = self._read_header()
            self.delete_setting(_DURESS_SETTING)
            write_header(self.files.header, replace(header, slot=KeySlot.random(header.slot.kdf)))

    def has_duress_passcode(self) -> bool:
        return self.get_setting(_DURESS_SETTING) is not None

    # --- access for the stores ---------------------------------------------------------------

    @contextmanager
    def connection(self) -> Iterator[database.Connection]:
        with self._mutex:
            yield self._require_open()

    @contextmanager
    def transaction(self) -> Iterator[database.Connection]:
        with self._mutex, database.transaction(self._require_open()) as conn:
            yield conn

    def get_setting(self, key: str) -> object:
        with self.connection() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else canonical.decode(bytes(row[0]))

    def put_setting(self, key: str, value: object) -> None:
        blob = canonical.encode(value)
        with self.transaction() as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, blob))

    def delete_setting(self, key: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM settings WHERE key = ?", (key,))

    def integrity_errors(self) -> list[str]:
        with self.connection() as conn:
            return database.integrity_errors(conn)

    # --- internals ---------------------------------------------------------------------------

    def _read_header(self) -> Header:
        try:
            return read_header(self.files.header)
        except FileNotFoundError:
            raise VaultMissingError("there is no vault in this data directory") from None

    def _retry_delay_on_disk(self) -> float:
        try:
            return read_header(self.files.header).retry_delay()
        except (OSError, HeaderError):  # a missing or damaged header is reported by unlock
            return 0.0

    def _require_open(self) -> database.Connection:
        if self._conn is None:
            raise VaultLockedError("the vault is locked")
        return self._conn

    def _open(self, path: Path, keys: DerivedKeys, *, create: bool) -> None:
        self._conn = database.open_database(path, keys, create=create,
                                            migrations=self._migrations)
        self._key = bytearray(keys.database_key)
        keys.wipe()

    def _open_any(self, header: Header, slot: KeySlot, keys: DerivedKeys) -> bool:
        """Try the key on the database and, for the pending slot of an interrupted passcode
        change, on the re-encrypted copy (complete and synced before the slot was written)."""
        candidates = [self.files.database]
        if slot is header.pending:
            candidates.append(self.files.rekeyed)
        for path in candidates:
            try:
                self._open(path, keys, create=False)
            except database.WrongKeyError:
                continue
            self._finish_open(header, slot, path)
            return True
        return False

    def _finish_open(self, header: Header, slot: KeySlot, opened: Path) -> None:
        if opened == self.files.rekeyed:
            # The change had written the copy but not yet put it in place: finish it.
            self._close_checkpointed()
            os.replace(self.files.rekeyed, self.files.database)
            fsync_dir(self.files.data_dir)
            assert self._key is not None  # noqa: S101 - set by _open just above
            reopened = DerivedKeys(bytearray(self._key), bytearray(32))
            self._conn = database.open_database(self.files.database, reopened, create=False,
                                                migrations=self._migrations)
        else:  # a copy from an interrupted change, or one that never got its header
            self.files.discard_rekeyed()
        write_header(self.files.header, Header(slot=slot))
        self._not_before = self._clock()

    def _duress_wipe(self, kdf: KdfSetting, keys: DerivedKeys) -> None:
        # The same salt is kept so that this unlock takes as long as a normal one: a second
        # Argon2id run would make the duress path visibly slower to whoever is watching.
        self.lock()
        self.files.destroy()
        self._create_database(Header(slot=KeySlot.random(kdf)), keys)

    def _create_database(self, header: Header, keys: DerivedKeys) -> None:
        self.files.prepare()
        self._open(self.files.database, keys, create=True)
        write_header(self.files.header, header)
        self._not_before = self._clock()

    def _check_current(self, current: str, header: Header) -> None:
        keys = derive(current, header.slot.kdf.salt, header.slot.kdf.params)
        try:
            if self._key is None or not hmac.compare_digest(keys.database_key, self._key):
                raise WrongPasscodeError("the current passcode is not right", retry_after=0.0,
                                         failed_attempts=header.failed_attempts)
        finally:
            keys.wipe()

    def _duress_tag_for(self, duress: object, kdf: KdfSetting) -> bytes:
        if not isinstance(duress, str):
            return KeySlot.random(kdf).duress_tag
        keys = derive(duress, kdf.salt, kdf.params)
        try:
            return keys.duress_tag()
        finally:
            keys.wipe()

    def _close_checkpointed(self) -> None:
        conn = self._require_open()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        conn.close()
        self._conn = None
        for sidecar in self.files.sidecars(self.files.database):
            if sidecar.exists() and sidecar.stat().st_size > 0 and sidecar.name.endswith("-wal"):
                raise database.DatabaseError("the write-ahead log could not be checkpointed")
            sidecar.unlink(missing_ok=True)


def _require_passcode(passcode: str) -> None:
    if not isinstance(passcode, str) or not passcode:
        raise PasscodeRejectedError("a passcode cannot be empty")


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
