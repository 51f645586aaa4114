"""The app as a whole, process-wide: the vault, whether it is locked, and the session.

The UI drives this object; it holds no Flet. Unlocking runs the KDF (half a second or
more), so the UI calls it off its own thread.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

from app.config import AppConfig
from app.core.areas import AreaTaxonomy
from app.services.session import PhoneSession
from app.services.settings import Settings, SettingsStore
from app.vault.header import write_atomic
from app.vault.vault import Vault
from sync.engine import SyncStatus
from sync.protocol.errors import ProtocolError
from sync.protocol.trust import Trust, load_trust

# The language of the lock screen is the one thing kept outside the vault: the lock screen
# must speak it before the passcode opens anything. It is a language code, nothing more.
LANGUAGE_FILE = "language"
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(_[A-Za-z]{2,4})?")


class NoTrustError(Exception):
    """This copy of the app has no organisation trust file, so it cannot seal or verify."""


class PhoneApp:
    def __init__(self, config: AppConfig, *, areas: AreaTaxonomy | None = None,
                 vault: Vault | None = None) -> None:
        self.config = config
        self.areas = areas or AreaTaxonomy.load()
        self.vault = vault or Vault(config.data_dir, params=config.kdf)
        self.trust = _load_trust(config)
        self.session: PhoneSession | None = None
        self._mutex = threading.RLock()
        self._status_listeners: list[Callable[[SyncStatus], None]] = []
        self.last_status: SyncStatus | None = None

    @property
    def first_run(self) -> bool:
        return not self.vault.exists()

    @property
    def unlocked(self) -> bool:
        return self.session is not None

    def create(self, passcode: str, settings: Settings, duress: str | None = None) -> None:
        """First run: make the vault, store the first settings, open the session."""
        with self._mutex:
            self.vault.create(passcode)
            if duress:
                self.vault.set_duress_passcode(duress)
            # Settings first, so the first sync already knows the areas to fetch.
            SettingsStore(self.vault).save(settings)
            self._open_session()

    def unlock(self, passcode: str) -> None:
        """Raises the vault's UnlockRefusedError subclasses on a wrong or early attempt."""
        with self._mutex:
            self.vault.unlock(passcode)
            self._open_session()

    def lock(self) -> None:
        with self._mutex:
            if self.session is not None:
                self.session.close()
                self.session = None
            self.vault.lock()

    def wipe(self) -> None:
        with self._mutex:
            self.lock()
            self.vault.wipe()
            (self.config.data_dir / LANGUAGE_FILE).unlink(missing_ok=True)

    def lock_screen_language(self) -> str | None:
        try:
            code = (self.config.data_dir / LANGUAGE_FILE).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return code if _LANGUAGE_CODE.fullmatch(code) else None

    def remember_lock_screen_language(self, code: str | None) -> None:
        path = self.config.data_dir / LANGUAGE_FILE
        if code is None or not _LANGUAGE_CODE.fullmatch(code):
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, code.encode("ascii"))

    def reopen_session(self) -> None:
        """After a change of relay or proxy: a new HTTP client with the new settings."""
        with self._mutex:
            if self.session is not None:
                self.session.close()
                self._open_session()

    def add_status_listener(self, listener: Callable[[SyncStatus], None]) -> None:
        self._status_listeners.append(listener)

    def remove_status_listener(self, listener: Callable[[SyncStatus], None]) -> None:
        if listener in self._status_listeners:
            self._status_listeners.remove(listener)

    def _open_session(self) -> None:
        if self.trust is None:
            self.vault.lock()
            raise NoTrustError("no trust file")
        self.session = PhoneSession(self.config, self.vault, self.trust, self.areas,
                                    on_status=self._broadcast)
        self.session.start()

    def _broadcast(self, status: SyncStatus) -> None:
        self.last_status = status
        for listener in list(self._status_listeners):
            listener(status)


def _load_trust(config: AppConfig) -> Trust | None:
    if config.trust_file is None:
        return None
    try:
        return load_trust(config.trust_file.read_bytes())
    except (OSError, ProtocolError):
        return None
