"""UserRepository: the one thing stored per user, their language choice."""

from __future__ import annotations

from collections import OrderedDict

import aiosqlite

from storage.db import write_one, write_transaction
from storage.timestamps import Clock, now_seconds, utc_now

# Languages looked up lately, so a busy bot does not read the same row for every message.
CACHE_SIZE = 10_000


class UserRepository:
    """Language choice per Telegram user id.

    Every write goes through this class (one bot process owns the database), so the cache of
    recent lookups, ``None`` included, stays exact. A lookup that a write overtook while it
    read the database is not cached.
    """

    def __init__(
        self, db: aiosqlite.Connection, cache_size: int = CACHE_SIZE, clock: Clock = utc_now
    ) -> None:
        """Use ``db``, remember ``cache_size`` lookups, and stamp writes with ``clock``."""
        self._db = db
        self._clock = clock
        self._cache: OrderedDict[int, str | None] = OrderedDict()
        self._cache_size = cache_size
        self._writes = 0

    async def language(self, user_id: int) -> str | None:
        """The stored language code, or None if the user never chose one."""
        if user_id in self._cache:
            self._cache.move_to_end(user_id)
            return self._cache[user_id]
        writes = self._writes
        rows = await self._db.execute_fetchall(
            "SELECT language FROM users WHERE user_id = ?", (user_id,)
        )
        row = next(iter(rows), None)
        language = str(row[0]) if row else None
        if writes == self._writes:
            self._remember(user_id, language)
        return language

    async def set_language(self, user_id: int, language: str) -> None:
        """Store (or replace) the user's language choice."""
        self._writes += 1
        self._cache.pop(user_id, None)
        await write_one(
            self._db,
            "INSERT INTO users (user_id, language, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET language = excluded.language, "
            "updated_at = excluded.updated_at",
            (user_id, language, now_seconds(self._clock)),
        )
        self._remember(user_id, language)

    async def forget(self, user_id: int) -> None:
        """Delete everything stored about the user."""
        self._writes += 1
        self._cache.pop(user_id, None)
        async with write_transaction(self._db):
            await self._db.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
        self._remember(user_id, None)

    def _remember(self, user_id: int, language: str | None) -> None:
        self._cache[user_id] = language
        self._cache.move_to_end(user_id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
