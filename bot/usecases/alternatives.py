"""Another reading of what the user typed: coordinates typed longitude first.

Coordinates that are off land as typed (at sea, in Antarctica, or off the map) but on land
once swapped get a "did you mean" suggestion. Offline: the timezone polygons tell land from sea.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.countries import countries_at
from bot.domain.geo import Point

_ANTARCTICA = frozenset({"AQ"})


@dataclass(frozen=True, slots=True)
class SwappedCoordinates:
    """The position the user probably meant, and how to type it."""

    point: Point
    typed: str


def on_land(lat: float, lon: float) -> bool:
    """True on land or in territorial waters, Antarctica excepted (offline)."""
    here = countries_at(lat, lon)
    return bool(here) and here != _ANTARCTICA


def swapped_coordinates(lat_text: str, lon_text: str) -> SwappedCoordinates | None:
    """What the user meant when the typed position is off land and the swapped one on it.

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
    return SwappedCoordinates(Point.checked(lon, lat), f"{lon_text}, {lat_text}")
