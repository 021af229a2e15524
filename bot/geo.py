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
# Widens each band's longitude span against rounding in the spherical formula.
_SPAN_SLACK_DEG = 1e-9
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


def search_boxes(center: Point, radius_m: float, bands: int = 1) -> list[Box]:
    """Boxes that together contain every point within ``radius_m`` of ``center``.

    The circle's latitudes are cut into ``bands`` bands, each with the longitude span the
    circle needs there: one band gives its bounding box, more bands hug it tighter (far
    fewer points to rank for a wide circle). A band crossing the antimeridian becomes two
    boxes; a band the circle covers all around (near a pole) spans every longitude.
    """
    angle = math.degrees(radius_m * _BOX_MARGIN / _MIN_CURVATURE_RADIUS_M)
    min_lat, max_lat = max(center.lat - angle, -90.0), min(center.lat + angle, 90.0)
    if angle >= 90.0:
        return [Box(min_lat, max_lat, -180.0, 180.0)]
    height = (max_lat - min_lat) / bands
    boxes: list[Box] = []
    for band in range(bands):
        south = min_lat + band * height
        north = max_lat if band == bands - 1 else south + height
        boxes += _band_boxes(center, angle, south, north)
    return boxes


def _band_boxes(center: Point, angle: float, south: float, north: float) -> list[Box]:
    """The boxes for the part of the circle between two latitudes."""
    half_span = _half_lon_span(center.lat, angle, south, north)
    if half_span >= 180.0:
        return [Box(south, north, -180.0, 180.0)]
    west, east = center.lon - half_span, center.lon + half_span
    if west < -180.0:
        return [Box(south, north, west + 360.0, 180.0), Box(south, north, -180.0, east)]
    if east > 180.0:
        return [Box(south, north, west, 180.0), Box(south, north, -180.0, east - 360.0)]
    return [Box(south, north, west, east)]


def _half_lon_span(center_lat: float, angle: float, south: float, north: float) -> float:
    """Widest longitude offset (degrees) from the centre within the cap, between two latitudes.

    The cap is the spherical one of angular radius ``angle``; 180 means every longitude.
    """
    if south <= -90.0 or north >= 90.0:
        return 180.0  # the band reaches a pole that the cap covers (or touches)
    # On the cap's edge cos(dlon) = (cos(angle) - sin(lat0) sin(lat)) / (cos(lat0) cos(lat));
    # that ratio is smallest (the span widest) at the tangent latitude, else at a band edge.
    lat0, cos_angle = math.radians(center_lat), math.cos(math.radians(angle))
    tangent = math.asin(max(-1.0, min(1.0, math.sin(lat0) / cos_angle)))
    lat = max(math.radians(south), min(math.radians(north), tangent))
    denominator = math.cos(lat0) * math.cos(lat)
    if denominator <= 0.0:
        return 180.0
    ratio = (cos_angle - math.sin(lat0) * math.sin(lat)) / denominator
    if ratio <= -1.0:
        return 180.0
    return math.degrees(math.acos(min(1.0, ratio))) + _SPAN_SLACK_DEG
