"""The relay's tables and their forward-only migrations.

What the tables hold is the whole of what a seized relay gives away, so each column is
here on purpose:

- ``envelopes``: a random receipt id, the client's random idempotency key, the SHA-256
  of the sealed envelope (to tell a retry from a conflicting reuse of the key), the
  sealed bytes (NULL once the organisation has acknowledged them) and the UTC day of
  arrival. No time of day, no address, no user agent, no sequence number.
- ``bundles``: the latest signed bundle per (kind, name); public data.
- ``bundle_history``: the last few versions of each bundle, the latest included, from
  which a patch to the latest is made for a client that holds an older one; public data.
- ``used_pow``: SHA-256 of each spent proof-of-work challenge, kept until the challenge
  would have expired anyway (rounded up to the hour), so a proof pays for one report.
- ``org_tokens``: SHA-256 of each organisation token and a label for humans.
- ``replies``: a random id, the mailbox token (a hash of a reply public key that only
  the sealed report carries), the sealed reply and the UTC day it was left. Nothing in
  it refers to an envelope, and the token cannot be computed from anything the relay
  holds, so the relay cannot tell which report a reply answers.

``envelopes`` and ``used_pow`` are WITHOUT ROWID tables on SQLite, so rows are laid out
by their random keys and the file's layout does not record the order of arrival.

Migrations: ``schema_version`` holds one row per applied step. Each step runs in its own
transaction with the version row, so a crash leaves the database at a whole version.
A step must describe its own DDL (as ``_v1`` does with its own MetaData): never create
tables from the current definitions below, or a fresh database would skip a change.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Date,
    Engine,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    func,
    insert,
    select,
    text,
)

from server_stub.relay.errors import SchemaTooNewError

ID_LENGTH = 32
KEY_LENGTH = 64
NAME_LENGTH = 64
TOKEN_LENGTH = 43  # base64url of a SHA-256, unpadded


def _tables(metadata: MetaData) -> tuple[Table, Table, Table, Table]:
    envelopes = Table(
        "envelopes", metadata,
        Column("id", String(ID_LENGTH), primary_key=True),
        Column("idempotency_key", String(KEY_LENGTH), nullable=False, unique=True),
        Column("envelope_sha256", LargeBinary(32), nullable=False),
        Column("envelope", LargeBinary, nullable=True),
        Column("received_day", Date, nullable=False),
        Index("ix_envelopes_received_day", "received_day"),
        sqlite_with_rowid=False,
    )
    bundles = Table(
        "bundles", metadata,
        Column("kind", String(NAME_LENGTH), primary_key=True),
        Column("name", String(NAME_LENGTH), primary_key=True),
        Column("version", BigInteger, nullable=False),
        Column("raw", LargeBinary, nullable=False),
        Column("etag", String(64), nullable=False),
    )
    used_pow = Table(
        "used_pow", metadata,
        Column("challenge_sha256", LargeBinary(32), primary_key=True),
        Column("expires_at", BigInteger, nullable=False),
        Index("ix_used_pow_expires_at", "expires_at"),
        sqlite_with_rowid=False,
    )
    org_tokens = Table(
        "org_tokens", metadata,
        Column("token_sha256", String(64), primary_key=True),
        Column("label", String(200), nullable=False),
    )
    return envelopes, bundles, used_pow, org_tokens


def _replies(metadata: MetaData) -> Table:
    return Table(
        "replies", metadata,
        Column("id", String(ID_LENGTH), primary_key=True),
        Column("token", String(TOKEN_LENGTH), nullable=False),
        Column("sealed", LargeBinary, nullable=False),
        Column("day", Date, nullable=False),
        Index("ix_replies_token", "token"),
        Index("ix_replies_day", "day"),
        sqlite_with_rowid=False,
    )


def _bundle_history(metadata: MetaData) -> Table:
    return Table(
        "bundle_history", metadata,
        Column("kind", String(NAME_LENGTH), primary_key=True),
        Column("name", String(NAME_LENGTH), primary_key=True),
        Column("version", BigInteger, primary_key=True, autoincrement=False),
        Column("raw", LargeBinary, nullable=False),
    )


# The current shape, used by the queries in storage.py.
metadata = MetaData()
envelopes, bundles, used_pow, org_tokens = _tables(metadata)
replies = _replies(metadata)
bundle_history = _bundle_history(metadata)
schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
)


def _v1(conn: Connection) -> None:
    """Initial schema (frozen: later changes go into new steps)."""
    frozen = MetaData()
    for table in _tables(frozen):
        table.create(conn)


def _v2(conn: Connection) -> None:
    """Replies to reporters, by mailbox (frozen)."""
    _replies(MetaData()).create(conn)


def _v3(conn: Connection) -> None:
    """Earlier versions of each bundle, for patches (frozen); starts with the latest."""
    history = _bundle_history(MetaData())
    history.create(conn)
    conn.execute(text("INSERT INTO bundle_history (kind, name, version, raw) "
                      "SELECT kind, name, version, raw FROM bundles"))


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_v1, _v2, _v3)
LATEST_VERSION = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    """The highest applied migration, 0 for an empty database."""
    return int(conn.execute(select(func.max(schema_version.c.version))).scalar() or 0)


def migrate(engine: Engine) -> int:
    """Apply every missing step in order; return the resulting version.

    Raises SchemaTooNewError if a newer relay already migrated this database.
    """
    with engine.begin() as conn:
        _lock(conn)
        schema_version.create(conn, checkfirst=True)
    for version, step in enumerate(MIGRATIONS, start=1):
        with engine.begin() as conn:
            _lock(conn)
            found = current_version(conn)
            if found > LATEST_VERSION:
                raise SchemaTooNewError(
                    f"database schema {found} is newer than this relay ({LATEST_VERSION})")
            if found >= version:
                continue
            step(conn)
            conn.execute(insert(schema_version).values(version=version))
    with engine.connect() as conn:
        return current_version(conn)


def _lock(conn: Connection) -> None:
    """Serialise migrations between processes (SQLite: BEGIN IMMEDIATE already does)."""
    if conn.dialect.name == "postgresql":
        # Any constant works; it only has to be the same for every relay process.
        conn.execute(text("SELECT pg_advisory_xact_lock(7283105)"))
