"""UserRepository: stored language choices, and the cache in front of them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiosqlite
import pytest

from storage.db import open_database
from storage.users import UserRepository


@pytest.fixture
async def db(tmp_path) -> AsyncIterator[aiosqlite.Connection]:
    connection = await open_database(tmp_path / "users.sqlite3")
    yield connection
    await connection.close()


async def _stored(db: aiosqlite.Connection, user_id: int) -> list:
    return list(
        await db.execute_fetchall("SELECT language FROM users WHERE user_id = ?", (user_id,))
    )


async def test_choice_is_stored_replaced_and_forgotten(db):
    users = UserRepository(db)
    assert await users.language(7) is None  # cached as "no choice"

    await users.set_language(7, "fr")
    assert await users.language(7) == "fr"
    await users.set_language(7, "es")
    assert await users.language(7) == "es"
    assert await _stored(db, 7) == [("es",)]

    await users.forget(7)
    assert await users.language(7) is None
    assert await _stored(db, 7) == []


async def test_choices_survive_a_new_repository(db):
    await UserRepository(db).set_language(7, "fr")
    assert await UserRepository(db).language(7) == "fr"


async def test_the_cache_keeps_only_the_latest_users(db):
    users = UserRepository(db, cache_size=2)
    for user_id, language in ((1, "fr"), (2, "es"), (3, "en")):
        await users.set_language(user_id, language)
    await db.execute("UPDATE users SET language = 'es'")  # behind the repository's back
    await db.commit()

    assert await users.language(1) == "es"  # evicted: read again
    assert await users.language(3) == "en"  # still cached
