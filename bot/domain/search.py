"""Nearest-k zone search: R*Tree boxes narrow the candidates, geodesic distance ranks them.

The whole search is one synchronous function run on the database's thread, in one read
transaction: one round trip to aiosqlite however many reads it makes. It reads zone
positions from the R*Tree alone (cheap per zone), first in a circle of a start radius picked
from the zone count, which usually holds the k nearest at once; then full rows of the few
zones that may be among them. Otherwise it counts the zones in wider or narrower circles
before reading one (a count is much cheaper than a read): growing past circles that hold
fewer than k zones, and narrowing (halving the ratio of radii) between the widest of those
and the narrowest known to hold too many to read, so that far from any zone (at sea, near
a pole) a few cheap counts and one small read do it. Circles are read as their bounding
box, or as latitude bands near a pole where that box would be far larger than the circle.
Great-circle bounds, tightened by a few geodesics when needed, decide which zones may be
among the k nearest; only those get a geodesic (PROJ's, in C) and only the winners become
Zone objects. Results are the same as ranking every zone by geodesic.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from bot.domain.geo import (
    HALF_CIRCUMFERENCE_M,
    Box,
    Point,
    distance_and_bearing,
    distance_m,
    hugging_boxes,
    search_boxes,
)
from bot.domain.zones import Zone

log = logging.getLogger(__name__)

START_RADIUS_M = 10_000.0
# Reads and counts a search may take before it reads every zone instead.
MAX_STEPS = 64
_WHOLE_EARTH = Box(-90.0, 90.0, -180.0, 180.0)
_INDEX_REPAIR_TRIES = 3
GROWTH = 4.0
_DIAMETER_M = 2 * 6_371_008.8  # of the mean sphere
_RADIANS = math.pi / 180.0
# A great-circle distance on the mean sphere is within 0.6% of the WGS84 geodesic one.
_SPHERE_ERROR = 0.01
# Slack (metres) for rounding in the bounds derived from great-circle distances.
_ROUNDING_M = 1.0
# How far (metres) a position read from the index alone may be from the zone's (under 5 m).
_INDEX_POSITION_M = 10.0
# A read returns at most this many zones (one more says "too many"); a crowded circle is
# narrowed down to a ratio of radii of _NARROWEST before one is read whole, however many.
_ROW_CAP = 64
_NARROWEST = 1.1
# Boxes may hold many more zones than their circle (a coast just outside it): once that
# stops the narrowing, circles are cut into this many bands.
_TIGHT_BANDS = 12
# Land area of the Earth (Antarctica included), for a start radius from the zone count.
_LAND_AREA_M2 = 1.49e14
_START_OVERSHOOT = 2.0

# A stored zone as the source reads it: (key, lat, lon, ...); the rest is the source's.
Candidate = tuple[Any, ...]
# (great-circle distance, key, candidate)
_Rough = tuple[float, Any, Candidate]
# (geodesic distance, zone id, bearing, candidate)
_Exact = tuple[float, str, float, Candidate]
_T = TypeVar("_T")


class ZoneReader(Protocol):
    """Synchronous reads of the stored zones, on the database's thread."""

    def rough_positions_in_boxes(
        self, boxes: Sequence[Box], limit: int | None = None
    ) -> list[Candidate]:
        """(key, lat, lon), within 5 m, of the zones in the boxes, from the index.

        With a limit, at most limit + 1 of them, the first boxes' first: more than limit
        means "too many".
        """
        ...

    def count_in_boxes(self, boxes: Sequence[Box], limit: int) -> int:
        """How many zones the boxes hold, counting to limit + 1 at most."""
        ...

    def candidates_with_keys(self, keys: Sequence[Any]) -> list[Candidate]:
        """(zone id, lat, lon, ...) rows of the zones with these keys of rough positions."""
        ...


class ZoneSource(Protocol):
    """Where the search reads zones from (storage.zones.ZoneRepository)."""

    async def read(self, reads: Callable[[ZoneReader], _T]) -> _T:
        """What ``reads`` returns, run with a reader on the database's thread."""
        ...

    def zone_of(self, candidate: Candidate) -> Zone:
        """The Zone of a row from candidates_with_keys."""
        ...


@dataclass(frozen=True, slots=True)
class ZoneMatch:
    """A zone with its distance (metres) and bearing (degrees) from the searcher."""

    zone: Zone
    distance_m: float
    bearing_deg: float


