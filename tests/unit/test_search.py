"""Nearest-k search through the real SQLite R*Tree, checked against a full scan."""

import random

import pytest

from bot.geo import Point, distance_m
from bot.search import nearest_zones
from bot.zones import Zone, ZoneKind
from storage.db import open_database
from storage.zones import ZoneRepository


def zone(zone_id: str, lat: float, lon: float) -> Zone:
    return Zone(id=zone_id, name=zone_id, kind=ZoneKind.POLICE_STATION, lat=lat, lon=lon)


@pytest.fixture
async def repo(tmp_path):
    db = await open_database(tmp_path / "zones.sqlite3")
    yield ZoneRepository(db)
    await db.close()


async def test_empty_table_gives_no_zones(repo):
    assert await nearest_zones(repo, Point(0, 0), 3) == []


async def test_k_larger_than_the_table_returns_everything(repo):
    await repo.upsert_many([zone("a", 1, 1), zone("b", -40, 100)])
    found = await nearest_zones(repo, Point(0, 0), 5)
    assert [m.zone.id for m in found] == ["a", "b"]


async def test_antimeridian_neighbour_is_nearest(repo):
    await repo.upsert_many([zone("east", 0, -179.9), zone("far", 0, 170.0)])
    found = await nearest_zones(repo, Point(0, 179.9), 1)
    assert found[0].zone.id == "east"
    assert found[0].distance_m == pytest.approx(22_264, rel=0.01)


async def test_across_the_north_pole(repo):
    await repo.upsert_many([zone("other-side", 89.95, 180 - 1e-6 - 180), zone("same", 80, 0)])
    found = await nearest_zones(repo, Point(89.95, 179.0), 1)
    assert found[0].zone.id == "other-side"


async def test_at_the_south_pole(repo):
    await repo.upsert_many([zone("amundsen-scott", -90, 0), zone("mcmurdo", -77.85, 166.67)])
    found = await nearest_zones(repo, Point(-89.99, 45), 2)
    assert [m.zone.id for m in found] == ["amundsen-scott", "mcmurdo"]


async def test_matches_a_full_scan(repo):
    rng = random.Random(3)
    zones = [zone(f"z{i}", rng.uniform(-85, 85), rng.uniform(-180, 179.99)) for i in range(600)]
    await repo.upsert_many(zones)
    for _ in range(80):
        edge = rng.random() < 0.5  # half the queries at the poles or the antimeridian
        lat = rng.choice([-1, 1]) * rng.uniform(80, 90) if edge else rng.uniform(-90, 90)
        lon = rng.choice([-1, 1]) * rng.uniform(175, 179.99) if edge else rng.uniform(-180, 180)
        origin = Point.checked(lat, lon)
        k = rng.choice([1, 3, 7])
        found = await nearest_zones(repo, origin, k)
        expected = sorted(zones, key=lambda z: (distance_m(origin, z.point), z.id))[:k]
        assert [m.zone.id for m in found] == [z.id for z in expected]


async def test_upsert_by_id_moves_the_zone_in_the_index(repo):
    await repo.upsert_many([zone("moving", 10, 10)])
    await repo.upsert_many([zone("moving", -10, -10)])
    assert await repo.count() == 1
    found = await nearest_zones(repo, Point(-10, -10), 1, start_radius_m=1_000)
    assert found[0].distance_m < 1
