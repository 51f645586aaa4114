"""Test keys and signed data: a trust root with one root key and one publisher key, and
helpers to sign alert bundles with it (or with a stranger's key, for tampering tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.protocol.alert import Alert, Identifiers, alert_to_item
from sync.protocol.bundle import sign_bundle
from sync.protocol.root import Root, load_trusted_root, make_root, sign_root

_ids = count(1)


@dataclass
class TrustKit:
    root_key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    publisher: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)

    @property
    def root_raw(self) -> bytes:
        signed = make_root(version=1, expires_at=datetime.now(UTC) + timedelta(days=365),
                           root_keys=[self.root_key.public_key()],
                           publisher_keys=[self.publisher.public_key()])
        return sign_root(signed, [self.root_key])

    @property
    def root(self) -> Root:
        return load_trusted_root(self.root_raw)

    def alerts_bundle(self, region: str, version: int, alerts: list[Alert], *,
                      key: Ed25519PrivateKey | None = None,
                      issued_at: datetime | None = None,
                      expires_in: timedelta = timedelta(days=7)) -> bytes:
        issued = issued_at or datetime.now(UTC) - timedelta(minutes=1)
        return sign_bundle("alerts", region, version, [alert_to_item(a) for a in alerts],
                           issued_at=issued, expires_at=issued + expires_in,
                           key=key or self.publisher)


def make_alert(*, phones: tuple[str, ...] = (), emails: tuple[str, ...] = (),
               registrations: tuple[str, ...] = (), handles: tuple = (),
               region: str = "uk.eng.wm", area: str = "uk.eng.wm.wmp.birmingham",
               day: dt.date | None = None, summary: str = "DEMO: threatened with a knife",
               alert_id: str | None = None) -> Alert:
    return Alert(
        id=alert_id or f"a{next(_ids)}", regions=(region,), areas=(area,),
        date=day or dt.date(2026, 11, 1), incident_types=("threats",), summary=summary,
        identifiers=Identifiers(phones=phones, emails=emails, handles=handles,
                                registrations=registrations),
        severity="high", expires_at=datetime.now(UTC) + timedelta(days=90))
