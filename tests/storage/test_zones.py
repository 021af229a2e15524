"""ZoneRepository reads used by the search: candidate rows, index positions, search connection."""

import sqlite3

import pytest

from bot.domain.geo import Box, Point
from bot.domain.search import nearest_zones
from bot.domain.zones import Zone, ZoneKind
from storage.db import open_database
from storage.zones import ZoneRepository, open_search_connection

WORLD = Box(-90, 90, -180, 180)


@pytest.fixture
async def repo(tmp_path):
    db = await open_database(tmp_path / "zones.sqlite3")
    yield ZoneRepository(db)
    await db.close()


def full_zone(zone_id: str, lat: float, lon: float) -> Zone:
    return Zone(
        id=zone_id,
        name=f"Station {zone_id}",
        kind=ZoneKind.EXCHANGE_ZONE,
        lat=lat,
        lon=lon,
        address="1 Main St",
        city="Town",
        region="CT",
        country="US",
        postal_code="06604",
        opening_hours="24/7",
        video=True,
        lit=False,
        staffed=None,
        phone="+1 203 555 0100",
        website="https://example.org",
        source="test",
        verified="2026-01-01",
    )


async def test_candidates_start_with_id_and_position_and_give_back_the_zone(repo):
    stored = full_zone("a", 41.123456789, -73.987654321)
    await repo.upsert_many([stored, full_zone("far", -41.0, 100.0)])
    candidates = await repo.candidates_in_boxes([Box(41, 42, -74, -73)])
    assert [c[:3] for c in candidates] == [("a", 41.123456789, -73.987654321)]
    assert repo.zone_of(candidates[0]) == stored


async def test_candidates_from_each_box_of_an_antimeridian_split(repo):
    await repo.upsert_many([full_zone("west", 0.0, 179.95), full_zone("east", 0.0, -179.95)])
    boxes = [Box(-1, 1, 179.9, 180), Box(-1, 1, -180, -179.9)]
    assert sorted(c[0] for c in await repo.candidates_in_boxes(boxes)) == ["east", "west"]
    assert await repo.candidates_in_boxes([]) == []


async def test_rough_positions_are_within_five_metres_and_keyed_per_zone(repo):
    zones = [full_zone(f"z{i}", -89.9 + i * 17.97, -179.99 + i * 35.99) for i in range(11)]
    await repo.upsert_many(zones)
    rough = await repo.rough_positions_in_boxes([WORLD, WORLD])  # overlapping: twice each
    assert len(rough) == 2 * len(zones)
    assert len({key for key, _, _ in rough}) == len(zones)
    exact = {(c[1], c[2]) for c in await repo.candidates_in_boxes([WORLD])}
    for _, lat, lon in rough:
        nearest = min(exact, key=lambda p: abs(p[0] - lat) + abs(p[1] - lon))
        assert 0 <= nearest[0] - lat <= 4e-5
        assert 0 <= nearest[1] - lon <= 4e-5


async def test_rough_positions_only_inside_the_boxes(repo):
    await repo.upsert_many([full_zone("in", 10.0, 10.0), full_zone("out", 30.0, 10.0)])
    rough = await repo.rough_positions_in_boxes([Box(9, 11, 9, 11)])
    assert len(rough) == 1
    assert rough[0][1] == pytest.approx(10.0, abs=1e-5)
    assert await repo.rough_positions_in_boxes([]) == []


async def test_candidates_with_keys_of_rough_positions(repo):
    zones = [full_zone(f"z{i}", i, i) for i in range(5)]
    await repo.upsert_many(zones)
    keys = [key for key, _, _ in await repo.rough_positions_in_boxes([Box(0.5, 3.5, 0, 10)])]
    rows = await repo.candidates_with_keys(keys)
    assert sorted(repo.zone_of(row).id for row in rows) == ["z1", "z2", "z3"]
    assert await repo.candidates_with_keys([]) == []
    assert await repo.candidates_with_keys([10_000]) == []  # no such zone (any more)


async def test_rough_positions_with_a_limit_say_too_many(repo):
    await repo.upsert_many([full_zone(f"z{i}", 0.01 * i, 0.0) for i in range(10)])
    assert len(await repo.rough_positions_in_boxes([WORLD], limit=3)) == 4  # more than 3
    assert len(await repo.rough_positions_in_boxes([WORLD], limit=10)) == 10  # all of them


async def test_search_connection_reads_what_the_shared_connection_committed(tmp_path):
    path = tmp_path / "zones.sqlite3"
    db = await open_database(path)
    repo = ZoneRepository(db, open_search_connection(path))
    try:
        await repo.upsert_many([full_zone("a", 41.2, -73.2)])
        found = await nearest_zones(repo, Point(41.0, -73.0), 1)
        assert [match.zone.id for match in found] == ["a"]
        await repo.upsert_many([full_zone("b", 41.01, -73.01)])  # committed after the first read
        found = await nearest_zones(repo, Point(41.0, -73.0), 1)
        assert [match.zone.id for match in found] == ["b"]
    finally:
        repo.close()
        await db.close()


async def test_search_connection_never_writes(tmp_path):
    path = tmp_path / "zones.sqlite3"
    db = await open_database(path)
    conn = open_search_connection(path)
    try:
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("DELETE FROM zones")
    finally:
        conn.close()
        await db.close()


async def test_reads_fall_back_to_the_shared_connection_when_the_search_one_fails(tmp_path):
    db = await open_database(tmp_path / "zones.sqlite3")
    broken = sqlite3.connect(tmp_path / "empty.sqlite3")  # no zones table: every read fails
    repo = ZoneRepository(db, broken)
    try:
        await repo.upsert_many([full_zone("a", 41.2, -73.2)])
        found = await nearest_zones(repo, Point(41.0, -73.0), 1)
        assert [match.zone.id for match in found] == ["a"]
    finally:
        repo.close()
        await db.close()


def test_no_search_connection_for_an_in_memory_database():
    assert open_search_connection(":memory:") is None
