"""The relay's database: SQLAlchemy Core over a SQLite file or PostgreSQL.

Every operation is one short transaction; new reports arriving together share one
(``GroupCommit``), so that many clients share each fsync. Races are settled by the
database, not by reading first: a second report with the same idempotency key, or a
second use of the same proof of work, hits a UNIQUE constraint, and the loser re-reads
what the winner wrote. Bundle versions only move forward through a conditional UPDATE.

SQLite specifics (see ``_sqlite_pragmas``): WAL so readers do not block the writer,
``synchronous=FULL`` because a receipt promises the report is on disk,
``secure_delete`` so acknowledged and purged envelopes are overwritten rather than
left in free pages, and ``BEGIN IMMEDIATE`` so a transaction takes the write lock up
front and waits for it (busy timeout) instead of failing half-way; transactions that
only read begin deferred, so they never queue behind a writer.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from server_stub.relay import schema
from server_stub.relay.errors import (
    ChallengeUsedError,
    IdempotencyConflictError,
    MailboxFullError,
    StaleBundleError,
    StorageError,
)
from server_stub.relay.group_commit import GroupCommit
from sync.protocol.followup import MAX_REPLIES_PER_MAILBOX

_SQLITE_BUSY_SECONDS = 30
_READ_ONLY = "brolly_read_only"  # an execution option: see _read and _on_begin
_PUT_ATTEMPTS = 10
# Versions of a bundle kept for patches: a phone that missed more publications than
# this gets the whole bundle, as it would without patches.
BUNDLE_HISTORY = 8


@dataclass(frozen=True)
class Receipt:
    """What the client keeps as proof that the relay holds its report."""

    id: str
    received_day: date


@dataclass(frozen=True)
class NewReport:
    """A report the relay accepts: its key, sealed bytes, and the proof that paid for it."""

    receipt: Receipt
    idempotency_key: str
    envelope: bytes
    challenge_sha256: bytes
    challenge_keep_until: int


@dataclass(frozen=True)
class StoredReport:
    """What the relay remembers of a report, for answering retries."""

    receipt: Receipt
    envelope_sha256: bytes


@dataclass(frozen=True)
class PendingEnvelope:
    """A sealed envelope waiting for the organisation, with the idempotency key that its
    sealing is bound to (the console needs it to open the envelope)."""

    id: str
    received_day: date
    idempotency_key: str
    envelope: bytes


@dataclass(frozen=True)
class StoredBundle:
    """The latest signed bundle of one kind and name."""

    kind: str
    name: str
    version: int
    raw: bytes
    etag: str


@dataclass(frozen=True)
class PurgeCounts:
    """How many rows a purge removed."""

    envelopes: int
    used_pow: int
    replies: int = 0


def envelope_digest(envelope: bytes) -> bytes:
    """SHA-256 of sealed envelope bytes: tells a retry from a reused key."""
    return hashlib.sha256(envelope).digest()


class Storage:
    """All database access of the relay. Thread-safe: each call uses its own connection."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._new_reports = GroupCommit(self._insert_reports)

    @classmethod
    def open(cls, db_url: str, *, pg_schema: str | None = None) -> Storage:
        """Connect to ``db_url`` and bring its schema up to date."""
        storage = cls(open_engine(db_url, pg_schema=pg_schema))
        storage.migrate()
        return storage

    def migrate(self) -> int:
        """Apply missing migrations; return the schema version."""
        return schema.migrate(self.engine)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    # Reports ------------------------------------------------------------------------

    def find_report(self, idempotency_key: str) -> StoredReport | None:
        """The report stored under ``idempotency_key``, if any (even once acknowledged)."""
        t = schema.envelopes
        query = select(t.c.id, t.c.received_day, t.c.envelope_sha256).where(
            t.c.idempotency_key == idempotency_key)
        with self._read() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return StoredReport(Receipt(row.id, row.received_day), bytes(row.envelope_sha256))

    def store_report(self, report: NewReport) -> tuple[Receipt, bool]:
        """Store a new report and spend its proof; return (receipt, created).

        If the key is already stored with the same envelope (a retry, possibly racing
        the first attempt) the first receipt comes back with created=False. Raises
        IdempotencyConflictError for the same key with another envelope, and
        ChallengeUsedError when the proof already paid for a different report.
        """
        if self._new_reports.submit(report):
            return report.receipt, True
        # Someone got there first; their transaction has committed, so this sees it.
        existing = self.find_report(report.idempotency_key)
        if existing is None:
            raise ChallengeUsedError("this proof of work has already been used")
        if existing.envelope_sha256 != envelope_digest(report.envelope):
            raise IdempotencyConflictError("idempotency key already used for another envelope")
        return existing.receipt, False

    def _insert_reports(self, reports: list[NewReport]) -> list[bool]:
        """Insert each report and spend its proof, all in one commit; False for one that
        lost a race (its key or its proof is already stored), which leaves the rest."""
        if len(reports) == 1:  # the transaction is the report's own: no savepoint needed
            try:
                with self._begin() as conn:
                    _insert_report(conn, reports[0])
                return [True]
            except IntegrityError:
                return [False]
        stored = []
        with self._begin() as conn:
            for report in reports:
                try:
                    with conn.begin_nested():
                        _insert_report(conn, report)
                    stored.append(True)
                except IntegrityError:
                    stored.append(False)
        return stored

    def pending_envelopes(self, *, after: tuple[date, str] | None,
                          limit: int) -> list[PendingEnvelope]:
        """Unacknowledged envelopes ordered by (day, id), strictly after ``after``."""
        t = schema.envelopes
        query = select(t.c.id, t.c.received_day, t.c.idempotency_key, t.c.envelope).where(
            t.c.envelope.is_not(None))
        if after is not None:
            day, last_id = after
            query = query.where(or_(t.c.received_day > day,
                                    and_(t.c.received_day == day, t.c.id > last_id)))
        query = query.order_by(t.c.received_day, t.c.id).limit(limit)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [PendingEnvelope(r.id, r.received_day, r.idempotency_key, bytes(r.envelope))
                for r in rows]

    def acknowledge(self, ids: Iterable[str]) -> int:
        """Drop the sealed bytes of these envelopes; return how many were pending.

        The row itself stays (key, digest, receipt, day) until the retention purge, so
        a client that retries after a lost response still gets its receipt instead of
        delivering the report twice.
        """
        wanted = sorted(set(ids))
        if not wanted:
            return 0
        t = schema.envelopes
        statement = (update(t).where(t.c.id.in_(wanted), t.c.envelope.is_not(None))
                     .values(envelope=None))
        with self._begin() as conn:
            return int(conn.execute(statement).rowcount)

    # Bundles ------------------------------------------------------------------------

    def get_bundle(self, kind: str, name: str) -> StoredBundle | None:
        """The latest bundle of this kind and name, if the organisation published one."""
        t = schema.bundles
        query = select(t.c.version, t.c.raw, t.c.etag).where(t.c.kind == kind, t.c.name == name)
        with self._read() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return StoredBundle(kind, name, int(row.version), bytes(row.raw), row.etag)

    def bundle_version(self, kind: str, name: str) -> int | None:
        """The version held for this kind and name, None if there is none."""
        t = schema.bundles
        query = select(t.c.version).where(t.c.kind == kind, t.c.name == name)
        with self._read() as conn:
            version = conn.execute(query).scalar()
        return None if version is None else int(version)

    def bundle_at(self, kind: str, name: str, version: int) -> bytes | None:
        """An earlier (or the latest) version's bytes, if it is still in the history."""
        t = schema.bundle_history
        query = select(t.c.raw).where(t.c.kind == kind, t.c.name == name,
                                      t.c.version == version)
        with self._read() as conn:
            raw = conn.execute(query).scalar()
        return None if raw is None else bytes(raw)

    def put_bundle(self, kind: str, name: str, version: int, raw: bytes) -> StoredBundle:
        """Replace the held bundle with a strictly newer one.

        Raises StaleBundleError, storing nothing, if the held version is >= ``version``.
        The version test is part of the UPDATE, so two uploads racing each other cannot
        leave the older one in place. (On PostgreSQL each statement sees the latest
        commits: a first upload of this kind and name may appear between the UPDATE
        and the SELECT, or collide with the INSERT; both cases go round again.)
        """
        etag = hashlib.sha256(raw).hexdigest()
        stored = StoredBundle(kind, name, version, raw, etag)
        for _attempt in range(_PUT_ATTEMPTS):
            try:
                with self._begin() as conn:
                    if self._replace_if_newer(conn, stored) or self._insert_first(conn, stored):
                        self._remember(conn, stored)
                        return stored
            except IntegrityError:
                continue
        raise StorageError("the bundle could not be stored: too many concurrent uploads")

    def _replace_if_newer(self, conn: Connection, bundle: StoredBundle) -> bool:
        t = schema.bundles
        statement = (update(t).where(t.c.kind == bundle.kind, t.c.name == bundle.name,
                                     t.c.version < bundle.version)
                     .values(version=bundle.version, raw=bundle.raw, etag=bundle.etag))
        return bool(conn.execute(statement).rowcount)

    def _insert_first(self, conn: Connection, bundle: StoredBundle) -> bool:
        """Insert if no row exists; False if an older row appeared meanwhile (go again)."""
        t = schema.bundles
        held = conn.execute(select(t.c.version).where(t.c.kind == bundle.kind,
                                                      t.c.name == bundle.name)).scalar()
        if held is not None:
            if held >= bundle.version:
                raise StaleBundleError(int(held))
            return False
        conn.execute(insert(t).values(kind=bundle.kind, name=bundle.name,
                                      version=bundle.version, raw=bundle.raw, etag=bundle.etag))
        return True

    def _remember(self, conn: Connection, bundle: StoredBundle) -> None:
        """Add ``bundle`` to the history and forget all but the newest BUNDLE_HISTORY."""
        t = schema.bundle_history
        same = and_(t.c.kind == bundle.kind, t.c.name == bundle.name)
        conn.execute(insert(t).values(kind=bundle.kind, name=bundle.name,
                                      version=bundle.version, raw=bundle.raw))
        oldest_kept = conn.execute(select(t.c.version).where(same).order_by(t.c.version.desc())
                                   .offset(BUNDLE_HISTORY - 1).limit(1)).scalar()
        if oldest_kept is not None:
            conn.execute(delete(t).where(same, t.c.version < oldest_kept))

    # Organisation tokens --------------------------------------------------------------

    def add_token_hash(self, token_sha256: str, label: str) -> None:
        """Remember the hash of a new organisation token."""
        with self._begin() as conn:
            conn.execute(insert(schema.org_tokens).values(token_sha256=token_sha256,
                                                          label=label))

    def token_label(self, token_sha256: str) -> str | None:
        """The label of the token with this hash, None if unknown."""
        t = schema.org_tokens
        with self._read() as conn:
            label = conn.execute(select(t.c.label).where(t.c.token_sha256 == token_sha256)
                                 ).scalar()
        return None if label is None else str(label)

    def remove_tokens(self, label: str) -> int:
        """Revoke every token with this label; return how many there were."""
        t = schema.org_tokens
        with self._begin() as conn:
            return int(conn.execute(delete(t).where(t.c.label == label)).rowcount)

    def token_labels(self) -> list[str]:
        """Labels of all tokens (never the hashes), for the console."""
        t = schema.org_tokens
        with self._read() as conn:
            return [str(label) for label in conn.execute(select(t.c.label).order_by(t.c.label))
                    .scalars()]

    # Replies --------------------------------------------------------------------------

    def put_reply(self, token: str, sealed: bytes, day: date, *,
                  limit: int = MAX_REPLIES_PER_MAILBOX) -> str:
        """Store a reply under a random id; MailboxFullError when ``limit`` are held."""
        r = schema.replies
        reply_id = secrets.token_urlsafe(16)
        with self._begin() as conn:
            held = conn.execute(select(func.count()).select_from(r).where(r.c.token == token))
            if int(held.scalar_one()) >= limit:
                raise MailboxFullError(f"a mailbox holds at most {limit} replies")
            conn.execute(insert(r).values(id=reply_id, token=token, sealed=sealed, day=day))
        return reply_id

    def replies(self, token: str, *, limit: int = MAX_REPLIES_PER_MAILBOX
                ) -> list[tuple[str, bytes, date]]:
        """The newest ``limit`` replies in a mailbox, oldest first."""
        r = schema.replies
        with self._read() as conn:
            rows = conn.execute(select(r.c.id, r.c.sealed, r.c.day).where(r.c.token == token)
                                .order_by(r.c.day.desc(), r.c.id).limit(limit)).all()
        return [(str(i), bytes(sealed), day) for i, sealed, day in reversed(rows)]

    # Retention ------------------------------------------------------------------------

    def purge(self, *, received_before: date, now: int,
              replies_before: date | None = None) -> PurgeCounts:
        """Delete envelopes that arrived before ``received_before`` (acknowledged or not),
        spent challenges whose expiry is past ``now`` (Unix seconds) and replies left
        before ``replies_before``."""
        e, p, r = schema.envelopes, schema.used_pow, schema.replies
        with self._begin() as conn:
            envelopes = conn.execute(delete(e).where(e.c.received_day < received_before))
            spent = conn.execute(delete(p).where(p.c.expires_at < now))
            old = (conn.execute(delete(r).where(r.c.day < replies_before)).rowcount
                   if replies_before is not None else 0)
            counts = PurgeCounts(int(envelopes.rowcount), int(spent.rowcount), int(old))
        if self.engine.dialect.name == "sqlite" and counts.envelopes:
            self._checkpoint()
        return counts

    def _checkpoint(self) -> None:
        # Move the deleted pages out of the write-ahead log as well. Outside any
        # transaction, hence the raw DB-API connection.
        raw = self.engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()

    def count_rows(self, table: str) -> int:
        """Number of rows in one of the relay's tables (tests and the console)."""
        t = schema.metadata.tables[table]
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(t)).scalar_one())

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A transaction that only reads: on SQLite it does not wait for the write lock."""
        with self.engine.connect().execution_options(**{_READ_ONLY: True}) as conn, \
                conn.begin():
            yield conn


def _insert_report(conn: Connection, report: NewReport) -> None:
    conn.execute(insert(schema.used_pow).values(
        challenge_sha256=report.challenge_sha256, expires_at=report.challenge_keep_until))
    conn.execute(insert(schema.envelopes).values(
        id=report.receipt.id, idempotency_key=report.idempotency_key,
        envelope_sha256=envelope_digest(report.envelope), envelope=report.envelope,
        received_day=report.receipt.received_day))


def open_engine(db_url: str, *, pg_schema: str | None = None) -> Engine:
    """An Engine for ``db_url``: a SQLite file (made private to this user) or PostgreSQL.

    ``hide_parameters`` keeps envelope bytes and tokens out of the text of database
    errors, which could otherwise end up in a log.
    """
    url = make_url(db_url)
    kwargs: dict[str, Any] = {"hide_parameters": True}
    if url.get_backend_name() == "sqlite":
        _create_private_file(url.database)
        kwargs["connect_args"] = {"timeout": _SQLITE_BUSY_SECONDS}
    elif pg_schema is not None:
        kwargs["connect_args"] = {"options": f"-c search_path={pg_schema}"}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _sqlite_pragmas(engine)
    return engine


def _create_private_file(database: str | None) -> None:
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.exists():
        # 0600 from the start: the file will hold sealed reports.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module (it would not wrap
        # DDL or reads in a transaction); _on_begin issues BEGIN IMMEDIATE instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "secure_delete=ON",
                       "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        read_only = conn.get_execution_options().get(_READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
