"""Running the relay under uvicorn with nothing identifying in headers or logs.

- ``access_log=False``: no line per request, so no client address, path or time.
- ``server_header=False``: no ``Server: uvicorn`` (less to fingerprint). The Date
  header stays: HTTP caches need it and it says nothing about the client.
- ``proxy_headers=False``: X-Forwarded-For and friends are ignored, so a client cannot
  choose the address the rate limits see (see ``RelayConfig.client_address_header``).
- ``ws="none"``: no WebSocket support; the relay has no use for it.
- the log configuration from ``logs.log_config``: every record passes the address
  redaction filter, and uvicorn's access logger is muted besides.

TLS is expected to be terminated in front (a reverse proxy, or an onion service);
that proxy must not log addresses either.
"""

from __future__ import annotations

import logging.config

import uvicorn
from fastapi import FastAPI

from server_stub.relay.app import create_app
from server_stub.relay.config import RelayConfig
from server_stub.relay.logs import get_logger, log_config


def uvicorn_config(app: FastAPI, host: str, port: int, *, log_level: str = "INFO",
                   configure_logging: bool = True) -> uvicorn.Config:
    """The uvicorn settings the relay runs with. Tests running servers in threads pass
    ``configure_logging=False`` to keep the process-wide logging set-up alone."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,
        server_header=False,
        date_header=True,
        proxy_headers=False,
        ws="none",
        lifespan="on",
        log_config=log_config(log_level) if configure_logging else None,
        timeout_graceful_shutdown=10,
    )


def serve(config: RelayConfig, host: str = "127.0.0.1", port: int = 8080, *,
          log_level: str = "INFO") -> None:
    """Run the relay until SIGINT or SIGTERM."""
    # Configure logging before the app is built, so start-up errors are redacted too.
    logging.config.dictConfig(log_config(log_level))
    app = create_app(config)
    server = uvicorn.Server(uvicorn_config(app, host, port, log_level=log_level))
    get_logger().info("relay starting on port %d", port)
    server.run()
