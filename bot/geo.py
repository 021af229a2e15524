"""Geometry on the WGS84 ellipsoid: points, geodesic distance and bearing, search boxes."""

from __future__ import annotations

import math
from dataclasses import dataclass

from geographiclib.geodesic import Geodesic

_WGS84 = Geodesic.WGS84
# Smallest radius of curvature of the WGS84 ellipsoid (meridional, at the equator), in metres.
# Turning a distance into an angle with it over-estimates the angle, so boxes stay conservative.
_MIN_CURVATURE_RADIUS_M = 6_335_439.0
_BOX_MARGIN = 1.01
HALF_CIRCUMFERENCE_M = 20_003_931.0


class InvalidCoordinates(ValueError):
    """Latitude or longitude outside the valid range, or not a number."""


@dataclass(frozen=True, slots=True)
class Point:
    """A WGS84 position; longitude is normalised to [-180, 180)."""

    lat: float
    lon: float

    @classmethod
    def checked(cls, lat: float, lon: float) -> Point:
        """Validate ranges and normalise the longitude (180 becomes -180)."""
        if not (math.isfinite(lat) and math.isfinite(lon)):
            raise InvalidCoordinates("coordinates must be finite numbers")
        if not -90.0 <= lat <= 90.0:
            raise InvalidCoordinates(f"latitude {lat} is outside -90..90")
        if not -180.0 <= lon <= 180.0:
            raise InvalidCoordinates(f"longitude {lon} is outside -180..180")
        return cls(lat, normalize_lon(lon))


@dataclass(frozen=True, slots=True)
class Box:
    """A latitude/longitude rectangle that does not cross the antimeridian."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def normalize_lon(lon: float) -> float:
    """Map any longitude into [-180, 180)."""
    return ((lon + 180.0) % 360.0) - 180.0


def distance_and_bearing(origin: Point, target: Point) -> tuple[float, float]:
    """Geodesic distance in metres and initial bearing in degrees [0, 360) from origin."""
    result = _WGS84.Inverse(origin.lat, origin.lon, target.lat, target.lon)
    return result["s12"], result["azi1"] % 360.0


def distance_m(origin: Point, target: Point) -> float:
    """Geodesic distance in metres."""
    return _WGS84.Inverse(origin.lat, origin.lon, target.lat, target.lon, Geodesic.DISTANCE)["s12"]


COMPASS_POINTS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


def compass_point(bearing_deg: float) -> str:
    """One of eight compass points (N, NE, ...) for a bearing in degrees."""
    index = round((bearing_deg % 360.0) / 45.0) % 8
    return COMPASS_POINTS[index]


def search_boxes(center: Point, radius_m: float) -> list[Box]:
    """Boxes that together contain every point within ``radius_m`` of ``center``.

    One box normally; two when the circle crosses the antimeridian; a full-longitude band
    when it reaches a pole.
    """
    angle = math.degrees(radius_m * _BOX_MARGIN / _MIN_CURVATURE_RADIUS_M)
    min_lat, max_lat = center.lat - angle, center.lat + angle
    if min_lat <= -90.0 or max_lat >= 90.0 or angle >= 90.0:
        return [Box(max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)]
    # Widest longitude span of a spherical cap of this angular radius (at its tangent points).
    ratio = math.sin(math.radians(angle)) / math.cos(math.radians(center.lat))
    if ratio >= 1.0:
        return [Box(min_lat, max_lat, -180.0, 180.0)]
    half_span = math.degrees(math.asin(ratio))
    west, east = center.lon - half_span, center.lon + half_span
    if west < -180.0:
        return [Box(min_lat, max_lat, west + 360.0, 180.0), Box(min_lat, max_lat, -180.0, east)]
    if east > 180.0:
        return [Box(min_lat, max_lat, west, 180.0), Box(min_lat, max_lat, -180.0, east - 360.0)]
    return [Box(min_lat, max_lat, west, east)]