def start_radius_for(zone_count: int, k: int) -> float:
    """A start radius that usually holds k zones at once if the zones cover the land evenly.

    Only speed depends on it: too small costs more reads, too large more candidates.
    """
    if zone_count <= 0:
        return HALF_CIRCUMFERENCE_M
    typical = math.sqrt(max(k, 1) * _LAND_AREA_M2 / (math.pi * zone_count))
    return min(max(START_RADIUS_M, _START_OVERSHOOT * typical), HALF_CIRCUMFERENCE_M)


def boxes_for(origin: Point, radius_m: float, tight: bool = False) -> list[Box]:
    """The boxes to read for a search circle: few, or ``tight`` ones in many bands.

    The bands nearest the origin come first, so a capped read gives zones near it first.
    """
    boxes = (
        search_boxes(origin, radius_m, _TIGHT_BANDS) if tight else hugging_boxes(origin, radius_m)
    )
    if len(boxes) <= 2:  # one band
        return boxes
    return sorted(boxes, key=lambda box: max(box.min_lat - origin.lat, origin.lat - box.max_lat))


def rough_ranking(origin: Point, candidates: Sequence[Candidate]) -> list[_Rough]:
    """Candidates by great-circle (haversine) distance, nearest first, each key once."""
    sin, cos, asin, sqrt = math.sin, math.cos, math.asin, math.sqrt
    lat1 = origin.lat * _RADIANS
    cos_lat1, lon1 = cos(lat1), origin.lon
    ranked: list[_Rough] = []
    append = ranked.append
    for candidate in candidates:  # the hot loop of a search: kept lean
        lat2 = candidate[1] * _RADIANS
        sin_lat = sin((lat2 - lat1) * 0.5)
        sin_lon = sin((candidate[2] - lon1) * (_RADIANS * 0.5))
        a = sin_lat * sin_lat + cos_lat1 * cos(lat2) * sin_lon * sin_lon
        append((_DIAMETER_M * asin(sqrt(a) if a < 1.0 else 1.0), candidate[0], candidate))
    ranked.sort()
    if len({key for _, key, _ in ranked}) < len(ranked):  # in two boxes: side by side now
        ranked = [r for i, r in enumerate(ranked) if i == 0 or r[1] != ranked[i - 1][1]]
    return ranked


def exact_ranking(origin: Point, rough: Sequence[_Rough], k: int) -> list[_Exact]:
    """The k nearest of ``rough`` by geodesic distance (ties by id).

    Walks the candidates nearest first and stops once the next is surely farther than the
    k-th found, so the geodesic runs about k times.
    """
    best: list[_Exact] = []
    for rough_m, zone_id, candidate in rough:
        if len(best) == k and rough_m * (1 - _SPHERE_ERROR) - _ROUNDING_M > best[-1][0]:
            break
        distance, bearing = distance_and_bearing(origin, Point(candidate[1], candidate[2]))
        bisect.insort(best, (distance, zone_id, bearing, candidate))
        del best[k:]
    return best


def upper_bound_m(rough_m: float) -> float:
    """A geodesic distance surely not exceeded by a zone at this great-circle distance."""
    return rough_m * (1 + _SPHERE_ERROR) + _ROUNDING_M


def reach_m(origin: Point, rough: Sequence[_Rough], k: int, radius: float) -> float:
    """A radius surely holding the k nearest zones, given some zones ranked from the index.

    The great-circle bound when it is within ``radius`` (the usual case, and free), else
    the k-th nearest of them by geodesic: a far tighter bound for about k geodesics.
    """
    if len(rough) < k:
        return math.inf
    reach = upper_bound_m(rough[k - 1][0] + _INDEX_POSITION_M)
    if reach <= radius:
        return reach
    return min(reach, exact_ranking(origin, rough, k)[-1][0] + _INDEX_POSITION_M)


def shortlist(origin: Point, rough: Sequence[_Rough], k: int, reach: float) -> list[Any]:
    """Keys of the index-ranked candidates that may be among the k nearest.

    ``rough`` comes from the index (positions off by up to _INDEX_POSITION_M) and holds
    every zone within ``reach``, a radius that surely holds the k nearest. Beyond a few,
    candidates get a geodesic here: cheaper than reading their rows.
    """
    bound = (reach + _ROUNDING_M) / (1 - _SPHERE_ERROR) + _INDEX_POSITION_M
    near = list(itertools.takewhile(lambda r: r[0] <= bound, rough))
    if len(near) > k + 1:
        limit = reach + _INDEX_POSITION_M
        near = [r for r in near if distance_m(origin, Point(r[2][1], r[2][2])) <= limit]
    return [key for _, key, _ in near]


