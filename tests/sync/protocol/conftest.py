"""Shared fixtures for the wire-protocol tests: fixed keys, a trusted root, a fixed clock."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.protocol.envelope import ReportPrivateKey, load_private_key
from sync.protocol.root import Root, load_trusted_root, make_root, sign_root
from tests.sync.protocol.helpers import NOW, ed25519_key


@pytest.fixture(scope="session")
def now() -> datetime:
    return NOW


@pytest.fixture(scope="session")
def report_key() -> ReportPrivateKey:
    return load_private_key(hashlib.sha256(b"tests report key").digest())


@pytest.fixture(scope="session")
def other_report_key() -> ReportPrivateKey:
    return load_private_key(hashlib.sha256(b"tests other report key").digest())


@pytest.fixture(scope="session")
def root_key() -> Ed25519PrivateKey:
    return ed25519_key("tests root key")


@pytest.fixture(scope="session")
def publisher_key() -> Ed25519PrivateKey:
    return ed25519_key("tests publisher key")


@pytest.fixture(scope="session")
def stranger_key() -> Ed25519PrivateKey:
    return ed25519_key("tests stranger key")


@pytest.fixture(scope="session")
def trusted_root(root_key: Ed25519PrivateKey, publisher_key: Ed25519PrivateKey) -> Root:
    signed = make_root(version=1, expires_at=NOW + timedelta(days=365),
                       root_keys=[root_key.public_key()],
                       publisher_keys=[publisher_key.public_key()])
    return load_trusted_root(sign_root(signed, [root_key]))


@pytest.fixture
def alert_item() -> dict[str, Any]:
    return {
        "id": "a-0001", "regions": ["GB-LND"], "areas": ["GB-LND-HACKNEY"],
        "date": "2025-05-30", "incident_types": ["violence", "robbery"],
        "summary": "Tall man, grey car.\nBecame violent when asked for payment.",
        "identifiers": {"phones": ["+447700900123"], "emails": ["bad.date@example.org"],
                        "handles": [{"platform": "whatsapp", "handle": "example_1"}],
                        "registrations": ["AB12 CDE"]},
        "severity": "high", "expires_at": "2025-09-01T00:00:00Z",
    }
