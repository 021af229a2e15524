"""Emergency numbers and units follow the country a position is in."""

from __future__ import annotations

import pytest

from bot.domain.countries import country_at
from bot.domain.emergency import emergency_numbers, known_countries
from bot.i18n import Catalogs
from bot.texts.formatting import emergency_numbers_text, uses_miles

EN = Catalogs().get("en")

# (name, position, country, numbers, miles)
PLACES = [
    ("Los Angeles", (34.05, -118.24), "US", ("911",), True),
    ("Manhattan", (40.71, -74.00), "US", ("911",), True),
    ("Toronto", (43.65, -79.38), "CA", ("911",), False),
    ("London", (51.50, -0.12), "GB", ("999", "112"), True),
    ("Paris", (48.85, 2.35), "FR", ("112",), False),
    ("Berlin", (52.52, 13.40), "DE", ("112",), False),
    ("Sydney", (-33.86, 151.21), "AU", ("000",), False),
    ("Auckland", (-36.85, 174.76), "NZ", ("111",), False),
    ("Tokyo", (35.68, 139.69), "JP", ("110",), False),
    ("the Atlantic", (30.0, -40.0), "", ("112",), False),
    ("Monrovia", (6.30, -10.80), "LR", ("112",), True),
]


@pytest.mark.parametrize(("name", "where", "country", "numbers", "miles"), PLACES)
def test_a_position_gives_its_country_number_and_units(name, where, country, numbers, miles):
    assert country_at(*where) == country, name
    assert emergency_numbers(country_at(*where)) == numbers, name
    assert uses_miles(country_at(*where)) is miles, name


def test_unknown_or_empty_country_gets_112():
    assert emergency_numbers("") == ("112",)
    assert emergency_numbers("ZZ") == ("112",)


def test_every_eu_country_is_112():
    eu = {
        *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU"),
        *("IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"),
    }
    assert {emergency_numbers(code) for code in eu} == {("112",)}
    assert known_countries() >= eu


def test_two_numbers_are_written_with_or():
    assert emergency_numbers_text("GB", EN) == "<b>999</b> or <b>112</b>"
    assert emergency_numbers_text("US", EN) == "<b>911</b>"


def test_codes_are_case_insensitive():
    assert emergency_numbers("au") == ("000",)
