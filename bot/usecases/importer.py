"""Importing zones from CSV, GeoJSON or Overpass JSON: detect, validate, report, upsert."""

from __future__ import annotations

import codecs
import csv
import io
import json
import operator
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePath
from typing import Any, Protocol

from bot.domain.countries import outside_country
from bot.domain.zones import (
    CSV_COLUMNS,
    Zone,
    ZoneDataError,
    shown,
    zone_from_row,
    zone_from_values,
)
from bot.sources.osm import zone_from_osm_element

FORMATS = ("csv", "geojson", "overpass")
_JSON_SUFFIXES = (".json", ".geojson")
# A CSV line longer than this is not a zones file's (minified JSON is one line: no limit).
MAX_LINE_BYTES = 64 * 1024
# Nor is a file bigger than this, whatever its format (JSON is parsed in memory at once).
MAX_FILE_BYTES = 128 * 1024 * 1024
_CHUNK_BYTES = 64 * 1024
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_NAMES_SHOWN = 10  # of the unknown columns, in the note naming them

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


# -- reading the file: text, not absurd ----------------------------------------------------------


class _LineLimit:
    """Counts the lines of a byte stream, chunk by chunk, and refuses one that is too long."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._number = 1  # of the line being read
        self._length = 0  # of it so far
        self._after_cr = False  # the last chunk ended with '\r': a '\n' next belongs to it

    def feed(self, chunk: bytes) -> None:
        """Take the next chunk; raises ZoneDataError naming the first line over the limit."""
        if self._after_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]
        self._after_cr = chunk.endswith(b"\r")
        lengths = [len(piece) for piece in _LINE_BREAK.split(chunk)]
        lengths[0] += self._length
        for index, length in enumerate(lengths):
            if length > self._limit:
                number = self._number + index
                raise ZoneDataError(f"line {number} is longer than {self._limit} bytes")
        self._number += len(lengths) - 1
        self._length = lengths[-1]


def _check_binary(chunk: bytes, offset: int) -> None:
    """Refuse UTF-16 (a byte-order mark) and NUL bytes: not UTF-8 text."""
    if offset == 0 and chunk.startswith(_UTF16_BOMS):
        raise ZoneDataError("UTF-16 text: save it as UTF-8")
    nul = chunk.find(b"\0")
    if nul >= 0:
        raise ZoneDataError(f"not a text file: NUL byte at byte offset {offset + nul}")


def _decoded(decoder: codecs.IncrementalDecoder, chunk: bytes, offset: int, final: bool) -> str:
    """The chunk as UTF-8 text (a character cut between chunks waits for the next one)."""
    try:
        return decoder.decode(chunk, final)
    except UnicodeDecodeError as exc:
        if final:
            raise ZoneDataError("not UTF-8 text: the last character is cut short") from None
        at = offset - (len(exc.object) - len(chunk)) + exc.start
        byte = exc.object[exc.start]
        raise ZoneDataError(f"not UTF-8 text: byte {byte:#04x} at byte offset {at}") from None


def _starts_like_json(text: str) -> bool | None:
    """True when the first non-blank character is '{' or '[', None while there is none."""
    head = text.lstrip("\ufeff").lstrip()
    return head[:1] in ("{", "[") if head else None


def checked_text(
    chunks: Iterable[bytes],
    json_input: bool | None = None,
    *,
    max_line: int = MAX_LINE_BYTES,
    max_bytes: int = MAX_FILE_BYTES,
) -> str:
    """The UTF-8 text of a zones file, read chunk by chunk and refused as soon as it is not one.

    Refused (ZoneDataError, one line): NUL bytes, UTF-16, bytes that are not UTF-8, more than
    ``max_bytes`` bytes, and, unless ``json_input`` (None: JSON when the text starts with '{'
    or '['), a line longer than ``max_line`` bytes. A byte-order mark is dropped.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = _LineLimit(max_line)
    parts: list[str] = []
    offset = 0
    for chunk in chunks:
        _check_binary(chunk, offset)
        parts.append(_decoded(decoder, chunk, offset, final=False))
        if json_input is None:
            json_input = _starts_like_json(parts[-1])
        if not json_input:
            lines.feed(chunk)
        offset += len(chunk)
        if offset > max_bytes:
            raise ZoneDataError(f"larger than {max_bytes} bytes")
    parts.append(_decoded(decoder, b"", offset, final=True))
    return "".join(parts).removeprefix("\ufeff")


