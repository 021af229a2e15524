"""The bundled zones CSV: valid, unique, and holding the programmes SafeMeet started from."""

from dataclasses import replace

import pytest

from bot.domain.geo import Point, distance_m
from bot.domain.zones import (
    CSV_COLUMNS,
    ZoneDataError,
    ZoneKind,
    bundled_zones,
    bundled_zones_text,
    read_zones_csv,
    write_zones_csv,
    zone_from_values,
)

# Zones the project was started from, with the ZIP / FSA centroid they must be near.
FOUNDING = {
    "Kingston": ("705 Division", Point(44.2322, -76.4799)),
    "Bridgeport": ("300 Congress", Point(41.1796, -73.2019)),
    "Orange": ("314 Lambert", Point(41.2815, -73.0287)),
    "Hartford": ("253 High", Point(41.7672, -72.676)),
}


def test_header_is_the_documented_schema():
    assert tuple(bundled_zones_text().splitlines()[0].split(",")) == CSV_COLUMNS


def test_every_row_is_valid_and_ids_are_unique():
    zones = bundled_zones()
    ids = [zone.id for zone in zones]
    assert len(ids) == len(set(ids))
    for zone in zones:
        assert zone.source, f"{zone.id}: say where the figures come from"
        assert zone.verified, f"{zone.id}: say when it was checked"
        assert len(zone.country) == 2


@pytest.mark.parametrize("city", sorted(FOUNDING))
def test_founding_programmes_are_there(city):
    street, centroid = FOUNDING[city]
    matches = [z for z in bundled_zones() if z.city == city and z.address.startswith(street)]
    assert len(matches) == 1
    zone = matches[0]
    assert zone.kind is ZoneKind.EXCHANGE_ZONE
    assert distance_m(zone.point, centroid) < 5_000


def test_csv_round_trips():
    zones = bundled_zones()
    assert list(read_zones_csv(write_zones_csv(zones))) == zones


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"lat": "91"}, "bad coordinates"),
        ({"kind": "bar"}, "kind"),
        ({"video": "maybe"}, "flag"),
    ],
)
def test_bad_rows_are_refused_with_the_line(change, reason):
    row = (
        {column: "" for column in CSV_COLUMNS}
        | {"id": "x", "name": "X", "kind": "police_station", "lat": "1", "lon": "2"}
        | change
    )
    text = ",".join(CSV_COLUMNS) + "\n" + ",".join(row[c] for c in CSV_COLUMNS) + "\n"
    with pytest.raises(ZoneDataError, match=f"line 2: .*{reason}"):
        list(read_zones_csv(text))


# Building positions from the public sources each row cites (City of Kingston points of
# interest; HIFLD Local Law Enforcement Locations; City of Hartford geocode of 253 High St).
BUILDINGS = {
    "ca-on-kingston-police-hq": Point(44.25126, -76.49546),
    "us-ct-bridgeport-police-hq": Point(41.1817119, -73.1927804),
    "us-ct-orange-police": Point(41.2635113, -73.0082991),
    "us-ct-hartford-police-hq": Point(41.77239, -72.67812),
}


@pytest.mark.parametrize(("zone_id", "building"), BUILDINGS.items())
def test_founding_zones_stand_on_their_building(zone_id, building):
    zone = next(z for z in bundled_zones() if z.id == zone_id)
    assert distance_m(zone.point, building) < 25


def test_sources_cite_data_not_issue_numbers():
    for zone in bundled_zones():
        assert "issue" not in zone.source.lower()
        assert "coordinates" in zone.source


def test_no_staffed_desk_claimed_without_a_source():
    kingston = next(z for z in bundled_zones() if z.id == "ca-on-kingston-police-hq")
    assert kingston.video
    assert not kingston.staffed  # front desk 8:00-18:00 since 2020


def test_a_zone_may_have_no_name_and_no_address():
    zone = zone_from_values(
        ["z-1", "", "police_station", "", "", "", "", "", "41.18", "-73.19", *[""] * 8]
    )
    assert (zone.name, zone.address, zone.full_address) == ("", "", "")


def test_the_name_in_a_language_falls_back_to_the_name():
    zone = replace(
        zone_from_values(
            ["z-1", "Αστυνομία", "police_station", "", "", "", "", "", "38", "21", *[""] * 8]
        ),
        names={"en": "Police"},
    )
    assert zone.name_in("en") == zone.name_in("en-GB") == "Police"
    assert zone.name_in("fr") == "Αστυνομία"
