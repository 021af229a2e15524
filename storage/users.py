"""UserRepository: the one thing stored per user, their language choice."""

from __future__ import annotations

import time

import aiosqlite


class UserRepository:
    """Language choice per Telegram user id."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def language(self, user_id: int) -> str | None:
        """The stored language code, or None if the user never chose one."""
        async with self._db.execute(
            "SELECT language FROM users WHERE user_id = ?", (user_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else None

    async def set_language(self, user_id: int, language: str) -> None:
        """Store (or replace) the user's language choice."""
        await self._db.execute(
            "INSERT INTO users (user_id, language, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET language = excluded.language, "
            "updated_at = excluded.updated_at",
            (user_id, language, time.time()),
        )
        await self._db.commit()

    async def forget(self, user_id: int) -> None:
        """Delete everything stored about the user."""
        await self._db.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
        await self._db.commit()
