"""The one mapping between a Zone and its columns (zones, osm_stations): rows in, params out."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from bot.domain.zones import Zone, ZoneKind

# The columns a Zone is stored in, in the order of zone_from_row and zone_params.
ZONE_COLUMNS = (
    "id, name, kind, lat, lon, address, city, region, country, postal_code, opening_hours, "
    "video, lit, staffed, phone, website, source, verified, names"
)
ZONE_COLUMN_COUNT = len(ZONE_COLUMNS.split(","))


def qualified_columns(alias: str) -> str:
    """ZONE_COLUMNS, each prefixed with a table alias (``z.id, z.name, ...``)."""
    return ", ".join(f"{alias}.{column.strip()}" for column in ZONE_COLUMNS.split(","))


def flag_from_column(value: int | None) -> bool | None:
    """A stored 0/1/NULL flag as True/False/None (unknown)."""
    return None if value is None else bool(value)


def flag_to_column(value: bool | None) -> int | None:
    """A True/False/None flag as the 1/0/NULL stored."""
    return None if value is None else int(value)


def names_from_column(value: str | None) -> dict[str, str]:
    """The stored JSON object of a zone's names by language ('' or NULL: none)."""
    if not value:
        return {}
    names = json.loads(value)
    return {str(key): str(name) for key, name in names.items()} if isinstance(names, dict) else {}


def names_to_column(names: Mapping[str, str]) -> str:
    """A zone's names by language as the JSON stored ('' for none; keys sorted, so stable)."""
    return json.dumps(dict(names), ensure_ascii=False, sort_keys=True) if names else ""


def zone_from_row(row: Sequence) -> Zone:
    """The Zone of a row holding ZONE_COLUMNS in order."""
    return Zone(
        id=row[0],
        name=row[1],
        kind=ZoneKind(row[2]),
        lat=row[3],
        lon=row[4],
        address=row[5],
        city=row[6],
        region=row[7],
        country=row[8],
        postal_code=row[9],
        opening_hours=row[10],
        video=flag_from_column(row[11]),
        lit=flag_from_column(row[12]),
        staffed=flag_from_column(row[13]),
        phone=row[14],
        website=row[15],
        source=row[16],
        verified=row[17],
        names=names_from_column(row[18]),
    )


def zone_params(zone: Zone) -> tuple:
    """The values of ZONE_COLUMNS for a zone, in order: what zone_from_row reads back."""
    return (
        zone.id,
        zone.name,
        zone.kind.value,
        zone.lat,
        zone.lon,
        zone.address,
        zone.city,
        zone.region,
        zone.country,
        zone.postal_code,
        zone.opening_hours,
        flag_to_column(zone.video),
        flag_to_column(zone.lit),
        flag_to_column(zone.staffed),
        zone.phone,
        zone.website,
        zone.source,
        zone.verified,
        names_to_column(zone.names),
    )
