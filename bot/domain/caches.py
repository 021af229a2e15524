"""What the outside sources keep between lookups: records, and the stores they need."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.domain.zones import Zone


@dataclass(frozen=True, slots=True)
class CachedPlace:
    """A cached geocoder answer; ``found`` False records a miss."""

    found: bool
    lat: float | None = None
    lon: float | None = None
    label: str = ""
    country: str = ""


@dataclass(frozen=True, slots=True)
class CachedArea:
    """The stations of one area and when (Unix time) they were fetched."""

    fetched_at: float
    stations: list[Zone]


class PlaceCache(Protocol):
    """Geocoder answers by normalised query text (storage.geocache.GeocodeCache)."""

    async def get(
        self, query: str, max_age_s: float, miss_max_age_s: float
    ) -> CachedPlace | None: ...

    async def put(self, query: str, place: CachedPlace) -> None: ...

    async def purge(self, hit_max_age_s: float, miss_max_age_s: float) -> int: ...


class StationCache(Protocol):
    """Live OpenStreetMap stations by area (storage.osm_cache.OsmStationCache)."""

    async def area(self, area: str) -> CachedArea | None: ...

    async def store(self, area: str, stations: Sequence[Zone], fetched_at: float) -> None: ...

    async def station(self, zone_id: str) -> Zone | None: ...

    async def purge(self, fetched_before: float) -> int: ...
