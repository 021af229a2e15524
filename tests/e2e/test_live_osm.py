"""Live OpenStreetMap stations end to end, against a loopback fake Overpass server."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator

import pytest

from tests.e2e.test_meetups import callback_data, press
from tests.e2e.test_nearest import ask
from tests.fakes import updates
from tests.fakes.overpass import FakeOverpass, police_node, police_way
from tests.fakes.telegram_api import running_application

USER = 5005
LEEDS = (53.7997, -1.5492)  # no curated zone within thousands of km
BRIDGEPORT = (41.1790, -73.1900)  # two curated zones within 50 km, three are wanted
ATTRIBUTION = '<a href="https://www.openstreetmap.org/copyright">© OpenStreetMap contributors</a>'
STATIONS = [
    police_node(
        1001,
        53.8008,
        -1.5360,
        name="Millgarth Police Station",
        phone="+44 113 241 3059",
        **{"addr:housenumber": "1", "addr:street": "Millgarth Street", "addr:city": "Leeds"},
    ),
    police_way(2002, 53.7790, -1.5730, name="Elland Road Police Station"),
    police_node(2003, 53.7791, -1.5731, name="Elland Road Police"),  # the same place
    police_node(3003, 41.1825, -73.1925, name="Bridgeport PD (OSM)"),  # 90 m from a curated zone
]


@pytest.fixture
async def overpass() -> AsyncIterator[FakeOverpass]:
    async with FakeOverpass(elements=list(STATIONS)) as fake:
        yield fake


async def test_osm_stations_answer_with_label_advice_and_attribution(make_app, telegram, overpass):
    async with running_application(make_app(overpass_url=overpass.url, overpass_timeout=2.0)):
        answer = await ask(telegram, updates.location_message(*LEEDS, user_id=USER))
        venue = (await telegram.wait_for("sendVenue", chat_id=USER))[-1].params
        text = answer["text"]
        assert "Millgarth Police Station" in text
        assert "Police station (not a designated exchange zone)" in text
        assert "lobby" in text
        assert ATTRIBUTION in text
        assert text.count("Elland Road") == 1
        assert "unavailable" not in text
        assert venue["title"] == "Millgarth Police Station"
        plan = callback_data(venue, "plan:")[0]
        assert plan == "plan:osm-node-1001"
        before = len(telegram.calls_of("sendMessage", chat_id=USER))
        await press(telegram, plan, user=USER)
        when = (await telegram.wait_for("sendMessage", chat_id=USER, count=before + 1))[-1]
        assert "When do you meet at <b>Millgarth" in when.params["text"]
        again = await ask(telegram, updates.location_message(53.81, -1.53, user_id=USER))
        assert "Millgarth Police Station" in again["text"]
    assert len(overpass.queries) == 1  # the second search came from the cache
    assert "53.7997" not in overpass.queries[0]  # the area's centre, not the user's position
    assert "(around:58000,53.80000,-1.50000)" in overpass.queries[0]
    assert overpass.user_agents[0].startswith("SafeMeet/")


async def test_curated_zones_win_over_their_osm_duplicates(make_app, telegram, overpass):
    async with running_application(make_app(overpass_url=overpass.url, overpass_timeout=2.0)):
        answer = await ask(telegram, updates.location_message(*BRIDGEPORT, user_id=USER))
    assert "Bridgeport Police" in answer["text"]
    assert "Bridgeport PD (OSM)" not in answer["text"]
    assert len(overpass.queries) == 1


@pytest.mark.parametrize("mode", ["slow", "gateway_timeout", "rate_limited", "malformed"])
async def test_with_overpass_failing_the_bot_answers_in_time_from_curated_data(
    make_app, telegram, overpass, mode
):
    overpass.mode = mode
    overpass.slow_seconds = 10
    async with running_application(make_app(overpass_url=overpass.url, overpass_timeout=1.0)):
        started = time.monotonic()
        answer = await ask(telegram, updates.location_message(*BRIDGEPORT, user_id=USER))
        elapsed = time.monotonic() - started
    text = answer["text"]
    assert elapsed < 2.5
    assert "Bridgeport Police" in text
    assert "Live OpenStreetMap data is unavailable right now" in text
    assert ATTRIBUTION not in text


async def test_repeated_failures_open_the_breaker(make_app, telegram, overpass):
    overpass.mode = "gateway_timeout"
    async with running_application(make_app(overpass_url=overpass.url, overpass_timeout=1.0)):
        for step in range(5):  # five different areas, so the cache cannot answer
            point = (BRIDGEPORT[0], BRIDGEPORT[1] - step * 0.2)
            answer = await ask(telegram, updates.location_message(*point, user_id=USER))
            assert "Live OpenStreetMap data is unavailable" in answer["text"]
    assert len(overpass.queries) == 3


DELHI = (28.6139, 77.2090)
PATRAS = (38.2466, 21.7346)  # no offline postal data for Greece: the coordinates


@pytest.mark.parametrize(
    ("position", "address"),
    [(DELHI, r"near .+, Delhi"), (PATRAS, r"38\.24\d{3}, 21\.73\d{3}")],
)
async def test_an_unnamed_station_without_address_gets_a_venue_title_and_address(
    make_app, telegram, position, address
):
    lat, lon = position
    unnamed = police_node(9009, lat + 0.001, lon + 0.001)
    async with (
        FakeOverpass(elements=[unnamed]) as fake,
        running_application(make_app(overpass_url=fake.url, overpass_timeout=2.0)),
    ):
        answer = await ask(telegram, updates.location_message(lat, lon, user_id=USER))
        venue = (await telegram.wait_for("sendVenue", chat_id=USER))[-1].params
    assert "<b>1. Police station</b>" in answer["text"]
    assert venue["title"] == "Police station"
    assert re.fullmatch(address, venue["address"])
