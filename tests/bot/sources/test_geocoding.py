"""The Nominatim geocoder against a loopback fake: cache, rate limit, failures."""

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.sources.breaker import BreakerState, CircuitBreaker
from bot.sources.geocoding import GeocoderBusy, GeocoderUnavailable, PlaceGeocoder
from storage.db import open_database
from storage.geocache import GeocodeCache
from tests.fakes.nominatim import FakeNominatim, NominatimPlace

CONGRESS = NominatimPlace(41.1825, -73.1876, "300, Congress Street, Bridgeport, CT, USA", "us")


@pytest.fixture
async def cache(tmp_path):
    db = await open_database(tmp_path / "geo.sqlite3")
    yield GeocodeCache(db)
    await db.close()


@pytest.fixture
async def nominatim():
    async with FakeNominatim(places={"300 congress st, bridgeport": CONGRESS}) as fake:
        yield fake


async def _geocoder(url, cache, **kwargs) -> PlaceGeocoder:
    geocoder = PlaceGeocoder(url, cache, **kwargs)
    await geocoder.start()
    return geocoder


async def test_finds_a_place_and_caches_it(nominatim, cache):
    geocoder = await _geocoder(nominatim.url, cache, min_delay_s=0)
    try:
        first = await geocoder.geocode("300 Congress St,  Bridgeport")
        again = await geocoder.geocode("300 congress st, bridgeport")
    finally:
        await geocoder.close()
    assert first is not None
    assert first.country == "US"
    assert again == first
    assert len(nominatim.requests) == 1
    assert nominatim.user_agents[0].startswith("SafeMeet/")


async def test_a_miss_is_cached_too(nominatim, cache):
    geocoder = await _geocoder(nominatim.url, cache, min_delay_s=0)
    try:
        assert await geocoder.geocode("nowhere at all") is None
        assert await geocoder.geocode("Nowhere at all") is None
    finally:
        await geocoder.close()
    assert len(nominatim.requests) == 1


async def test_at_most_one_request_a_second(nominatim, cache):
    geocoder = await _geocoder(nominatim.url, cache, min_delay_s=0.5)
    started = time.monotonic()
    try:
        for name in ("a place", "b place", "c place"):
            await geocoder.geocode(name)
    finally:
        await geocoder.close()
    assert time.monotonic() - started >= 1.0


@pytest.mark.parametrize("mode", ["down", "slow", "garbage"])
async def test_failures_become_unavailable_quickly(nominatim, cache, mode):
    nominatim.mode = mode
    geocoder = await _geocoder(nominatim.url, cache, timeout=0.5, min_delay_s=0)
    started = time.monotonic()
    try:
        with pytest.raises(GeocoderUnavailable):
            await geocoder.geocode("300 Congress St, Bridgeport")
    finally:
        await geocoder.close()
    assert time.monotonic() - started < 3


async def test_unreachable_server(cache):
    geocoder = await _geocoder("http://127.0.0.1:9", cache, timeout=0.5, min_delay_s=0)
    try:
        with pytest.raises(GeocoderUnavailable):
            await geocoder.geocode("anything")
    finally:
        await geocoder.close()


async def test_disabled_geocoder_says_so(cache):
    geocoder = await _geocoder("", cache)
    assert not geocoder.enabled
    with pytest.raises(GeocoderUnavailable):
        await geocoder.geocode("anything")


async def test_old_answers_are_purged(tmp_path):
    from bot.domain.caches import CachedPlace

    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    db = await open_database(tmp_path / "geo.sqlite3")
    try:
        cache = GeocodeCache(db, clock=lambda: now[0])
        await cache.put("old hit", CachedPlace(True, 1.0, 2.0, "Old"))
        await cache.put("old miss", CachedPlace(False))
        now[0] += timedelta(days=2)  # two days on: the miss is stale, the hit is not
        await cache.put("fresh hit", CachedPlace(True, 1.0, 2.0, "Fresh"))
        assert await cache.purge(hit_max_age_s=30 * 86_400, miss_max_age_s=86_400) == 1
        assert await cache.get("old hit", 1e9, 1e9) is not None
        assert await cache.get("old miss", 1e9, 1e9) is None
        now[0] += timedelta(days=31)
        assert await cache.purge(hit_max_age_s=30 * 86_400, miss_max_age_s=86_400) == 2
    finally:
        await db.close()


async def test_a_failing_server_is_left_alone_for_a_while(nominatim, cache):
    now = [0.0]
    breaker = CircuitBreaker(failures=3, cooldown_s=60.0, clock=lambda: now[0])
    nominatim.mode = "down"
    geocoder = await _geocoder(nominatim.url, cache, min_delay_s=0, breaker=breaker)
    try:
        for name in ("a place", "b place", "c place"):
            with pytest.raises(GeocoderUnavailable):
                await geocoder.geocode(name)
        started = time.monotonic()
        with pytest.raises(GeocoderUnavailable, match="paused"):
            await geocoder.geocode("d place")
        assert time.monotonic() - started < 0.1  # nobody waits for a timeout meanwhile
        assert len(nominatim.requests) == 3
        nominatim.mode = "ok"
        now[0] = 61.0  # the cooldown is over: one trial, and it works
        assert await geocoder.geocode("300 Congress St, Bridgeport") is not None
        assert breaker.state is BreakerState.CLOSED
    finally:
        await geocoder.close()


async def test_waiting_in_line_for_the_rate_limit_does_not_trip_the_breaker(nominatim, cache):
    """A burst of lookups queues at one a second; those that time out in line were never
    sent, which says nothing about the server."""
    breaker = CircuitBreaker(failures=1)
    geocoder = await _geocoder(nominatim.url, cache, timeout=0.2, min_delay_s=30, breaker=breaker)
    try:
        results = await asyncio.gather(
            *(geocoder.geocode(f"{n} Congress St") for n in range(4)), return_exceptions=True
        )
    finally:
        await geocoder.close()
    assert sum(isinstance(r, GeocoderBusy) for r in results) == 3  # told apart from down
    assert len(nominatim.requests) == 1
    assert breaker.state is BreakerState.CLOSED