def _check_format(file_format: str | None) -> None:
    if file_format not in (None, *FORMATS):
        raise ZoneDataError(f"unknown format {file_format!r}; use one of {', '.join(FORMATS)}")


def _declared_json(name: str, file_format: str | None) -> bool | None:
    """True for JSON, False for CSV, from the format or the name; None when they do not say."""
    if file_format is not None:
        return file_format != "csv"
    suffix = PurePath(name).suffix.lower()
    if suffix == ".csv":
        return False
    return True if suffix in _JSON_SUFFIXES else None


def read_zones_file(path: Path, file_format: str | None = None) -> str:
    """The text of a zones file, refused early when it is not one (see checked_text)."""
    _check_format(file_format)
    with path.open("rb") as stream:
        chunks = iter(partial(stream.read, _CHUNK_BYTES), b"")
        return checked_text(chunks, _declared_json(path.name, file_format))


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


def _names(names: Iterable[str]) -> str:
    """ "'a', 'b' and 3 more": the first few names, quoted, each once."""
    unique = list(dict.fromkeys(names))
    listed = ", ".join(shown(name) for name in unique[:_NAMES_SHOWN])
    more = len(unique) - _NAMES_SHOWN
    return f"{listed} and {more} more" if more > 0 else listed


def _csv_records(text: str, report: ImportReport) -> Iterator[Record]:
    """Each data row of a zones CSV (blank lines skipped), columns in any order."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [name.strip() for name in next(reader, [])]
        missing = set(CSV_COLUMNS) - set(header)
        if missing:
            raise ZoneDataError(f"not a zones CSV: missing columns {', '.join(sorted(missing))}")
        unknown = [name for name in header if name not in CSV_COLUMNS]
        if unknown:
            report.notes.append(f"unknown columns ignored: {_names(unknown)}")
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


def _unknown_properties(feature: Any) -> list[str]:
    """The names of a feature's properties that are not zone columns."""
    properties = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(properties, dict):
        return []
    return [key for key in properties if key not in CSV_COLUMNS]


def _geojson_records(document: Any, report: ImportReport) -> Iterator[Record]:
    """Each feature of a GeoJSON FeatureCollection; unknown properties named once at the end."""
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ZoneDataError("not a GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list):
        raise ZoneDataError("GeoJSON FeatureCollection without a 'features' list")
    unknown: dict[str, None] = {}
    for index, feature in enumerate(features, start=1):
        unknown.update(dict.fromkeys(_unknown_properties(feature)))
        try:
            yield f"feature {index}", zone_from_feature(feature)
        except ZoneDataError as exc:
            yield f"feature {index}", exc
    if unknown:
        report.notes.append(f"unknown properties ignored: {_names(unknown)}")


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


def _is_csv(name: str, file_format: str | None, text: str) -> bool:
    """'.csv' is CSV; '.json', '.geojson' or text starting with '{' or '[' is JSON."""
    declared = _declared_json(name, file_format)
    return not (_starts_like_json(text) if declared is None else declared)


def parse_zones(
    text: str, name: str = "", file_format: str | None = None
) -> tuple[list[Zone], ImportReport]:
    """Every valid zone of a file, and a report naming each rejected row.

    The format is ``file_format`` if given, else guessed from the name and the content.
    Raises ZoneDataError (with a one-line reason) when the file as a whole is unusable.
    """
    _check_format(file_format)
    if _is_csv(name, file_format, text):
        report = ImportReport(format="csv")
        return collect(_csv_records(text, report), report), report
    document = _load_json(text)
    suffix = PurePath(name).suffix.lower()
    report = ImportReport(format=file_format or _json_format(document, suffix))
    if report.format == "geojson":
        return collect(_geojson_records(document, report), report), report
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
