"""ZoneRepository: the zones table and its R*Tree index."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

import aiosqlite

from bot.domain.geo import Box
from bot.domain.zones import Zone
from storage.db import run_on_connection, write_transaction
from storage.zone_rows import (
    ZONE_COLUMN_COUNT,
    ZONE_COLUMNS,
    qualified_columns,
    zone_from_row,
    zone_params,
)

log = logging.getLogger(__name__)

_UPSERT = f"""
INSERT INTO zones ({ZONE_COLUMNS}) VALUES ({", ".join("?" * ZONE_COLUMN_COUNT)})
ON CONFLICT(id) DO UPDATE SET
    name = excluded.name, kind = excluded.kind, lat = excluded.lat, lon = excluded.lon,
    address = excluded.address, city = excluded.city, region = excluded.region,
    country = excluded.country, postal_code = excluded.postal_code,
    opening_hours = excluded.opening_hours, video = excluded.video, lit = excluded.lit,
    staffed = excluded.staffed, phone = excluded.phone, website = excluded.website,
    source = excluded.source, verified = excluded.verified
"""
_INSERT = f"INSERT INTO zones ({ZONE_COLUMNS}) VALUES ({', '.join('?' * ZONE_COLUMN_COUNT)})"
# An import adding this many zones fills the R*Tree in one statement instead of per row.
_BULK_ROWS = 1_000
_RTREE_INSERT_TRIGGER = "zones_rtree_insert"
_RTREE_FROM_ZONES = """
INSERT INTO zones_rtree (zone_rowid, min_lat, max_lat, min_lon, max_lon)
SELECT rowid, lat, lat, lon, lon FROM zones WHERE rowid > ? AND hidden = 0
"""
_Z_COLUMNS = qualified_columns("z")
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
_INDEX_COUNT_IN_BOX = """
SELECT 1 FROM zones_rtree
WHERE max_lat >= ? AND min_lat <= ? AND max_lon >= ? AND min_lon <= ?
"""
# What a function run by ZoneRepository.read returns.
_T = TypeVar("_T")



class ZoneRepository:
    """Reads and writes zones; keeps the R*Tree in step through triggers."""

    def __init__(
        self, db: aiosqlite.Connection, search_conn: sqlite3.Connection | None = None
    ) -> None:
        """Use ``db`` for writes and reads, and ``search_conn`` for the search's, if given.

        ``search_conn`` comes from open_search_connection.
        """
        self._db = db
        self._search_conn = search_conn

    def close(self) -> None:
        """Close the search connection, if any (``db`` belongs to whoever opened it)."""
        if self._search_conn is not None:
            self._search_conn.close()
            self._search_conn = None

    async def upsert_many(self, zones: Iterable[Zone]) -> None:
        """Insert or update zones by their stable id, in one transaction."""
        async with write_transaction(self._db):
            await self._db.executemany(_UPSERT, (zone_params(zone) for zone in zones))

    async def import_zones(
        self, zones: Sequence[Zone], dry_run: bool = False
    ) -> tuple[int, int, int]:
        """Upsert zones in one transaction; returns (added, updated, unchanged).

        Rows equal to what is stored are not written, so re-importing a file changes nothing;
        a zone's other columns (``hidden``, say) are left as they are. With ``dry_run`` the
        counts are those the import would give, and nothing is written.
        """
        if dry_run:
            added, updated = _changes(await self._stored_params(), zones)
        else:
            async with write_transaction(self._db):
                added, updated = _changes(await self._stored_params(), zones)
                await self._insert_new(added)
                await self._db.executemany(_UPSERT, updated)
        return len(added), len(updated), len(zones) - len(added) - len(updated)

    async def bundled_checksum(self, name: str) -> str | None:
        """The checksum of the bundled data file ``name`` as last loaded, None if never."""
        rows = await self._db.execute_fetchall(
            "SELECT checksum FROM bundled_data WHERE name = ?", (name,)
        )
        row = next(iter(rows), None)
        return str(row[0]) if row else None

    async def load_bundled(
        self, name: str, checksum: str, id_prefix: str, zones: Sequence[Zone]
    ) -> tuple[int, int, int]:
        """Make the zones whose id starts with ``id_prefix`` exactly ``zones``, and note the
        file's checksum, in one transaction; returns (added, updated, removed).

        Unchanged rows are not written and a zone's ``hidden`` flag is kept.
        """
        async with write_transaction(self._db):
            stored = await self._stored_params(id_prefix)
            added, updated = _changes(stored, zones)
            await self._insert_new(added)
            await self._db.executemany(_UPSERT, updated)
            stale = stored.keys() - {zone.id for zone in zones}
            await self._db.executemany("DELETE FROM zones WHERE id = ?", ((i,) for i in stale))
            await self._db.execute(
                "INSERT INTO bundled_data (name, checksum) VALUES (?, ?)"
                " ON CONFLICT(name) DO UPDATE SET checksum = excluded.checksum",
                (name, checksum),
            )
        return len(added), len(updated), len(stale)

    async def _stored_params(self, id_prefix: str = "") -> dict[str, tuple]:
        """Every stored zone (whose id starts with ``id_prefix``) as zone_params gives, by id."""
        rows = await self._db.execute_fetchall(
            f"SELECT {ZONE_COLUMNS} FROM zones WHERE substr(id, 1, ?) = ?",
            (len(id_prefix), id_prefix),
        )
        return {row[0]: tuple(row) for row in rows}

    async def _insert_new(self, rows: Sequence[tuple]) -> None:
        """Insert zones known to be new; many at once fill the R*Tree in one statement.

        The per-row trigger costs twice what one INSERT ... SELECT does, so for a big batch
        it is set aside inside the (still open) transaction and put back as it was.
        """
        trigger = await self._insert_trigger_sql() if len(rows) >= _BULK_ROWS else None
        if trigger is None:
            await self._db.executemany(_INSERT, rows)
            return
        last = list(await self._db.execute_fetchall("SELECT coalesce(max(rowid), 0) FROM zones"))
        await self._db.execute(f"DROP TRIGGER {_RTREE_INSERT_TRIGGER}")
        await self._db.executemany(_INSERT, rows)
        await self._db.execute(_RTREE_FROM_ZONES, (last[0][0],))
        await self._db.execute(trigger)

    async def _insert_trigger_sql(self) -> str | None:
        """The SQL that created the R*Tree insert trigger, None if there is none."""
        rows = list(
            await self._db.execute_fetchall(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                (_RTREE_INSERT_TRIGGER,),
            )
        )
        return rows[0][0] if rows else None

    async def exportable(self) -> list[Zone]:
        """Every zone an export writes, ordered by id: hidden (closed) zones are left out."""
        async with self._db.execute(
            f"SELECT {ZONE_COLUMNS} FROM zones WHERE hidden = 0 ORDER BY id"
        ) as cursor:
            return [zone_from_row(row) for row in await cursor.fetchall()]

    async def count(self) -> int:
        """Number of zones stored."""
        async with self._db.execute("SELECT count(*) FROM zones") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def get(self, zone_id: str, *, include_hidden: bool = False) -> Zone | None:
        """One zone by its stable id; a hidden one only when asked for."""
        visible = "" if include_hidden else " AND hidden = 0"
        async with self._db.execute(
            f"SELECT {ZONE_COLUMNS} FROM zones WHERE id = ?{visible}", (zone_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return zone_from_row(row) if row else None

    async def hide(self, zone_id: str) -> bool:
        """Hide a zone from every search (the R*Tree triggers drop it from the index);
        False when no stored zone has this id. Hiding a hidden zone again is fine."""
        async with write_transaction(self._db):
            cursor = await self._db.execute("UPDATE zones SET hidden = 1 WHERE id = ?", (zone_id,))
        return cursor.rowcount == 1

    async def show(self, zone_id: str) -> bool:
        """Make a hidden zone searchable again; False when no stored zone has this id."""
        async with write_transaction(self._db):
            cursor = await self._db.execute("UPDATE zones SET hidden = 0 WHERE id = ?", (zone_id,))
        return cursor.rowcount == 1

    async def hidden_zones(self) -> list[Zone]:
        """Every hidden zone (few: those confirmed closed), through a partial index."""
        async with self._db.execute(
            f"SELECT {ZONE_COLUMNS} FROM zones WHERE hidden = 1 ORDER BY id"
        ) as cursor:
            return [zone_from_row(row) for row in await cursor.fetchall()]

    async def is_hidden(self, zone_id: str) -> bool:
        """True when the zone exists and is hidden."""
        rows = await self._db.execute_fetchall("SELECT hidden FROM zones WHERE id = ?", (zone_id,))
        row = next(iter(rows), None)
        return bool(row and row[0])

    async def all(self) -> list[Zone]:
        """Every zone, ordered by id."""
        async with self._db.execute(f"SELECT {ZONE_COLUMNS} FROM zones ORDER BY id") as cursor:
            return [zone_from_row(row) for row in await cursor.fetchall()]

    async def read(self, reads: Callable[[ZoneReader], _T]) -> _T:
        """What ``reads`` returns: any number of reads on one snapshot of the database.

        A round trip to aiosqlite's thread (about 0.15 ms) costs more than a whole search's
        R*Tree reads, so with a search connection they run right here on the event loop's
        thread. Otherwise, or if that connection is ever busy, they run on aiosqlite's
        thread in one round trip (storage.db.run_on_connection).
        """
        if self._search_conn is not None:
            try:
                return _in_read_transaction(self._search_conn, reads)
            except sqlite3.OperationalError as exc:
                log.info("search connection unavailable (%s); reading through aiosqlite", exc)
        return await run_on_connection(self._db, lambda conn: _in_read_transaction(conn, reads))

    async def candidates_in_boxes(self, boxes: Sequence[Box]) -> list[tuple]:
        """ZoneReader.candidates_in_boxes, in one round trip."""
        return await self.read(lambda reader: reader.candidates_in_boxes(boxes))

    async def rough_positions_in_boxes(
        self, boxes: Sequence[Box], limit: int | None = None
    ) -> list[tuple]:
        """ZoneReader.rough_positions_in_boxes, in one round trip."""
        return await self.read(lambda reader: reader.rough_positions_in_boxes(boxes, limit))

    async def candidates_with_keys(self, keys: Sequence[int]) -> list[tuple]:
        """ZoneReader.candidates_with_keys, in one round trip."""
        return await self.read(lambda reader: reader.candidates_with_keys(keys))

    @staticmethod
    def zone_of(candidate: Sequence) -> Zone:
        """The Zone of a row from candidates_in_boxes."""
        return zone_from_row(candidate[3:])


class ZoneReader:
    """The search's reads of zones and the R*Tree: synchronous, on the connection's thread."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def candidates_in_boxes(self, boxes: Sequence[Box]) -> list[tuple]:
        """Zones inside any of the boxes as (id, lat, lon, ...) rows, in one statement.

        Each box must not cross the antimeridian; a zone in two overlapping boxes comes
        twice. ``ZoneRepository.zone_of`` turns a row into a Zone, so only the chosen pay.
        """
        return self._in_boxes(_CANDIDATES_IN_BOX, boxes)

    def rough_positions_in_boxes(
        self, boxes: Sequence[Box], limit: int | None = None
    ) -> list[tuple]:
        """(key, lat, lon) of the zones inside any of the boxes, from the R*Tree alone.

        The index keeps 32-bit floats rounded down, so a position may be up to 4e-5 degrees
        (under 5 m) south or west of the zone's; the key is the same for the same zone.
        With ``limit``, at most limit + 1 rows, the first boxes' first: more than limit
        means "too many".
        """
        return self._in_boxes(_INDEX_POSITIONS_IN_BOX, boxes, limit)

    def count_in_boxes(self, boxes: Sequence[Box], limit: int) -> int:
        """How many zones the boxes hold (twice if in two), counting to limit + 1 at most.

        From the R*Tree alone and with no row to return: the cheapest way to learn whether
        a read would be too big.
        """
        if not boxes:
            return 0
        sql, params = _boxes_sql(_INDEX_COUNT_IN_BOX, boxes, limit)
        return self._conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]

    def candidates_with_keys(self, keys: Sequence[int]) -> list[tuple]:
        """The rows candidates_in_boxes gives, for keys from rough_positions_in_boxes."""
        rows: list[tuple] = []
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = list(keys[start : start + _KEYS_PER_QUERY])
            marks = ", ".join("?" * len(chunk))
            rows += self._conn.execute(_CANDIDATES_WITH_KEYS.format(marks), chunk).fetchall()
        return rows

    def _in_boxes(self, query: str, boxes: Sequence[Box], limit: int | None = None) -> list[tuple]:
        """Rows of ``query`` (with box parameters) for every box, in one statement."""
        if not boxes:
            return []
        return self._conn.execute(*_boxes_sql(query, boxes, limit)).fetchall()


