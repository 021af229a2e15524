"""Rows of other people's files as zones: column names, placeholders, derived ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from bot.domain.countries import countries_at
from bot.domain.zones import (
    CSV_COLUMNS,
    Zone,
    ZoneDataError,
    ZoneKind,
    checked_date,
    checked_opening_hours,
    checked_phone,
    checked_website,
    zone_from_row,
)

# The common names of each column in public police-station data (HIFLD and the like),
# compared case-insensitively. An id is never guessed: a foreign 'ID' may clash with another
# file's, so rows get a derived one unless ``--columns id=...`` names it.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "station", "station_name", "agency", "agency_name", "facility_name"),
    "address": ("address", "street", "street_address", "address1", "addr"),
    "city": ("city", "town", "municipality", "locality"),
    "region": ("region", "state", "province", "st"),
    "country": ("country", "country_code"),
    "postal_code": ("postal_code", "zip", "zipcode", "zip_code", "postcode", "postal"),
    "lat": ("lat", "latitude", "y"),
    "lon": ("lon", "lng", "long", "longitude", "x"),
    "phone": ("phone", "telephone", "tel", "phone_number"),
    "website": ("website", "url", "web"),
    "opening_hours": ("opening_hours", "hours"),
    "kind": ("kind",),
    "source": ("source",),
}
# Values that mean "nothing here" in public data (compared case-insensitively).
PLACEHOLDERS = frozenset({"not available", "n/a", "#n/a", "null", "-999"})
_NUMBER = re.compile(r"^-?[0-9]+(\.0*)?$")
_SLUG_CHARS = re.compile(r"[^a-z0-9]+")
_SLUG_LENGTH = 36  # of the name, in a derived id (48 in all)
_CHECKS: dict[str, Callable[[str, str], str]] = {
    "opening_hours": lambda text, _country: checked_opening_hours(text),
    "phone": lambda text, country: checked_phone(text, country),
    "website": lambda text, _country: checked_website(text),
    "verified": lambda text, _country: checked_date(text),
}


def is_placeholder(value: str) -> bool:
    """True for a blank or a stand-in for "unknown" ('NOT AVAILABLE', 'N/A', '-999')."""
    text = value.strip().casefold()
    if not text or text in PLACEHOLDERS:
        return True
    return bool(_NUMBER.match(text)) and float(text) == -999


def cleaned(value: str) -> str:
    """The value stripped, or '' for a placeholder."""
    return "" if is_placeholder(value) else value.strip()


def parse_columns_option(text: str) -> dict[str, str]:
    """``name=NAME,lat=Y,lon=X`` as {zone column: file column}; ZoneDataError when malformed."""
    mapping: dict[str, str] = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        column, equals, source = (piece.strip() for piece in part.partition("="))
        if not equals or not source:
            raise ZoneDataError(f"--columns wants column=FILE_COLUMN pairs, got {part!r}")
        if column not in CSV_COLUMNS:
            known = ", ".join(CSV_COLUMNS)
            raise ZoneDataError(f"--columns: unknown column {column!r}; use {known}")
        mapping[column] = source
    return mapping


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Which file column feeds each zone column; ``own`` are read under the schema's own name."""

    sources: Mapping[str, str]
    own: frozenset[str]

    def described(self) -> str:
        """'name<-NAME, lat<-Y' for the columns read under another name."""
        pairs = self.sources.items()
        return ", ".join(f"{col}<-{src}" for col, src in pairs if col not in self.own)


def _alias_source(column: str, folded: Mapping[str, str]) -> str | None:
    """The first file column whose name is a common name of ``column``."""
    return next((folded[alias] for alias in ALIASES.get(column, ()) if alias in folded), None)


def resolve_columns(names: Iterable[str], explicit: Mapping[str, str]) -> ColumnMap:
    """Map the zone columns onto a file's columns: ``explicit`` first, then exact, then common."""
    present = list(names)
    folded: dict[str, str] = {}
    for name in present:
        folded.setdefault(name.strip().casefold(), name)
    sources: dict[str, str] = {}
    own: set[str] = set()
    for column in CSV_COLUMNS:
        if column in explicit:
            sources[column] = explicit[column]
        elif column in present:
            sources[column] = column
            own.add(column)
        elif (source := _alias_source(column, folded)) is not None:
            sources[column] = source
    return ColumnMap(sources, frozenset(own))


def _slug(text: str) -> str:
    """'Grove Hill PD' -> 'grove-hill-pd' (ASCII letters and digits only)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG_CHARS.sub("-", ascii_text.lower()).strip("-")[:_SLUG_LENGTH].strip("-")


def stable_id(name: str, lat: float, lon: float) -> str:
    """An id from the position (to 0.1 m) and the name: the same row always gets the same one."""
    digest = hashlib.sha256(f"{lat:.6f},{lon:.6f},{name}".encode()).hexdigest()[:10]
    return f"{_slug(name) or 'at'}-{digest}"


def _coordinates(row: Mapping[str, str]) -> tuple[float, float] | None:
    """(lat, lon) when both are numbers ('41.18' reads as one), else None."""
    try:
        return float(row["lat"]), float(row["lon"])
    except ValueError:
        return None


def _country_at(lat: float, lon: float) -> str:
    """The one country whose timezone covers the point, '' where several share it."""
    try:
        found = countries_at(lat, lon)
    except ValueError:
        return ""
    return next(iter(found)) if len(found) == 1 else ""


def _drop_bad_values(row: dict[str, str], columns: ColumnMap, dropped: Counter[str]) -> None:
    """Empty each value read under a foreign name that fails its check, counting it."""
    for column, check in _CHECKS.items():
        if row[column] and column not in columns.own:
            try:
                check(row[column], row["country"])
            except ZoneDataError:
                row[column] = ""
                dropped[column] += 1


def zone_from_mapped(
    values: Mapping[str, str], columns: ColumnMap, dropped: Counter[str] | None = None
) -> Zone:
    """A zone from a row keyed by zone column, placeholders read as missing.

    No kind: a police station. No id: one derived from position and name. No country column:
    the country at the position. A value under a foreign column name that fails its check is
    dropped (counted in ``dropped``), the row kept; under the schema's own name it is refused.
    """
    row = {column: cleaned(values.get(column, "")) for column in CSV_COLUMNS}
    if not (row["lat"] and row["lon"]):
        raise ZoneDataError("missing coordinates")
    position = _coordinates(row)
    row["kind"] = row["kind"] or ZoneKind.POLICE_STATION.value
    if position and "country" not in columns.sources:
        row["country"] = _country_at(*position)
    if position and not row["id"]:
        row["id"] = stable_id(row["name"], *position)
    _drop_bad_values(row, columns, Counter() if dropped is None else dropped)
    return zone_from_row(row)


def dropped_note(dropped: Counter[str]) -> str | None:
    """'values failing a check dropped, rows kept: phone 3, website 1', None when none were."""
    if not dropped:
        return None
    counts = ", ".join(f"{column} {count}" for column, count in sorted(dropped.items()))
    return f"values failing a check dropped, rows kept: {counts}"
