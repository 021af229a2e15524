"""The Overpass client against a loopback fake: query, parsing, rate limit, failures."""

from __future__ import annotations

import time

import pytest

from bot.domain.geo import Point
from bot.domain.zones import ZoneKind
from bot.sources.overpass import (
    OverpassClient,
    OverpassUnavailable,
    police_query,
    stations_from_payload,
)
from tests.fakes.overpass import FakeOverpass, police_node, police_relation, police_way

TORONTO = Point(43.6532, -79.3832)
ELEMENTS = [
    police_node(
        101,
        43.6555,
        -79.3850,
        name="52 Division",
        operator="Toronto Police Service",
        opening_hours="24/7",
        phone="+1 416-808-5200",
        website="https://www.tps.ca/",
        **{"addr:housenumber": "255", "addr:street": "Dundas Street West"},
        **{"addr:city": "Toronto", "addr:postcode": "M5T 1G1"},
    ),
    police_way(202, 43.6600, -79.3900, name="Headquarters"),
    police_relation(303, 43.6400, -79.3700, name="14 Division"),
    police_node(404, 43.6500, -79.3800),  # no name: still a police station
    police_node(505, 45.4215, -75.6972, name="Ottawa Police"),  # far away
]


@pytest.fixture
async def overpass():
    async with FakeOverpass(elements=list(ELEMENTS)) as fake:
        yield fake


async def _client(url: str, **kwargs) -> OverpassClient:
    client = OverpassClient(url, **{"timeout": 1.0, "min_interval_s": 0, **kwargs})
    await client.start()
    return client


def test_the_query_asks_for_police_nodes_ways_and_relations_with_centres():
    query = police_query(TORONTO, 58_000, 3.2)
    assert query.startswith("[out:json][timeout:4];")
    assert 'nwr["amenity"="police"](around:58000,43.65320,-79.38320);' in query
    assert query.endswith("out center;")


async def test_parses_nodes_ways_and_relations_with_their_tags(overpass):
    client = await _client(overpass.url)
    try:
        stations = await client.police_stations(TORONTO, 20_000)
    finally:
        await client.close()
    by_id = {zone.id: zone for zone in stations}
    assert set(by_id) == {"osm-node-101", "osm-way-202", "osm-relation-303", "osm-node-404"}
    assert (by_id["osm-node-404"].name, by_id["osm-node-404"].address) == ("", "")
    division = by_id["osm-node-101"]
    assert division.kind is ZoneKind.POLICE_STATION
    assert division.address == "255 Dundas Street West"
    assert division.city == "Toronto"
    assert division.postal_code == "M5T 1G1"
    assert division.opening_hours == "24/7"
    assert division.phone == "+14168085200"  # E.164, as bot.sources.osm stores phones
    assert division.website == "https://www.tps.ca/"
    assert (by_id["osm-way-202"].lat, by_id["osm-way-202"].lon) == (43.66, -79.39)
    assert overpass.user_agents[0].startswith("SafeMeet/")
    assert "github.com" in overpass.user_agents[0]


async def test_an_empty_answer_is_no_station(overpass):
    overpass.mode = "empty"
    client = await _client(overpass.url)
    try:
        assert await client.police_stations(TORONTO, 20_000) == []
    finally:
        await client.close()


@pytest.mark.parametrize("mode", ["rate_limited", "gateway_timeout", "malformed", "remark"])
async def test_busy_or_broken_answers_are_unavailable(overpass, mode):
    overpass.mode = mode
    client = await _client(overpass.url)
    try:
        with pytest.raises(OverpassUnavailable):
            await client.police_stations(TORONTO, 20_000)
    finally:
        await client.close()


async def test_a_slow_server_is_given_up_on_after_the_timeout(overpass):
    overpass.mode = "slow"
    client = await _client(overpass.url, timeout=0.5)
    started = time.monotonic()
    try:
        with pytest.raises(OverpassUnavailable):
            await client.police_stations(TORONTO, 20_000)
    finally:
        await client.close()
    assert time.monotonic() - started < 1.5


async def test_an_unreachable_server_is_unavailable():
    client = await _client("http://127.0.0.1:9/api/interpreter")
    try:
        with pytest.raises(OverpassUnavailable):
            await client.police_stations(TORONTO, 20_000)
    finally:
        await client.close()


async def test_disabled_client_is_unavailable():
    client = await _client("")
    assert not client.enabled
    with pytest.raises(OverpassUnavailable):
        await client.police_stations(TORONTO, 20_000)


async def test_requests_are_spaced_by_the_minimum_interval(overpass):
    client = await _client(overpass.url, min_interval_s=0.4)
    started = time.monotonic()
    try:
        for _ in range(3):
            await client.police_stations(TORONTO, 20_000)
    finally:
        await client.close()
    assert time.monotonic() - started >= 0.75
    assert len(overpass.queries) == 3


@pytest.mark.parametrize(
    "payload",
    [[], {"elements": "no"}, {"version": 0.6}, None, "text"],
)
def test_answers_without_an_elements_list_are_refused(payload):
    with pytest.raises(OverpassUnavailable):
        stations_from_payload(payload)


def test_elements_that_are_not_police_or_broken_are_skipped():
    payload = {
        "elements": [
            police_node(1, 10.0, 10.0, name="Ok"),
            {"type": "node", "id": 2, "lat": 1, "lon": 1, "tags": {"amenity": "cafe", "name": "x"}},
            {"type": "way", "id": 3, "tags": {"amenity": "police", "name": "No centre"}},
            police_node(4, 95.0, 10.0, name="Off the Earth"),
            "not an element",
            {"type": "node", "id": 5, "lat": 1, "lon": 1},
        ]
    }
    assert [zone.id for zone in stations_from_payload(payload)] == ["osm-node-1"]
