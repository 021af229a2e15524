"""Live OSM stations: areas, cache TTL, coalescing, the circuit breaker, merging."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.domain.geo import Point, distance_and_bearing
from bot.domain.search import ZoneMatch
from bot.domain.zones import Zone, ZoneKind
from bot.sources.breaker import BreakerState, CircuitBreaker
from bot.sources.live_zones import (
    KEEP_S,
    TTL_S,
    LiveZones,
    area_for,
    from_openstreetmap,
    merge_matches,
    nearest_stations,
)
from bot.sources.overpass import OverpassClient, OverpassUnavailable
from bot.sources.postal import PostalDirectory
from bot.usecases.finder import Origin, OriginKind, SafeZoneFinder
from storage.db import open_database
from storage.osm_cache import OsmStationCache
from storage.zones import ZoneRepository
from tests.clock import Clock
from tests.fakes.overpass import FakeOverpass, police_node, police_way

NOW_S = 1_800_000_000.0  # Unix time, for the station cache
LEEDS = Point(53.7997, -1.5492)
MILLGARTH = police_node(11, 53.8008, -1.5360, name="Millgarth Police Station")
ELLAND_ROAD = police_way(22, 53.7790, -1.5730, name="Elland Road Police Station")


class ScriptedSource:
    """A station source that answers from a script of results and errors; counts calls."""

    def __init__(self, *outcomes: list[Zone] | Exception) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0
        self.enabled = True

    async def start(self) -> None:
        """Nothing to open."""

    async def close(self) -> None:
        """Nothing to close."""

    async def police_stations(self, center: Point, radius_m: float) -> list[Zone]:
        self.calls += 1
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def station(osm_id: int, lat: float, lon: float, name: str = "Station") -> Zone:
    return Zone(f"osm-node-{osm_id}", name, ZoneKind.POLICE_STATION, lat, lon)


def curated(zone_id: str, lat: float, lon: float) -> Zone:
    return Zone(zone_id, "Curated " + zone_id, ZoneKind.EXCHANGE_ZONE, lat, lon)


def match(origin: Point, zone: Zone) -> ZoneMatch:
    return ZoneMatch(zone, *distance_and_bearing(origin, zone.point))


@pytest.fixture
async def cache(tmp_path):
    db = await open_database(tmp_path / "osm.sqlite3")
    yield OsmStationCache(db)
    await db.close()


def live_zones(source, cache, clock=None, **kwargs) -> LiveZones:
    return LiveZones(
        source,
        cache,
        radius_m=kwargs.pop("radius_m", 50_000.0),
        timeout_s=kwargs.pop("timeout_s", 1.0),
        clock=clock or Clock(NOW_S),
        **kwargs,
    )


# -- areas ---------------------------------------------------------------------------------


def test_nearby_points_share_an_area_that_hides_the_exact_position():
    a = area_for(Point(53.7997, -1.5492), 50_000)
    b = area_for(Point(53.8201, -1.5100), 50_000)
    assert a == b
    assert (a.center.lat, a.center.lon) == pytest.approx((53.8, -1.5))
    assert a.radius_m == 58_000
    assert distance_and_bearing(a.center, LEEDS)[0] + 50_000 <= a.radius_m


def test_areas_wrap_at_the_antimeridian_and_cap_the_radius():
    east = area_for(Point(-16.5, 179.99), 1_000_000)
    west = area_for(Point(-16.5, -179.99), 1_000_000)
    assert east == west
    assert east.radius_m == 108_000


# -- cache ----------------------------------------------------------------------------------


async def test_a_fresh_area_is_answered_from_the_cache(cache):
    source = ScriptedSource([station(1, 53.80, -1.54)])
    live = live_zones(source, cache)
    first = await live.stations_near(LEEDS)
    again = await live.stations_near(Point(53.81, -1.53))
    assert first.available
    assert again.available
    assert [zone.id for zone in again.stations] == ["osm-node-1"]
    assert source.calls == 1


async def test_an_expired_area_is_asked_again(cache):
    clock = Clock(NOW_S)
    source = ScriptedSource([station(1, 53.80, -1.54)], [station(2, 53.80, -1.55)])
    live = live_zones(source, cache, clock)
    await live.stations_near(LEEDS)
    clock.now += TTL_S - 60
    assert [z.id for z in (await live.stations_near(LEEDS)).stations] == ["osm-node-1"]
    clock.now += 120
    refreshed = await live.stations_near(LEEDS)
    assert [z.id for z in refreshed.stations] == ["osm-node-2"]
    assert source.calls == 2


async def test_an_expired_area_still_answers_when_the_server_fails(cache):
    clock = Clock(NOW_S)
    source = ScriptedSource([station(1, 53.80, -1.54)], OverpassUnavailable("HTTP 504"))
    live = live_zones(source, cache, clock)
    await live.stations_near(LEEDS)
    clock.now += TTL_S + 1
    stale = await live.stations_near(LEEDS)
    assert not stale.available
    assert [zone.id for zone in stale.stations] == ["osm-node-1"]


async def test_an_empty_answer_is_cached_too(cache):
    source = ScriptedSource([])
    live = live_zones(source, cache)
    assert (await live.stations_near(LEEDS)).stations == []
    assert (await live.stations_near(LEEDS)).available
    assert source.calls == 1


async def test_old_areas_are_purged_and_stations_are_found_by_id(cache):
    clock = Clock(NOW_S)
    live = live_zones(ScriptedSource([station(7, 53.80, -1.54)]), cache, clock)
    await live.stations_near(LEEDS)
    assert (await live.station("osm-node-7")).name == "Station"
    assert await live.station("ca-on-kingston") is None
    clock.now += KEEP_S - 1
    assert await live.purge() == 0
    clock.now += 2
    assert await live.purge() == 1
    assert await live.station("osm-node-7") is None
    assert await cache.area(area_for(LEEDS, 50_000).key) is None


# -- coalescing and timeouts ------------------------------------------------------------------


async def test_concurrent_identical_requests_make_one_http_request(cache):
    async with FakeOverpass(elements=[MILLGARTH, ELLAND_ROAD], delay_seconds=0.3) as fake:
        client = OverpassClient(fake.url, timeout=2.0, min_interval_s=0)
        live = live_zones(client, cache, timeout_s=2.0)
        await live.start()
        try:
            answers = await asyncio.gather(
                *(live.stations_near(Point(53.80 + i / 1000, -1.55)) for i in range(10))
            )
        finally:
            await live.close()
    assert len(fake.queries) == 1
    assert all(answer.available and len(answer.stations) == 2 for answer in answers)


async def test_a_slow_server_does_not_delay_the_answer_past_the_timeout(cache):
    async with FakeOverpass(elements=[MILLGARTH], mode="slow", slow_seconds=3) as fake:
        client = OverpassClient(fake.url, timeout=0.5, min_interval_s=0)
        live = live_zones(client, cache, timeout_s=0.5)
        await live.start()
        started = time.monotonic()
        try:
            answer = await live.stations_near(LEEDS)
        finally:
            await live.close()
    assert time.monotonic() - started < 1.0
    assert answer == type(answer)([], False)


async def test_a_request_outlives_a_caller_that_gave_up_and_fills_the_cache(cache):
    async with FakeOverpass(elements=[MILLGARTH], delay_seconds=0.6) as fake:
        client = OverpassClient(fake.url, timeout=2.0, min_interval_s=0)
        live = live_zones(client, cache, timeout_s=0.2)
        await live.start()
        try:
            assert not (await live.stations_near(LEEDS)).available
            await asyncio.sleep(0.8)
            later = await live.stations_near(LEEDS)
        finally:
            await live.close()
    assert later.available
    assert [zone.id for zone in later.stations] == ["osm-node-11"]
    assert len(fake.queries) == 1


# -- circuit breaker --------------------------------------------------------------------------


def test_breaker_opens_after_repeated_failures_and_half_opens_later():
    clock = Clock(0.0)
    breaker = CircuitBreaker(failures=3, cooldown_s=60, clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow()
    clock.now = 61
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow()  # the one trial
    assert not breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    clock.now = 122
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.allow()


def test_a_cancelled_trial_frees_the_half_open_breaker():
    clock = Clock(0.0)
    breaker = CircuitBreaker(failures=1, cooldown_s=10, clock=clock)
    breaker.record_failure()
    clock.now = 11
    assert breaker.allow()
    breaker.release()
    assert breaker.allow()


async def test_an_open_breaker_stops_calling_and_answers_from_the_cache(cache):
    clock = Clock(NOW_S)
    breaker = CircuitBreaker(failures=2, cooldown_s=300, clock=clock)
    source = ScriptedSource(OverpassUnavailable("HTTP 429"))
    live = live_zones(source, cache, clock, breaker=breaker)
    for lat in (53.80, 54.80, 55.80, 56.80, 57.80):  # five different areas
        answer = await live.stations_near(Point(lat, -1.55))
        assert answer == type(answer)([], False)
    assert source.calls == 2
    clock.now += 301
    source.outcomes = [[station(3, 53.80, -1.55)]]
    assert (await live.stations_near(LEEDS)).available
    assert breaker.state is BreakerState.CLOSED
    assert source.calls == 3


async def test_a_bug_in_the_source_counts_as_a_failure(cache):
    source = ScriptedSource(KeyError("elements"))
    live = live_zones(source, cache)
    assert not (await live.stations_near(LEEDS)).available


# -- merging ----------------------------------------------------------------------------------


def test_a_station_within_150_m_of_a_curated_zone_is_the_same_place():
    origin = Point(41.18, -73.19)
    zone = curated("bpt", 41.1800, -73.1800)
    same = station(1, 41.1810, -73.1800)  # 111 m north
    other = station(2, 41.1830, -73.1800)  # 333 m north
    merged = merge_matches([match(origin, zone)], [same, other], origin, 3, 50_000)
    assert [m.zone.id for m in merged] == ["bpt", "osm-node-2"]


def test_osm_duplicates_of_one_place_count_once():
    origin = Point(53.80, -1.50)
    node = station(1, 53.8008, -1.5360, "Millgarth")
    outline = Zone("osm-way-9", "Millgarth", ZoneKind.POLICE_STATION, 53.8009, -1.5362)
    found = nearest_stations(origin, [node, outline, station(3, 53.78, -1.57)], [], 3)
    assert [m.zone.id for m in found] == ["osm-node-1", "osm-node-3"]


def test_curated_zones_within_the_radius_are_never_pushed_out():
    origin = Point(41.18, -73.19)
    far_curated = curated("far", 41.40, -73.19)  # about 24 km
    stations = [station(i, 41.18 + i / 100, -73.19) for i in range(1, 6)]
    merged = merge_matches([match(origin, far_curated)], stations, origin, 3, 50_000)
    assert [m.zone.id for m in merged] == ["osm-node-1", "osm-node-2", "far"]


def test_merging_fills_with_the_nearest_beyond_the_radius_when_short():
    origin = Point(41.18, -73.19)
    beyond = [match(origin, curated("x", 43.0, -73.19)), match(origin, curated("y", 44.0, -73.0))]
    merged = merge_matches(beyond, [station(1, 41.19, -73.19)], origin, 3, 50_000)
    assert [m.zone.id for m in merged] == ["osm-node-1", "x", "y"]
    assert merged == sorted(merged, key=lambda m: m.distance_m)


def test_only_osm_ids_need_the_attribution():
    assert from_openstreetmap(station(1, 0, 0))
    assert not from_openstreetmap(curated("us-ct-bridgeport", 0, 0))


# -- the finder -------------------------------------------------------------------------------


async def _finder(tmp_path, source, zones, **kwargs):
    db = await open_database(tmp_path / "finder.sqlite3")
    repository = ZoneRepository(db)
    await repository.upsert_many(zones)
    live = live_zones(source, OsmStationCache(db), **kwargs)
    return db, SafeZoneFinder(repository, PostalDirectory(), None, live=live, results=2)


async def test_the_finder_asks_only_when_curated_zones_leave_places(tmp_path):
    source = ScriptedSource([station(1, 43.0, -73.19)])
    zones = [curated("a", 41.19, -73.19), curated("b", 41.20, -73.19)]
    db, finder = await _finder(tmp_path, source, zones)
    try:
        full = await finder.near(Origin(Point(41.18, -73.19), OriginKind.LOCATION))
        short = await finder.near(Origin(Point(43.01, -73.19), OriginKind.LOCATION))
    finally:
        await db.close()
    assert [m.zone.id for m in full.matches] == ["a", "b"]
    assert source.calls == 1
    assert [m.zone.id for m in short.matches] == ["osm-node-1"]  # b: 201 km, out of reach
    assert short.nearby
    assert not short.live_unavailable


async def test_the_finder_says_when_live_data_is_unavailable(tmp_path):
    source = ScriptedSource(OverpassUnavailable("HTTP 504"))
    db, finder = await _finder(tmp_path, source, [curated("a", 41.19, -73.19)])
    try:
        answer = await finder.near(Origin(Point(41.18, -73.19), OriginKind.LOCATION))
    finally:
        await db.close()
    assert [m.zone.id for m in answer.matches] == ["a"]
    assert answer.live_unavailable


async def test_stations_where_a_zone_was_confirmed_closed_are_left_out(tmp_path):
    db = await open_database(tmp_path / "closed.sqlite3")
    try:
        zones = ZoneRepository(db)
        closed = curated("leeds-millgarth", 53.8009, -1.5362)  # OSM still maps it
        await zones.upsert_many([closed, curated("leeds-other", 53.70, -1.60)])
        assert await zones.hide(closed.id)
        source = ScriptedSource([station(1, 53.8008, -1.5360), station(2, 53.7790, -1.5730)])
        live = live_zones(source, OsmStationCache(db), closed_zones=zones.hidden_zones)
        found = await live.stations_near(LEEDS)
        plan = await db.execute_fetchall(
            "EXPLAIN QUERY PLAN SELECT id FROM zones WHERE hidden = 1 ORDER BY id"
        )
    finally:
        await db.close()
    assert [zone.id for zone in found.stations] == ["osm-node-2"]
    assert "zones_hidden" in " ".join(str(row[-1]) for row in plan)
