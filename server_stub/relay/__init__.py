"""The blind relay: stores sealed report envelopes it cannot open and serves signed
bundles it cannot forge. Keeps no addresses, no accounts, no cookies.

Public surface::

    from server_stub.relay.config import RelayConfig, RateLimit
    from server_stub.relay.app import create_app          # -> FastAPI
    from server_stub.relay.server import serve            # uvicorn, privacy settings
    from server_stub.relay.storage import Storage
    from server_stub.relay.tokens import add_org_token, revoke_org_tokens
    from server_stub.relay.cli import register            # `brolly relay ...`

Modules, one concept each: config, errors, schema (tables, migrations), storage,
challenges (proof of work), ratelimit, logs, middleware, handlers, api_models,
reports, bundles, retention, tokens, services, routes_public, routes_org, app,
server, cli.

Nothing is imported here, so that importing a light module (say, ``tokens`` from the
console) does not pull in FastAPI and uvicorn.
"""
