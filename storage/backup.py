"""Online backup: a consistent copy of the live database through SQLite's backup API."""

from __future__ import annotations

import os
from pathlib import Path

import aiosqlite

from storage.db import BUSY_TIMEOUT_MS

# Pages copied per step; between steps the bot's writers get the database back.
PAGES_PER_STEP = 1024


class BackupError(RuntimeError):
    """The backup could not be made or did not verify."""


async def backup_database(source: Path, target: Path) -> int:
    """Copy ``source`` to ``target`` while the bot may be writing; return the copy's size.

    The copy is written next to ``target`` and renamed into place only once SQLite's
    integrity check passes, so ``target`` is either the old file or a complete new one.
    """
    partial = _prepare(source, target)
    try:
        async with aiosqlite.connect(source) as live:
            await live.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            async with aiosqlite.connect(partial) as copy:
                await live.backup(copy, pages=PAGES_PER_STEP)
                await _verify(copy)
        return _publish(partial, target)
    except (OSError, aiosqlite.Error) as exc:
        raise BackupError(f"backup failed: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)


def _prepare(source: Path, target: Path) -> Path:
    """Check the paths; return where the copy is written before it is renamed."""
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    if target.exists() and source.resolve() == target.resolve():
        raise BackupError("the backup must not overwrite the database itself")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    return partial


def _publish(partial: Path, target: Path) -> int:
    """Move the verified copy into place; return its size in bytes."""
    os.replace(partial, target)
    return target.stat().st_size


async def _verify(copy: aiosqlite.Connection) -> None:
    """Raise BackupError unless the copy passes PRAGMA integrity_check."""
    async with copy.execute("PRAGMA integrity_check") as cursor:
        rows = [row[0] for row in await cursor.fetchall()]
    if rows != ["ok"]:
        raise BackupError(f"the copy failed its integrity check: {'; '.join(rows[:5])}")
