"""The US police stations shipped in the package: the file, its rows and the curated places."""

from __future__ import annotations

import csv
import gzip
import io
import time
from dataclasses import replace

import pytest

from bot.domain.zones import CSV_COLUMNS, ZoneKind, bundled_zones, zone_from_values
from bot.sources.bundled_stations import (
    bundled_stations_bytes,
    checksum,
    is_bundled_station,
    read_stations,
    without_curated_places,
)
from bot.sources.live_zones import rough_distance_m

BRIDGEPORT_HIFLD = "us-hifld-10833889"  # HIFLD's Bridgeport PD, 300 Congress Street


@pytest.fixture(scope="module")
def stations():
    return list(read_stations(bundled_stations_bytes()))


def test_the_shipped_file_holds_the_us_stations(stations) -> None:
    assert 23_400 <= len(stations) <= 23_611
    assert all(zone.kind is ZoneKind.POLICE_STATION for zone in stations)
    assert all(is_bundled_station(zone.id) for zone in stations)
    assert len({zone.id for zone in stations}) == len(stations)
    assert len({(zone.lat, zone.lon) for zone in stations}) == len(stations)  # one per point
    assert {zone.country for zone in stations} == {"US", "PR", "GU", "VI", "AS", "MP"}


def test_every_shipped_row_passes_the_zone_checks_and_reads_back_the_same() -> None:
    text = gzip.decompress(bundled_stations_bytes()).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    assert tuple(next(reader)) == CSV_COLUMNS
    fast = read_stations(bundled_stations_bytes())
    for values, zone in zip(reader, fast, strict=True):
        checked = zone_from_values(values)  # the validation the bot's fast reader skips
        assert (checked.lat, checked.lon) == pytest.approx((zone.lat, zone.lon), abs=1e-9)
        assert replace(checked, lat=zone.lat, lon=zone.lon) == zone  # lon normalised in Point
        assert checked.phone == "" or checked.phone.startswith("+1")


def test_names_are_written_as_people_write_them(stations) -> None:
    names = {zone.name for zone in stations}
    assert "Beverly Hills Police Department" in names
    assert "McAllen Police Department" in names
    assert sum(zone.name.isupper() for zone in stations) < 20  # acronyms alone ("CSX")


def test_reading_the_file_is_fast() -> None:
    started = time.perf_counter()
    list(read_stations(bundled_stations_bytes()))
    assert time.perf_counter() - started < 1.5  # about 0.15 s; the start-up budget is 2 s


def test_a_station_where_a_curated_zone_is_is_left_out(stations) -> None:
    curated = bundled_zones()
    bridgeport = next(zone for zone in stations if zone.id == BRIDGEPORT_HIFLD)
    kept = without_curated_places(stations, curated)
    assert bridgeport not in kept
    assert len(stations) - len(kept) == 2  # Bridgeport and Orange; Hartford's row is the old site
    for zone in kept:
        assert all(rough_distance_m(zone.point, other.point) > 150 for other in curated)


def test_a_station_just_beyond_150_m_stays() -> None:
    curated = bundled_zones()[1]  # Bridgeport
    station = replace(curated, id="us-hifld-1", kind=ZoneKind.POLICE_STATION)
    near = replace(station, lat=curated.lat + 0.0013)  # about 145 m north
    far = replace(station, lat=curated.lat + 0.0014)  # about 156 m north
    assert without_curated_places([near, far], [curated]) == [far]


def test_the_checksum_follows_the_file_and_the_curated_zones() -> None:
    data = bundled_stations_bytes()
    assert checksum(data, "a") == checksum(data, "a")
    assert checksum(data, "a") != checksum(data, "b")
    assert checksum(data + b"x", "a") != checksum(data, "a")


def test_a_file_in_another_schema_is_refused() -> None:
    with pytest.raises(ValueError, match="schema"):
        list(read_stations(gzip.compress(b"id,name\nx,y\n")))
