"""Nearest-k zone search: an R*Tree box narrows candidates, geodesic distance ranks them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.geo import HALF_CIRCUMFERENCE_M, Box, Point, distance_and_bearing, search_boxes
from bot.zones import Zone

START_RADIUS_M = 10_000.0
GROWTH = 4.0
_MEAN_EARTH_RADIUS_M = 6_371_008.8
# A great-circle distance on the mean sphere is within 0.6% of the WGS84 geodesic one.
_SPHERE_ERROR = 0.01


class ZoneSource(Protocol):
    """Where the search reads zones from (storage.zones.ZoneRepository)."""

    async def in_boxes(self, boxes: Sequence[Box]) -> list[Zone]: ...


@dataclass(frozen=True, slots=True)
class ZoneMatch:
    """A zone with its distance (metres) and bearing (degrees) from the searcher."""

    zone: Zone
    distance_m: float
    bearing_deg: float


def great_circle_m(origin: Point, target: Point) -> float:
    """Haversine distance on the mean sphere: cheap, within 0.6% of the geodesic."""
    lat1, lat2 = math.radians(origin.lat), math.radians(target.lat)
    half_dlat = (lat2 - lat1) / 2
    half_dlon = math.radians(target.lon - origin.lon) / 2
    a = math.sin(half_dlat) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(half_dlon) ** 2
    return 2 * _MEAN_EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def nearest_of(origin: Point, zones: Sequence[Zone], k: int) -> list[ZoneMatch]:
    """The k zones nearest to origin among ``zones``, by exact geodesic distance.

    Great-circle distances pick a shortlist that surely holds the k nearest; only the
    shortlist pays for the (much slower) geodesic computation.
    """
    unique = {zone.id: zone for zone in zones}
    rough = sorted(
        ((great_circle_m(origin, z.point), z) for z in unique.values()), key=lambda pair: pair[0]
    )
    if len(rough) > k:
        bound = rough[k - 1][0] * (1 + _SPHERE_ERROR) / (1 - _SPHERE_ERROR) + 1.0
        rough = [pair for pair in rough if pair[0] <= bound]
    matches = [ZoneMatch(zone, *distance_and_bearing(origin, zone.point)) for _, zone in rough]
    matches.sort(key=lambda match: (match.distance_m, match.zone.id))
    return matches[:k]


async def nearest_zones(
    source: ZoneSource, origin: Point, k: int, start_radius_m: float = START_RADIUS_M
) -> list[ZoneMatch]:
    """The k zones nearest to ``origin``, nearest first (fewer if fewer exist).

    Grows a search circle until it holds k zones. Once a box returns k candidates, the k-th
    candidate's distance is a radius that surely holds the true k nearest, so at most one
    more query is needed.
    """
    if k <= 0:
        return []
    radius = start_radius_m
    while True:
        best = nearest_of(origin, await source.in_boxes(search_boxes(origin, radius)), k)
        if radius >= HALF_CIRCUMFERENCE_M:
            return best
        if len(best) == k:
            if best[-1].distance_m <= radius:
                return best
            radius = best[-1].distance_m
        else:
            radius = min(radius * GROWTH, HALF_CIRCUMFERENCE_M)
