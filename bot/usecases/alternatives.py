"""Other readings of a query, offered as buttons: a code of several countries, swapped numbers.

A bare postal code that several countries use is never silently read as one of them, and
coordinates typed longitude first (off land as typed, on land once swapped) get a
"did you mean" button. The buttons' callback data is short (Telegram allows 64 bytes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.countries import countries_at
from bot.domain.geo import InvalidCoordinates, Point
from bot.sources.postal import CHOICE_PREFIX as POSTAL_PREFIX
from bot.sources.postal import PostalPlace, choice_data

COORDINATES_PREFIX = "co:"  # co:41.18,-73.19, a "did you mean" button's callback data
CALLBACK_PATTERN = f"^({re.escape(POSTAL_PREFIX)}|{re.escape(COORDINATES_PREFIX)})"
# Countries whose buttons name the region too: the same town name recurs across states.
_REGION_SHOWN = frozenset({"US"})
_ANTARCTICA = frozenset({"AQ"})
_COORDINATES_DATA = re.compile(r"^co:(-?\d{1,3}(?:\.\d{1,6})?),(-?\d{1,3}(?:\.\d{1,6})?)$")


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another reading of what the user typed: its button label and data, how to type it."""

    label: str
    data: str
    typed: str


def postal_alternative(place: PostalPlace) -> Alternative:
    """The button for one country's reading of a code: "Paris, FR", "Addison, Texas, US"."""
    query = place.query
    parts = [place.locality or query.display]
    if query.country in _REGION_SHOWN and place.region and place.region != place.locality:
        parts.append(place.region)
    parts.append(query.country)
    return Alternative(", ".join(parts), choice_data(query), f"{query.country} {query.display}")


def on_land(lat: float, lon: float) -> bool:
    """True on land or in territorial waters, Antarctica excepted (offline)."""
    here = countries_at(lat, lon)
    return bool(here) and here != _ANTARCTICA


def _short(value: float) -> str:
    """A coordinate with at most six decimals, no trailing zeros."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def swapped_alternative(lat_text: str, lon_text: str) -> Alternative | None:
    """A "did you mean lon, lat?" button when the typed position is off land, the swapped on it.

    Off land: at sea, in Antarctica, or off the map (a latitude beyond 90). A pole typed
    exactly (``-90, 0``) is meant: every longitude is the same point there.
    """
    lat, lon = float(lat_text), float(lon_text)
    if abs(lon) > 90 or abs(lat) > 180 or abs(lat) == 90:
        return None
    if abs(lat) <= 90 and on_land(lat, lon):
        return None
    if not on_land(lon, lat):
        return None
    typed = f"{lon_text}, {lat_text}"
    return Alternative(f"📍 {typed}", f"{COORDINATES_PREFIX}{_short(lon)},{_short(lat)}", typed)


def parse_coordinates_choice(data: str | None) -> Point | None:
    """The position a "did you mean" button names; None when forged or malformed."""
    match = _COORDINATES_DATA.match(data or "")
    if match is None:
        return None
    try:
        return Point.checked(float(match.group(1)), float(match.group(2)))
    except InvalidCoordinates:
        return None
