"""The user's settings, kept inside the vault (so even the chosen areas are encrypted)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from app.vault.vault import Vault

_KEY = "app.settings"
_SEEN_ALERTS = "alerts.seen"


@dataclass(frozen=True)
class Settings:
    language: str | None = None
    areas: tuple[str, ...] = ()  # area codes the user works in; their regions' feeds are kept
    phone_region: str = "GB"  # how numbers without a country code are read
    auto_lock_minutes: int = 5
    send_delay_minutes: int = 0  # 0: send as soon as possible
    keep_sent_reports: bool = True
    proxy: str | None = None  # e.g. socks5://127.0.0.1:9050 for Tor via Orbot
    relay_url: str | None = None  # None: the relay of the shipped configuration

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["areas"] = list(self.areas)
        return data

    @classmethod
    def from_json(cls, data: object) -> Settings:
        """Unknown keys are ignored and bad values fall back to defaults: a settings blob
        from another version must never lock anyone out of their reports."""
        if not isinstance(data, dict):
            return cls()
        defaults = cls()
        values: dict[str, Any] = {}
        for spec in fields(cls):
            value = data.get(spec.name, getattr(defaults, spec.name))
            default = getattr(defaults, spec.name)
            if spec.name == "areas" and isinstance(value, list):
                value = tuple(v for v in value if isinstance(v, str))
            if not _same_kind(value, default, spec.name):
                value = default
            values[spec.name] = value
        return cls(**values)


def _same_kind(value: object, default: object, name: str) -> bool:
    if name in ("language", "proxy", "relay_url"):
        return value is None or isinstance(value, str)
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return isinstance(value, type(default))


class SettingsStore:
    def __init__(self, vault: Vault) -> None:
        self._vault = vault

    def load(self) -> Settings:
        return Settings.from_json(self._vault.get_setting(_KEY))

    def save(self, settings: Settings) -> None:
        self._vault.put_setting(_KEY, settings.to_json())

    def update(self, **changes: Any) -> Settings:
        settings = replace(self.load(), **changes)
        self.save(settings)
        return settings

    def seen_alerts(self) -> set[str]:
        value = self._vault.get_setting(_SEEN_ALERTS)
        return {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()

    def mark_alerts_seen(self, alert_ids: set[str]) -> None:
        self._vault.put_setting(_SEEN_ALERTS, sorted(self.seen_alerts() | alert_ids))
