"""OsmStationCache: police stations fetched from OpenStreetMap, kept per area for a while."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from bot.domain.caches import CachedArea
from bot.domain.zones import Zone, ZoneKind
from storage.db import write_transaction

_COLUMNS = (
    "id, name, kind, lat, lon, address, city, region, country, postal_code, opening_hours, "
    "video, lit, staffed, phone, website, source, verified"
)
_INSERT = f"INSERT OR REPLACE INTO osm_stations (area, {_COLUMNS}) VALUES ({', '.join('?' * 19)})"


def _flag(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def _int_flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _station_from_row(row: Sequence) -> Zone:
    return Zone(
        id=row[0],
        name=row[1],
        kind=ZoneKind(row[2]),
        lat=row[3],
        lon=row[4],
        address=row[5],
        city=row[6],
        region=row[7],
        country=row[8],
        postal_code=row[9],
        opening_hours=row[10],
        video=_flag(row[11]),
        lit=_flag(row[12]),
        staffed=_flag(row[13]),
        phone=row[14],
        website=row[15],
        source=row[16],
        verified=row[17],
    )


def _station_params(area: str, zone: Zone) -> tuple:
    return (
        area,
        zone.id,
        zone.name,
        zone.kind.value,
        zone.lat,
        zone.lon,
        zone.address,
        zone.city,
        zone.region,
        zone.country,
        zone.postal_code,
        zone.opening_hours,
        _int_flag(zone.video),
        _int_flag(zone.lit),
        _int_flag(zone.staffed),
        zone.phone,
        zone.website,
        zone.source,
        zone.verified,
    )


class OsmStationCache:
    """The osm_areas table (one row per fetched area) and osm_stations (its stations)."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def area(self, area: str) -> CachedArea | None:
        """The stations cached for an area, however old; None if it was never fetched."""
        rows = await self._db.execute_fetchall(
            "SELECT fetched_at FROM osm_areas WHERE area = ?", (area,)
        )
        if not rows:
            return None
        stations = await self._db.execute_fetchall(
            f"SELECT {_COLUMNS} FROM osm_stations WHERE area = ? ORDER BY id", (area,)
        )
        return CachedArea(float(rows[0][0]), [_station_from_row(row) for row in stations])

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
        rows = await self._db.execute_fetchall(
            f"SELECT {', '.join('s.' + c.strip() for c in _COLUMNS.split(','))} "
            "FROM osm_stations AS s JOIN osm_areas AS a ON a.area = s.area "
            "WHERE s.id = ? ORDER BY a.fetched_at DESC LIMIT 1",
            (zone_id,),
        )
        return _station_from_row(rows[0]) if rows else None

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
