"""The relay's collaborators, built once per app from the config and handed to the routes."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from server_stub.relay.challenges import ChallengeIssuer
from server_stub.relay.config import RelayConfig
from server_stub.relay.ratelimit import RateLimiter
from server_stub.relay.storage import Storage
from sync.protocol.root import Root, load_trusted_root


@dataclass(frozen=True)
class RelayServices:
    """Everything a request handler may use; nothing else is global."""

    config: RelayConfig
    storage: Storage
    root: Root
    issuer: ChallengeIssuer
    limiter: RateLimiter
    clock: Callable[[], float]

    def now(self) -> datetime:
        """The current time, aware and in UTC."""
        return datetime.fromtimestamp(self.clock(), UTC)


def build_services(config: RelayConfig, storage: Storage, *,
                   clock: Callable[[], float] = time.time) -> RelayServices:
    """Load the pinned root (RootError if it does not verify) and wire the rest."""
    root = load_trusted_root(config.root_path.read_bytes())
    if config.pow_secret is None:
        issuer = ChallengeIssuer.with_random_secret(
            difficulty=config.pow_difficulty, ttl_seconds=config.pow_ttl_seconds, clock=clock)
    else:
        issuer = ChallengeIssuer(config.pow_secret, difficulty=config.pow_difficulty,
                                 ttl_seconds=config.pow_ttl_seconds, clock=clock)
    limiter = RateLimiter(config.rate_limits, clock=clock)
    return RelayServices(config, storage, root, issuer, limiter, clock)
