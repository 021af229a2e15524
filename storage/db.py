"""Opening the SQLite database (WAL mode), applying migrations, and write transactions."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from importlib import resources
from pathlib import Path
from typing import TypeVar
from weakref import WeakKeyDictionary

import aiosqlite

log = logging.getLogger(__name__)

_T = TypeVar("_T")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
BUSY_TIMEOUT_MS = 5_000
# SQLite result codes meaning "this file is no database we can open": SQLITE_CORRUPT,
# SQLITE_CANTOPEN, SQLITE_NOTADB.
_UNUSABLE_CODES = {11: "is damaged", 14: "cannot be opened", 26: "is not an SQLite database"}


class DatabaseUnavailable(sqlite3.DatabaseError):
    """The database file cannot be opened, or is not (or no longer) an SQLite database."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path} {problem}")
        self.path = path
        self.problem = problem


def _unusable(path: Path | str, error: BaseException) -> DatabaseUnavailable | None:
    """The DatabaseUnavailable an error at opening time means, None for any other error."""
    if isinstance(error, OSError):
        return DatabaseUnavailable(path, f"cannot be created ({error.strerror or error})")
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(error, sqlite3.DatabaseError) and isinstance(code, int):
        problem = _UNUSABLE_CODES.get(code & 0xFF)
        return DatabaseUnavailable(path, f"{problem} ({error})") if problem else None
    return None


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of every bundled migration, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


async def apply_migrations(db: aiosqlite.Connection) -> int:
    """Bring the schema up to the newest migration; returns the schema version."""
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    current = int(row[0]) if row else 0
    for version, name, sql in migrations():
        if version <= current:
            continue
        log.info("applying migration %s", name)
        # executescript commits first; the whole migration then runs as one transaction.
        await db.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
        current = version
    return current


async def open_database(
    path: Path | str, busy_timeout_ms: int | None = None
) -> aiosqlite.Connection:
    """Open (creating if needed) the database in WAL mode with the schema up to date.

    A write waits up to ``busy_timeout_ms`` (default BUSY_TIMEOUT_MS) for another connection's
    write lock, then fails with "database is locked" (see storage/errors.py). A path that is
    a folder, cannot be created, or holds something other than an SQLite database raises
    DatabaseUnavailable.
    """
    try:
        return await _open(path, busy_timeout_ms)
    except (OSError, sqlite3.DatabaseError) as exc:
        unusable = _unusable(path, exc)
        if unusable is None:
            raise
        raise unusable from exc


async def _connect(path: Path | str) -> aiosqlite.Connection:
    """aiosqlite.connect; if that fails, its worker thread is waited for before the error is
    raised (aiosqlite only asks it to stop, and it then fails on a closed event loop)."""
    connection = aiosqlite.connect(path)
    try:
        return await connection
    except BaseException:
        worker = getattr(connection, "_thread", None)
        if isinstance(worker, threading.Thread) and worker.is_alive():
            await asyncio.to_thread(worker.join, 5.0)
        raise


async def _open(path: Path | str, busy_timeout_ms: int | None) -> aiosqlite.Connection:
    """Open the database and bring its schema up to date."""
    timeout_ms = BUSY_TIMEOUT_MS if busy_timeout_ms is None else busy_timeout_ms
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = await _connect(path)
    try:
        await db.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = NORMAL")
        await db.execute("PRAGMA foreign_keys = ON")
        await apply_migrations(db)
    except BaseException:
        await db.close()
        raise
    return db


_write_locks: WeakKeyDictionary[aiosqlite.Connection, asyncio.Lock] = WeakKeyDictionary()
# The connection whose write transaction the running task is inside, if any.
_writing_on: ContextVar[aiosqlite.Connection | None] = ContextVar("writing_on", default=None)


