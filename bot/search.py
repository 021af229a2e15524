"""Nearest-k zone search: R*Tree boxes narrow the candidates, geodesic distance ranks them.

A read from the database is a round trip to aiosqlite's thread and a geodesic costs about
as much, so the search keeps both few. It first reads full rows within a start radius
(picked from the zone count, it usually holds k zones: one read in all). Otherwise it
grows the circle on the R*Tree alone, which is much cheaper per zone and narrows a circle
that holds too many zones instead of reading them, then reads full rows of the shortlisted
zones only. Great-circle bounds decide which candidates need a geodesic, and only the
winners become Zone objects. Results are the same as ranking every zone by geodesic.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.geo import HALF_CIRCUMFERENCE_M, Box, Point, distance_and_bearing, search_boxes
from bot.zones import Zone

START_RADIUS_M = 10_000.0
GROWTH = 4.0
_MEAN_EARTH_RADIUS_M = 6_371_008.8
# A great-circle distance on the mean sphere is within 0.6% of the WGS84 geodesic one.
_SPHERE_ERROR = 0.01
# Slack (metres) for rounding in the bounds derived from great-circle distances.
_ROUNDING_M = 1.0
# How far (metres) a position read from the index alone may be from the zone's (under 5 m).
_INDEX_POSITION_M = 10.0
# Wider circles are cut into latitude bands that hug them: fewer candidates to rank, at
# the price of one more R*Tree lookup per band.
_BANDED_RADIUS_M = 100_000.0
_BANDS = 6
# Past the start radius, circles holding more zones than this are narrowed instead of read,
# down to a ratio of radii of _NARROWEST.
_ROW_CAP = 64
_NARROWEST = 1.1
# Land area of the Earth (Antarctica included), for a start radius from the zone count.
_LAND_AREA_M2 = 1.49e14
_START_OVERSHOOT = 2.0

# A stored zone as the source reads it: (key, lat, lon, ...); the rest is the source's.
Candidate = tuple[Any, ...]
# (great-circle distance, key, candidate)
_Rough = tuple[float, Any, Candidate]
# (geodesic distance, zone id, bearing, candidate)
_Exact = tuple[float, str, float, Candidate]
_Geodesics = dict[tuple, tuple[float, float]]


class ZoneSource(Protocol):
    """Where the search reads zones from (storage.zones.ZoneRepository)."""

    async def candidates_in_boxes(self, boxes: Sequence[Box]) -> list[Candidate]:
        """(zone id, lat, lon, ...) of the zones inside any of the boxes."""
        ...

    async def rough_positions_in_boxes(
        self, boxes: Sequence[Box], limit: int | None = None
    ) -> list[Candidate]:
        """(key, lat, lon), within 5 m, of the zones in the boxes: cheaper, from the index.

        With a limit, at most limit + 1 of them: more than limit means "too many".
        """
        ...

    async def candidates_with_keys(self, keys: Sequence[Any]) -> list[Candidate]:
        """Rows as candidates_in_boxes gives them, for keys of rough positions."""
        ...

    def zone_of(self, candidate: Candidate) -> Zone:
        """The Zone of a row from candidates_in_boxes."""
        ...


@dataclass(frozen=True, slots=True)
class ZoneMatch:
    """A zone with its distance (metres) and bearing (degrees) from the searcher."""

    zone: Zone
    distance_m: float
    bearing_deg: float


def start_radius_for(zone_count: int, k: int) -> float:
    """A start radius that usually holds k zones at once if the zones cover the land evenly.

    Only speed depends on it: too small costs more round trips, too large more candidates.
    """
    if zone_count <= 0:
        return HALF_CIRCUMFERENCE_M
    typical = math.sqrt(max(k, 1) * _LAND_AREA_M2 / (math.pi * zone_count))
    return min(max(START_RADIUS_M, _START_OVERSHOOT * typical), HALF_CIRCUMFERENCE_M)


def boxes_for(origin: Point, radius_m: float) -> list[Box]:
    """The boxes to read for a search circle (latitude bands once it is wide)."""
    return search_boxes(origin, radius_m, _BANDS if radius_m > _BANDED_RADIUS_M else 1)


def rough_ranking(origin: Point, candidates: Sequence[Candidate]) -> list[_Rough]:
    """Candidates by great-circle (haversine) distance, nearest first, each key once."""
    sin, cos, radians = math.sin, math.cos, math.radians
    lat1 = radians(origin.lat)
    cos_lat1, lon1 = cos(lat1), origin.lon
    scale = 2 * _MEAN_EARTH_RADIUS_M
    ranked = []
    for candidate in {candidate[0]: candidate for candidate in candidates}.values():
        lat2 = radians(candidate[1])
        half_dlon = radians(candidate[2] - lon1) / 2
        a = sin((lat2 - lat1) / 2) ** 2 + cos_lat1 * cos(lat2) * sin(half_dlon) ** 2
        ranked.append((scale * math.asin(min(1.0, math.sqrt(a))), candidate[0], candidate))
    ranked.sort()
    return ranked


def exact_ranking(
    origin: Point, rough: Sequence[_Rough], k: int, known: _Geodesics
) -> list[_Exact]:
    """The k nearest of ``rough`` by geodesic distance (ties by id).

    Walks the candidates nearest first and stops once the next is surely farther than the
    k-th found, so the slow geodesic runs about k times. ``known`` keeps the geodesics
    already computed during this search.
    """
    best: list[_Exact] = []
    for rough_m, zone_id, candidate in rough:
        if len(best) == k and rough_m * (1 - _SPHERE_ERROR) - _ROUNDING_M > best[-1][0]:
            break
        key = candidate[:3]
        if key not in known:
            known[key] = distance_and_bearing(origin, Point(candidate[1], candidate[2]))
        distance, bearing = known[key]
        bisect.insort(best, (distance, zone_id, bearing, candidate))
        del best[k:]
    return best


def next_radius(
    origin: Point, rough: Sequence[_Rough], k: int, radius: float, known: _Geodesics
) -> tuple[float | None, list[_Exact]]:
    """The radius to read next, or None and the k nearest when ``rough`` surely holds them.

    ``rough`` holds every zone within ``radius``, and at least k of them. The k-th of them
    is at most its distance away, so at most one more read is needed; great-circle bounds
    decide without geodesics when they can.
    """
    kth_rough_m = rough[k - 1][0]
    if kth_rough_m * (1 - _SPHERE_ERROR) - _ROUNDING_M > radius:
        return min(upper_bound_m(kth_rough_m), HALF_CIRCUMFERENCE_M), []
    best = exact_ranking(origin, rough, k, known)
    if best[-1][0] <= radius:
        return None, best
    return min(best[-1][0], HALF_CIRCUMFERENCE_M), []


def upper_bound_m(rough_m: float) -> float:
    """A geodesic distance surely not exceeded by a zone at this great-circle distance."""
    return rough_m * (1 + _SPHERE_ERROR) + _ROUNDING_M


def shortlist(rough: Sequence[_Rough], k: int) -> list[Any]:
    """Keys of the index-ranked candidates that may be among the k nearest.

    ``rough`` comes from the index (positions off by up to _INDEX_POSITION_M) and holds
    every zone within a radius that surely holds the k nearest.
    """
    if len(rough) <= k:
        return [key for _, key, _ in rough]
    kth_geodesic_m = upper_bound_m(rough[k - 1][0] + _INDEX_POSITION_M)
    bound = (kth_geodesic_m + _ROUNDING_M) / (1 - _SPHERE_ERROR) + _INDEX_POSITION_M
    return [key for rough_m, key, _ in rough if rough_m <= bound]


async def index_ranking(
    source: ZoneSource, origin: Point, radius: float, limit: int | None = None
) -> list[_Rough] | None:
    """Every zone within ``radius``, ranked from the index alone; None if over ``limit``."""
    positions = await source.rough_positions_in_boxes(boxes_for(origin, radius), limit)
    if limit is not None and len(positions) > limit:
        return None
    return rough_ranking(origin, positions)


async def grow_on_index(
    source: ZoneSource, origin: Point, k: int, fewer_than_k: float
) -> tuple[float, list[_Rough]]:
    """A radius holding at least k zones (or the whole Earth), and all of them ranked.

    Grows from ``fewer_than_k``, a radius known to hold fewer. A circle holding more than
    _ROW_CAP zones is not read but narrowed down, so that far from any zone (at sea, near
    a pole) the search does not rank thousands of them.
    """
    cap = max(_ROW_CAP, k)
    lower, upper = fewer_than_k, math.inf  # fewer than k zones within lower, over cap within upper
    while True:
        if upper == math.inf:
            radius = min(lower * GROWTH, HALF_CIRCUMFERENCE_M)
        elif upper > lower * _NARROWEST:
            radius = math.sqrt(lower * upper)
        else:
            radius = upper  # narrow enough: read the wider circle in full
        rough = await index_ranking(source, origin, radius, None if radius == upper else cap)
        if rough is None:
            upper = radius
        elif len(rough) >= k or radius >= HALF_CIRCUMFERENCE_M:
            return radius, rough
        else:  # (upper too, if zones were deleted meanwhile: then grow again)
            lower, upper = radius, (math.inf if radius == upper else upper)


async def enclosing_ranking(
    source: ZoneSource, origin: Point, k: int, fewer_than_k: float
) -> list[_Rough]:
    """Every zone within a radius that surely holds the k nearest, ranked from the index."""
    radius, rough = await grow_on_index(source, origin, k, fewer_than_k)
    if len(rough) < k:  # fewer than k zones on Earth
        return rough
    reach = upper_bound_m(rough[k - 1][0] + _INDEX_POSITION_M)
    if reach <= radius:
        return rough
    return await index_ranking(source, origin, min(reach, HALF_CIRCUMFERENCE_M)) or []


async def search_once(
    source: ZoneSource, origin: Point, k: int, radius: float
) -> list[_Exact] | None:
    """The k nearest, or None when zones changed while they were being read."""
    known: _Geodesics = {}
    rough = rough_ranking(origin, await source.candidates_in_boxes(boxes_for(origin, radius)))
    if radius >= HALF_CIRCUMFERENCE_M:  # the whole Earth was read
        return exact_ranking(origin, rough, k, known)
    if len(rough) < k:
        enclosing = await enclosing_ranking(source, origin, k, radius)
    else:
        wider, best = next_radius(origin, rough, k, radius, known)
        if wider is None:
            return best
        enclosing = await index_ranking(source, origin, wider) or []
    keys = shortlist(enclosing, k)
    exact = rough_ranking(origin, await source.candidates_with_keys(keys))
    if len(exact) < len(keys):
        return None
    return exact_ranking(origin, exact, k, known)


async def nearest_zones(
    source: ZoneSource, origin: Point, k: int, start_radius_m: float = START_RADIUS_M
) -> list[ZoneMatch]:
    """The k zones nearest to ``origin``, nearest first (fewer if fewer exist).

    ``start_radius_m`` only affects speed: ``start_radius_for`` picks one from the number
    of zones stored.
    """
    if k <= 0:
        return []
    radius = min(max(start_radius_m, 1.0), HALF_CIRCUMFERENCE_M)
    best = None
    while best is None:
        best = await search_once(source, origin, k, radius)
    return [ZoneMatch(source.zone_of(c), distance, bearing) for distance, _, bearing, c in best]
