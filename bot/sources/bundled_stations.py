"""The US police stations shipped in the package (HIFLD), read fast and kept apart from the
curated zones: a curated zone and a station within SAME_PLACE_M are one entry, the curated one.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from collections.abc import Iterator, Sequence
from importlib import resources

from bot.domain.geo import Point
from bot.domain.zones import CSV_COLUMNS, Zone, ZoneKind
from bot.sources.hifld import ID_PREFIX
from bot.sources.live_zones import SAME_PLACE_M, rough_distance_m

DATA_NAME = "us-police-stations"
_DATA_FILE = f"data/{DATA_NAME}.csv.gz"
# Degrees of latitude a station may be from a curated zone and still be the same place.
_NEAR_DEG = SAME_PLACE_M / 111_000.0
_KEEP = ("id", "name", "address", "city", "region", "country", "lat", "lon", "phone", "source")


def bundled_stations_bytes() -> bytes:
    """The shipped file, gzip-compressed as it is."""
    return resources.files("bot").joinpath(_DATA_FILE).read_bytes()


def checksum(stations_file: bytes, curated_text: str) -> str:
    """What the stored stations depend on: the shipped file and the curated zones."""
    digest = hashlib.sha256(stations_file)
    digest.update(curated_text.encode("utf-8"))
    return digest.hexdigest()


def read_stations(compressed: bytes) -> Iterator[Zone]:
    """The stations of the shipped file, trusted as written (tests validate every row).

    No per-row validation: the conversion checked each value, and parsing 23k phones again
    would cost a second at every upgrade's start.
    """
    text = gzip.decompress(compressed).decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    if tuple(header) != CSV_COLUMNS:
        raise ValueError(f"{_DATA_FILE}: columns are not the zones CSV schema")
    at = [header.index(column) for column in _KEEP]
    for row in reader:
        zone_id, name, address, city, region, country, lat, lon, phone, source = (
            row[i] for i in at
        )
        yield Zone(
            id=zone_id,
            name=name,
            kind=ZoneKind.POLICE_STATION,
            lat=float(lat),
            lon=float(lon),
            address=address,
            city=city,
            region=region,
            country=country,
            phone=phone,
            source=source,
        )


def is_bundled_station(zone_id: str) -> bool:
    """True for the id of a shipped HIFLD station."""
    return zone_id.startswith(ID_PREFIX)


def without_curated_places(stations: Sequence[Zone], curated: Sequence[Zone]) -> list[Zone]:
    """The stations not within SAME_PLACE_M of a curated zone (that zone is the entry)."""
    return [zone for zone in stations if not _near_any(zone.point, curated)]


def _near_any(point: Point, curated: Sequence[Zone]) -> bool:
    """True when a curated zone is within SAME_PLACE_M of the point."""
    return any(
        abs(zone.lat - point.lat) <= _NEAR_DEG
        and rough_distance_m(point, zone.point) <= SAME_PLACE_M
        for zone in curated
    )
