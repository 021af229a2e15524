"""GeoJSON and Overpass JSON imports, and telling the formats apart."""

from __future__ import annotations

import json

import pytest

from bot.domain.zones import ZoneDataError, ZoneKind
from bot.sources.osm import OSM_ATTRIBUTION
from bot.usecases.importer import parse_zones, zone_from_feature


def _feature(zone_id: str = "a-1", lon: float = -73.19, lat: float = 41.18, **props) -> dict:
    properties = {
        "id": zone_id,
        "name": "Bridgeport PD",
        "kind": "exchange_zone",
        "address": "300 Congress Street",
        "city": "Bridgeport",
        "country": "US",
    }
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties | props,
    }


def _collection(*features: dict) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def _element(osm_id: int = 1, kind: str = "node", **tags: str) -> dict:
    element: dict = {"type": kind, "id": osm_id}
    position = {"lat": 41.18, "lon": -73.19}
    if kind == "node":
        element |= position
    else:
        element["center"] = position
    element["tags"] = {"amenity": "police", "name": "Bridgeport PD", "addr:city": "Bridgeport"}
    element["tags"] |= tags
    return element


def _overpass(*elements: dict, **extra: object) -> str:
    return json.dumps({"version": 0.6, "elements": list(elements), **extra})


# -- GeoJSON -----------------------------------------------------------------------------------


def test_a_point_feature_becomes_a_zone():
    zone = zone_from_feature(_feature(video=True, lit=False, staffed=None, postal_code=6604))
    assert (zone.id, zone.kind, zone.city) == ("a-1", ZoneKind.EXCHANGE_ZONE, "Bridgeport")
    assert (zone.lat, zone.lon) == pytest.approx((41.18, -73.19))
    assert (zone.video, zone.lit, zone.staffed) == (True, False, None)
    assert zone.postal_code == "6604"


def test_the_geometry_wins_over_lat_lon_properties_and_feature_id_is_a_fallback():
    feature = _feature(id=None) | {"id": "from-feature"}
    feature["properties"] |= {"lat": 10.0, "lon": 20.0}
    zone = zone_from_feature(feature)
    assert zone.id == "from-feature"
    assert (zone.lat, zone.lon) == pytest.approx((41.18, -73.19))


def test_a_feature_collection_reports_each_bad_feature():
    line = {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}
    text = _collection(
        _feature("ok"),
        _feature("line") | {"geometry": line},
        _feature("no-geometry") | {"geometry": None},
        _feature("unnamed", name=""),
        _feature("far", lat=95.0),
        _feature("text-coordinates") | {"geometry": {"type": "Point", "coordinates": ["a", "b"]}},
        _feature("ok"),
        _feature("paris", lat=48.8566, lon=2.3522),
        _feature("nested", opening_hours={"mo": "8-18"}),
        {"type": "Polygon", "coordinates": []},
        _feature("no-address", address="", city=""),
    )
    zones, report = parse_zones(text, "zones.geojson")
    assert report.format == "geojson"
    assert [zone.id for zone in zones] == ["ok", "unnamed", "no-address"]
    assert report.read == 11
    assert [(r.where, r.reason) for r in report.rejected] == [
        ("feature 2", "geometry must be a Point, got 'LineString'"),
        ("feature 3", "no position: the geometry is null"),
        ("feature 5", "bad coordinates: latitude 95.0 is outside -90..90"),
        ("feature 6", "bad coordinates: ['a', 'b']"),
        ("feature 7", "duplicate id ok (first at feature 1)"),
        ("feature 8", "coordinates outside the stated country US (in FR)"),
        ("feature 9", "property 'opening_hours' must be text, a number or a boolean"),
        ("feature 10", "not a GeoJSON Feature"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type": "FeatureCollection", "features": [', "not valid JSON"),
        (json.dumps(_feature()), "not a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection"}', "without a 'features' list"),
        ("[1, 2]", "not a GeoJSON FeatureCollection"),
    ],
)
def test_a_broken_geojson_file_is_refused_whole(text, message):
    with pytest.raises(ZoneDataError, match=message):
        parse_zones(text, "zones.geojson")


# -- Overpass JSON -----------------------------------------------------------------------------


def test_overpass_elements_become_police_stations():
    text = _overpass(
        _element(1),
        _element(2, "way", **{"addr:street": "Congress Street", "addr:housenumber": "300"}),
        _element(3, "relation"),
    )
    zones, report = parse_zones(text, "police.json")
    assert report.format == "overpass"
    assert [zone.id for zone in zones] == ["osm-node-1", "osm-way-2", "osm-relation-3"]
    assert {zone.kind for zone in zones} == {ZoneKind.POLICE_STATION}
    assert zones[1].address == "300 Congress Street"
    assert zones[0].source == f"{OSM_ATTRIBUTION} node/1"


def test_overpass_refusals_name_the_element_and_unnamed_or_addressless_stations_go_in():
    unnamed = _element(4)
    del unnamed["tags"]["name"]
    text = _overpass(
        _element(1),
        unnamed,
        _element(5, "way") | {"center": None},
        _element(1),
        _element(6, **{"addr:city": ""}),
        _element(7, **{"addr:country": "FR"}),
        "not an element",
    )
    zones, report = parse_zones(text, "police.json")
    assert [zone.id for zone in zones] == ["osm-node-1", "osm-node-4", "osm-node-6"]
    assert [(r.where, r.reason) for r in report.rejected] == [
        ("element 3 (way/5)", "bad coordinates: way has no center (use 'out center')"),
        ("element 4 (node/1)", "duplicate id osm-node-1 (first at element 1 (node/1))"),
        ("element 6 (node/7)", "coordinates outside the stated country FR (in US)"),
        ("element 7", "OSM element must be a JSON object"),
    ]


def test_an_overpass_remark_is_shown_as_a_note():
    text = _overpass(_element(1), remark="runtime error: Query timed out")
    _, report = parse_zones(text, "police.json")
    assert report.notes == [
        "Overpass remark (the answer may be incomplete): runtime error: Query timed out"
    ]
    assert "  note: Overpass remark" in "\n".join(report.lines())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"elements": [{"type": "node", "id": 1', "not valid JSON"),
        ('{"elements": {"type": "node"}}', "no 'elements' list"),
    ],
)
def test_a_broken_overpass_file_is_refused_whole(text, message):
    with pytest.raises(ZoneDataError, match=message):
        parse_zones(text, "police.json")


# -- telling the formats apart -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("police.json", _overpass(_element(1)), "overpass"),
        ("police.txt", _overpass(_element(1)), "overpass"),
        ("zones.json", _collection(_feature()), "geojson"),
        ("zones", "  " + _collection(_feature()), "geojson"),
        ("zones.geojson", _collection(_feature()), "geojson"),
    ],
)
def test_the_format_comes_from_the_name_and_the_content(name, text, expected):
    zones, report = parse_zones(text, name)
    assert report.format == expected
    assert len(zones) == 1


def test_a_json_file_of_another_shape_is_refused():
    with pytest.raises(ZoneDataError, match="neither a GeoJSON FeatureCollection nor Overpass"):
        parse_zones('{"type": "Topology"}', "zones.json")


def test_an_explicit_format_wins_and_an_unknown_one_is_refused():
    _, report = parse_zones(_overpass(_element(1)), "police.csv", "overpass")
    assert report.format == "overpass"
    with pytest.raises(ZoneDataError, match="unknown format 'kml'"):
        parse_zones("", "x.kml", "kml")
