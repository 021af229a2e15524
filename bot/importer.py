"""Importing zones from CSV, GeoJSON or Overpass JSON: detect, validate, report, upsert."""

from __future__ import annotations

import csv
import io
import json
import operator
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Protocol

from bot.countries import outside_country
from bot.osm import zone_from_osm_element
from bot.zones import CSV_COLUMNS, Zone, ZoneDataError, zone_from_row, zone_from_values

FORMATS = ("csv", "geojson", "overpass")
_JSON_SUFFIXES = (".json", ".geojson")

# One row of a file: where it is ("line 4") and its zone, or why it has none.
Record = tuple[str, Zone | ZoneDataError]


class ZoneStore(Protocol):
    """Where imported zones go (storage.zones.ZoneRepository)."""

    async def import_zones(
        self, zones: Sequence[Zone], dry_run: bool = False
    ) -> tuple[int, int, int]: ...


@dataclass(frozen=True, slots=True)
class Rejected:
    """A row that was not imported, where it is ('line 4', 'feature 2') and why."""

    where: str
    reason: str


@dataclass
class ImportReport:
    """What an import read, wrote and refused."""

    format: str = "csv"
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as terminal lines."""
        head = (
            f"{self.format}: read {self.read}, added {self.added}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {len(self.rejected)}"
        )
        return [
            head,
            *(f"  note: {note}" for note in self.notes),
            *(f"  {r.where}: {r.reason}" for r in self.rejected),
        ]


# -- checks every format shares ---------------------------------------------------------------


def check_zone(zone: Zone) -> None:
    """Refuse a zone Telegram cannot show (no address) or that is not where it says it is."""
    if not (zone.address or zone.city):
        raise ZoneDataError("missing address")
    if not zone.country:
        return
    if len(zone.country) != 2 or not (zone.country.isascii() and zone.country.isalpha()):
        raise ZoneDataError(f"country must be an ISO 3166-1 alpha-2 code: {zone.country!r}")
    where = outside_country(zone.lat, zone.lon, zone.country)
    if where:
        raise ZoneDataError(f"coordinates outside the stated country {zone.country} ({where})")


def collect(records: Iterable[Record], report: ImportReport) -> list[Zone]:
    """The valid zones of a file's records; the report counts them and names each refusal."""
    zones: list[Zone] = []
    first_seen: dict[str, str] = {}
    for where, outcome in records:
        report.read += 1
        try:
            if isinstance(outcome, ZoneDataError):
                raise outcome
            check_zone(outcome)
            if outcome.id in first_seen:
                raise ZoneDataError(
                    f"duplicate id {outcome.id} (first at {first_seen[outcome.id]})"
                )
        except ZoneDataError as exc:
            report.rejected.append(Rejected(where, str(exc)))
            continue
        first_seen[outcome.id] = where
        zones.append(outcome)
    return zones


# -- CSV ----------------------------------------------------------------------------------------


def _csv_records(text: str) -> Iterator[Record]:
    """Each data row of a zones CSV (blank lines skipped), columns in any order."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [name.strip() for name in next(reader, [])]
        missing = set(CSV_COLUMNS) - set(header)
        if missing:
            raise ZoneDataError(f"not a zones CSV: missing columns {', '.join(sorted(missing))}")
        positions = [header.index(column) for column in CSV_COLUMNS]
        pick, width = operator.itemgetter(*positions), len(header)
        for record in reader:
            if not record:
                continue
            if len(record) >= width:
                values = pick(record)
            else:
                values = [record[i] if i < len(record) else "" for i in positions]
            try:
                yield f"line {reader.line_num}", zone_from_values(values)
            except ZoneDataError as exc:
                yield f"line {reader.line_num}", exc
    except csv.Error as exc:
        raise ZoneDataError(f"not valid CSV at line {reader.line_num}: {exc}") from exc


# -- GeoJSON ------------------------------------------------------------------------------------


def _property_text(key: str, value: Any) -> str:
    """A GeoJSON property as the CSV would spell it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str | int | float):
        return str(value)
    raise ZoneDataError(f"property {key!r} must be text, a number or a boolean")


def _point_coordinates(geometry: Any) -> tuple[float, float]:
    """(lon, lat) of a GeoJSON Point geometry."""
    if not isinstance(geometry, dict):
        raise ZoneDataError("missing geometry")
    if geometry.get("type") != "Point":
        raise ZoneDataError(f"geometry must be a Point, got {geometry.get('type')!r}")
    coordinates = geometry.get("coordinates")
    if (
        not isinstance(coordinates, list)
        or len(coordinates) < 2
        or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates[:2])
    ):
        raise ZoneDataError(f"bad coordinates: {coordinates!r}")
    return coordinates[0], coordinates[1]


