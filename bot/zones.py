"""The safe-zone record and the bundled CSV of verified zones."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from importlib import resources

from bot.geo import InvalidCoordinates, Point

CSV_COLUMNS = (
    "id",
    "name",
    "kind",
    "address",
    "city",
    "region",
    "country",
    "postal_code",
    "lat",
    "lon",
    "opening_hours",
    "video",
    "lit",
    "staffed",
    "phone",
    "website",
    "source",
    "verified",
)


# Short enough to fit in Telegram's 64-byte callback data with a prefix.
_ZONE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")


class ZoneKind(StrEnum):
    """Whether police designated the place for exchanges or it is 'just' a station."""

    EXCHANGE_ZONE = "exchange_zone"
    POLICE_STATION = "police_station"


class ZoneDataError(ValueError):
    """A zone row that cannot be used, with the reason."""


@dataclass(frozen=True, slots=True)
class Zone:
    """A place to meet: a designated exchange zone or a police station."""

    id: str
    name: str
    kind: ZoneKind
    lat: float
    lon: float
    address: str = ""
    city: str = ""
    region: str = ""
    country: str = ""
    postal_code: str = ""
    opening_hours: str = ""
    video: bool | None = None
    lit: bool | None = None
    staffed: bool | None = None
    phone: str = ""
    website: str = ""
    source: str = ""
    verified: str = ""

    @property
    def point(self) -> Point:
        """The zone's position."""
        return Point(self.lat, self.lon)

    @property
    def full_address(self) -> str:
        """Street, city, region and postal code on one line."""
        locality = " ".join(part for part in (self.region, self.postal_code) if part)
        return ", ".join(part for part in (self.address, self.city, locality) if part)

    @property
    def is_24_7(self) -> bool:
        """True when the opening hours say the place never closes."""
        return self.opening_hours.replace(" ", "") == "24/7"


def _flag(raw: str) -> bool | None:
    if not raw:
        return None
    value = raw.strip().lower()
    if value in ("yes", "true", "1"):
        return True
    if value in ("no", "false", "0"):
        return False
    if value == "":
        return None
    raise ZoneDataError(f"flag must be yes, no or empty, got {raw!r}")


def _flag_text(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def zone_from_row(row: dict[str, str]) -> Zone:
    """Validate one CSV row (as read by csv.DictReader) and build a Zone."""
    return zone_from_values([row.get(key) or "" for key in CSV_COLUMNS])


def zone_from_values(values: Sequence[str]) -> Zone:
    """Validate one row's values, in CSV_COLUMNS order, and build a Zone."""
    (zone_id, name, kind_text, address, city, region, country, postal_code, lat, lon) = map(
        str.strip, values[:10]
    )
    (opening_hours, video, lit, staffed, phone, website, source, verified) = map(
        str.strip, values[10:]
    )
    if not zone_id:
        raise ZoneDataError("missing id")
    if not _ZONE_ID.match(zone_id):
        raise ZoneDataError("id must be 1-48 characters of a-z, 0-9 and '-'")
    if not name:
        raise ZoneDataError("missing name")
    try:
        kind = ZoneKind(kind_text)
    except ValueError as exc:
        raise ZoneDataError(f"kind must be exchange_zone or police_station: {kind_text!r}") from exc
    try:
        point = Point.checked(float(lat), float(lon))
    except (ValueError, InvalidCoordinates) as exc:
        raise ZoneDataError(f"bad coordinates: {exc}") from exc
    return Zone(
        id=zone_id,
        name=name,
        kind=kind,
        lat=point.lat,
        lon=point.lon,
        address=address,
        city=city,
        region=region.upper(),
        country=country.upper(),
        postal_code=postal_code,
        opening_hours=opening_hours,
        video=_flag(video),
        lit=_flag(lit),
        staffed=_flag(staffed),
        phone=phone,
        website=website,
        source=source,
        verified=verified,
    )


def zone_to_row(zone: Zone) -> dict[str, str]:
    """The CSV row for a zone (inverse of zone_from_row)."""
    row: dict[str, str] = {}
    for field in fields(zone):
        value = getattr(zone, field.name)
        if isinstance(value, bool) or value is None:
            row[field.name] = _flag_text(value)
        else:
            row[field.name] = str(value)
    return row


def read_zones_csv(text: str) -> Iterator[Zone]:
    """Parse a zones CSV; raises ZoneDataError naming the line of the first bad row."""
    reader = csv.DictReader(io.StringIO(text))
    missing = set(CSV_COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise ZoneDataError(f"missing columns: {', '.join(sorted(missing))}")
    for row in reader:
        try:
            yield zone_from_row(row)
        except ZoneDataError as exc:
            raise ZoneDataError(f"line {reader.line_num}: {exc}") from exc


def write_zones_csv(zones: Iterable[Zone]) -> str:
    """Serialise zones to the documented CSV schema."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for zone in zones:
        writer.writerow(zone_to_row(zone))
    return out.getvalue()


def bundled_zones_text() -> str:
    """The CSV of verified zones that ships inside the package."""
    return resources.files("bot").joinpath("data/zones.csv").read_text(encoding="utf-8")


def bundled_zones() -> list[Zone]:
    """The verified zones that ship inside the package."""
    return list(read_zones_csv(bundled_zones_text()))
