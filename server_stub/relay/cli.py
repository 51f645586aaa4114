"""Command line for the relay: ``brolly relay serve|add-token|revoke-token``.

The main ``brolly`` CLI calls :func:`register` with its subparsers; each leaf command
sets ``func``, which takes the parsed namespace and returns an exit code. Standalone:
``python -m server_stub.relay relay serve --root root.json``.

This is the composition root: the only place where the environment is read
(``BROLLY_RELAY_DB``, so a database password need not appear in the process list).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from server_stub.relay.config import (
    DEFAULT_DB_URL,
    RATE_LIMIT_GROUPS,
    RateLimit,
    RelayConfig,
)
from server_stub.relay.errors import RelayError
from server_stub.relay.storage import Storage
from server_stub.relay.tokens import add_org_token, revoke_org_tokens
from sync.protocol.errors import ProtocolError

DB_ENV = "BROLLY_RELAY_DB"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``relay`` and its commands to a parent CLI."""
    relay = subparsers.add_parser("relay", help="run and administer the blind relay")
    commands = relay.add_subparsers(dest="relay_command", required=True)
    add_serve_arguments(commands.add_parser("serve", help="run the relay HTTP server"))
    add_token_arguments(commands.add_parser(
        "add-token", help="create an organisation API token (printed once)"))
    add_revoke_arguments(commands.add_parser(
        "revoke-token", help="revoke every organisation token with a label"))


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=os.environ.get(DB_ENV, DEFAULT_DB_URL),
                        help=f"SQLAlchemy URL (default: ${DB_ENV} or {DEFAULT_DB_URL})")


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``relay serve``."""
    _add_db(parser)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--root", type=Path, required=True,
                        help="the organisation's pinned trust root (root.json)")
    parser.add_argument("--pow-difficulty", type=int, default=18, help="leading zero bits")
    parser.add_argument("--pow-ttl", type=int, default=900, help="challenge lifetime, seconds")
    parser.add_argument("--pow-secret-file", type=Path,
                        help="shared challenge secret (>= 32 bytes) for several processes")
    parser.add_argument("--retention-days", type=int, default=14)
    parser.add_argument("--reply-retention-days", type=int, default=180,
                        help="days a reply waits in a reporter's mailbox")
    parser.add_argument("--purge-interval", type=int, default=3600, help="seconds")
    parser.add_argument("--rate-limit", action="append", default=[], metavar="GROUP=N/SECONDS",
                        help=f"override a limit; groups: {', '.join(sorted(RATE_LIMIT_GROUPS))}")
    parser.add_argument("--org-token-hash", action="append", default=[], metavar="SHA256",
                        help="accept a token by its SHA-256 hex digest (besides the database)")
    parser.add_argument("--client-address-header", metavar="NAME",
                        help="header with the client address set by a trusted reverse proxy")
    parser.add_argument("--log-level", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    parser.set_defaults(func=run_serve)


def add_token_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``relay add-token``."""
    _add_db(parser)
    parser.add_argument("--label", required=True, help="who holds the token, for humans")
    parser.set_defaults(func=run_add_token)


def add_revoke_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``relay revoke-token``."""
    _add_db(parser)
    parser.add_argument("--label", required=True)
    parser.set_defaults(func=run_revoke_token)


def config_from_args(args: argparse.Namespace) -> RelayConfig:
    """The RelayConfig described by ``relay serve`` options; ValueError if inconsistent."""
    if not args.root.is_file():
        raise ValueError(f"--root: {args.root} is not a file")
    limits = dict(RelayConfig(root_path=args.root).rate_limits)
    for item in args.rate_limit:
        group, sep, spec = item.partition("=")
        if not sep or group not in RATE_LIMIT_GROUPS:
            raise ValueError(f"--rate-limit needs GROUP=N/SECONDS with GROUP one of "
                             f"{sorted(RATE_LIMIT_GROUPS)}")
        limits[group] = RateLimit.parse(spec)
    secret = args.pow_secret_file.read_bytes().strip() if args.pow_secret_file else None
    return RelayConfig(
        root_path=args.root, db_url=args.db, pow_difficulty=args.pow_difficulty,
        pow_ttl_seconds=args.pow_ttl, pow_secret=secret, retention_days=args.retention_days,
        reply_retention_days=args.reply_retention_days,
        purge_interval_seconds=args.purge_interval, rate_limits=limits,
        org_token_hashes=frozenset(h.lower() for h in args.org_token_hash),
        client_address_header=args.client_address_header)


def run_serve(args: argparse.Namespace) -> int:
    """``relay serve``."""
    from server_stub.relay.server import serve  # uvicorn only for this command

    config = config_from_args(args)
    serve(config, args.host, args.port, log_level=args.log_level)
    return 0


def run_add_token(args: argparse.Namespace) -> int:
    """``relay add-token``: print the new token once, on stdout alone."""
    storage = Storage.open(args.db)
    try:
        token = add_org_token(storage, args.label)
    finally:
        storage.close()
    print(token)
    print("Store this token now: the relay keeps only its hash.", file=sys.stderr)
    return 0


def run_revoke_token(args: argparse.Namespace) -> int:
    """``relay revoke-token``."""
    storage = Storage.open(args.db)
    try:
        count = revoke_org_tokens(storage, args.label)
    finally:
        storage.close()
    print(f"revoked {count} token(s)", file=sys.stderr)
    return 0 if count else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m server_stub.relay``."""
    parser = argparse.ArgumentParser(prog="brolly")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (ValueError, OSError, RelayError, ProtocolError) as exc:
        # Our messages name what is wrong without quoting secrets.
        print(f"error: {exc}", file=sys.stderr)
    except SQLAlchemyError as exc:
        # Database messages can carry connection details; the type is enough here.
        print(f"error: database unavailable ({type(exc).__name__})", file=sys.stderr)
    return 2
