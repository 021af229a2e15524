"""Geometry on the WGS84 ellipsoid: points, geodesic distance and bearing, search boxes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pyproj import Geod

# Smallest radius of curvature of the WGS84 ellipsoid (meridional, at the equator), in metres.
# Turning a distance into an angle with it over-estimates the angle, so boxes stay conservative.
_MIN_CURVATURE_RADIUS_M = 6_335_439.0
_BOX_MARGIN = 1.01
# Widens each band's longitude span against rounding in the spherical formula.
_SPAN_SLACK_DEG = 1e-9
# hugging_boxes cuts a circle into bands where one box would be this much larger than it.
_HUG_AREA_RATIO = 1.5
_HUG_BANDS = 6
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


class Box(NamedTuple):
    """A latitude/longitude rectangle that does not cross the antimeridian."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def normalize_lon(lon: float) -> float:
    """Map any longitude into [-180, 180)."""
    return ((lon + 180.0) % 360.0) - 180.0


@cache
def _wgs84() -> Geod:
    """Karney's geodesics on WGS84, in C (PROJ): about 50 times faster than geographiclib.

    Imported on first use: pyproj takes about 0.15 s to import, which start-up need not pay.
    """
    from pyproj import Geod

    return Geod(ellps="WGS84")


def distance_and_bearing(origin: Point, target: Point) -> tuple[float, float]:
    """Geodesic distance in metres and initial bearing in degrees [0, 360) from origin."""
    azimuth, _, distance = _wgs84().inv(origin.lon, origin.lat, target.lon, target.lat)
    return distance, azimuth % 360.0


def distance_m(origin: Point, target: Point) -> float:
    """Geodesic distance in metres."""
    return _wgs84().inv(origin.lon, origin.lat, target.lon, target.lat)[2]


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
    boxes; bands the circle covers all around (near a pole) make one box of every longitude.
    """
    return _Cap(center, radius_m).boxes(bands)


def hugging_boxes(center: Point, radius_m: float) -> list[Box]:
    """search_boxes with few boxes that still hug the circle.

    Its bounding box where that is at most half as large again as the circle (most places:
    about 27% larger), else latitude bands (near a pole).
    """
    cap = _Cap(center, radius_m)
    boxes = cap.boxes(1)
    if _area(boxes) <= _HUG_AREA_RATIO * cap.area():
        return boxes
    return cap.boxes(_HUG_BANDS)


def _area(boxes: list[Box]) -> float:
    """Area of the boxes on the unit sphere (steradians)."""
    sin, radians = math.sin, math.radians
    return sum(
        (sin(radians(b.max_lat)) - sin(radians(b.min_lat))) * radians(b.max_lon - b.min_lon)
        for b in boxes
    )


class _Cap:
    """A search circle as a spherical cap, with the trigonometry its boxes share.

    Its angular radius over-estimates the circle's (smallest radius of curvature, and a
    margin), so the boxes stay conservative.
    """

    __slots__ = ("angle", "center", "cos_angle", "cos_lat0", "sin_lat0", "tangent")

    def __init__(self, center: Point, radius_m: float) -> None:
        self.center = center
        self.angle = math.degrees(radius_m * _BOX_MARGIN / _MIN_CURVATURE_RADIUS_M)
        lat0 = math.radians(center.lat)
        self.sin_lat0, self.cos_lat0 = math.sin(lat0), math.cos(lat0)
        self.cos_angle = math.cos(math.radians(min(self.angle, 180.0)))
        # The latitude (radians) where the cap is widest, if it does not cover a pole.
        ratio = self.sin_lat0 / self.cos_angle if self.cos_angle > 0.0 else 2.0
        self.tangent = math.asin(max(-1.0, min(1.0, ratio)))

    def area(self) -> float:
        """The cap's area on the unit sphere (steradians)."""
        return 2 * math.pi * (1 - self.cos_angle)

    def boxes(self, bands: int) -> list[Box]:
        """Boxes covering the cap, its latitudes cut into ``bands`` bands."""
        center, angle = self.center, self.angle
        min_lat, max_lat = max(center.lat - angle, -90.0), min(center.lat + angle, 90.0)
        if angle >= 90.0:
            return [Box(min_lat, max_lat, -180.0, 180.0)]
        height = (max_lat - min_lat) / bands
        boxes: list[Box] = []
        for band in range(bands):
            south = min_lat + band * height
            north = max_lat if band == bands - 1 else south + height
            for box in self._band_boxes(south, north):
                if boxes and _all_around(box) and _all_around(boxes[-1]):
                    box = Box(boxes.pop().min_lat, north, -180.0, 180.0)  # one box, not two
                boxes.append(box)
        return boxes

    def _band_boxes(self, south: float, north: float) -> list[Box]:
        """The boxes for the part of the cap between two latitudes."""
        half_span = self._half_lon_span(south, north)
        if half_span >= 180.0:
            return [Box(south, north, -180.0, 180.0)]
        lon = self.center.lon
        west, east = lon - half_span, lon + half_span
        if west < -180.0:
            return [Box(south, north, west + 360.0, 180.0), Box(south, north, -180.0, east)]
        if east > 180.0:
            return [Box(south, north, west, 180.0), Box(south, north, -180.0, east - 360.0)]
        return [Box(south, north, west, east)]

    def _half_lon_span(self, south: float, north: float) -> float:
        """Widest longitude offset (degrees) from the centre in the cap between two latitudes.

        180 means every longitude.
        """
        if south <= -90.0 or north >= 90.0:
            return 180.0  # the band reaches a pole that the cap covers (or touches)
        # On the cap's edge cos(dlon) = (cos(angle) - sin(lat0) sin(lat)) / (cos(lat0) cos(lat));
        # that ratio is smallest (the span widest) at the tangent latitude, else at a band edge.
        lat = max(math.radians(south), min(math.radians(north), self.tangent))
        denominator = self.cos_lat0 * math.cos(lat)
        if denominator <= 0.0:
            return 180.0
        ratio = (self.cos_angle - self.sin_lat0 * math.sin(lat)) / denominator
        if ratio <= -1.0:
            return 180.0
        return math.degrees(math.acos(min(1.0, ratio))) + _SPAN_SLACK_DEG


def _all_around(box: Box) -> bool:
    """True when the box spans every longitude."""
    return box.min_lon <= -180.0 and box.max_lon >= 180.0
