"""LastSearchRepository: the zone ids of each user's last search (never their position)."""

from __future__ import annotations

import aiosqlite

from storage.db import write_one, write_transaction
from storage.errors import best_effort
from storage.timestamps import Clock, now_seconds, utc_now

LAST_SEARCH_TTL_S = 24 * 3600.0


class LastSearchRepository:
    """Remembers which zones a user was last shown, for planning a meetup at one of them."""

    def __init__(self, db: aiosqlite.Connection, clock: Clock = utc_now) -> None:
        """Use ``db``; ``clock`` dates searches and tells their age."""
        self._db = db
        self._clock = clock

    async def remember(self, user_id: int, zone_ids: list[str]) -> None:
        """Replace the user's last search; skipped (and logged) if the database cannot write."""
        async with best_effort("last search"):
            await write_one(
                self._db,
                "INSERT OR REPLACE INTO last_searches (user_id, zone_ids, created_at) "
                "VALUES (?, ?, ?)",
                (user_id, "\n".join(zone_ids), now_seconds(self._clock)),
            )

    async def recall(self, user_id: int) -> list[str]:
        """Zone ids of the user's last search if it is less than a day old, nearest first."""
        async with self._db.execute(
            "SELECT zone_ids, created_at FROM last_searches WHERE user_id = ?", (user_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None or now_seconds(self._clock) - row[1] > LAST_SEARCH_TTL_S:
            return []
        return [zone_id for zone_id in str(row[0]).split("\n") if zone_id]

    async def purge(self) -> None:
        """Delete searches older than a day."""
        async with write_transaction(self._db):
            await self._db.execute(
                "DELETE FROM last_searches WHERE created_at < ?",
                (now_seconds(self._clock) - LAST_SEARCH_TTL_S,),
            )

    async def forget(self, user_id: int) -> None:
        """Delete the user's last search."""
        async with write_transaction(self._db):
            await self._db.execute("DELETE FROM last_searches WHERE user_id = ?", (user_id,))
