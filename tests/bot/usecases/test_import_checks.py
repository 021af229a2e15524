"""What users will see: opening hours, phone, website and date checks, and unknown columns."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot.domain.hours import readable_hours
from bot.domain.zones import CSV_COLUMNS, MAX_FIELD_CHARS
from bot.sources.osm import zone_from_osm_element
from bot.usecases.importer import parse_zones, parse_zones_csv

GOOD = {
    "id": "a-1",
    "name": "Bridgeport PD",
    "kind": "police_station",
    "address": "300 Congress Street",
    "city": "Bridgeport",
    "region": "CT",
    "country": "US",
    "lat": "41.1838",
    "lon": "-73.1903",
}


def _csv(*rows: dict[str, str], extra: tuple[str, ...] = ()) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*CSV_COLUMNS, *extra], lineterminator="\n")
    writer.writeheader()
    for index, row in enumerate(rows, start=1):
        writer.writerow(GOOD | {"id": f"a-{index}"} | row)
    return out.getvalue()


def _one(**row: str):
    """The zone of a one-row CSV, or the reason it was rejected."""
    zones, report = parse_zones_csv(_csv(row))
    if report.rejected:
        return report.rejected[0].reason
    return zones[0]


# -- each rejection, with its reason -----------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        (
            "opening_hours",
            "whenever lol",
            "opening_hours must be in OpenStreetMap opening_hours syntax: 'whenever lol'",
        ),
        (
            "opening_hours",
            "Mo-Fr 8-18",
            "opening_hours must be in OpenStreetMap opening_hours syntax: 'Mo-Fr 8-18'",
        ),
        ("phone", "not-a-phone", "phone must be a valid phone number for US: 'not-a-phone'"),
        ("phone", "555-1234", "phone must be a valid phone number for US: '555-1234'"),
        ("phone", "911", "phone must be a valid phone number for US: '911'"),
        ("website", "javascript:alert(1)", "website must be an http(s) URL: 'javascript:alert(1)'"),
        ("website", "www.example.org", "website must be an http(s) URL: 'www.example.org'"),
        ("website", "ftp://example.org/", "website must be an http(s) URL: 'ftp://example.org/'"),
        ("website", "https:///path", "website must be an http(s) URL: 'https:///path'"),
        ("website", "http://exa mple.org", "website must be an http(s) URL: 'http://exa mple.org'"),
        ("verified", "yesterday", "verified must be an ISO date (YYYY-MM-DD): 'yesterday'"),
        ("verified", "25/11/2026", "verified must be an ISO date (YYYY-MM-DD): '25/11/2026'"),
        ("verified", "2026-13-01", "verified must be an ISO date (YYYY-MM-DD): '2026-13-01'"),
        ("verified", "20261125", "verified must be an ISO date (YYYY-MM-DD): '20261125'"),
        ("address", "x" * (MAX_FIELD_CHARS + 1), "address is longer than 65536 characters"),
    ],
)
def test_a_row_users_would_see_garbage_from_is_rejected_with_its_reason(column, value, reason):
    assert _one(**{column: value}) == reason


def test_a_long_value_is_shown_shortened_in_the_reason():
    reason = _one(website="javascript:" + "a" * 500)
    assert isinstance(reason, str)
    assert reason.startswith("website must be an http(s) URL: 'javascript:aaa")
    assert len(reason) < 120


def test_a_national_number_without_a_country_cannot_be_read():
    reason = _one(country="", phone="(203) 576-7671")
    assert reason == (
        "phone must be a valid international number (+...) when country is empty: '(203) 576-7671'"
    )
    assert _one(country="", phone="+1 203 576 7671").phone == "+12035767671"


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("opening_hours", "24/7"),
        ("opening_hours", "Mo-Fr 08:00-18:00; PH off"),
        ("opening_hours", "Mo-Su sunrise-sunset"),
        ("website", "https://www.bridgeportct.gov/"),
        ("website", "HTTP://Example.org/police?x=1"),
        ("verified", "2026-11-25"),
        ("phone", ""),
        ("website", ""),
        ("verified", ""),
        ("opening_hours", ""),
    ],
)
def test_good_and_empty_values_pass_unchanged(column, value):
    assert getattr(_one(**{column: value}), column) == value


# -- phone numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "written", "stored"),
    [
        ("US", "(203) 576-7671", "+12035767671"),
        ("US", "+1 203-576-7671", "+12035767671"),
        ("FR", "01 53 71 53 71", "+33153715371"),
        ("CA", "tel:+1-613-549-4660", "+16135494660"),
        ("US", "not-a-phone;+1 203 576 7671", "+12035767671"),
        ("US", "203 576 7671; 203 576 7600", "+12035767671"),
        ("US", " ; 911 ;(203) 576-7600", "+12035767600"),
    ],
)
def test_phones_are_stored_in_e164_keeping_the_first_valid_of_several(country, written, stored):
    lat, lon = {"US": ("41.18", "-73.19"), "FR": ("48.85", "2.35"), "CA": ("44.23", "-76.49")}[
        country
    ]
    zone = _one(country=country, phone=written, lat=lat, lon=lon)
    assert zone.phone == stored


def test_several_phones_none_valid_are_rejected_with_all_of_them_shown():
    assert _one(phone="911;555-1234") == "phone must be a valid phone number for US: '911;555-1234'"


# -- every format ------------------------------------------------------------------------------


def test_geojson_properties_get_the_same_checks():
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [-73.19, 41.18]},
            "properties": GOOD | {"id": f"g-{index}"} | props,
        }
        for index, props in enumerate(
            [
                {"phone": "203 576 7671", "fid": 1},
                {"opening_hours": "whenever lol", "fid": 2},
                {"website": "javascript:alert(1)", "osm_id": 3},
            ]
        )
    ]
    zones, report = parse_zones(json.dumps({"type": "FeatureCollection", "features": features}))
    assert [zone.phone for zone in zones] == ["+12035767671"]
    assert [(r.where, r.reason) for r in report.rejected] == [
        (
            "feature 2",
            "opening_hours must be in OpenStreetMap opening_hours syntax: 'whenever lol'",
        ),
        ("feature 3", "website must be an http(s) URL: 'javascript:alert(1)'"),
    ]
    assert report.notes == ["unknown properties ignored: 'fid', 'osm_id'"]


# -- unknown columns ---------------------------------------------------------------------------


def test_unknown_columns_are_named_once_not_per_row():
    text = _csv(*({"notes": "n", "extra": "e"} for _ in range(3)), extra=("notes", "extra"))
    zones, report = parse_zones_csv(text)
    assert len(zones) == 3
    assert not report.rejected
    assert report.notes == ["unknown columns ignored: 'notes', 'extra'"]
    assert report.lines()[1:] == ["  note: unknown columns ignored: 'notes', 'extra'"]


def test_a_file_with_only_known_columns_has_no_note():
    _, report = parse_zones_csv(_csv({}))
    assert report.notes == []


def test_a_very_long_list_of_unknown_columns_is_cut_short():
    names = tuple(f"c{index}" for index in range(30))
    _, report = parse_zones_csv(_csv({}, extra=names))
    assert report.notes == [
        "unknown columns ignored: " + ", ".join(repr(n) for n in names[:10]) + " and 20 more"
    ]


# -- OpenStreetMap: a bad optional tag is dropped, the station kept ----------------------------


def _node(**tags: str) -> dict:
    return {
        "type": "node",
        "id": 9,
        "lat": 41.1838,
        "lon": -73.1903,
        "tags": {"amenity": "police", "name": "Bridgeport PD", "addr:city": "Bridgeport", **tags},
    }


def test_osm_bad_optional_tags_are_dropped_not_the_station():
    zone = zone_from_osm_element(
        _node(opening_hours="whenever lol", phone="not-a-phone", website="javascript:alert(1)")
    )
    assert (zone.id, zone.name) == ("osm-node-9", "Bridgeport PD")
    assert (zone.opening_hours, zone.phone, zone.website) == ("", "", "")


def test_osm_good_tags_are_kept_and_phones_normalised():
    zone = zone_from_osm_element(
        _node(
            opening_hours="Mo-Fr 08:00-18:00",
            phone="911;(203) 576-7671",
            website="https://www.bridgeportct.gov/",
        )
    )
    assert zone.opening_hours == "Mo-Fr 08:00-18:00"
    assert zone.phone == "+12035767671"
    assert zone.website == "https://www.bridgeportct.gov/"


def test_osm_contact_tags_stand_in_for_bad_main_tags():
    zone = zone_from_osm_element(
        _node(
            phone="not-a-phone",
            **{"contact:phone": "+1 203 576 7671", "contact:website": "https://x.example/"},
            website="www.x.example",
        )
    )
    assert (zone.phone, zone.website) == ("+12035767671", "https://x.example/")


def test_osm_overlong_tags_are_dropped():
    zone = zone_from_osm_element(_node(**{"addr:street": "x" * (MAX_FIELD_CHARS + 1)}))
    assert zone.address == ""
    assert zone.city == "Bridgeport"


def test_an_overpass_import_keeps_stations_with_bad_optional_tags():
    text = json.dumps({"elements": [_node(phone="not-a-phone", opening_hours="whenever")]})
    zones, report = parse_zones(text, "police.json")
    assert not report.rejected
    assert (zones[0].phone, zones[0].opening_hours) == ("", "")
    assert report.notes == []


# -- the bot's own opening-hours parser --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "readable"),
    [
        ("24/7", True),
        ("24 / 7", True),
        ("Mo-Fr 08:00-18:00;\n PH off", True),
        ("SH off", True),
        ("whenever lol", False),
        ("", False),
        ("   ", False),
    ],
)
def test_readable_hours_is_what_the_parser_reads(text, readable):
    assert readable_hours(text) is readable
