"""Opening the SQLCipher database with a raw key, and the forward-only schema migrations.

This is the only module that imports sqlcipher3.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeAlias, cast

import sqlcipher3
from sqlcipher3 import dbapi2

from app.vault.errors import MigrationError
from app.vault.kdf import DerivedKeys

# sqlcipher3 ships no type information; its connection has sqlite3's interface.
Connection: TypeAlias = sqlite3.Connection
DatabaseError: type[Exception] = dbapi2.DatabaseError
IntegrityError: type[Exception] = dbapi2.IntegrityError

Migrations: TypeAlias = tuple[tuple[str, ...], ...]

# Each entry brings the schema from version N-1 to N. Never edit a released entry; add one.
MIGRATIONS: Migrations = (
    (  # 1: reports (drafts and sent) and settings
        """CREATE TABLE reports (
            id TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            step INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            body BLOB NOT NULL
        )""",
        "CREATE INDEX reports_by_status ON reports (status, updated_at)",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
    ),
    (  # 2: the outbox of sealed envelopes waiting for delivery
        """CREATE TABLE outbox (
            id TEXT PRIMARY KEY,
            report_id TEXT,
            idempotency_key TEXT NOT NULL UNIQUE,
            envelope BLOB NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            not_before TEXT,
            last_error TEXT,
            receipt BLOB,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX outbox_by_state ON outbox (state, not_before)",
    ),
    (  # 3: verified feed bundles (alerts per region, directory, areas)
        """CREATE TABLE feeds (
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            version INTEGER NOT NULL,
            etag TEXT,
            raw BLOB NOT NULL,
            fetched_at TEXT NOT NULL,
            PRIMARY KEY (kind, name)
        )""",
    ),
    (  # 4: anonymous follow-up: receipt codes of sent reports, and the replies to them
        """CREATE TABLE followups (
            token TEXT PRIMARY KEY,
            receipt_code TEXT NOT NULL,
            reply_key BLOB NOT NULL,
            report_id TEXT,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE replies (
            id TEXT PRIMARY KEY,
            token TEXT NOT NULL,
            kind TEXT NOT NULL,
            body TEXT NOT NULL,
            sent_day TEXT NOT NULL,
            received_at TEXT NOT NULL,
            seen INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX replies_by_token ON replies (token, received_at)",
    ),
    (  # 5: which feeds are cached, answered without reading their bytes: fetched_at is
       # stored after the raw bundle, so without this index every check walked megabytes
        "CREATE INDEX feeds_versions ON feeds (kind, name, version, fetched_at)",
    ),
)
LATEST_VERSION = len(MIGRATIONS)

# SQLCipher zeroes every buffer SQLite frees (decrypted pages, its copy of the key), so
# nothing of a report lingers in memory after the app locks. bench/vault.py measures
# what it costs (a small part of the vault's overhead; the encryption is the rest).
MEMORY_SECURITY = "ON"


class WrongKeyError(Exception):
    """The key does not decrypt this database (internal: the vault turns it into a typed error)."""


_LATEST = -1


def open_database(path: Path, keys: DerivedKeys, *, create: bool,
                  migrations: Migrations | None = None,
                  migrate_to: int | None = _LATEST) -> Connection:
    """Open (or with ``create``, make) the database. Without ``create`` a missing or empty
    file does not open: SQLite would take any key for it and start an empty database."""
    if not create and (not path.exists() or path.stat().st_size == 0):
        raise WrongKeyError
    conn = cast(Connection, sqlcipher3.connect(str(path), isolation_level=None,
                                               check_same_thread=False))
    try:
        _configure(conn, keys)
        schema = MIGRATIONS if migrations is None else migrations
        if migrate_to is not None:
            migrate(conn, len(schema) if migrate_to == _LATEST else migrate_to, schema)
    except BaseException:
        conn.close()
        raise
    return conn


def _configure(conn: Connection, keys: DerivedKeys) -> None:
    # SQLCipher logs a line to stderr on a wrong key; nothing about the vault may reach a log.
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA cipher_memory_security = {MEMORY_SECURITY}")
    # A raw key: the Argon2id output is the key, so SQLCipher's PBKDF2 does not run as well.
    conn.execute(f'PRAGMA key = "{keys.sqlcipher_key_literal()}"')
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError:
        raise WrongKeyError from None
    # Temporary tables and sort spills stay in memory: a temp file would be plaintext.
    conn.execute("PRAGMA temp_store = MEMORY")
    # Deleted content is overwritten, not left in free pages.
    conn.execute("PRAGMA secure_delete = ON")
    # WAL with synchronous=FULL fsyncs the log on every commit, so an acknowledged save
    # survives a crash or power loss; WAL frames are encrypted like the database pages.
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")


@contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def schema_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: Connection, target: int = LATEST_VERSION,
            migrations: Migrations | None = None) -> None:
    schema = MIGRATIONS if migrations is None else migrations
    current = schema_version(conn)
    if current > len(schema):
        raise MigrationError("the vault was written by a newer version of the app")
    for version in range(current + 1, target + 1):
        with transaction(conn):
            for statement in schema[version - 1]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version:d}")


def export_rekeyed(conn: Connection, target: Path, keys: DerivedKeys) -> None:
    """Write a copy of the whole database to ``target`` under a new key."""
    version = schema_version(conn)
    conn.execute("ATTACH DATABASE ? AS rekeyed KEY ?", (str(target), keys.sqlcipher_key_literal()))
    try:
        conn.execute("SELECT sqlcipher_export('rekeyed')").fetchone()
        conn.execute(f"PRAGMA rekeyed.user_version = {version:d}")
    finally:
        conn.execute("DETACH DATABASE rekeyed")


def integrity_errors(conn: Connection) -> list[str]:
    """Problems found by SQLCipher's HMAC check and SQLite's integrity check; empty when clean."""
    problems = [str(row[0]) for row in conn.execute("PRAGMA cipher_integrity_check")]
    problems += [str(row[0]) for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
    return problems