def _changes(stored: dict[str, tuple], zones: Sequence[Zone]) -> tuple[list[tuple], list[tuple]]:
    """Parameters of the zones that are new, and of those that differ from what is stored."""
    added, updated = [], []
    for params in map(zone_params, zones):
        old = stored.get(params[0])
        if old is None:
            added.append(params)
        elif old != params:
            updated.append(params)
    return added, updated


def open_search_connection(path: Path | str) -> sqlite3.Connection | None:
    """A query-only connection for ZoneRepository.read; None for an in-memory database.

    It never waits for a lock (a busy moment falls back to the shared connection), so it
    cannot stall the event loop; in WAL mode readers are not blocked by a writer anyway.
    """
    if str(path) == ":memory:" or str(path).startswith("file::memory:"):
        return None
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 0")
    conn.execute("PRAGMA query_only = 1")
    return conn


def _in_read_transaction(conn: sqlite3.Connection, reads: Callable[[ZoneReader], _T]) -> _T:
    """What ``reads`` returns, run in a read transaction unless one is open already."""
    if conn.in_transaction:  # another task's transaction, between two of its statements
        return reads(ZoneReader(conn))
    conn.execute("BEGIN")
    try:
        return reads(ZoneReader(conn))
    finally:
        conn.execute("COMMIT")


def _boxes_sql(
    query: str, boxes: Sequence[Box], limit: int | None
) -> tuple[str, list[float | int]]:
    """``query`` (with box parameters) for every box in one statement, at most limit + 1 rows."""
    sql = "\nUNION ALL\n".join([query] * len(boxes))
    params: list[float | int] = []
    for box in boxes:
        params += [box.min_lat, box.max_lat, box.min_lon, box.max_lon]
    if limit is not None:
        sql += "\nLIMIT ?"
        params.append(limit + 1)
    return sql, params
