"""Is a position in a stated country? Offline: its timezone (timezonefinder) and IANA's zone.tab.

Every land timezone belongs to one country in the tz database's ``zone.tab``, and the
timezone polygons follow the OpenStreetMap borders (territorial waters included), so the
country of a position's timezone is its country. Coarse where a timezone spans borders the
tz database does not split; positions near a border are given the benefit of the doubt.
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources

from bot.domain.localtime import timezone_name_at

# A position this close to the stated country counts as in it (borders, coastlines, rounding).
BORDER_TOLERANCE_M = 1_000.0
_METRES_PER_DEGREE = 111_320.0


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, frozenset[str]]:
    """Timezone name to the ISO 3166-1 alpha-2 countries that use it (tzdata's zone.tab)."""
    table = resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    found: dict[str, set[str]] = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            code, _, zone = line.split("\t")[:3]
            found.setdefault(zone, set()).add(code)
    return {zone: frozenset(codes) for zone, codes in found.items()}


@lru_cache(maxsize=1)
def _known_countries() -> frozenset[str]:
    """Every country the tz database lists."""
    return frozenset().union(*_zone_countries().values())


def known_country(code: str) -> bool:
    """True when the tz database lists the country (so positions in it can be checked)."""
    return code in _known_countries()


def countries_at(lat: float, lon: float) -> frozenset[str]:
    """Countries whose timezone covers the position; empty at sea."""
    return _zone_countries().get(timezone_name_at(lat, lon), frozenset())


def country_at(lat: float, lon: float) -> str:
    """The country of a position (ISO 3166-1 alpha-2), or '' at sea and where unknown."""
    here = countries_at(lat, lon)
    return min(here) if here else ""


def _nearby(lat: float, lon: float, distance_m: float) -> list[tuple[float, float]]:
    """Eight positions about ``distance_m`` around a position (N, NE, ..., NW)."""
    dlat = distance_m / _METRES_PER_DEGREE
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    around = []
    for step_lat, step_lon in (
        (1, 0),
        (1, 1),
        (0, 1),
        (-1, 1),
        (-1, 0),
        (-1, -1),
        (0, -1),
        (1, -1),
    ):
        near_lat = min(90.0, max(-90.0, lat + step_lat * dlat))
        near_lon = (lon + step_lon * dlon + 180.0) % 360.0 - 180.0
        around.append((near_lat, near_lon))
    return around


def outside_country(lat: float, lon: float, country: str) -> str | None:
    """Why the position is not in ``country`` ('at sea', 'in DE'), or None when it is.

    None too when the tz database does not know the country code, so it cannot be checked.
    """
    here = countries_at(lat, lon)
    if country in here or not known_country(country):
        return None
    if any(country in countries_at(*near) for near in _nearby(lat, lon, BORDER_TOLERANCE_M)):
        return None
    return f"in {', '.join(sorted(here))}" if here else "at sea"
