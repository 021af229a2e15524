"""Live police stations from OpenStreetMap: cached by area, coalesced, behind a breaker.

The provider never asks about the searcher's exact position: the position is snapped to
the centre of a grid cell (AREA_DEG wide) and the circle asked about is widened to cover
the whole cell. The cell is also the cache key, so one busy town makes one request a week.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from bot.domain.caches import StationCache
from bot.domain.geo import Point, distance_and_bearing, normalize_lon
from bot.domain.search import ZoneMatch
from bot.domain.zones import Zone
from bot.sources.breaker import CircuitBreaker
from bot.sources.overpass import OverpassUnavailable

log = logging.getLogger(__name__)

OSM_ID_PREFIX = "osm-"
OSM_COPYRIGHT_URL = "https://www.openstreetmap.org/copyright"
AREA_DEG = 0.1
# Farthest a point can be from its cell's centre (half the diagonal at the equator).
AREA_MARGIN_M = 8_000.0
MAX_RADIUS_M = 100_000.0
TTL_S = 7 * 24 * 3600.0
# Expired areas still answer while the server is down, until they are purged.
KEEP_S = 30 * 24 * 3600.0
SAME_PLACE_M = 150.0
_MEAN_EARTH_RADIUS_M = 6_371_008.8


class StationSource(Protocol):
    """Where live stations come from (bot.sources.overpass.OverpassClient)."""

    @property
    def enabled(self) -> bool:
        """False when switched off."""
        ...

    async def start(self) -> None:
        """Open the connection."""
        ...

    async def close(self) -> None:
        """Close the connection."""
        ...

    async def police_stations(self, center: Point, radius_m: float) -> list[Zone]:
        """Police stations in a circle; raises OverpassUnavailable."""
        ...


@dataclass(frozen=True, slots=True)
class Area:
    """A grid cell: the cache key and the circle asked about."""

    key: str
    center: Point
    radius_m: float


@dataclass(frozen=True, slots=True)
class LiveStations:
    """Stations around a point; ``available`` is False when live data could not be had."""

    stations: list[Zone]
    available: bool = True


def from_openstreetmap(zone: Zone) -> bool:
    """True for a zone whose data comes from OpenStreetMap (needs the ODbL attribution)."""
    return is_openstreetmap_id(zone.id)


def is_openstreetmap_id(zone_id: str) -> bool:
    """True for the id of a live OpenStreetMap station (``osm-node-123``)."""
    return zone_id.startswith(OSM_ID_PREFIX)


def area_for(point: Point, radius_m: float) -> Area:
    """The grid cell holding ``point``, asked about with a circle covering the whole cell."""
    lat = min(90.0, max(-90.0, round(point.lat / AREA_DEG) * AREA_DEG))
    lon = normalize_lon(round(point.lon / AREA_DEG) * AREA_DEG)
    reach = min(radius_m, MAX_RADIUS_M) + AREA_MARGIN_M
    return Area(f"{lat:.2f},{lon:.2f}/{reach / 1000:.0f}km", Point(lat, lon), reach)


def rough_distance_m(a: Point, b: Point) -> float:
    """Great-circle (haversine) distance: within 0.6% of the geodesic one."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    half_dlat = (lat2 - lat1) / 2
    half_dlon = math.radians(b.lon - a.lon) / 2
    h = math.sin(half_dlat) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(half_dlon) ** 2
    return 2 * _MEAN_EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _same_place(zone: Zone, others: Sequence[Zone]) -> bool:
    return any(
        zone.id == other.id or rough_distance_m(zone.point, other.point) <= SAME_PLACE_M
        for other in others
    )


def nearest_stations(
    origin: Point, stations: Sequence[Zone], curated: Sequence[Zone], k: int
) -> list[ZoneMatch]:
    """The k stations nearest to ``origin``, one per place, none where a curated zone is."""
    ranked = sorted(stations, key=lambda zone: (rough_distance_m(origin, zone.point), zone.id))
    kept: list[Zone] = []
    matches: list[ZoneMatch] = []
    for zone in ranked:
        if len(matches) >= k:
            break
        if _same_place(zone, curated) or _same_place(zone, kept):
            continue
        kept.append(zone)
        matches.append(ZoneMatch(zone, *distance_and_bearing(origin, zone.point)))
    return sorted(matches, key=_order)


def _order(match: ZoneMatch) -> tuple[float, str]:
    return match.distance_m, match.zone.id


