"""write_transaction: one write transaction at a time on the shared connection."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import suppress
from pathlib import Path

import aiosqlite
import pytest

from storage.db import (
    open_database,
    run_on_connection,
    write_at_once,
    write_one,
    write_transaction,
)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    connection = await open_database(tmp_path / "writes.sqlite3")
    await connection.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
    await connection.execute("CREATE TABLE parts (item_id INTEGER, n INTEGER)")
    await connection.commit()
    yield connection
    await connection.close()


async def names(db: aiosqlite.Connection) -> list[str]:
    return [row[0] for row in await db.execute_fetchall("SELECT name FROM items ORDER BY name")]


async def fail_half_way(db: aiosqlite.Connection, written: asyncio.Event) -> None:
    """A write transaction that inserts a row, lets others run, then fails."""

    async def half_way() -> None:
        async with write_transaction(db):
            await db.execute("INSERT INTO items (name) VALUES ('half')")
            written.set()
            await asyncio.sleep(0.05)
            raise RuntimeError("half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        await half_way()


async def test_without_the_lock_a_rollback_undoes_another_tasks_write(db):
    """The hazard write_transaction exists for, shown with raw execute and commit."""
    written = asyncio.Event()

    async def first() -> None:
        await db.execute("INSERT INTO items (name) VALUES ('kept?')")
        written.set()
        await asyncio.sleep(0.05)
        await db.commit()

    async def second() -> None:
        await written.wait()
        with pytest.raises(sqlite3.IntegrityError):
            await db.execute("INSERT INTO items (id, name) VALUES (NULL, NULL), (1, 'x'), (1, 'y')")
        await db.rollback()

    await asyncio.gather(first(), second())
    assert await names(db) == []  # the first task's row is gone, and nobody was told


async def test_another_tasks_failure_never_undoes_a_write(db):
    written = asyncio.Event()

    async def first() -> None:
        async with write_transaction(db):
            await db.execute("INSERT INTO items (name) VALUES ('kept')")
            written.set()
            await asyncio.sleep(0.05)

    async def second() -> None:
        await written.wait()
        with pytest.raises(sqlite3.IntegrityError):
            async with write_transaction(db):
                await db.execute("INSERT INTO items (name) VALUES ('a'), ('a')")

    await asyncio.gather(first(), second())
    assert await names(db) == ["kept"]


async def test_another_tasks_commit_never_commits_half_a_transaction(db):
    written = asyncio.Event()

    async def committing() -> None:
        await written.wait()
        async with write_transaction(db):
            await db.execute("INSERT INTO items (name) VALUES ('whole')")

    await asyncio.gather(fail_half_way(db, written), committing())
    assert await names(db) == ["whole"]


async def test_a_failure_rolls_back_and_is_raised(db):
    async def boom() -> None:
        async with write_transaction(db):
            await db.execute("INSERT INTO items (name) VALUES ('gone')")
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        await boom()
    assert not db.in_transaction
    assert await names(db) == []


async def test_a_nested_write_joins_the_outer_transaction(db):
    async def inner() -> None:
        async with write_transaction(db):
            await db.execute("INSERT INTO items (name) VALUES ('inner')")

    async def outer() -> None:
        async with write_transaction(db):
            await db.execute("INSERT INTO items (name) VALUES ('outer')")
            await asyncio.wait_for(inner(), timeout=2)  # no deadlock on the held lock
            raise RuntimeError("outer")

    with pytest.raises(RuntimeError, match="outer"):
        await outer()
    assert await names(db) == []  # both undone: one transaction
    async with write_transaction(db):
        await asyncio.wait_for(inner(), timeout=2)
    assert await names(db) == ["inner"]


async def test_many_concurrent_multi_statement_writes_all_land_whole(db):
    """Like many users planning meetups at once: a row, then rows that use its id."""

    async def plan(number: int) -> None:
        async with write_transaction(db):
            cursor = await db.execute("INSERT INTO items (name) VALUES (?)", (f"i{number:03}",))
            await asyncio.sleep(0)
            item_id = cursor.lastrowid
            await db.executemany(
                "INSERT INTO parts (item_id, n) VALUES (?, ?)", [(item_id, n) for n in range(3)]
            )

    await asyncio.gather(*(plan(number) for number in range(100)))
    assert len(await names(db)) == 100
    rows = await db.execute_fetchall(
        "SELECT count(*) FROM items AS i JOIN parts AS p ON p.item_id = i.id"
    )
    assert next(iter(rows))[0] == 300
    assert not db.in_transaction


async def test_each_connection_has_its_own_lock(db, tmp_path):
    other = await open_database(tmp_path / "other.sqlite3")
    try:
        await other.execute("CREATE TABLE items (name TEXT)")
        await other.commit()
        async with write_transaction(db):
            await db.execute("INSERT INTO items (name) VALUES ('here')")
            async with write_transaction(other):  # not a nested use: a different lock
                await other.execute("INSERT INTO items (name) VALUES ('there')")
            assert not other.in_transaction
        assert await names(db) == ["here"]
    finally:
        await other.close()


async def test_a_one_round_trip_write_waits_for_an_open_transaction(db):
    written = asyncio.Event()

    async def quick() -> None:
        await written.wait()
        rowcount, _ = await write_one(db, "INSERT INTO items (name) VALUES ('quick')")
        assert rowcount == 1

    await asyncio.gather(fail_half_way(db, written), quick())
    assert await names(db) == ["quick"]


async def test_a_failed_one_round_trip_write_rolls_back(db):
    def two_then_fail(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO items (name) VALUES ('one')")
        conn.execute("INSERT INTO items (name) VALUES ('one')")  # UNIQUE fails

    with pytest.raises(sqlite3.IntegrityError):
        await write_at_once(db, two_then_fail)
    assert not db.in_transaction
    assert await names(db) == []


async def test_a_one_round_trip_write_joins_the_tasks_transaction(db):
    async def outer() -> None:
        async with write_transaction(db):
            await asyncio.wait_for(write_one(db, "INSERT INTO items (name) VALUES ('in')"), 2)
            raise RuntimeError("outer")

    with pytest.raises(RuntimeError, match="outer"):
        await outer()
    assert await names(db) == []


async def test_one_round_trip_writes_and_transactions_mixed_all_land_whole(db):
    """One-round-trip writes skip the lock when it is free; they must still never land
    inside another task's open transaction."""

    async def with_parts(number: int) -> None:
        async with write_transaction(db):
            cursor = await db.execute("INSERT INTO items (name) VALUES (?)", (f"t{number:03}",))
            await asyncio.sleep(0)
            await db.executemany(
                "INSERT INTO parts (item_id, n) VALUES (?, ?)",
                [(cursor.lastrowid, n) for n in range(2)],
            )
            if number % 10 == 0:
                raise RuntimeError("undone")

    async def single(number: int) -> None:
        await write_one(db, "INSERT INTO items (name) VALUES (?)", (f"s{number:03}",))

    async def either(number: int) -> None:
        if number % 2:
            await single(number)
            return
        with suppress(RuntimeError):
            await with_parts(number)

    await asyncio.gather(*(either(number) for number in range(200)))
    stored = await names(db)
    assert len([name for name in stored if name.startswith("s")]) == 100
    assert len([name for name in stored if name.startswith("t")]) == 80  # 20 were undone
    rows = await db.execute_fetchall(
        "SELECT count(*) FROM parts AS p LEFT JOIN items AS i ON i.id = p.item_id "
        "WHERE i.name IS NULL OR i.name NOT LIKE 't%'"
    )
    assert next(iter(rows))[0] == 0  # no part of an undone or foreign item
    assert not db.in_transaction


async def test_run_on_connection_runs_on_aiosqlites_thread(db):
    def work(conn: sqlite3.Connection) -> tuple[int, bool]:
        conn.execute("INSERT INTO items (name) VALUES ('direct')")
        return conn.execute("SELECT count(*) FROM items").fetchone()[0], conn.in_transaction

    assert await run_on_connection(db, work) == (1, True)  # nothing committed for it
    await db.rollback()
    assert await names(db) == []


async def test_run_on_connection_refuses_a_closed_connection(tmp_path):
    connection = await open_database(tmp_path / "closed.sqlite3")
    await connection.close()
    with pytest.raises(ValueError, match=r"(?i)connection"):
        await run_on_connection(connection, lambda conn: None)
