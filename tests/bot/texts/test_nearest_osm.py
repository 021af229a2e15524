"""Answers with live OpenStreetMap stations: label, advice, attribution, unavailable note."""

from __future__ import annotations

from bot.domain.geo import Point
from bot.domain.search import ZoneMatch
from bot.domain.zones import Zone, ZoneKind
from bot.i18n import Catalogs
from bot.texts.account import privacy_reply
from bot.texts.nearest import nearest_reply
from bot.usecases.finder import NearestAnswer, Origin, OriginKind
from tests.bot.texts.test_nearest import _assert_valid_html

EN = Catalogs().get("en")
CURATED = Zone("us-ct-bridgeport-police-hq", "Bridgeport PD", ZoneKind.EXCHANGE_ZONE, 41.18, -73.19)
OSM = Zone(
    "osm-way-42",
    "Precinct <7>",
    ZoneKind.POLICE_STATION,
    41.20,
    -73.20,
    address="7 Main Street",
    source="© OpenStreetMap contributors (ODbL) way/42",
)
ORIGIN = Origin(Point(41.19, -73.19), OriginKind.LOCATION)


def _answer(*zones: Zone, live_unavailable: bool = False) -> NearestAnswer:
    matches = [ZoneMatch(zone, 1_000.0 * (i + 1), 90.0) for i, zone in enumerate(zones)]
    return NearestAnswer(ORIGIN, matches, True, False, live_unavailable)


def test_an_osm_station_is_labelled_with_advice_and_attribution():
    text = nearest_reply(_answer(CURATED, OSM), EN, 50).text
    _assert_valid_html(text)
    block = text[text.index("Precinct") :]
    assert "Police station (not a designated exchange zone)" in block
    assert "lobby" in block
    assert "call ahead" in block
    assert '<a href="https://www.openstreetmap.org/copyright">© OpenStreetMap contributors</a>' in (
        text
    )
    assert "ODbL" in text
    assert text.index("OpenStreetMap contributors") < text.index("Stay safe")


def test_curated_answers_carry_no_osm_attribution_or_note():
    text = nearest_reply(_answer(CURATED), EN, 50).text
    assert "OpenStreetMap" not in text
    assert "lobby" not in text


def test_the_note_says_when_live_data_is_unavailable():
    text = nearest_reply(_answer(CURATED, live_unavailable=True), EN, 50).text
    _assert_valid_html(text)
    assert "Live OpenStreetMap data is unavailable right now" in text


def test_privacy_names_overpass_and_the_osm_licence():
    text = privacy_reply(EN).text
    assert "Overpass" in text
    assert "never your exact position" in text
    assert "Police stations outside the safe zones: © OpenStreetMap contributors" in text
