"""The nearest town from offline postal data: within the country, cached, never blocking long."""

from __future__ import annotations

import asyncio
import threading
import time

from bot.domain.geo import Point
from bot.sources.places import NearbyPlaces, PlaceIndex, load_index

PATRAS = Point(38.2466, 21.7346)  # Greece: no GeoNames postal data ships for it
DELHI = Point(28.6139, 77.2090)
AT_SEA = Point(35.0, -40.0)


def test_the_index_finds_the_nearest_place_within_reach():
    index = PlaceIndex([(38.25, 21.73, "Patras", "Western Greece"), (37.98, 23.73, "Athens", "")])
    found = index.nearest(PATRAS)
    assert found is not None
    assert found.text == "Patras, Western Greece"
    assert index.nearest(Point(36.0, 21.0)) is None  # farther than MAX_DISTANCE_M


async def test_a_position_in_india_is_near_a_town_and_its_region():
    found = await NearbyPlaces().near(DELHI)
    assert found is not None
    assert found.text.endswith(", Delhi")
    assert found.distance_m < 5_000


async def test_no_data_or_at_sea_gives_none():
    places = NearbyPlaces()
    assert await places.near(PATRAS) is None
    assert await places.near(AT_SEA) is None


async def test_a_slow_first_load_does_not_hold_the_answer_and_goes_on():
    release = threading.Event()

    def slow_load(country: str) -> PlaceIndex | None:
        release.wait(5)
        return PlaceIndex([(28.61, 77.21, "New Delhi", "Delhi")])

    places = NearbyPlaces(slow_load, wait_s=0.05)
    assert await places.near(DELHI) is None
    release.set()
    await asyncio.gather(*(t for t in asyncio.all_tasks() if t.get_name() == "places-IN"))
    found = await places.near(DELHI)
    assert found is not None
    assert found.text == "New Delhi, Delhi"


def test_a_lookup_in_a_loaded_country_is_quick():
    index = load_index("IN")
    assert index is not None
    started = time.perf_counter()
    for step in range(1000):
        index.nearest(Point(DELHI.lat + step * 1e-4, DELHI.lon))
    assert (time.perf_counter() - started) / 1000 < 0.002
