"""Real data as it comes: osmtogeojson, HIFLD-style columns, --columns, placeholders, ids."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path

import pytest

from bot.domain.zones import ZoneDataError, ZoneKind
from bot.sources.osm import OSM_ATTRIBUTION
from bot.usecases.columns import (
    is_placeholder,
    parse_columns_option,
    resolve_columns,
    stable_id,
)
from bot.usecases.importer import parse_zones

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
INDIA = FIXTURES / "osm-police-india-slice.geojson"
HIFLD = FIXTURES / "hifld-police-slice.csv"


def _india() -> dict:
    return json.loads(INDIA.read_text(encoding="utf-8"))


def _hifld_feature(**properties: object) -> dict:
    base = {"NAME": "DELTA POLICE DEPARTMENT", "ADDRESS": "200 1ST STREET", "STATE": "LA"}
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [-90.9274354, 32.3248999]},
        "properties": base | properties,
    }


def _collection(*features: dict) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


# -- osmtogeojson (overpass-turbo's GeoJSON export) --------------------------------------------


def test_every_feature_of_the_india_slice_goes_in_as_an_osm_station():
    zones, report = parse_zones(INDIA.read_text(encoding="utf-8"), INDIA.name)
    assert (report.format, report.read, report.rejected) == ("geojson", 14, [])
    assert zones[0].id == "osm-node-243415753"
    assert zones[0].source == f"{OSM_ATTRIBUTION} node/243415753"
    assert {zone.kind for zone in zones} == {ZoneKind.POLICE_STATION}
    assert {zone.country for zone in zones} == {"IN"}
    assert not any(note.startswith("unknown properties") for note in report.notes)


def test_osm_tags_in_properties_give_address_phone_and_unnamed_stations():
    zones, _ = parse_zones(INDIA.read_text(encoding="utf-8"), INDIA.name)
    by_id = {zone.id: zone for zone in zones}
    thudiyalur = by_id["osm-node-247177690"]
    assert thudiyalur.address == "Mettupalayam-Coimbatore Road"
    assert (thudiyalur.postal_code, thudiyalur.opening_hours) == ("641034", "24/7")
    assert [zone for zone in zones if not zone.name]  # unnamed police buildings are kept
    assert [zone for zone in zones if not zone.address and not zone.city]


def test_a_way_exported_as_its_centre_and_string_coordinates_are_read():
    document = _india()
    way = copy.deepcopy(document["features"][0])
    way["id"] = way["properties"]["@id"] = "way/42"
    way["properties"]["@geometry"] = "center"
    way["geometry"]["coordinates"] = ["75.97", "30.83"]
    document["features"] = [way]
    zones, report = parse_zones(json.dumps(document), "export.geojson")
    assert not report.rejected
    assert (zones[0].id, zones[0].lat, zones[0].lon) == ("osm-way-42", 30.83, 75.97)


def test_a_null_geometry_is_rejected_with_its_reason():
    document = _india()
    document["features"][0]["geometry"] = None
    _, report = parse_zones(json.dumps(document), "export.geojson")
    assert [(r.where, r.reason) for r in report.rejected] == [
        ("feature 1", "no position: the geometry is null")
    ]


def test_placeholder_tags_are_dropped():
    document = _india()
    document["features"][0]["properties"] |= {"addr:street": "N/A", "phone": "NOT AVAILABLE"}
    zones, _ = parse_zones(json.dumps(document), "export.geojson")
    assert (zones[0].address, zones[0].phone) == ("", "")


# -- HIFLD-style columns ------------------------------------------------------------------------


def without_hifld_ids() -> str:
    """The HIFLD slice without its ID column: public police data in HIFLD's column names
    that is not the HIFLD layer itself, so it goes through the common column names."""
    rows = list(csv.reader(io.StringIO(HIFLD.read_text(encoding="utf-8"))))
    drop = rows[0].index("ID")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:drop] + r[drop + 1 :] for r in rows])
    return out.getvalue()


def test_the_hifld_layer_is_read_as_the_bundled_stations_are():
    zones, report = parse_zones(HIFLD.read_text(encoding="utf-8"), HIFLD.name)
    assert (report.read, report.rejected) == (19, [])
    grove = zones[0]
    assert (grove.id, grove.name, grove.city) == (
        "us-hifld-10223437",
        "Grove Hill Police Department",
        "Grove Hill",
    )
    assert "read as HIFLD Local Law Enforcement Locations" in report.notes[0]


def test_police_data_in_hifld_column_names_goes_in_through_them():
    zones, report = parse_zones(without_hifld_ids(), HIFLD.name)
    assert (report.read, report.rejected) == (19, [])
    grove = zones[0]
    assert (grove.name, grove.address, grove.city) == (
        "GROVE HILL POLICE DEPARTMENT",
        "111 SOUTH CHURCH STREET",
        "GROVE HILL",
    )
    assert (grove.region, grove.country, grove.phone) == ("AL", "US", "+12512753153")
    assert (grove.lat, grove.lon) == (31.7088269, -87.774662)
    assert grove.kind is ZoneKind.POLICE_STATION
    assert {zone.country for zone in zones} == {"US", "PR", "VI", "MP", "AS", "GU"}
    assert "columns ignored: 'OBJECTID', 'COUNTY'" in report.notes[1]


def test_rows_without_id_get_stable_ids_from_position_and_name():
    text = without_hifld_ids()
    first, _ = parse_zones(text, HIFLD.name)
    again, _ = parse_zones(text, HIFLD.name)
    assert [zone.id for zone in first] == [zone.id for zone in again]
    assert first[0].id == stable_id("GROVE HILL POLICE DEPARTMENT", 31.7088269, -87.774662)
    assert first[0].id.startswith("grove-hill-police-department-")
    assert len({zone.id for zone in first}) == 19  # two rows at one place, two names


def test_a_blank_phone_or_address_reads_as_missing():
    zones, _ = parse_zones(without_hifld_ids(), HIFLD.name)
    by_name = {zone.name: zone for zone in zones}
    assert by_name["NEW YORK CITY POLICE DEPARTMENT - INTELLIGENCE DIVISION"].phone == ""
    assert by_name["ATMAUTLUAK TRADITIONAL COUNCIL"].address == ""


def test_latitude_longitude_columns_and_placeholders():
    text = (
        "Name,Address,Zip,Latitude,Longitude,Telephone\n"
        "Bridgeport PD,300 Congress St,NOT AVAILABLE,41.18,-73.19,N/A\n"
        "Nowhere PD,-999,06604,-999,-999,\n"
        "Typo PD,,,41.2,-73.2,555\n"
    )
    zones, report = parse_zones(text, "stations.csv")
    assert [(zone.name, zone.postal_code, zone.phone) for zone in zones] == [
        ("Bridgeport PD", "", ""),
        ("Typo PD", "", ""),
    ]
    assert [(r.where, r.reason) for r in report.rejected] == [("line 3", "missing coordinates")]
    assert "values failing a check dropped, rows kept: phone 1" in report.notes


def test_columns_named_on_the_command_line():
    text = "station,lieu,gps_n,gps_e\nCommissariat,1 rue X,48.8566,2.3522\n"
    zones, report = parse_zones(
        text,
        "fr.csv",
        columns={"name": "station", "address": "lieu", "lat": "gps_n", "lon": "gps_e"},
    )
    assert not report.rejected
    assert (zones[0].name, zones[0].address, zones[0].country) == ("Commissariat", "1 rue X", "FR")
    with pytest.raises(ZoneDataError, match="--columns: no column 'nope'"):
        parse_zones(text, "fr.csv", columns={"lat": "nope", "lon": "gps_e"})


def test_a_csv_without_any_position_is_refused_whole_with_the_way_out():
    with pytest.raises(ZoneDataError, match="--columns lat=COLUMN,lon=COLUMN"):
        parse_zones("NAME,ADDRESS\nA,B\n", "stations.csv")


def test_hifld_style_geojson_properties_are_read_too():
    text = _collection(
        _hifld_feature(TELEPHONE="318-633-9566"),
        _hifld_feature(NAME="DELTA PD ANNEX", ZIP=-999),
        _hifld_feature(),
    )
    zones, report = parse_zones(text, "stations.geojson")
    assert [zone.name for zone in zones] == ["DELTA POLICE DEPARTMENT", "DELTA PD ANNEX"]
    assert (zones[0].phone, zones[0].country, zones[0].region) == ("+13186339566", "US", "LA")
    assert zones[1].postal_code == ""
    assert [r.reason for r in report.rejected] == [
        f"duplicate id {zones[0].id} (first at feature 1)"  # same place, same name
    ]


# -- the pieces ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", True),
        ("  ", True),
        ("NOT AVAILABLE", True),
        ("n/a", True),
        ("-999", True),
        ("-999.0", True),
        ("NULL", True),
        ("NA", False),  # Namibia
        ("-99", False),
        ("0", False),
    ],
)
def test_placeholders(value, expected):
    assert is_placeholder(value) is expected


def test_stable_ids_fit_the_id_rules_whatever_the_name():
    assert stable_id("", 1.0, 2.0).startswith("at-")
    assert stable_id("पुलिस थाना", 1.0, 2.0).startswith("at-")
    assert len(stable_id("x" * 200, 1.0, 2.0)) <= 48
    assert stable_id("A", 1.0, 2.0) != stable_id("A", 1.0, 2.000001)


def test_the_columns_option():
    assert parse_columns_option("name=NAME, lat=Y,lon=X") == {
        "name": "NAME",
        "lat": "Y",
        "lon": "X",
    }
    with pytest.raises(ZoneDataError, match="unknown column 'latitude'"):
        parse_columns_option("latitude=Y")
    with pytest.raises(ZoneDataError, match="column=FILE_COLUMN"):
        parse_columns_option("lat")


def test_exact_schema_names_win_over_common_ones():
    columns = resolve_columns(["Y", "lat", "X", "LONGITUDE"], {})
    assert columns.sources == {"lat": "lat", "lon": "LONGITUDE"}
    assert columns.own == frozenset({"lat"})
