"""Nearest-k search through the real SQLite R*Tree, checked against a full scan."""

import random

import pytest

from bot.geo import HALF_CIRCUMFERENCE_M, Point, distance_m
from bot.search import START_RADIUS_M, nearest_zones, start_radius_for
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


@pytest.mark.parametrize("start_radius_m", [1_000.0, START_RADIUS_M, 2_000_000.0])
async def test_matches_a_full_scan(repo, start_radius_m):
    rng = random.Random(3)
    zones = [zone(f"z{i}", rng.uniform(-85, 85), rng.uniform(-180, 179.99)) for i in range(600)]
    await repo.upsert_many(zones)
    for _ in range(80):
        edge = rng.random() < 0.5  # half the queries at the poles or the antimeridian
        lat = rng.choice([-1, 1]) * rng.uniform(80, 90) if edge else rng.uniform(-90, 90)
        lon = rng.choice([-1, 1]) * rng.uniform(175, 179.99) if edge else rng.uniform(-180, 180)
        origin = Point.checked(lat, lon)
        k = rng.choice([1, 3, 7])
        found = await nearest_zones(repo, origin, k, start_radius_m)
        expected = sorted(zones, key=lambda z: (distance_m(origin, z.point), z.id))[:k]
        assert [m.zone.id for m in found] == [z.id for z in expected]
        assert [m.distance_m for m in found] == [distance_m(origin, z.point) for z in expected]


async def test_clustered_zones_and_far_searchers(repo):
    """Dense clusters with empty land and sea between them: growth on the index alone."""
    rng = random.Random(11)
    centres = [(41.2, -73.2), (-33.9, 151.2), (64.1, -21.9), (-77.8, 166.7), (1.3, 103.8)]
    zones = [
        zone(f"c{i}", lat + rng.uniform(-0.3, 0.3), lon + rng.uniform(-0.3, 0.3))
        for i, (lat, lon) in enumerate(centres * 60)
    ]
    await repo.upsert_many(zones)
    for origin in (Point(0.0, -179.5), Point(89.9, 45.0), Point(-89.9, 0.0), Point(41.2, -73.2)):
        found = await nearest_zones(repo, origin, 3, 5_000.0)
        expected = sorted(zones, key=lambda z: (distance_m(origin, z.point), z.id))[:3]
        assert [m.zone.id for m in found] == [z.id for z in expected]


async def test_a_dense_city_seen_from_afar(repo):
    """Too many zones in the grown circle: it is narrowed down rather than read."""
    rng = random.Random(5)
    zones = [
        zone(f"d{i}", 48.85 + rng.uniform(-0.2, 0.2), 2.35 + rng.uniform(-0.3, 0.3))
        for i in range(400)
    ]
    await repo.upsert_many(zones)
    for origin in (Point(30.0, -20.0), Point(89.0, 120.0), Point(48.0, 2.0)):
        found = await nearest_zones(repo, origin, 3, 1_000.0)
        expected = sorted(zones, key=lambda z: (distance_m(origin, z.point), z.id))[:3]
        assert [m.zone.id for m in found] == [z.id for z in expected]


async def test_ties_at_the_same_spot_go_by_id(repo):
    await repo.upsert_many([zone(name, 5.0, 5.0) for name in ("c", "a", "d", "b")])
    found = await nearest_zones(repo, Point(5.1, 5.1), 3)
    assert [m.zone.id for m in found] == ["a", "b", "c"]


def test_start_radius_shrinks_as_zones_get_denser():
    radii = [start_radius_for(count, 3) for count in (0, 10, 1_000, 100_000, 10_000_000)]
    assert radii == sorted(radii, reverse=True)
    assert radii[0] == HALF_CIRCUMFERENCE_M
    assert 50_000 < start_radius_for(100_000, 3) < 100_000
    assert radii[-1] == START_RADIUS_M  # never below the default


async def test_upsert_by_id_moves_the_zone_in_the_index(repo):
    await repo.upsert_many([zone("moving", 10, 10)])
    await repo.upsert_many([zone("moving", -10, -10)])
    assert await repo.count() == 1
    found = await nearest_zones(repo, Point(-10, -10), 1, start_radius_m=1_000)
    assert found[0].distance_m < 1
