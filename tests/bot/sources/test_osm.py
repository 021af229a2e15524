"""Overpass JSON elements to zones."""

from __future__ import annotations

import pytest

from bot.domain.zones import ZoneDataError, ZoneKind
from bot.sources.osm import OSM_ATTRIBUTION, zone_from_osm_element


def _node(**tags: str) -> dict:
    return {
        "type": "node",
        "id": 123,
        "lat": 48.8566,
        "lon": 2.3522,
        "tags": {"amenity": "police", "name": "Commissariat", **tags},
    }


def test_node_maps_every_tag() -> None:
    zone = zone_from_osm_element(
        _node(
            **{
                "addr:housenumber": "12",
                "addr:street": "Rue de Rivoli",
                "addr:city": "Paris",
                "addr:postcode": "75004",
                "addr:country": "fr",
                "opening_hours": "24/7",
                "phone": "+33 1 00 00 00 00",
                "website": "https://example.org",
            }
        )
    )
    assert zone.id == "osm-node-123"
    assert zone.name == "Commissariat"
    assert zone.kind is ZoneKind.POLICE_STATION
    assert (zone.lat, zone.lon) == pytest.approx((48.8566, 2.3522))
    assert zone.address == "12 Rue de Rivoli"
    assert (zone.city, zone.postal_code, zone.country) == ("Paris", "75004", "FR")
    assert zone.opening_hours == "24/7"
    assert zone.phone == "+33100000000"  # E.164
    assert zone.website == "https://example.org"
    assert zone.source == f"{OSM_ATTRIBUTION} node/123"


@pytest.mark.parametrize("kind", ["way", "relation"])
def test_way_and_relation_use_center(kind: str) -> None:
    element = {
        "type": kind,
        "id": 77,
        "center": {"lat": 40.0, "lon": -3.5},
        "tags": {"name": "Comisaría", "addr:full": "Calle Mayor 1, Madrid"},
    }
    zone = zone_from_osm_element(element)
    assert zone.id == f"osm-{kind}-77"
    assert (zone.lat, zone.lon) == pytest.approx((40.0, -3.5))
    assert zone.address == "Calle Mayor 1, Madrid"
    assert zone.source.endswith(f"{kind}/77")


def test_contact_tags_are_fallbacks() -> None:
    zone = zone_from_osm_element(
        _node(**{"contact:phone": "+1 203 576 7671", "contact:website": "https://x.example"})
    )
    assert (zone.phone, zone.website) == ("+12035767671", "https://x.example")


def test_street_wins_over_full_address() -> None:
    zone = zone_from_osm_element(_node(**{"addr:street": "Main St", "addr:full": "elsewhere"}))
    assert zone.address == "Main St"


@pytest.mark.parametrize(
    ("element", "reason"),
    [
        ({"type": "node", "id": 1, "lat": 91.0, "lon": 1.0, "tags": {"name": "x"}}, "bad coord"),
        ({"type": "node", "id": 1, "lat": "a", "lon": 1.0, "tags": {"name": "x"}}, "bad coord"),
        ({"type": "node", "id": 1, "tags": {"name": "x"}}, "bad coord"),
        ({"type": "way", "id": 1, "tags": {"name": "x"}}, "no center"),
        ({"type": "area", "id": 1, "tags": {"name": "x"}}, "unknown OSM element type"),
        ({"type": "node", "id": "1", "lat": 1, "lon": 1, "tags": {"name": "x"}}, "bad OSM id"),
        ({"type": "node", "id": -4, "lat": 1, "lon": 1, "tags": {"name": "x"}}, "bad OSM id"),
        ({"type": "node", "id": 1, "lat": 1, "lon": 1, "tags": ["x"]}, "tags"),
    ],
)
def test_rejects_with_reason(element: dict, reason: str) -> None:
    with pytest.raises(ZoneDataError, match=reason):
        zone_from_osm_element(element)


def test_rejects_non_object() -> None:
    with pytest.raises(ZoneDataError, match="JSON object"):
        zone_from_osm_element(["node"])  # type: ignore[arg-type]


def test_unnamed_station_takes_its_official_name_or_operator() -> None:
    official = _node(name="", official_name="Commissariat central")
    operated = _node(name="", operator="Préfecture de police")
    assert zone_from_osm_element(official).name == "Commissariat central"
    assert zone_from_osm_element(operated).name == "Préfecture de police"


def test_untagged_country_comes_from_the_position() -> None:
    assert zone_from_osm_element(_node()).country == "FR"
    toronto = {**_node(), "lat": 43.6532, "lon": -79.3832}
    assert zone_from_osm_element(toronto).country == "CA"
    at_sea = {**_node(), "lat": 0.0, "lon": -30.0}
    assert zone_from_osm_element(at_sea).country == ""


def test_an_unnamed_station_without_address_is_kept_with_its_names_by_language():
    element = {
        "type": "node",
        "id": 7,
        "lat": 38.2466,
        "lon": 21.7346,
        "tags": {"amenity": "police", "name:en": "Patras Police", "name:de": "Polizei"},
    }
    zone = zone_from_osm_element(element)
    assert (zone.name, zone.address, zone.city) == ("", "", "")
    assert zone.names == {"en": "Patras Police"}
    bare = zone_from_osm_element({"type": "node", "id": 8, "lat": 1.0, "lon": 1.0})
    assert (bare.name, bare.names) == ("", {})
