"""GeocodeCache: answers of the online geocoder, kept so each place is looked up once."""

from __future__ import annotations

import aiosqlite

from bot.domain.caches import CachedPlace
from storage.db import write_one, write_transaction
from storage.errors import best_effort
from storage.timestamps import Clock, now_seconds, utc_now


class GeocodeCache:
    """The geocode_cache table, keyed by the normalised query text."""

    def __init__(self, db: aiosqlite.Connection, clock: Clock = utc_now) -> None:
        """Use ``db``; ``clock`` dates answers and tells their age."""
        self._db = db
        self._clock = clock

    async def get(self, query: str, max_age_s: float, miss_max_age_s: float) -> CachedPlace | None:
        """A cached answer that is fresh enough, else None."""
        async with self._db.execute(
            "SELECT found, lat, lon, label, country, created_at FROM geocode_cache WHERE query = ?",
            (query,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        found, lat, lon, label, country, created_at = row
        age = now_seconds(self._clock) - created_at
        if age > (max_age_s if found else miss_max_age_s):
            return None
        return CachedPlace(bool(found), lat, lon, label, country)

    async def purge(self, hit_max_age_s: float, miss_max_age_s: float) -> int:
        """Delete answers too old to be used again; returns how many were deleted."""
        now = now_seconds(self._clock)
        async with write_transaction(self._db):
            cursor = await self._db.execute(
                "DELETE FROM geocode_cache WHERE created_at < ? OR (found = 0 AND created_at < ?)",
                (now - hit_max_age_s, now - miss_max_age_s),
            )
        return cursor.rowcount

    async def put(self, query: str, place: CachedPlace) -> None:
        """Store an answer (a hit or a miss) for the query; skipped if the database cannot write."""
        async with best_effort("geocoder answer"):
            await write_one(
                self._db,
                "INSERT OR REPLACE INTO geocode_cache "
                "(query, found, lat, lon, label, country, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    query,
                    int(place.found),
                    place.lat,
                    place.lon,
                    place.label,
                    place.country,
                    now_seconds(self._clock),
                ),
            )
