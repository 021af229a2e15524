"""Geometry: distances, bearings, compass points and search boxes at the edges of the map."""

import math
import random

import pytest
from geographiclib.geodesic import Geodesic

from bot.domain.geo import (
    InvalidCoordinates,
    Point,
    compass_point,
    distance_and_bearing,
    distance_m,
    hugging_boxes,
    normalize_lon,
    search_boxes,
)


def _inside(point: Point, boxes) -> bool:
    return any(
        b.min_lat <= point.lat <= b.max_lat and b.min_lon <= point.lon <= b.max_lon for b in boxes
    )


def test_distance_across_the_antimeridian_is_short():
    west, east = Point(10.0, 179.9), Point(10.0, -179.9)
    assert distance_m(west, east) == pytest.approx(21_900, rel=0.01)


def test_bearing_points_east_across_the_antimeridian():
    _, bearing = distance_and_bearing(Point(0.0, 179.95), Point(0.0, -179.95))
    assert compass_point(bearing) == "E"


@pytest.mark.parametrize(
    ("bearing", "point"),
    [
        (0, "N"),
        (22.4, "N"),
        (22.6, "NE"),
        (90, "E"),
        (180, "S"),
        (270, "W"),
        (337.6, "N"),
        (359.9, "N"),
        (-45, "NW"),
    ],
)
def test_compass_points(bearing, point):
    assert compass_point(bearing) == point


@pytest.mark.parametrize(
    ("lat", "lon"), [(91, 0), (-90.1, 0), (0, 180.5), (0, -181), (math.nan, 0), (0, math.inf)]
)
def test_invalid_coordinates_are_refused(lat, lon):
    with pytest.raises(InvalidCoordinates):
        Point.checked(lat, lon)


def test_longitude_180_is_normalised():
    assert Point.checked(0, 180).lon == -180
    assert normalize_lon(540) == -180
    assert normalize_lon(-190) == 170


def test_box_splits_at_the_antimeridian():
    boxes = search_boxes(Point(10.0, 179.9), 50_000)
    assert len(boxes) == 2
    assert _inside(Point(10.0, -179.9), boxes)
    assert _inside(Point(10.0, 179.5), boxes)


def test_box_near_a_pole_covers_every_longitude():
    boxes = search_boxes(Point(89.9, 0.0), 50_000)
    assert boxes[0].min_lon == -180
    assert boxes[0].max_lon == 180
    assert _inside(Point(89.9, 180 - 1e-9), boxes)


def test_box_at_the_pole_itself():
    boxes = search_boxes(Point(-90.0, 0.0), 10_000)
    assert _inside(Point(-89.95, 123.0), boxes)


def test_boxes_hold_every_point_within_the_radius():
    rng = random.Random(7)
    for _ in range(2_000):
        center = Point(rng.uniform(-89.9, 89.9), rng.uniform(-180, 179.999))
        radius = 10 ** rng.uniform(2, 7)
        target = Point(rng.uniform(-90, 90), rng.uniform(-180, 179.999))
        if distance_m(center, target) <= radius:
            assert _inside(target, search_boxes(center, radius)), (center, target, radius)


def _point_at(center: Point, distance: float, azimuth: float) -> Point:
    """The point ``distance`` metres from center along ``azimuth`` (WGS84)."""
    found = Geodesic.WGS84.Direct(center.lat, center.lon, azimuth, distance)
    return Point.checked(found["lat2"], normalize_lon(found["lon2"]))


@pytest.mark.parametrize("bands", [2, 4, 8])
def test_banded_boxes_hold_every_point_within_the_radius(bands):
    rng = random.Random(bands)
    for _ in range(3_000):
        near_edge = rng.random() < 0.5  # poles and antimeridian half the time
        lat = rng.choice([-1, 1]) * rng.uniform(75, 90) if near_edge else rng.uniform(-90, 90)
        lon = rng.choice([-1, 1]) * rng.uniform(170, 180) if near_edge else rng.uniform(-180, 180)
        center = Point.checked(lat, lon)
        radius = 10 ** rng.uniform(3, 7.3)
        # Points just inside the circle are the ones a too-tight band would miss.
        target = _point_at(center, radius * rng.uniform(0.97, 1.0), rng.uniform(0, 360))
        if distance_m(center, target) <= radius:
            assert _inside(target, search_boxes(center, radius, bands)), (center, target, radius)


