"""Deterministic synthetic zones and queries spread over the land of the world, offline.

Land is a coarse grid mask: a cell is land when timezonefinder names a real timezone at its
centre (the sea gets ``Etc/GMT±n``). Antarctica counts as land, so there are polar zones.
Zones are drawn from land cells weighted by their area and jittered uniformly (by area)
inside the cell; the same seed always gives the same zones, ids and queries.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from timezonefinder import TimezoneFinder

from bot.domain.geo import Point
from bot.domain.zones import Zone, ZoneKind
from storage.db import open_database
from storage.zones import ZoneRepository

CELL_DEG = 1.0
ZONES_SEED = 20_240_607
QUERIES_SEED = 7
INSERT_BATCH = 100_000
# Every tenth query is near the antimeridian (|lon| > 179), every tenth near a pole (|lat| > 85).
QUERY_KINDS = ("land",) * 8 + ("antimeridian", "polar")
_COORD_DIGITS = 6


@lru_cache(maxsize=4)
def land_cells(cell_deg: float = CELL_DEG) -> tuple[tuple[float, float], ...]:
    """South-west corners (lat, lon) of the grid cells whose centre is on land."""
    finder = TimezoneFinder()
    rows, cols = round(180 / cell_deg), round(360 / cell_deg)
    cells = []
    for row in range(rows):
        south = -90.0 + row * cell_deg
        for col in range(cols):
            west = -180.0 + col * cell_deg
            name = finder.timezone_at(lat=south + cell_deg / 2, lng=west + cell_deg / 2)
            if name and not name.startswith("Etc/"):
                cells.append((south, west))
    return tuple(cells)


@lru_cache(maxsize=4)
def _cumulative_areas(cell_deg: float) -> list[float]:
    """Running total of the land cells' areas (on the unit sphere, up to a constant)."""
    areas = (
        math.sin(math.radians(south + cell_deg)) - math.sin(math.radians(south))
        for south, _ in land_cells(cell_deg)
    )
    return list(itertools.accumulate(areas))


def _uniform_lat(rng: random.Random, south: float, north: float) -> float:
    """A latitude between south and north, uniform by area."""
    low, high = math.sin(math.radians(south)), math.sin(math.radians(north))
    return math.degrees(math.asin(min(1.0, max(-1.0, rng.uniform(low, high)))))


def _rounded_point(lat: float, lon: float) -> Point:
    """A point rounded to about 10 cm, longitude in [-180, 180) (180 becomes -180)."""
    lon = round(lon, _COORD_DIGITS)
    return Point(round(lat, _COORD_DIGITS), lon - 360.0 if lon >= 180.0 else lon)


def random_land_point(rng: random.Random, cell_deg: float = CELL_DEG) -> Point:
    """A random point on land, uniform by area at the grid's resolution."""
    cells, cumulative = land_cells(cell_deg), _cumulative_areas(cell_deg)
    index = bisect.bisect_right(cumulative, rng.random() * cumulative[-1])
    south, west = cells[min(index, len(cells) - 1)]
    lat = _uniform_lat(rng, south, south + cell_deg)
    return _rounded_point(lat, west + rng.random() * cell_deg)


@dataclass(frozen=True, slots=True)
class SyntheticZones:
    """Zone positions in compact columns; the i-th zone's id is stable (``syn-0000042``)."""

    lats: array
    lons: array

    def __len__(self) -> int:
        return len(self.lats)

    @staticmethod
    def zone_id(index: int) -> str:
        """The stable id of the index-th zone."""
        return f"syn-{index:07d}"

    def zone(self, index: int) -> Zone:
        """The index-th zone as the bot stores it (one in five is an official exchange zone)."""
        kind = ZoneKind.EXCHANGE_ZONE if index % 5 == 0 else ZoneKind.POLICE_STATION
        return Zone(
            id=self.zone_id(index),
            name=f"Synthetic zone {index}",
            kind=kind,
            lat=self.lats[index],
            lon=self.lons[index],
            source="synthetic",
        )

    def zones(self, start: int = 0, stop: int | None = None) -> Iterator[Zone]:
        """The zones from index start up to (not including) stop."""
        for index in range(start, len(self) if stop is None else stop):
            yield self.zone(index)


def synthetic_zones(
    count: int, seed: int = ZONES_SEED, cell_deg: float = CELL_DEG
) -> SyntheticZones:
    """``count`` zones on land, the same ones for the same seed."""
    rng = random.Random(seed)
    lats, lons = array("d"), array("d")
    for _ in range(count):
        point = random_land_point(rng, cell_deg)
        lats.append(point.lat)
        lons.append(point.lon)
    return SyntheticZones(lats, lons)


@dataclass(frozen=True, slots=True)
class Query:
    """A search position and the kind of place it stands for."""

    kind: str
    point: Point


def _query_point(rng: random.Random, kind: str, cell_deg: float) -> Point:
    """A point for one kind of query: on land, near the antimeridian or near a pole."""
    if kind == "antimeridian":
        lon = rng.choice((-1.0, 1.0)) * rng.uniform(179.0, 180.0)
        return _rounded_point(_uniform_lat(rng, -90.0, 90.0), lon)
    if kind == "polar":
        lat = rng.choice((-1.0, 1.0)) * _uniform_lat(rng, 85.0, 90.0)
        return _rounded_point(lat, rng.uniform(-180.0, 180.0))
    return random_land_point(rng, cell_deg)


def synthetic_queries(
    count: int, seed: int = QUERIES_SEED, cell_deg: float = CELL_DEG
) -> list[Query]:
    """Search positions: 80% on land, 10% near the antimeridian, 10% near a pole (land or sea)."""
    rng = random.Random(seed)
    kinds = (QUERY_KINDS[index % len(QUERY_KINDS)] for index in range(count))
    return [Query(kind, _query_point(rng, kind, cell_deg)) for kind in kinds]


async def write_zones(path: Path, zones: SyntheticZones, batch: int = INSERT_BATCH) -> None:
    """Store the zones in a SQLite file through the real storage layer, in batches."""
    db = await open_database(path)
    try:
        repo = ZoneRepository(db)
        for start in range(0, len(zones), batch):
            await repo.upsert_many(zones.zones(start, min(start + batch, len(zones))))
    finally:
        await db.close()
