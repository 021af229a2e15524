"""The shared row <-> Zone mapper: flags as 1/0/NULL, and the same Zone back from both tables."""

import itertools
from dataclasses import replace

import pytest

from bot.domain.zones import Zone, ZoneKind
from storage.db import open_database
from storage.osm_cache import OsmStationCache
from storage.zone_rows import (
    ZONE_COLUMN_COUNT,
    ZONE_COLUMNS,
    flag_from_column,
    flag_to_column,
    qualified_columns,
    zone_from_row,
    zone_params,
)
from storage.zones import ZoneRepository

FLAGS = (None, True, False)
BASE = Zone(
    id="z1",
    name="Station",
    kind=ZoneKind.POLICE_STATION,
    lat=41.18,
    lon=-73.19,
    address="1 Main St",
    city="Town",
    region="CT",
    country="US",
    postal_code="06604",
    opening_hours="24/7",
    phone="+1 203 555 0100",
    website="https://example.org",
    source="test",
    verified="2026-01-01",
)
# Every combination of the three flags, each zone with its own id.
EVERY_FLAG = [
    replace(BASE, id=f"z-{i:02d}", video=video, lit=lit, staffed=staffed)
    for i, (video, lit, staffed) in enumerate(itertools.product(FLAGS, repeat=3))
]


@pytest.mark.parametrize("zone", EVERY_FLAG, ids=lambda zone: zone.id)
def test_params_give_the_same_zone_back(zone):
    params = zone_params(zone)
    assert len(params) == ZONE_COLUMN_COUNT
    assert zone_from_row(params) == zone


@pytest.mark.parametrize(("flag", "stored"), [(None, None), (True, 1), (False, 0)])
def test_flags_are_stored_as_one_zero_or_null(flag, stored):
    assert flag_to_column(flag) == stored
    assert flag_from_column(stored) is flag
    params = zone_params(replace(BASE, video=flag, lit=flag, staffed=flag))
    assert params[11:14] == (stored, stored, stored)


def test_qualified_columns_name_every_column_once():
    columns = [column.strip() for column in ZONE_COLUMNS.split(",")]
    assert qualified_columns("s") == ", ".join(f"s.{column}" for column in columns)
    assert len(set(columns)) == ZONE_COLUMN_COUNT == 19


async def test_zones_table_gives_every_flag_back(tmp_path):
    db = await open_database(tmp_path / "zones.sqlite3")
    try:
        repo = ZoneRepository(db)
        await repo.upsert_many(EVERY_FLAG)
        assert await repo.all() == EVERY_FLAG
        rows = await db.execute_fetchall("SELECT video, lit, staffed FROM zones ORDER BY id")
        assert [tuple(row) for row in rows] == [zone_params(z)[11:14] for z in EVERY_FLAG]
    finally:
        await db.close()


async def test_osm_cache_gives_every_flag_back(tmp_path):
    db = await open_database(tmp_path / "osm.sqlite3")
    try:
        cache = OsmStationCache(db)
        await cache.store("area-1", EVERY_FLAG, fetched_at=1_000.0)
        area = await cache.area("area-1")
        assert area is not None
        assert area.stations == EVERY_FLAG
        assert await cache.station(EVERY_FLAG[-1].id) == EVERY_FLAG[-1]
    finally:
        await db.close()


NAMED = replace(
    BASE, id="z-named", name="", address="", names={"en": "Patras Police", "fr": "Police"}
)


def test_names_by_language_are_stored_as_sorted_json_and_come_back():
    params = zone_params(NAMED)
    assert params[18] == '{"en": "Patras Police", "fr": "Police"}'
    assert zone_from_row(params) == NAMED
    assert zone_params(BASE)[18] == ""
    assert zone_from_row(zone_params(BASE)).names == {}


async def test_both_tables_keep_an_unnamed_zone_and_its_names(tmp_path):
    db = await open_database(tmp_path / "names.sqlite3")
    try:
        repo, cache = ZoneRepository(db), OsmStationCache(db)
        await repo.upsert_many([NAMED])
        await cache.store("area-1", [NAMED], fetched_at=1_000.0)
        assert await repo.all() == [NAMED]
        assert await cache.station(NAMED.id) == NAMED
    finally:
        await db.close()