def test_bands_hug_a_wide_circle_closer_than_one_box():
    center = Point(75.0, 20.0)  # far north a single box is widest: bands save most there
    assert _area(search_boxes(center, 1_500_000, 4)) < 0.8 * _area(search_boxes(center, 1_500_000))


def test_band_reaching_a_pole_spans_every_longitude():
    boxes = search_boxes(Point(88.0, 10.0), 500_000, 4)
    top = max(boxes, key=lambda b: b.max_lat)
    assert (top.max_lat, top.min_lon, top.max_lon) == (90.0, -180.0, 180.0)
    assert _inside(Point(89.0, -170.0), boxes)


def test_geodesics_match_geographiclib():
    """PROJ's C geodesic is Karney's algorithm, as geographiclib's reference one."""
    rng = random.Random(11)
    for _ in range(2_000):
        a = Point(rng.uniform(-90, 90), rng.uniform(-180, 180))
        b = Point(rng.uniform(-90, 90), rng.uniform(-180, 180)) if rng.random() < 0.5 else a
        b = Point(max(-90.0, min(90.0, b.lat + rng.gauss(0, 0.5))), b.lon + rng.gauss(0, 0.5))
        reference = Geodesic.WGS84.Inverse(a.lat, a.lon, b.lat, b.lon)
        distance, bearing = distance_and_bearing(a, b)
        assert distance == pytest.approx(reference["s12"], abs=1e-6)
        assert distance_m(a, b) == distance
        turn = (bearing - reference["azi1"] % 360.0 + 180.0) % 360.0 - 180.0
        assert abs(turn) < 1e-6 or distance < 1e-3


def test_hugging_boxes_hold_every_point_within_the_radius():
    rng = random.Random(5)
    for _ in range(3_000):
        near_edge = rng.random() < 0.5
        lat = rng.choice([-1, 1]) * rng.uniform(80, 90) if near_edge else rng.uniform(-90, 90)
        lon = rng.choice([-1, 1]) * rng.uniform(170, 180) if near_edge else rng.uniform(-180, 180)
        center = Point.checked(lat, lon)
        radius = 10 ** rng.uniform(3, 7.3)
        target = _point_at(center, radius * rng.uniform(0.97, 1.0), rng.uniform(0, 360))
        if distance_m(center, target) <= radius:
            assert _inside(target, hugging_boxes(center, radius)), (center, target, radius)


def test_hugging_boxes_are_one_box_mostly_and_bands_near_a_pole():
    assert len(hugging_boxes(Point(45.0, 10.0), 300_000)) == 1
    assert len(hugging_boxes(Point(10.0, 179.9), 300_000)) == 2  # split at the antimeridian
    near_pole = hugging_boxes(Point(88.0, 10.0), 300_000)
    assert len(near_pole) > 2
    assert _area(near_pole) < 0.5 * _area(search_boxes(Point(88.0, 10.0), 300_000))


def test_bands_all_around_a_pole_make_one_box():
    for center in (Point(89.5, 30.0), Point(-89.0, -150.0), Point(86.0, 179.0)):
        boxes = search_boxes(center, 800_000, 6)
        all_around = [b for b in boxes if b.min_lon == -180.0 and b.max_lon == 180.0]
        assert len(all_around) == 1
        across = Point(math.copysign(89.0, center.lat), normalize_lon(center.lon + 180.0))
        assert _inside(across, boxes)  # over the pole


def _area(boxes) -> float:
    return sum(
        (math.sin(math.radians(b.max_lat)) - math.sin(math.radians(b.min_lat)))
        * (b.max_lon - b.min_lon)
        for b in boxes
    )
