"""Forward-only migrations: from every older version to the latest, keeping what was stored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.vault import database
from app.vault.errors import MigrationError
from app.vault.kdf import DerivedKeys

# Rows written at the version that introduced each table, checked after migrating.
SAMPLES = {
    1: ["INSERT INTO reports VALUES ('r1', 'draft', 2, '2026-01-01', '2026-01-02', x'00')",
        "INSERT INTO settings VALUES ('language', x'22726f22')"],
    2: ["INSERT INTO outbox (id, idempotency_key, envelope, state, created_at, updated_at) "
        "VALUES ('o1', 'k1', x'01', 'waiting', '2026-01-01', '2026-01-01')"],
    3: ["INSERT INTO feeds VALUES ('alerts', 'uk.eng.wm', 7, '\"e\"', x'02', '2026-01-01')"],
    4: ["INSERT INTO followups VALUES ('t1', 'ABCD-EFGH-JKMN', x'03', 'r1', '2026-01-01')",
        "INSERT INTO replies VALUES ('p1', 't1', 'message', 'hello', '2026-01-02', "
        "'2026-01-02', 0)"],
    5: [],  # an index only
}
CHECKS = {
    1: ("SELECT step FROM reports WHERE id = 'r1'", 2),
    2: ("SELECT state FROM outbox WHERE id = 'o1'", "waiting"),
    3: ("SELECT version FROM feeds WHERE name = 'uk.eng.wm'", 7),
    4: ("SELECT body FROM replies WHERE token = 't1'", "hello"),
    5: ("SELECT count(*) FROM sqlite_master WHERE name = 'feeds_versions'", 1),
}


def _keys() -> DerivedKeys:
    return DerivedKeys(bytearray(os.urandom(32)), bytearray(32))


def _schema(conn: database.Connection) -> list[tuple[str, str]]:
    return conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()


def test_every_migration_has_sample_data() -> None:
    assert sorted(SAMPLES) == list(range(1, database.LATEST_VERSION + 1))


@pytest.mark.parametrize("start", range(database.LATEST_VERSION + 1))
def test_migrating_from_every_older_version(tmp_path: Path, start: int) -> None:
    # Given a vault at an older schema version with data in every table it had
    keys = _keys()
    path = tmp_path / "vault.db"
    conn = database.open_database(path, keys, create=True, migrate_to=start)
    assert database.schema_version(conn) == start
    for version in range(1, start + 1):
        for statement in SAMPLES[version]:
            conn.execute(statement)
    conn.close()
    # When the current build opens it
    conn = database.open_database(path, keys, create=False)
    # Then it is at the latest version, its schema equals a new vault's, and nothing was lost
    assert database.schema_version(conn) == database.LATEST_VERSION
    fresh = database.open_database(tmp_path / "fresh.db", _keys(), create=True)
    assert _schema(conn) == _schema(fresh)
    for version in range(1, start + 1):
        query, expected = CHECKS[version]
        assert conn.execute(query).fetchone()[0] == expected
    assert database.integrity_errors(conn) == []
    conn.close()
    fresh.close()


def test_a_vault_from_a_newer_app_is_refused(tmp_path: Path) -> None:
    keys = _keys()
    path = tmp_path / "vault.db"
    conn = database.open_database(path, keys, create=True)
    conn.execute(f"PRAGMA user_version = {database.LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(MigrationError):
        database.open_database(path, keys, create=False)


def test_a_failed_migration_leaves_the_old_version(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    keys = _keys()
    path = tmp_path / "vault.db"
    database.open_database(path, keys, create=True, migrate_to=1).close()
    broken = (*database.MIGRATIONS[:1], ("CREATE TABLE outbox (x)", "THIS IS NOT SQL"))
    monkeypatch.setattr(database, "MIGRATIONS", broken)
    with pytest.raises(database.DatabaseError):
        database.open_database(path, keys, create=False, migrate_to=2)
    monkeypatch.undo()
    conn = database.open_database(path, keys, create=False, migrate_to=None)
    assert database.schema_version(conn) == 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'outbox'").fetchone() \
        == (0,)
    conn.close()
