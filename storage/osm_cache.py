"""OsmStationCache: police stations fetched from OpenStreetMap, kept per area for a while."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from bot.domain.caches import CachedArea
from bot.domain.zones import Zone
from storage.db import write_transaction
from storage.zone_rows import (
    ZONE_COLUMN_COUNT,
    ZONE_COLUMNS,
    qualified_columns,
    zone_from_row,
    zone_params,
)

_INSERT = (
    f"INSERT OR REPLACE INTO osm_stations (area, {ZONE_COLUMNS}) "
    f"VALUES ({', '.join('?' * (ZONE_COLUMN_COUNT + 1))})"
)


def _station_params(area: str, zone: Zone) -> tuple:
    """The row of a station fetched for an area."""
    return (area, *zone_params(zone))


class OsmStationCache:
    """The osm_areas table (one row per fetched area) and osm_stations (its stations)."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def area(self, area: str) -> CachedArea | None:
        """The stations cached for an area, however old; None if it was never fetched."""
        rows = list(
            await self._db.execute_fetchall(
                "SELECT fetched_at FROM osm_areas WHERE area = ?", (area,)
            )
        )
        if not rows:
            return None
        stations = await self._db.execute_fetchall(
            f"SELECT {ZONE_COLUMNS} FROM osm_stations WHERE area = ? ORDER BY id", (area,)
        )
        return CachedArea(float(rows[0][0]), [zone_from_row(row) for row in stations])

    async def store(self, area: str, stations: Sequence[Zone], fetched_at: float) -> None:
        """Replace an area's stations (none is a valid answer), in one transaction."""
        async with write_transaction(self._db):
            await self._db.execute("DELETE FROM osm_stations WHERE area = ?", (area,))
            await self._db.execute(
                "INSERT INTO osm_areas (area, fetched_at) VALUES (?, ?) "
                "ON CONFLICT(area) DO UPDATE SET fetched_at = excluded.fetched_at",
                (area, fetched_at),
            )
            await self._db.executemany(_INSERT, [_station_params(area, z) for z in stations])

    async def station(self, zone_id: str) -> Zone | None:
        """The most recently fetched copy of a station, by its id (``osm-node-123``)."""
        rows = list(
            await self._db.execute_fetchall(
                f"SELECT {qualified_columns('s')} "
                "FROM osm_stations AS s JOIN osm_areas AS a ON a.area = s.area "
                "WHERE s.id = ? ORDER BY a.fetched_at DESC LIMIT 1",
                (zone_id,),
            )
        )
        return zone_from_row(rows[0]) if rows else None

    async def purge(self, fetched_before: float) -> int:
        """Delete the areas fetched before a time, with their stations; returns how many."""
        async with write_transaction(self._db):
            await self._db.execute(
                "DELETE FROM osm_stations WHERE area IN "
                "(SELECT area FROM osm_areas WHERE fetched_at < ?)",
                (fetched_before,),
            )
            cursor = await self._db.execute(
                "DELETE FROM osm_areas WHERE fetched_at < ?", (fetched_before,)
            )
        return cursor.rowcount
