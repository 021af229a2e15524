"""Nearest-k search through the real SQLite R*Tree, checked against a full scan."""

import asyncio
import random

import pytest

from bot.domain import search as search_module
from bot.domain.geo import HALF_CIRCUMFERENCE_M, Box, Point, distance_m
from bot.domain.search import START_RADIUS_M, nearest_zones, rough_ranking, start_radius_for
from bot.domain.zones import Zone, ZoneKind
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


class CountingReads:
    """The repository, counting round trips and recording each read's limit."""

    def __init__(self, repo: ZoneRepository) -> None:
        self.repo, self.round_trips, self.limits = repo, 0, []

    async def read(self, reads):
        self.round_trips += 1
        return await self.repo.read(lambda reader: reads(RecordingReader(reader, self.limits)))

    def zone_of(self, candidate):
        return self.repo.zone_of(candidate)


class RecordingReader:
    def __init__(self, reader, limits: list) -> None:
        self.reader, self.limits = reader, limits

    def rough_positions_in_boxes(self, boxes, limit=None):
        self.limits.append(limit)
        return self.reader.rough_positions_in_boxes(boxes, limit)

    def count_in_boxes(self, boxes, limit):
        return self.reader.count_in_boxes(boxes, limit)

    def candidates_with_keys(self, keys):
        return self.reader.candidates_with_keys(keys)


def by_brute_force(zones: list[Zone], origin: Point, k: int) -> list[str]:
    return [z.id for z in sorted(zones, key=lambda z: (distance_m(origin, z.point), z.id))[:k]]


async def test_one_round_trip_however_many_reads(repo):
    await repo.upsert_many([zone("far", -60.0, 100.0)])
    counting = CountingReads(repo)
    found = await nearest_zones(counting, Point(89.0, 0.0), 1, start_radius_m=1_000.0)
    assert [m.zone.id for m in found] == ["far"]
    assert counting.round_trips == 1


async def test_empty_table_from_a_small_start_radius(repo):
    assert await nearest_zones(repo, Point(89.9, 179.9), 3, start_radius_m=1.0) == []


async def test_k_larger_than_the_table_at_a_pole(repo):
    await repo.upsert_many([zone("a", -89.0, 10.0), zone("b", 85.0, -179.5), zone("c", 0, 0)])
    found = await nearest_zones(repo, Point(-90.0, 0.0), 10, start_radius_m=5_000.0)
    assert [m.zone.id for m in found] == ["a", "c", "b"]


async def test_a_dense_edge_just_past_the_nearest_is_read_whole(repo):
    """Two zones, then 200 packed just beyond them: narrowing cannot split them apart."""
    rng = random.Random(8)
    zones = [zone("near-1", 9.0, 0.0), zone("near-2", 9.0, 0.1)]
    zones += [zone(f"edge{i}", rng.uniform(9.3, 9.35), rng.uniform(-0.5, 0.5)) for i in range(200)]
    await repo.upsert_many(zones)
    counting = CountingReads(repo)
    origin = Point(0.0, 0.0)
    found = await nearest_zones(counting, origin, 3, start_radius_m=10_000.0)
    assert [m.zone.id for m in found] == by_brute_force(zones, origin, 3)
    assert None in counting.limits  # a circle was read whole, past the cap


async def test_a_crowded_start_is_narrowed(repo):
    rng = random.Random(4)
    zones = [zone(f"c{i}", rng.uniform(-1, 1), rng.uniform(-1, 1)) for i in range(500)]
    await repo.upsert_many(zones)
    for origin in (Point(0.0, 0.0), Point(0.9, -0.9), Point(5.0, 5.0)):
        found = await nearest_zones(repo, origin, 3, start_radius_m=HALF_CIRCUMFERENCE_M)
        assert [m.zone.id for m in found] == by_brute_force(zones, origin, 3)


