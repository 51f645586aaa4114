"""Storage on SQLite and (when configured) PostgreSQL: migrations, reports, bundles,
tokens and retention, including the races the UNIQUE constraints are there to settle."""

from __future__ import annotations

import hashlib
import secrets
import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from server_stub.relay import schema
from server_stub.relay.errors import (
    ChallengeUsedError,
    IdempotencyConflictError,
    SchemaTooNewError,
    StaleBundleError,
)
from server_stub.relay.storage import BUNDLE_HISTORY, NewReport, Receipt, Storage, open_engine

DAY = date(2025, 3, 14)


def _report(key: str | None = None, envelope: bytes = b"sealed", *,
            challenge: bytes | None = None, day: date = DAY) -> NewReport:
    return NewReport(
        receipt=Receipt(secrets.token_urlsafe(16), day),
        idempotency_key=key or secrets.token_urlsafe(16),
        envelope=envelope,
        challenge_sha256=challenge or secrets.token_bytes(32),
        challenge_keep_until=2_000_000_000,
    )


# Migrations --------------------------------------------------------------------------

def test_migrations_reach_latest_and_are_idempotent(storage: Storage) -> None:
    # Given a freshly opened database
    # When the migrations run again
    # Then nothing changes and the version is the latest
    assert storage.migrate() == schema.LATEST_VERSION
    assert storage.migrate() == schema.LATEST_VERSION


def test_a_database_from_a_newer_relay_is_refused(storage: Storage) -> None:
    # Given a database that a newer relay migrated further
    with storage.engine.begin() as conn:
        conn.execute(insert(schema.schema_version).values(version=schema.LATEST_VERSION + 1))
    # Then this relay refuses to touch it
    with pytest.raises(SchemaTooNewError):
        storage.migrate()


def test_sqlite_file_is_private(tmp_path: Path) -> None:
    # Given a new SQLite database
    s = Storage.open(f"sqlite:///{tmp_path / 'private.db'}")
    s.close()
    # Then only its owner may read it
    mode = stat.S_IMODE((tmp_path / "private.db").stat().st_mode)
    assert mode & 0o077 == 0


# Reports -----------------------------------------------------------------------------

def test_store_then_retry_returns_the_first_receipt(storage: Storage) -> None:
    # Given a stored report
    first = _report(envelope=b"sealed-1")
    receipt, created = storage.store_report(first)
    assert created
    assert receipt == first.receipt
    # When the same key and envelope arrive again (with another proof)
    retry = _report(first.idempotency_key, b"sealed-1")
    again, created_again = storage.store_report(retry)
    # Then the first receipt comes back and nothing new is stored
    assert (again, created_again) == (first.receipt, False)
    assert storage.count_rows("envelopes") == 1
    assert storage.count_rows("used_pow") == 1


def test_same_key_other_envelope_conflicts(storage: Storage) -> None:
    first = _report(envelope=b"sealed-1")
    storage.store_report(first)
    with pytest.raises(IdempotencyConflictError):
        storage.store_report(_report(first.idempotency_key, b"sealed-2"))
    assert storage.count_rows("envelopes") == 1


def test_a_spent_proof_cannot_pay_for_another_report(storage: Storage) -> None:
    spent = secrets.token_bytes(32)
    storage.store_report(_report(challenge=spent))
    with pytest.raises(ChallengeUsedError):
        storage.store_report(_report(challenge=spent))
    assert storage.count_rows("envelopes") == 1


def test_concurrent_identical_reports_store_one_row(storage: Storage) -> None:
    # Given 20 threads racing with the same key, envelope and proof
    report = _report(envelope=b"raced")
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda _: storage.store_report(report), range(20)))
    # Then exactly one created the row and all got the same receipt
    assert sum(created for _, created in results) == 1
    assert {receipt for receipt, _ in results} == {report.receipt}
    assert storage.count_rows("envelopes") == 1


