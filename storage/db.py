"""Opening the SQLite database (WAL mode) and applying versioned migrations."""

from __future__ import annotations

import logging
import re
from importlib import resources
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
BUSY_TIMEOUT_MS = 5_000


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
    write lock, then fails with "database is locked" (see storage/errors.py).
    """
    timeout_ms = BUSY_TIMEOUT_MS if busy_timeout_ms is None else busy_timeout_ms
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = await aiosqlite.connect(path)
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