def zone_from_feature(feature: Any) -> Zone:
    """A GeoJSON Point feature whose properties use the CSV column names, as a Zone."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ZoneDataError("not a GeoJSON Feature")
    lon, lat = _point_coordinates(feature.get("geometry"))
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise ZoneDataError("properties must be a JSON object")
    row = {key: _property_text(key, properties.get(key)) for key in CSV_COLUMNS}
    if not row["id"] and isinstance(feature.get("id"), str):
        row["id"] = feature["id"]
    row["lat"], row["lon"] = repr(lat), repr(lon)
    return zone_from_row(row)


def _geojson_records(document: Any) -> Iterator[Record]:
    """Each feature of a GeoJSON FeatureCollection."""
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ZoneDataError("not a GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list):
        raise ZoneDataError("GeoJSON FeatureCollection without a 'features' list")
    for index, feature in enumerate(features, start=1):
        try:
            yield f"feature {index}", zone_from_feature(feature)
        except ZoneDataError as exc:
            yield f"feature {index}", exc


# -- Overpass JSON ------------------------------------------------------------------------------


def _element_label(index: int, element: Any) -> str:
    """'element 3 (node/123)', or without the reference when the element has none."""
    if isinstance(element, dict) and "type" in element and "id" in element:
        return f"element {index} ({element['type']}/{element['id']})"
    return f"element {index}"


def _overpass_records(document: Any, report: ImportReport) -> Iterator[Record]:
    """Each element of an Overpass API JSON answer."""
    if not isinstance(document, dict) or not isinstance(document.get("elements"), list):
        raise ZoneDataError("not Overpass JSON: no 'elements' list")
    if isinstance(document.get("remark"), str):
        report.notes.append(f"Overpass remark (the answer may be incomplete): {document['remark']}")
    for index, element in enumerate(document["elements"], start=1):
        where = _element_label(index, element)
        try:
            yield where, zone_from_osm_element(element)
        except ZoneDataError as exc:
            yield where, exc


# -- choosing the format ------------------------------------------------------------------------


def _load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ZoneDataError(f"not valid JSON: {exc}") from exc


def _json_format(document: Any, suffix: str) -> str:
    """'geojson' or 'overpass' from a parsed document's shape."""
    if isinstance(document, dict) and "elements" in document:
        return "overpass"
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        return "geojson"
    if suffix == ".geojson":
        return "geojson"
    raise ZoneDataError(
        'JSON that is neither a GeoJSON FeatureCollection nor Overpass JSON ({"elements": [...]})'
    )


def _is_csv(suffix: str, text: str) -> bool:
    """'.csv' is CSV; '.json', '.geojson' or text starting with '{' or '[' is JSON."""
    if suffix == ".csv":
        return True
    return suffix not in _JSON_SUFFIXES and text.lstrip()[:1] not in ("{", "[")


def parse_zones(
    text: str, name: str = "", file_format: str | None = None
) -> tuple[list[Zone], ImportReport]:
    """Every valid zone of a file, and a report naming each rejected row.

    The format is ``file_format`` if given, else guessed from the name and the content.
    Raises ZoneDataError (with a one-line reason) when the file as a whole is unusable.
    """
    if file_format not in (None, *FORMATS):
        raise ZoneDataError(f"unknown format {file_format!r}; use one of {', '.join(FORMATS)}")
    suffix = PurePath(name).suffix.lower()
    if file_format == "csv" or (file_format is None and _is_csv(suffix, text)):
        report = ImportReport(format="csv")
        return collect(_csv_records(text), report), report
    document = _load_json(text)
    report = ImportReport(format=file_format or _json_format(document, suffix))
    if report.format == "geojson":
        return collect(_geojson_records(document), report), report
    return collect(_overpass_records(document, report), report), report


def parse_zones_csv(text: str) -> tuple[list[Zone], ImportReport]:
    """Every valid row of a zones CSV, and a report naming each rejected row."""
    return parse_zones(text, file_format="csv")


async def import_zones(
    store: ZoneStore,
    text: str,
    name: str = "",
    file_format: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Validate a zones file and upsert its valid zones in one transaction.

    With ``dry_run`` nothing is written; the counts are what the import would do.
    """
    zones, report = parse_zones(text, name, file_format)
    report.added, report.updated, report.unchanged = await store.import_zones(zones, dry_run)
    return report


async def import_zones_csv(store: ZoneStore, text: str, dry_run: bool = False) -> ImportReport:
    """Validate a zones CSV and, unless ``dry_run``, upsert its valid rows in one transaction."""
    return await import_zones(store, text, file_format="csv", dry_run=dry_run)