def test_reports_racing_together_settle_one_by_one(storage: Storage) -> None:
    # Given 50 new reports, a retry of 10 of them, and 10 pairs of reports where both of
    # a pair carry the same proof, all arriving at once (so they share commits)
    fresh = [_report() for _ in range(50)]
    proofs = [secrets.token_bytes(32) for _ in range(10)]
    pairs = [_report(challenge=proof) for proof in proofs for _ in range(2)]

    def store(report: NewReport) -> object:
        try:
            return storage.store_report(report)
        except ChallengeUsedError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=40) as pool:
        results = list(pool.map(store, fresh + fresh[:10] + pairs))
    # Then each new report and its retry get its own receipt, one of each pair is
    # stored and the other refused, and a refusal took nobody else down with it
    for result, report in zip(results[:60], fresh + fresh[:10], strict=True):
        assert isinstance(result, tuple)
        assert result[0] == report.receipt
    for first, second in zip(results[60::2], results[61::2], strict=True):
        assert sorted(isinstance(r, ChallengeUsedError) for r in (first, second)) == \
            [False, True]
    assert storage.count_rows("envelopes") == 60
    assert storage.count_rows("used_pow") == 60


def test_pending_pages_by_day_then_id(storage: Storage) -> None:
    # Given five reports over two days
    reports = [_report(envelope=f"e{i}".encode(), day=DAY + timedelta(days=i % 2))
               for i in range(5)]
    for report in reports:
        storage.store_report(report)
    # When paging two at a time
    seen: list[str] = []
    after = None
    while page := storage.pending_envelopes(after=after, limit=2):
        seen.extend(p.id for p in page)
        after = (page[-1].received_day, page[-1].id)
    # Then every report comes exactly once, in (day, id) order
    expected = sorted(reports, key=lambda r: (r.receipt.received_day, r.receipt.id))
    assert seen == [r.receipt.id for r in expected]


def test_acknowledge_drops_bytes_but_keeps_the_receipt(storage: Storage) -> None:
    # Given two pending reports
    kept, acked = _report(envelope=b"kept"), _report(envelope=b"acked")
    storage.store_report(kept)
    storage.store_report(acked)
    # When one is acknowledged (twice, and with an unknown id)
    assert storage.acknowledge([acked.receipt.id, "unknown-id"]) == 1
    assert storage.acknowledge([acked.receipt.id]) == 0
    # Then only the other is pending, and a retry of the acked one still finds its receipt
    assert [p.id for p in storage.pending_envelopes(after=None, limit=10)] == [kept.receipt.id]
    found = storage.find_report(acked.idempotency_key)
    assert found is not None
    assert found.receipt == acked.receipt
    again, created = storage.store_report(_report(acked.idempotency_key, b"acked"))
    assert (again, created) == (acked.receipt, False)


# Bundles -----------------------------------------------------------------------------

def test_bundle_versions_only_move_forward(storage: Storage) -> None:
    stored = storage.put_bundle("alerts", "gb-lon", 1, b"{v1}")
    assert stored.etag == hashlib.sha256(b"{v1}").hexdigest()
    storage.put_bundle("alerts", "gb-lon", 3, b"{v3}")
    for stale in (3, 2):
        with pytest.raises(StaleBundleError) as raised:
            storage.put_bundle("alerts", "gb-lon", stale, b"{old}")
        assert raised.value.current_version == 3
    held = storage.get_bundle("alerts", "gb-lon")
    assert held is not None
    assert (held.version, held.raw) == (3, b"{v3}")
    # Other names are independent
    assert storage.get_bundle("alerts", "gb-man") is None


@pytest.mark.parametrize("name", [f"race-{n}" for n in range(5)])
def test_racing_uploads_leave_the_newest(storage: Storage, name: str) -> None:
    # Given versions 1..12 uploaded concurrently in scrambled order, starting from nothing
    # (the first uploads race to create the row, the later ones to replace it)
    versions = [7, 3, 12, 1, 9, 5, 11, 2, 8, 4, 10, 6]

    def upload(version: int) -> None:
        try:
            storage.put_bundle("alerts", name, version, f"v{version}".encode())
        except StaleBundleError:
            pass

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(upload, versions))
    # Then whatever the interleaving, the newest is held
    held = storage.get_bundle("alerts", name)
    assert held is not None
    assert (held.version, held.raw) == (12, b"v12")