@pytest.mark.parametrize("start_radius_m", [2_000.0, 75_000.0, 1_500_000.0])
async def test_land_masses_poles_and_antimeridian_match_a_full_scan(repo, start_radius_m):
    """Zones in patches (islands, coasts near the poles and the antimeridian), searched from
    the sea, the poles and the date line: every growth and narrowing path, and wide reads."""
    rng = random.Random(int(start_radius_m))
    patches = [(82.5, -40.0), (80.0, 100.0), (-78.0, 167.0), (65.0, -172.0), (-17.0, 178.5)]
    patches += [(rng.uniform(-70, 70), rng.uniform(-180, 180)) for _ in range(5)]
    zones = []
    for p, (lat, lon) in enumerate(patches):
        size = rng.choice([5, 40, 150])
        for i in range(size):
            z_lat = max(-90.0, min(90.0, lat + rng.gauss(0, 1.5)))
            z_lon = (lon + rng.gauss(0, 4.0) + 180.0) % 360.0 - 180.0
            zones.append(zone(f"p{p}-{i}", z_lat, z_lon))
    await repo.upsert_many(zones)
    for _ in range(40):
        kind = rng.choice(["pole", "date-line", "anywhere"])
        if kind == "pole":
            origin = Point.checked(
                rng.choice([-1, 1]) * rng.uniform(85, 90), rng.uniform(-180, 180)
            )
        elif kind == "date-line":
            origin = Point.checked(
                rng.uniform(-90, 90), rng.choice([-1, 1]) * rng.uniform(179, 180)
            )
        else:
            origin = Point.checked(rng.uniform(-90, 90), rng.uniform(-180, 180))
        k = rng.choice([1, 3, 5, 70])
        found = await nearest_zones(repo, origin, k, start_radius_m)
        assert [m.zone.id for m in found] == by_brute_force(zones, origin, k), origin


async def test_reads_keep_to_the_transaction_they_find(repo):
    """Inside another task's open transaction the search sees its rows and leaves it open."""
    db = repo._db
    await db.execute(
        "INSERT INTO zones (id, name, kind, lat, lon) VALUES ('new', 'new', 'police_station', 1, 1)"
    )
    assert db.in_transaction
    found = await nearest_zones(repo, Point(1.0, 1.0), 1)
    assert [m.zone.id for m in found] == ["new"]
    assert db.in_transaction
    await db.rollback()
    assert await nearest_zones(repo, Point(1.0, 1.0), 1) == []
    assert not db.in_transaction  # its own read transaction is closed


async def test_counts_stop_past_the_limit(repo):
    await repo.upsert_many([zone(f"z{i}", 0.01 * i, 0.0) for i in range(10)])
    world = [Box(-90, 90, -180, 180)]
    assert await repo.read(lambda reader: reader.count_in_boxes(world, 3)) == 4
    assert await repo.read(lambda reader: reader.count_in_boxes(world, 50)) == 10
    assert await repo.read(lambda reader: reader.count_in_boxes([], 50)) == 0


async def test_no_zones_asked_for(repo):
    await repo.upsert_many([zone("a", 1, 1)])
    assert await nearest_zones(repo, Point(0, 0), 0) == []


def test_a_zone_read_from_two_boxes_is_ranked_once():
    ranked = rough_ranking(Point(0, 0), [(7, 1.0, 1.0), (3, 2.0, 2.0), (7, 1.0, 1.0)])
    assert [key for _, key, _ in ranked] == [7, 3]


async def test_a_search_that_would_take_too_many_steps_reads_every_zone(repo, monkeypatch, caplog):
    """The search runs on the event loop, so its loop is bounded; past the bound it still
    answers rightly, from every zone."""
    monkeypatch.setattr(search_module, "MAX_STEPS", 1)
    rng = random.Random(5)
    zones = [zone(f"z{i}", rng.uniform(-85, 85), rng.uniform(-180, 179.99)) for i in range(300)]
    await repo.upsert_many(zones)
    for origin in (Point(0.0, 179.9), Point(89.99, 10.0), Point(-30.0, 20.0)):
        found = await nearest_zones(repo, origin, 3, 1_000.0)  # a start radius holding none
        expected = sorted(zones, key=lambda z: (distance_m(origin, z.point), z.id))[:3]
        assert [m.zone.id for m in found] == [z.id for z in expected]
    assert "reading every zone" in caplog.text


async def test_a_damaged_index_still_gets_an_answer_not_a_hang(tmp_path, caplog):
    db = await open_database(tmp_path / "damaged.sqlite3")
    repo = ZoneRepository(db)
    try:
        await repo.upsert_many([zone("a", 41.1, -73.1), zone("b", 42.0, -74.0)])
        await db.execute(  # an index entry whose zone row does not exist
            "INSERT INTO zones_rtree (zone_rowid, min_lat, max_lat, min_lon, max_lon) "
            "VALUES (99999, 41.0, 41.0, -73.0, -73.0)"
        )
        await db.commit()
        found = await asyncio.wait_for(nearest_zones(repo, Point(41.0, -73.0), 2), timeout=5)
    finally:
        await db.close()
    assert [m.zone.id for m in found] == ["a", "b"]
    assert "with no row" in caplog.text
