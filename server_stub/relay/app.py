"""``create_app(config)``: the relay as an ASGI application.

Deliberately absent: CORS middleware (browsers get no Access-Control-Allow-* and so
cannot call the relay from another origin), sessions and cookies, the interactive docs
pages (they load scripts from a CDN; /openapi.json stays), and FastAPI's OpenTelemetry
integration (it would record request data, including validation input).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable

from anyio import to_thread
from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig
from starlette.middleware import Middleware

from server_stub.relay.config import RelayConfig
from server_stub.relay.handlers import install_handlers
from server_stub.relay.middleware import (
    BodyLimitMiddleware,
    ContainErrorsMiddleware,
    RateLimitMiddleware,
    SecurityHeadersMiddleware,
)
from server_stub.relay.retention import purge_once, purge_periodically
from server_stub.relay.routes_org import router as org_router
from server_stub.relay.routes_public import router as public_router
from server_stub.relay.services import RelayServices, build_services
from server_stub.relay.storage import Storage

API_VERSION = "1"
_NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False,
                 "operation_spans": False, "auto_configure": False}


def create_app(config: RelayConfig, *, storage: Storage | None = None,
               clock: Callable[[], float] = time.time) -> FastAPI:
    """Build the relay. Opens (and migrates) ``config.db_url`` unless ``storage`` is given;
    a storage passed in is not closed by the app. Raises RootError if the pinned root
    does not verify."""
    owned = storage is None
    services = build_services(config, storage or Storage.open(config.db_url), clock=clock)
    app = FastAPI(
        title="Brolly relay",
        version=API_VERSION,
        summary="Blind relay: sealed reports in, signed bundles out.",
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        openapi_url="/openapi.json",
        lifespan=_lifespan(services, owned=owned),
        telemetry=_NO_TELEMETRY,
        middleware=_middleware(services),
    )
    install_handlers(app)
    app.include_router(public_router(services))
    app.include_router(org_router(services))
    app.state.services = services
    return app


def _middleware(services: RelayServices) -> list[Middleware]:
    config = services.config
    return [
        Middleware(SecurityHeadersMiddleware),
        Middleware(ContainErrorsMiddleware),
        Middleware(RateLimitMiddleware, limiter=services.limiter,
                   address_header=config.client_address_header),
        Middleware(BodyLimitMiddleware, report_bytes=config.max_report_bytes,
                   bundle_bytes=config.max_bundle_bytes, other_bytes=config.max_other_bytes),
    ]


def _lifespan(services: RelayServices, *, owned: bool
              ) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    config = services.config

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await to_thread.run_sync(lambda: purge_once(
            services.storage, retention_days=config.retention_days, now=services.clock(),
            reply_retention_days=config.reply_retention_days))
        task = asyncio.create_task(purge_periodically(
            services.storage, retention_days=config.retention_days,
            reply_retention_days=config.reply_retention_days,
            interval_seconds=config.purge_interval_seconds, clock=services.clock))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            if owned:
                services.storage.close()

    return lifespan