def test_the_last_versions_are_kept_for_patches(storage: Storage) -> None:
    # Given twelve publications, with gaps in the numbering
    versions = [1, 2, 3, 5, 6, 8, 9, 10, 13, 14, 15, 20]
    for version in versions:
        storage.put_bundle("alerts", "gb-lon", version, f"v{version}".encode())
    storage.put_bundle("alerts", "gb-man", 4, b"manchester")
    # Then the newest BUNDLE_HISTORY (the latest included) can still be read, no older
    kept = versions[-BUNDLE_HISTORY:]
    for version in versions:
        expected = f"v{version}".encode() if version in kept else None
        assert storage.bundle_at("alerts", "gb-lon", version) == expected, version
    assert storage.bundle_at("alerts", "gb-man", 4) == b"manchester"
    assert storage.bundle_at("alerts", "gb-lon", 4) is None
    assert storage.count_rows("bundle_history") == BUNDLE_HISTORY + 1


def test_bundles_published_before_the_history_existed_join_it(db_url: str) -> None:
    # Given a relay database at schema 2 holding a bundle
    engine = open_engine(db_url)
    with engine.begin() as conn:
        schema.schema_version.create(conn)
        for version, step in enumerate(schema.MIGRATIONS[:2], start=1):
            step(conn)
            conn.execute(insert(schema.schema_version).values(version=version))
        conn.execute(insert(schema.bundles).values(kind="alerts", name="gb-lon", version=7,
                                                   raw=b"v7", etag="e"))
    # When this relay migrates it
    storage = Storage(engine)
    try:
        assert storage.migrate() == schema.LATEST_VERSION
        # Then the held bundle is the first entry of the history
        assert storage.bundle_at("alerts", "gb-lon", 7) == b"v7"
        storage.put_bundle("alerts", "gb-lon", 8, b"v8")
        assert storage.bundle_at("alerts", "gb-lon", 7) == b"v7"
    finally:
        storage.close()


# Tokens and retention ----------------------------------------------------------------

def test_tokens_by_hash_and_label(storage: Storage) -> None:
    digest = hashlib.sha256(b"t").hexdigest()
    storage.add_token_hash(digest, "console")
    assert storage.token_label(digest) == "console"
    assert storage.token_labels() == ["console"]
    assert storage.remove_tokens("console") == 1
    assert storage.token_label(digest) is None


def test_purge_removes_old_envelopes_and_expired_proofs(storage: Storage) -> None:
    # Given an old acknowledged report, an old pending one and a recent one
    old_acked = _report(day=DAY - timedelta(days=30))
    old_pending = _report(day=DAY - timedelta(days=20))
    recent = _report(day=DAY)
    for report in (old_acked, old_pending, recent):
        storage.store_report(report)
    storage.acknowledge([old_acked.receipt.id])
    # When purging everything received before DAY - 10, at a time past the proofs' expiry
    counts = storage.purge(received_before=DAY - timedelta(days=10), now=2_000_000_001)
    # Then only the recent report remains, and no spent proof
    assert (counts.envelopes, counts.used_pow) == (2, 3)
    assert storage.find_report(old_acked.idempotency_key) is None
    assert storage.find_report(old_pending.idempotency_key) is None
    assert storage.find_report(recent.idempotency_key) is not None
    assert storage.count_rows("used_pow") == 0


def test_purge_keeps_proofs_that_could_still_be_replayed(storage: Storage) -> None:
    storage.store_report(_report())
    counts = storage.purge(received_before=DAY - timedelta(days=10), now=2_000_000_000)
    assert counts.used_pow == 0
    assert storage.count_rows("used_pow") == 1
