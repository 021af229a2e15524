"""Database faults: real SQLite errors classified, and the connection healed after them."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest

from storage.db import open_database, write_transaction
from storage.errors import StorageFault, best_effort, classify
from storage.users import UserRepository


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    connection = await open_database(tmp_path / "faults.sqlite3", busy_timeout_ms=50)
    yield connection
    await connection.close()


def lock(path: Path) -> sqlite3.Connection:
    """A second connection holding the write lock (BEGIN IMMEDIATE, not committed)."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO users (user_id, language, updated_at) VALUES (1, 'fr', 0)")
    return other


async def failure(db: aiosqlite.Connection, sql: str) -> BaseException:
    with pytest.raises(sqlite3.Error) as caught:
        await db.execute(sql)
    return caught.value


async def test_busy_timeout_is_a_parameter(db, tmp_path):
    assert next(iter(await db.execute_fetchall("PRAGMA busy_timeout")))[0] == 50
    default = await open_database(tmp_path / "default.sqlite3")
    try:
        assert next(iter(await default.execute_fetchall("PRAGMA busy_timeout")))[0] == 5000
    finally:
        await default.close()


async def test_a_held_write_lock_is_busy(db, tmp_path):
    other = lock(tmp_path / "faults.sqlite3")
    try:
        error = await failure(
            db, "INSERT INTO users (user_id, language, updated_at) VALUES (2, 'es', 0)"
        )
    finally:
        other.rollback()
    assert classify(error) is StorageFault.BUSY


async def test_a_full_database(db):
    await db.execute("CREATE TABLE ballast (x BLOB)")
    await db.commit()
    pages = next(iter(await db.execute_fetchall("PRAGMA page_count")))[0]
    await db.execute(f"PRAGMA max_page_count = {pages}")
    error = await failure(db, "INSERT INTO ballast VALUES (randomblob(100000))")
    assert classify(error) is StorageFault.FULL


async def test_a_read_only_database(db):
    await db.execute("PRAGMA query_only = 1")
    error = await failure(
        db, "INSERT INTO users (user_id, language, updated_at) VALUES (3, 'en', 0)"
    )
    assert classify(error) is StorageFault.READ_ONLY


def test_messages_without_codes_and_wrapped_errors():
    assert classify(sqlite3.OperationalError("database table is locked")) is StorageFault.BUSY
    assert classify(sqlite3.OperationalError("database or disk is full")) is StorageFault.FULL
    assert classify(sqlite3.OperationalError("disk I/O error")) is StorageFault.IO_ERROR
    wrapped = RuntimeError("saving failed")
    wrapped.__cause__ = sqlite3.OperationalError("attempt to write a readonly database")
    assert classify(wrapped) is StorageFault.READ_ONLY
    assert classify(sqlite3.IntegrityError("UNIQUE constraint failed")) is None
    assert classify(ValueError("database is locked")) is None
    assert classify(None) is None


async def test_a_failed_write_leaves_no_transaction_open(db, tmp_path):
    """A write left open after a fault would pin an old snapshot for every later read, and
    once the other writer committed, every write of this connection would fail for good
    (SQLITE_BUSY_SNAPSHOT). write_transaction rolls back, so the next write just works."""
    users = UserRepository(db)
    other = lock(tmp_path / "faults.sqlite3")
    with pytest.raises(sqlite3.OperationalError):
        await users.set_language(2, "es")
    assert not db.in_transaction
    assert await users.language(5) is None
    other.commit()
    other.close()
    await users.set_language(2, "es")
    assert await users.language(2) == "es"
    assert await users.language(1) == "fr"  # the other writer's row is seen: no old snapshot


async def test_best_effort_skips_a_write_on_a_fault_and_raises_anything_else(db, caplog):
    await db.execute("PRAGMA query_only = 1")
    async with best_effort("last search"), write_transaction(db):
        await db.execute("INSERT INTO users (user_id, language, updated_at) VALUES (4, 'en', 0)")
    assert not db.in_transaction
    assert "database read-only: last search not saved" in caplog.text
    await db.execute("PRAGMA query_only = 0")
    with pytest.raises(sqlite3.IntegrityError):
        await insert_twice(db)


async def insert_twice(db: aiosqlite.Connection) -> None:
    """A constraint error is a bug, not a fault: best_effort lets it through."""
    async with best_effort("user"), write_transaction(db):
        for _ in range(2):
            await db.execute(
                "INSERT INTO users (user_id, language, updated_at) VALUES (4, 'en', 0)"
            )
