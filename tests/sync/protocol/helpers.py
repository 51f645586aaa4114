"""Values shared by the wire-protocol tests (fixtures live in conftest.py)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)


def ed25519_key(label: str) -> Ed25519PrivateKey:
    """A fixed Ed25519 key, reproducible from its label."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(label.encode()).digest())