def merge_matches(
    curated: Sequence[ZoneMatch],
    stations: Sequence[Zone],
    origin: Point,
    k: int,
    radius_m: float,
) -> list[ZoneMatch]:
    """Curated matches completed with live stations: k at most, one per place, nearest first.

    Every curated zone within ``radius_m`` stays (a designated exchange zone is never pushed
    out by a plain police station); live stations fill the other places within the radius,
    then whatever is nearest, curated or live.
    """
    inside = [match for match in curated if match.distance_m <= radius_m][:k]
    live = nearest_stations(origin, stations, [match.zone for match in curated], k)
    chosen = inside + [match for match in live if match.distance_m <= radius_m][: k - len(inside)]
    rest = sorted((m for m in (*curated, *live) if m not in chosen), key=_order)
    chosen += rest[: k - len(chosen)]
    return sorted(chosen, key=_order)


class LiveZones:
    """Police stations around a point: cache first, then one coalesced request per area.

    A request runs as its own task, so a caller that gives up after ``timeout_s`` does not
    cancel it: its answer still lands in the cache for the next search.
    """

    def __init__(
        self,
        source: StationSource,
        cache: StationCache,
        *,
        radius_m: float,
        timeout_s: float,
        ttl_s: float = TTL_S,
        breaker: CircuitBreaker | None = None,
        clock: Callable[[], float] = time.time,
        closed_zones: Callable[[], Awaitable[Sequence[Zone]]] | None = None,
    ) -> None:
        self._source = source
        self._closed_zones = closed_zones
        self._cache = cache
        self._radius_m = radius_m
        self._timeout_s = timeout_s
        self._ttl_s = ttl_s
        self._breaker = breaker or CircuitBreaker()
        self._clock = clock
        self._inflight: dict[str, asyncio.Task[list[Zone]]] = {}

    @property
    def enabled(self) -> bool:
        """False when no live source is configured."""
        return self._source.enabled

    async def start(self) -> None:
        """Open the source's connection."""
        await self._source.start()

    async def close(self) -> None:
        """Stop the requests under way and close the source's connection."""
        tasks = list(self._inflight.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._source.close()

    async def stations_near(self, point: Point) -> LiveStations:
        """Stations around ``point``: cached if fresh, else asked for within the timeout.

        When the source fails, is too slow or its breaker is open, the cached stations
        (however old) come back with ``available`` False. Stations where a curated zone was
        confirmed closed (hidden) are left out: OpenStreetMap may not know yet.
        """
        found = await self._stations_near(point)
        if self._closed_zones is None or not found.stations:
            return found
        closed = await self._closed_zones()
        kept = [zone for zone in found.stations if not _same_place(zone, closed)]
        return LiveStations(kept, found.available)

    async def _stations_near(self, point: Point) -> LiveStations:
        area = area_for(point, self._radius_m)
        cached = await self._cache.area(area.key)
        if cached is not None and self._clock() - cached.fetched_at < self._ttl_s:
            return LiveStations(cached.stations)
        try:
            async with asyncio.timeout(self._timeout_s):
                stations = await asyncio.shield(self._request(area))
        except (OverpassUnavailable, TimeoutError) as exc:
            # Not the area key: a rounded position is still the user's whereabouts.
            log.info("live stations unavailable: %s", type(exc).__name__)
            return LiveStations(cached.stations if cached is not None else [], False)
        return LiveStations(stations)

    async def station(self, zone_id: str) -> Zone | None:
        """A cached station by its id, for buttons that name it."""
        if not zone_id.startswith(OSM_ID_PREFIX):
            return None
        return await self._cache.station(zone_id)

    async def purge(self) -> int:
        """Delete areas fetched over KEEP_S ago; returns how many."""
        return await self._cache.purge(self._clock() - KEEP_S)

    def _request(self, area: Area) -> asyncio.Task[list[Zone]]:
        """The request under way for the area, or a new one."""
        task = self._inflight.get(area.key)
        if task is None:
            task = asyncio.create_task(self._fetch(area), name="overpass")
            self._inflight[area.key] = task
            task.add_done_callback(partial(self._settled, area.key))
        return task

    def _settled(self, key: str, task: asyncio.Task[list[Zone]]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]
        if not task.cancelled():
            task.exception()  # retrieved: every caller may have stopped waiting

    async def _fetch(self, area: Area) -> list[Zone]:
        """Ask the source (unless the breaker is open) and cache the answer."""
        if not self._breaker.allow():
            raise OverpassUnavailable("circuit open")
        try:
            stations = await self._source.police_stations(area.center, area.radius_m)
        except OverpassUnavailable:
            self._breaker.record_failure()
            raise
        except Exception as exc:  # a bug must not break answers: count it as a failure
            log.exception("live station source failed")
            self._breaker.record_failure()
            raise OverpassUnavailable(type(exc).__name__) from exc
        except BaseException:
            self._breaker.release()
            raise
        self._breaker.record_success()
        await self._cache.store(area.key, stations, self._clock())
        return stations
