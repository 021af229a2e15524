"""Offline check that a position lies in its stated country."""

from __future__ import annotations

import pytest

from bot.domain.countries import countries_at, known_country, outside_country


@pytest.mark.parametrize(
    ("lat", "lon", "country"),
    [
        (48.8566, 2.3522, "FR"),
        (41.1838, -73.1903, "US"),
        (44.2469, -76.4999, "CA"),
        (-33.8688, 151.2093, "AU"),
        (43.7384, 7.4246, "MC"),
    ],
)
def test_a_position_in_its_country_passes(lat: float, lon: float, country: str) -> None:
    assert country in countries_at(lat, lon)
    assert outside_country(lat, lon, country) is None


def test_a_position_in_another_country_names_it() -> None:
    assert outside_country(48.8566, 2.3522, "DE") == "in FR"


def test_a_position_at_sea_is_outside_every_country() -> None:
    assert countries_at(45.0, -30.0) == frozenset()
    assert outside_country(45.0, -30.0, "FR") == "at sea"


def test_a_position_just_over_a_border_gets_the_benefit_of_the_doubt() -> None:
    # Kehl (DE), about 300 m east of the Rhine border with Strasbourg (FR).
    assert countries_at(48.5737, 7.806) == frozenset({"DE"})
    assert outside_country(48.5737, 7.806, "FR") is None
    assert outside_country(48.5737, 7.85, "FR") == "in DE"


def test_a_country_the_tz_database_does_not_list_is_not_checked() -> None:
    assert not known_country("XK")
    assert outside_country(48.8566, 2.3522, "XK") is None