@dataclass(slots=True)
class _Bounds:
    """What the reads so far tell about circles around the searcher (radii in metres)."""

    short: float = 0.0  # read or counted whole: does not hold the k nearest
    crowded: float = math.inf  # holds more zones than a capped read returns
    enough: float = math.inf  # surely holds the k nearest
    whole: bool = False  # narrowed as far as it goes: the next read is not capped
    tight: bool = False  # boxes hug circles closely from then on (more of them, fewer zones)

    def next_step(self) -> tuple[float, bool]:
        """The radius to look at next, and whether to count its zones before reading them.

        Every step looks beyond ``short``, so the search ends even if zones change meanwhile.
        """
        useful = self.enough if self.enough > self.short else math.inf
        if self.whole:
            if useful < math.inf:
                return useful, False
            # The crowd was in the boxes, not in the circle: look farther, in tight boxes.
            self.whole, self.crowded = False, math.inf
        if useful * _NARROWEST < self.crowded:
            return useful, True
        if self.crowded == math.inf:
            return self.short * GROWTH, True
        if self.crowded > self.short * _NARROWEST:
            return math.sqrt(max(self.short, self.crowded / GROWTH**2) * self.crowded), True
        self.whole = self.tight = True
        return max(min(useful, self.crowded), self.short * _NARROWEST), False


def read_step(
    reader: ZoneReader, origin: Point, k: int, radius: float, bounds: _Bounds, boxes: list[Box]
) -> tuple[list[_Rough], float] | None:
    """The zones in ``boxes`` ranked, and their reach, if they surely hold the k nearest.

    Else None; either way ``bounds`` learns from what was read. The boxes hold the circle
    of ``radius``.
    """
    cap = None if bounds.whole else max(_ROW_CAP, k)
    rows = reader.rough_positions_in_boxes(boxes, cap)
    rough = rough_ranking(origin, rows)
    reach = reach_m(origin, rough, k, radius)
    bounds.enough = min(bounds.enough, reach)
    if cap is not None and len(rows) > cap:
        bounds.crowded = radius
    elif reach <= radius or radius >= HALF_CIRCUMFERENCE_M:
        return rough, reach
    else:
        bounds.short = max(bounds.short, radius)
    return None


def enclosing_ranking(
    reader: ZoneReader, origin: Point, k: int, radius: float
) -> tuple[list[_Rough], float]:
    """Zones ranked from the index, every one within a reach that holds the k nearest.

    Fewer than k zones when fewer exist. The first read is of ``radius``; after it a circle
    is counted before it is read, and one holding fewer than k zones or too many is not.
    """
    cap = max(_ROW_CAP, k)
    bounds, count_first = _Bounds(), False
    for _ in range(MAX_STEPS):
        radius = min(radius, HALF_CIRCUMFERENCE_M)
        boxes = boxes_for(origin, radius, bounds.tight)
        count = reader.count_in_boxes(boxes, cap) if count_first else k
        if count > cap:
            bounds.crowded = radius
        elif count < k and radius < HALF_CIRCUMFERENCE_M:
            bounds.short = max(bounds.short, radius)
        else:
            found = read_step(reader, origin, k, radius, bounds, boxes)
            if found is not None:
                return found
        radius, count_first = bounds.next_step()
    # Never seen (a few steps are the rule), but the search runs on the event loop: rather
    # than risk looping, read the whole Earth, which always ends it.
    log.warning("search took %d steps; reading every zone", MAX_STEPS)
    bounds.whole = True
    found = read_step(reader, origin, k, HALF_CIRCUMFERENCE_M, bounds, [_WHOLE_EARTH])
    assert found is not None  # a whole-Earth read always holds the k nearest
    return found


def nearest_candidates(
    reader: ZoneReader, origin: Point, k: int, start_radius_m: float
) -> list[_Exact]:
    """The k nearest as (geodesic distance, zone id, bearing, row), read through ``reader``.

    The reads share one snapshot, so every zone the index names has its row. If some ever
    have not (a damaged index), each such entry took the place of a real zone, so the search
    runs again wanting as many more (a bounded number of times: it runs on the event loop).
    """
    wanted = k
    for _ in range(_INDEX_REPAIR_TRIES):
        rough, reach = enclosing_ranking(reader, origin, wanted, start_radius_m)
        keys = shortlist(origin, rough, wanted, reach)
        exact = rough_ranking(origin, reader.candidates_with_keys(keys))
        missing = len(keys) - len(exact)
        if not missing:
            break
        log.warning("zone index names %d zone(s) with no row", missing)
        wanted += missing
    return exact_ranking(origin, exact, k)


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
    best = await source.read(lambda reader: nearest_candidates(reader, origin, k, radius))
    return [ZoneMatch(source.zone_of(c), distance, bearing) for distance, _, bearing, c in best]
