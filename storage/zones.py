"""ZoneRepository: the zones table and its R*Tree index."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import aiosqlite

from bot.geo import Box
from bot.zones import Zone, ZoneKind

_COLUMNS = (
    "id, name, kind, lat, lon, address, city, region, country, postal_code, opening_hours, "
    "video, lit, staffed, phone, website, source, verified"
)
_UPSERT = f"""
INSERT INTO zones ({_COLUMNS}) VALUES ({", ".join("?" * 18)})
ON CONFLICT(id) DO UPDATE SET
    name = excluded.name, kind = excluded.kind, lat = excluded.lat, lon = excluded.lon,
    address = excluded.address, city = excluded.city, region = excluded.region,
    country = excluded.country, postal_code = excluded.postal_code,
    opening_hours = excluded.opening_hours, video = excluded.video, lit = excluded.lit,
    staffed = excluded.staffed, phone = excluded.phone, website = excluded.website,
    source = excluded.source, verified = excluded.verified
"""
_Z_COLUMNS = ", ".join("z." + column.strip() for column in _COLUMNS.split(","))
# A candidate is (id, lat, lon) then the stored row, which becomes a Zone only if it is chosen.
_CANDIDATES_IN_BOX = f"""
SELECT z.id, z.lat, z.lon, {_Z_COLUMNS}
FROM zones_rtree AS r JOIN zones AS z ON z.rowid = r.zone_rowid
WHERE r.max_lat >= ? AND r.min_lat <= ? AND r.max_lon >= ? AND r.min_lon <= ?
"""
_CANDIDATES_WITH_KEYS = f"""
SELECT z.id, z.lat, z.lon, {_Z_COLUMNS}
FROM zones AS z WHERE z.rowid IN ({{}})
"""
# Well under SQLite's limit on the number of parameters of one statement.
_KEYS_PER_QUERY = 500
# The R*Tree alone: no row of the zones table is read, so it is several times cheaper.
_INDEX_POSITIONS_IN_BOX = """
SELECT zone_rowid, min_lat, min_lon FROM zones_rtree
WHERE max_lat >= ? AND min_lat <= ? AND max_lon >= ? AND min_lon <= ?
"""


def _to_flag(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def _from_flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _zone_from_row(row: Sequence) -> Zone:
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
        video=_to_flag(row[11]),
        lit=_to_flag(row[12]),
        staffed=_to_flag(row[13]),
        phone=row[14],
        website=row[15],
        source=row[16],
        verified=row[17],
    )


def _zone_params(zone: Zone) -> tuple:
    return (
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
        _from_flag(zone.video),
        _from_flag(zone.lit),
        _from_flag(zone.staffed),
        zone.phone,
        zone.website,
        zone.source,
        zone.verified,
    )


class ZoneRepository:
    """Reads and writes zones; keeps the R*Tree in step through triggers."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def upsert_many(self, zones: Iterable[Zone]) -> None:
        """Insert or update zones by their stable id, in one transaction."""
        await self._db.executemany(_UPSERT, (_zone_params(zone) for zone in zones))
        await self._db.commit()

    async def import_zones(self, zones: Sequence[Zone]) -> tuple[int, int, int]:
        """Upsert zones in one transaction; returns (added, updated, unchanged).

        Rows equal to what is stored are not written, so re-importing a file changes nothing.
        """
        stored = {
            row[0]: tuple(row)
            for row in await self._db.execute_fetchall(f"SELECT {_COLUMNS} FROM zones")
        }
        changed = [params for params in map(_zone_params, zones) if stored.get(params[0]) != params]
        added = sum(1 for params in changed if params[0] not in stored)
        try:
            await self._db.executemany(_UPSERT, changed)
            await self._db.commit()
        except BaseException:
            await self._db.rollback()
            raise
        return added, len(changed) - added, len(zones) - len(changed)

    async def count(self) -> int:
        """Number of zones stored."""
        async with self._db.execute("SELECT count(*) FROM zones") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def get(self, zone_id: str) -> Zone | None:
        """One zone by its stable id."""
        async with self._db.execute(
            f"SELECT {_COLUMNS} FROM zones WHERE id = ?", (zone_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _zone_from_row(row) if row else None

    async def all(self) -> list[Zone]:
        """Every zone, ordered by id."""
        async with self._db.execute(f"SELECT {_COLUMNS} FROM zones ORDER BY id") as cursor:
            return [_zone_from_row(row) for row in await cursor.fetchall()]

    async def candidates_in_boxes(self, boxes: Sequence[Box]) -> list[tuple]:
        """Zones inside any of the boxes as (id, lat, lon, ...) rows, in one round trip.

        Each box must not cross the antimeridian; a zone in two overlapping boxes comes
        twice. ``zone_of`` turns a row into a Zone, so only the chosen ones pay for it.
        """
        return await self._in_boxes(_CANDIDATES_IN_BOX, boxes)

    async def rough_positions_in_boxes(
        self, boxes: Sequence[Box], limit: int | None = None
    ) -> list[tuple]:
        """(key, lat, lon) of the zones inside any of the boxes, from the R*Tree alone.

        The index keeps 32-bit floats rounded down, so a position may be up to 4e-5 degrees
        (under 5 m) south or west of the zone's; the key is the same for the same zone.
        With ``limit``, at most limit + 1 rows (any of them): more than limit means "too many".
        """
        return await self._in_boxes(_INDEX_POSITIONS_IN_BOX, boxes, limit)

    async def candidates_with_keys(self, keys: Sequence[int]) -> list[tuple]:
        """The rows candidates_in_boxes gives, for keys from rough_positions_in_boxes."""
        rows: list[tuple] = []
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = list(keys[start : start + _KEYS_PER_QUERY])
            marks = ", ".join("?" * len(chunk))
            rows += await self._db.execute_fetchall(_CANDIDATES_WITH_KEYS.format(marks), chunk)
        return rows

    async def _in_boxes(
        self, query: str, boxes: Sequence[Box], limit: int | None = None
    ) -> list[tuple]:
        """Rows of ``query`` (with box parameters) for every box, in one round trip."""
        if not boxes:
            return []
        sql = "\nUNION ALL\n".join([query] * len(boxes))
        params: list[float] = []
        for box in boxes:
            params += [box.min_lat, box.max_lat, box.min_lon, box.max_lon]
        if limit is not None:
            sql += "\nLIMIT ?"
            params.append(limit + 1)
        return list(await self._db.execute_fetchall(sql, params))

    @staticmethod
    def zone_of(candidate: Sequence) -> Zone:
        """The Zone of a row from candidates_in_boxes."""
        return _zone_from_row(candidate[3:])
