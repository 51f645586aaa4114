"""Signing and uploading bundles: the alerts of one region, and the support directory.

Each publication is the next version for its (kind, name), signed with the publisher
key, checked against the console's own trust root exactly as a phone will check it,
uploaded, and only then recorded. Alerts bundles expire after a week: a feed the
organisation stops publishing goes stale on the phones, which then say so, instead of
showing old warnings as current. The directory lasts longer; the app ships a copy.

If the relay already holds a newer version than the record here (the casework store
was restored from a backup, or an upload succeeded just before a crash), the relay's
bundle is read, checked to be ours, and the next version after it is signed instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.core.areas import AreaTaxonomy
from app.core.errors import UnknownAreaError
from server_stub.console.casework import Casework
from server_stub.console.directory import Directory
from server_stub.console.errors import RegionError, RelayError, RelayRefusedError
from server_stub.console.files import PUBLIC_MODE, write_atomic
from server_stub.console.relay_client import OrgRelayClient
from sync.protocol.alert import alert_to_item
from sync.protocol.bundle import read_verified_bundle, sign_bundle, verify_bundle
from sync.protocol.codec import truncate_utc
from sync.protocol.trust import Trust

ALERTS_VALIDITY = dt.timedelta(days=7)
DIRECTORY_VALIDITY = dt.timedelta(days=180)
DIRECTORY_NAME = "uk"
SHIPPED_DIRECTORY = "directory.bundle.json"


@dataclass(frozen=True)
class Publisher:
    """What signing needs: the key, the root it must verify under, and a place to record."""

    key: Ed25519PrivateKey = field(repr=False)
    trust: Trust
    casework: Casework
    relay: OrgRelayClient | None  # None: sign and record without uploading


@dataclass(frozen=True)
class Published:
    kind: str
    name: str
    version: int
    item_count: int
    uploaded: bool
    raw: bytes = field(repr=False)


def publish_alerts(publisher: Publisher, region: str, areas: AreaTaxonomy, now: dt.datetime,
                   *, validity: dt.timedelta = ALERTS_VALIDITY) -> Published:
    """Sign and upload the bundle of live alerts for a feed region."""
    check_feed_region(region, areas)
    items = [alert_to_item(alert) for alert in publisher.casework.live_alerts(region, now)]
    return _publish(publisher, "alerts", region, items, now, validity)


def publish_directory(publisher: Publisher, directory: Directory, now: dt.datetime, *,
                      validity: dt.timedelta = DIRECTORY_VALIDITY,
                      ship_dir: Path | None = None) -> Published:
    """Sign and upload the directory; with ``ship_dir``, also write the copy the app ships."""
    published = _publish(publisher, "directory", DIRECTORY_NAME, list(directory.items), now,
                         validity)
    if ship_dir is not None:
        ship_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(ship_dir / SHIPPED_DIRECTORY, published.raw, mode=PUBLIC_MODE)
    return published


def check_feed_region(region: str, areas: AreaTaxonomy) -> None:
    """RegionError unless ``region`` is the code of an alerts feed."""
    try:
        if areas.feed_region(region).code == region:
            return
    except UnknownAreaError:
        pass
    raise RegionError("not a feed region")


def _publish(publisher: Publisher, kind: str, name: str, items: Sequence[dict[str, Any]],
             now: dt.datetime, validity: dt.timedelta) -> Published:
    version = (publisher.casework.published_version(kind, name) or 0) + 1
    raw = _sign(publisher, kind, name, version, items, now, validity)
    uploaded = publisher.relay is not None
    if publisher.relay is not None:
        try:
            publisher.relay.put_bundle(kind, name, raw)
        except RelayRefusedError as exc:
            if exc.code != "bundle_not_newer":
                raise
            version = _relay_version(publisher, kind, name) + 1
            raw = _sign(publisher, kind, name, version, items, now, validity)
            publisher.relay.put_bundle(kind, name, raw)
    publisher.casework.record_publication(kind, name, version, now)
    return Published(kind, name, version, len(items), uploaded, raw)


def _sign(publisher: Publisher, kind: str, name: str, version: int,
          items: Sequence[dict[str, Any]], now: dt.datetime, validity: dt.timedelta) -> bytes:
    issued = truncate_utc(now)
    raw = sign_bundle(kind, name, version, items, issued_at=issued,
                      expires_at=issued + validity, key=publisher.key)
    # The phones will run exactly this check; failing here beats failing on every phone.
    verify_bundle(raw, publisher.trust.root, kind=kind, name=name, now=issued)
    return raw


def _relay_version(publisher: Publisher, kind: str, name: str) -> int:
    assert publisher.relay is not None  # noqa: S101 - only called after an upload
    held = publisher.relay.get_bundle(kind, name)
    if held is None:
        raise RelayError("the relay refused the version but serves no bundle")
    # Only a bundle our own root verifies may decide our next version number.
    return read_verified_bundle(held, publisher.trust.root, kind=kind, name=name).version
