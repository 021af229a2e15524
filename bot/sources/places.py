"""The nearest town to a position, offline: where a station without an address is.

From the GeoNames postal places bot.sources.postal reads (each code's mean position, locality
and region), within the position's country only, on a grid of small cells. A country's grid
is built once, on a worker thread, the first time a position in it needs one.
"""

from __future__ import annotations

import asyncio
import logging
import math
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.domain.countries import country_at
from bot.domain.geo import Point
from bot.sources.postal import Entry, country_tables

log = logging.getLogger(__name__)

CELL_DEG = 0.05  # about 5.5 km north to south
MAX_DISTANCE_M = 30_000.0  # a town farther than this is not what the place is "near"
LOAD_WAIT_S = 2.0  # an answer waits this long for a country's first load, then goes on
_METRES_PER_DEGREE = 111_320.0
Cell = tuple[int, int]


@dataclass(frozen=True, slots=True)
class NearPlace:
    """A town near a position, with its region when the data has one."""

    locality: str
    region: str
    distance_m: float

    @property
    def text(self) -> str:
        """'Patras, Western Greece'; the town alone when there is no (other) region."""
        if self.region and self.region != self.locality:
            return f"{self.locality}, {self.region}"
        return self.locality


def _cell(lat: float, lon: float) -> Cell:
    return math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG)


class PlaceIndex:
    """One country's places on a grid: the nearest one to a position in well under 1 ms."""

    __slots__ = ("_cells", "_lats", "_localities", "_lons", "_regions")

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._lats, self._lons = array("d"), array("d")
        self._localities: list[str] = []
        self._regions: list[str] = []
        self._cells: dict[Cell, list[int]] = {}
        seen: set[tuple[str, float, float]] = set()  # a town's many codes, about 1 km apart
        for lat, lon, locality, region in entries:
            spot = (locality, round(lat, 2), round(lon, 2))
            if locality and spot not in seen:
                seen.add(spot)
                self._cells.setdefault(_cell(lat, lon), []).append(len(self._localities))
                self._lats.append(lat)
                self._lons.append(lon)
                self._localities.append(locality)
                self._regions.append(region)

    def __len__(self) -> int:
        return len(self._localities)

    def nearest(self, point: Point, max_m: float = MAX_DISTANCE_M) -> NearPlace | None:
        """The nearest place within ``max_m``, searching rings of cells outwards."""
        scale = max(math.cos(math.radians(point.lat)), 0.01)
        ring_m = CELL_DEG * _METRES_PER_DEGREE * scale  # the least a ring adds to a distance
        row, column = _cell(point.lat, point.lon)
        best, best_m = -1, max_m
        for ring in range(int(max_m / ring_m) + 2):
            if best >= 0 and best_m <= (ring - 1) * ring_m:
                break
            for cell in _ring(row, column, ring):
                for index in self._cells.get(cell, ()):
                    metres = self._distance_m(point, index, scale)
                    if metres <= best_m:
                        best, best_m = index, metres
        if best < 0:
            return None
        return NearPlace(self._localities[best], self._regions[best], best_m)

    def _distance_m(self, point: Point, index: int, scale: float) -> float:
        """Equirectangular distance: within a fraction of a percent at these ranges."""
        dlat = self._lats[index] - point.lat
        dlon = (self._lons[index] - point.lon) * scale
        return math.hypot(dlat, dlon) * _METRES_PER_DEGREE


def _ring(row: int, column: int, ring: int) -> list[Cell]:
    """The cells exactly ``ring`` steps (Chebyshev) from a cell."""
    if ring == 0:
        return [(row, column)]
    cells = [
        (row + step, column + side) for step in range(-ring, ring + 1) for side in (-ring, ring)
    ]
    cells += [
        (row + side, column + step) for step in range(1 - ring, ring) for side in (-ring, ring)
    ]
    return cells


def load_index(country: str) -> PlaceIndex | None:
    """A country's index from the postal data (blocking); None when it has no places."""
    table = country_tables(frozenset({country})).get(country)
    index = PlaceIndex(table.entries()) if table is not None else None
    return index if index else None


class NearbyPlaces:
    """Nearest towns, offline; each country loaded once, off the event loop, and kept."""

    def __init__(
        self, load: Callable[[str], PlaceIndex | None] = load_index, wait_s: float = LOAD_WAIT_S
    ) -> None:
        self._load = load
        self._wait_s = wait_s
        self._indexes: dict[str, PlaceIndex | None] = {}
        self._loading: dict[str, asyncio.Task[PlaceIndex | None]] = {}

    async def near(self, point: Point, country: str = "") -> NearPlace | None:
        """The town nearest to a position in its country; None at sea, without data, too far,
        or while the country's first load takes longer than ``wait_s`` (it goes on)."""
        country = country or country_at(point.lat, point.lon)
        if not country:
            return None
        index = self._indexes[country] if country in self._indexes else await self._wait(country)
        return index.nearest(point) if index is not None else None

    async def _wait(self, country: str) -> PlaceIndex | None:
        """The country's index, loading it on a worker thread (once, however many ask)."""
        task = self._loading.get(country)
        if task is None:
            task = asyncio.create_task(self._fetch(country), name=f"places-{country}")
            self._loading[country] = task
        try:
            return await asyncio.wait_for(asyncio.shield(task), self._wait_s)
        except TimeoutError:
            log.info("places of %s still loading; answering with coordinates", country)
            return None

    async def _fetch(self, country: str) -> PlaceIndex | None:
        """Load one country's index and keep it (None for good when it cannot be had)."""
        try:
            index = await asyncio.to_thread(self._load, country)
        except (OSError, RuntimeError, ValueError) as exc:
            log.warning("places of %s unavailable: %s", country, type(exc).__name__)
            index = None
        self._indexes[country] = index
        self._loading.pop(country, None)
        return index


_shared = NearbyPlaces()


def shared_places() -> NearbyPlaces:
    """The process's one NearbyPlaces (its indexes are shared by every answer)."""
    return _shared
