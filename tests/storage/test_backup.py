"""Online backups: a consistent, verified copy while a writer keeps writing."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from storage.backup import BackupError, backup_database
from storage.db import open_database
from storage.users import UserRepository


def count_users(path: Path) -> int:
    with sqlite3.connect(path) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return copy.execute("SELECT COUNT(*) FROM users").fetchone()[0]


def partial_files(folder: Path) -> list[Path]:
    return list(folder.glob("*partial"))


async def test_backup_while_the_bot_writes(tmp_path: Path) -> None:
    source, target = tmp_path / "live.sqlite3", tmp_path / "backup.sqlite3"
    db = await open_database(source)
    users = UserRepository(db)
    for user_id in range(500):
        await users.set_language(user_id, "fr")
    stop = asyncio.Event()

    async def keep_writing() -> int:
        user_id = 10_000
        while not stop.is_set():
            await users.set_language(user_id, "es")
            user_id += 1
            await asyncio.sleep(0)
        return user_id - 10_000

    writer = asyncio.create_task(keep_writing())
    try:
        size = await backup_database(source, target)
    finally:
        stop.set()
        written_meanwhile = await writer
        await db.close()
    assert size == target.stat().st_size > 0
    assert 500 <= count_users(target) <= 500 + written_meanwhile
    assert not partial_files(tmp_path)


async def test_a_new_backup_replaces_the_old_one(tmp_path: Path) -> None:
    source, target = tmp_path / "live.sqlite3", tmp_path / "backup.sqlite3"
    db = await open_database(source)
    users = UserRepository(db)
    await users.set_language(1, "fr")
    await backup_database(source, target)
    await users.set_language(2, "fr")
    await backup_database(source, target)
    await db.close()
    assert count_users(target) == 2


async def test_refuses_a_missing_source_and_overwriting_itself(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no database"):
        await backup_database(tmp_path / "missing.sqlite3", tmp_path / "b.sqlite3")
    source = tmp_path / "live.sqlite3"
    db = await open_database(source)
    await db.close()
    with pytest.raises(BackupError, match="overwrite"):
        await backup_database(source, source)


async def test_an_unwritable_target_is_a_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "live.sqlite3"
    db = await open_database(source)
    await db.close()
    with pytest.raises(BackupError, match="backup failed"):
        await backup_database(source, tmp_path / "no-such-dir" / "b.sqlite3")
