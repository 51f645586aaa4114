"""The one HTTP client of the app. This module and sync.relay_api are the only ones that
import httpx on the phone.

What it sends says as little as possible: a fixed generic User-Agent, no cookies (a jar
that accepts none), no Referer, no redirects (a redirect could carry the request to
another host), and only gzip as an encoding. TLS is always verified; a self-hosted relay
can bring its own CA file. A SOCKS5 or HTTP proxy (Tor via Orbot) is optional.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

import httpx

USER_AGENT = "Brolly"


@dataclass(frozen=True)
class TransportConfig:
    relay_url: str
    ca_file: Path | None = None
    proxy: str | None = None  # e.g. socks5://127.0.0.1:9050 (Orbot) or http://host:port
    connect_timeout: float = 20.0
    read_timeout: float = 40.0


def make_http_client(config: TransportConfig) -> httpx.Client:
    return httpx.Client(
        base_url=config.relay_url.rstrip("/"),
        verify=_tls_context(config.ca_file),
        proxy=config.proxy or None,
        trust_env=False,  # only the proxy chosen in settings, never one from the environment
        timeout=httpx.Timeout(config.read_timeout, connect=config.connect_timeout),
        headers={"User-Agent": USER_AGENT, "Accept": "application/json",
                 "Accept-Encoding": "gzip"},
        cookies=_no_cookies(),
        follow_redirects=False,
    )


def _tls_context(ca_file: Path | None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _no_cookies() -> CookieJar:
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
