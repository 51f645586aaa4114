"""Rate limits keyed by a rotating HMAC of the address: counts, Retry-After, rotation."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from server_stub.relay.config import RateLimit
from server_stub.relay.ratelimit import RateLimiter, address_group


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


LIMITS = {"reports": RateLimit(3, 60), "pow": RateLimit(1, 10)}


def test_limit_then_retry_after_then_new_window() -> None:
    # Given a limit of 3 per minute
    clock = Clock(7200.0)
    limiter = RateLimiter(LIMITS, clock=clock)
    # When a client makes 4 requests within 20 seconds
    answers = [limiter.check("reports", "198.51.100.7") for _ in range(3)]
    clock.now += 20
    refused = limiter.check("reports", "198.51.100.7")
    # Then the 4th must wait for the rest of the window
    assert answers == [None, None, None]
    assert refused == 40
    # And another client, or another group, is not affected
    assert limiter.check("reports", "198.51.100.8") is None
    assert limiter.check("pow", "198.51.100.7") is None
    # And after the window the client may go on
    clock.now += 40
    assert limiter.check("reports", "198.51.100.7") is None


def test_key_rotation_forgets_everything() -> None:
    clock = Clock(7200.0 + 3500)
    limiter = RateLimiter(LIMITS, clock=clock)
    limiter.check("pow", "198.51.100.7")
    assert limiter.check("pow", "198.51.100.7") is not None
    # When the hour turns, the HMAC key is replaced and the counters dropped with it
    clock.now += 100
    assert limiter.check("pow", "198.51.100.7") is None
    assert limiter.counters() == 1


def test_counters_are_bounded() -> None:
    clock = Clock(7200.0)
    limiter = RateLimiter(LIMITS, clock=clock, max_counters=10)
    for i in range(25):
        limiter.check("reports", f"198.51.100.{i}")
    assert limiter.counters() <= 10


def test_ipv6_addresses_share_their_64() -> None:
    assert address_group("2001:db8:1:2:aaaa::1") == address_group("2001:db8:1:2:bbbb::9")
    assert address_group("2001:db8:1:3::1") != address_group("2001:db8:1:2::1")
    assert address_group("::ffff:192.0.2.1") == "192.0.2.1"
    assert address_group("not-an-address") == "not-an-address"


def test_the_limiter_holds_no_address() -> None:
    limiter = RateLimiter(LIMITS, clock=Clock(7200.0))
    limiter.check("reports", "203.0.113.77")
    assert "203.0.113.77" not in repr(vars(limiter))


def test_http_429_with_retry_after(app_client: Callable[..., httpx.Client]) -> None:
    # Given a relay allowing 2 challenges per minute
    client = app_client(rate_limits={"reports": RateLimit(5, 60), "pow": RateLimit(2, 60),
                                     "bundles": RateLimit(5, 60), "org": RateLimit(5, 60),
                                     "other": RateLimit(5, 60)})
    # When a third is asked for
    statuses = [client.get("/v1/pow").status_code for _ in range(3)]
    refused = client.get("/v1/pow")
    # Then it is refused with 429, a JSON error and a Retry-After in seconds
    assert statuses == [200, 200, 429]
    assert refused.status_code == 429
    assert refused.json()["error"] == "rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["x-content-type-options"] == "nosniff"
    # And other groups keep their own budget
    assert client.get("/v1/health").status_code == 200


def _tight() -> dict[str, RateLimit]:
    return dict.fromkeys(("reports", "pow", "bundles", "org", "other"), RateLimit(1, 60))


def test_forwarded_headers_are_ignored_by_default(
        app_client: Callable[..., httpx.Client]) -> None:
    # A client cannot escape its limit by inventing addresses
    client = app_client(rate_limits=_tight())
    first = client.get("/v1/pow", headers={"X-Forwarded-For": "198.51.100.1"})
    second = client.get("/v1/pow", headers={"X-Forwarded-For": "198.51.100.2",
                                            "X-Real-IP": "198.51.100.2"})
    assert (first.status_code, second.status_code) == (200, 429)


def test_a_configured_proxy_header_keys_the_limits(
        app_client: Callable[..., httpx.Client]) -> None:
    # Behind a trusted proxy that sets X-Real-IP, each real client has its own budget
    client = app_client(rate_limits=_tight(), client_address_header="X-Real-IP")
    statuses = [client.get("/v1/pow", headers={"X-Real-IP": ip}).status_code
                for ip in ("198.51.100.1", "198.51.100.2", "198.51.100.1")]
    assert statuses == [200, 200, 429]