@asynccontextmanager
async def write_transaction(db: aiosqlite.Connection) -> AsyncIterator[aiosqlite.Connection]:
    """One transaction of writes on ``db``: committed at the end, rolled back on any error.

    The whole bot shares one connection, and every ``await`` lets another update or job run
    its own statements on it: without this, they would join an open transaction, and one
    task's rollback would silently undo another's writes, or one task's commit would commit
    another's half-done work. So a write transaction holds the connection's lock from
    ``BEGIN IMMEDIATE`` to its end. A task already inside one simply joins it (a repository
    calling another), so nesting never deadlocks. Reads need no lock.
    """
    if _writing_on.get() is db:
        yield db
        return
    async with _write_lock(db):
        await db.execute("BEGIN IMMEDIATE")
        token = _writing_on.set(db)
        try:
            yield db
            await db.commit()
        except BaseException:
            await _roll_back(db)
            raise
        finally:
            _writing_on.reset(token)


async def write_at_once(db: aiosqlite.Connection, work: Callable[[sqlite3.Connection], _T]) -> _T:
    """What ``work`` returns, run on the connection's thread in one write transaction.

    The same guarantees as write_transaction in one round trip to aiosqlite's thread instead
    of three (BEGIN, the statements, COMMIT): for writes whose statements need no await in
    between. Each round trip is a wake-up of the event loop, and writes queue for the lock,
    so on a busy bot the round trips, not SQLite, are what a write costs.
    """
    if _writing_on.get() is db:  # inside this task's write_transaction: join it
        return await run_on_connection(db, work)
    lock = _write_lock(db)
    if not lock.locked():
        # aiosqlite's thread runs one queued function at a time, so this transaction is
        # whole before anything queued after it; and no write_transaction is open (its
        # holder would hold the lock). Nothing awaits between the check and the queueing.
        return await run_on_connection(db, lambda conn: _in_write_transaction(conn, work))
    async with lock:
        return await run_on_connection(db, lambda conn: _in_write_transaction(conn, work))


async def run_on_connection(
    db: aiosqlite.Connection, work: Callable[[sqlite3.Connection], _T]
) -> _T:
    """What ``work`` returns, run with the sqlite3 connection on aiosqlite's thread.

    One round trip to that thread for any number of statements. aiosqlite has no public
    way to do this, so it uses its private ``_execute`` (which its own methods queue work
    through) and ``_conn``: this is the only place that does, so an aiosqlite upgrade that
    changes them breaks here alone. ``work`` runs in no transaction of its own, must not
    touch the event loop, and must not keep the connection. A closed ``db`` raises
    ValueError, as aiosqlite's own methods do.
    """
    return await db._execute(work, db._conn)


async def write_one(
    db: aiosqlite.Connection, sql: str, params: tuple = ()
) -> tuple[int, int | None]:
    """One statement as its own write transaction, in one round trip: (rowcount, lastrowid)."""

    def run(conn: sqlite3.Connection) -> tuple[int, int | None]:
        cursor = conn.execute(sql, params)
        return cursor.rowcount, cursor.lastrowid

    return await write_at_once(db, run)


def _in_write_transaction(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], _T]) -> _T:
    """``work`` between BEGIN IMMEDIATE and COMMIT, rolled back if it fails."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
        conn.commit()
    except BaseException:
        try:
            conn.rollback()
        except sqlite3.Error as exc:
            log.warning("could not roll back a failed write: %s", type(exc).__name__)
        raise
    return result


def _write_lock(db: aiosqlite.Connection) -> asyncio.Lock:
    """The lock every write transaction on ``db`` holds."""
    return _write_locks.setdefault(db, asyncio.Lock())


async def _roll_back(db: aiosqlite.Connection) -> None:
    """Roll back after a failed write; a failure to do so is logged (the first error wins)."""
    try:
        await db.rollback()
    except (sqlite3.Error, ValueError) as exc:  # ValueError: the connection is closed
        log.warning("could not roll back a failed write: %s", type(exc).__name__)
