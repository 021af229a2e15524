"""Local time at a place: its timezone (offline, from coordinates) and whether it is dark."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from astral import Observer
from astral.sun import elevation

from bot.domain.geo import Point

if TYPE_CHECKING:
    from timezonefinder import TimezoneFinder

# The sun's centre this far below the horizon: sunset (refraction and its radius included).
SUNSET_ELEVATION_DEG = -0.833
UTC_NAME = "UTC"


@lru_cache(maxsize=1)
def _finder() -> TimezoneFinder:
    """Imported on first use: it brings numpy, which start-up does not need."""
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


@lru_cache(maxsize=4096)
def timezone_name_at(lat: float, lon: float) -> str:
    """IANA timezone name at a position (the nearest ocean zone such as Etc/GMT+5 at sea)."""
    name = _finder().timezone_at(lat=lat, lng=lon)
    return name or UTC_NAME


def timezone_at(point: Point) -> ZoneInfo:
    """The timezone at a position, UTC when unknown."""
    try:
        return ZoneInfo(timezone_name_at(round(point.lat, 4), round(point.lon, 4)))
    except ZoneInfoNotFoundError:
        return ZoneInfo(UTC_NAME)


def after_sunset(point: Point, when: datetime) -> bool:
    """True when the sun is below the horizon at ``point`` at the aware instant ``when``."""
    return elevation(Observer(point.lat, point.lon), when) < SUNSET_ELEVATION_DEG
