"""Importing zones from CSV, GeoJSON or Overpass JSON: detect, validate, report, upsert."""

from __future__ import annotations

import codecs
import csv
import io
import json
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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
    zone_from_values,
)
from bot.sources import hifld
from bot.sources.osm import zone_from_osm_element
from bot.usecases.columns import (
    ColumnMap,
    cleaned,
    dropped_note,
    is_placeholder,
    resolve_columns,
    zone_from_mapped,
)

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

# A feature or element id as osmtogeojson writes it ("node/123").
_OSM_REF = re.compile(r"^(node|way|relation)/([1-9][0-9]*)$")
_FEATURE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")

# One row of a file: where it is ("line 4") and its zone, or why it has none.
Record = tuple[str, Zone | ZoneDataError]
# Wraps the records as they are checked (a progress bar); gets their number, when known.
Track = Callable[[Iterable[Record], int | None], Iterable[Record]]


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
    """Refuse a zone that is not where it says it is (no address or no name is fine)."""
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


def _own_schema_records(reader: Any, header: list[str], report: ImportReport) -> Iterator[Record]:
    """The rows of a CSV in the project's schema, checked as documented."""
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
            yield f"line {reader.line_num}", zone_from_values([cleaned(v) for v in values])
        except ZoneDataError as exc:
            yield f"line {reader.line_num}", exc


def _mapped_columns(header: list[str], explicit: Mapping[str, str]) -> ColumnMap:
    """The column map of a CSV in another schema; ZoneDataError when it has no position."""
    missing = [source for source in explicit.values() if source not in header]
    if missing:
        raise ZoneDataError(f"--columns: no column {_names(missing)} in the file")
    columns = resolve_columns(header, explicit)
    if not {"lat", "lon"} <= columns.sources.keys():
        raise ZoneDataError(
            f"not a zones CSV: no latitude/longitude columns among {_names(header)}; "
            "name them with --columns lat=COLUMN,lon=COLUMN"
        )
    return columns


def _mapped_records(
    reader: Any, header: list[str], explicit: Mapping[str, str], report: ImportReport
) -> Iterator[Record]:
    """The rows of a CSV in another schema, read through its column names (see columns.py)."""
    columns = _mapped_columns(header, explicit)
    used = set(columns.sources.values())
    report.notes.append(f"columns read as: {columns.described() or 'the schema names'}")
    ignored = [name for name in header if name not in used]
    if ignored:
        report.notes.append(f"columns ignored: {_names(ignored)}")
    positions = {column: header.index(source) for column, source in columns.sources.items()}
    dropped: Counter[str] = Counter()
    for record in reader:
        if not record:
            continue
        values = {c: record[i] if i < len(record) else "" for c, i in positions.items()}
        try:
            yield f"line {reader.line_num}", zone_from_mapped(values, columns, dropped)
        except ZoneDataError as exc:
            yield f"line {reader.line_num}", exc
    if note := dropped_note(dropped):
        report.notes.append(note)


def _hifld_records(reader: Any, header: list[str], report: ImportReport) -> Iterator[Record]:
    """The rows of HIFLD's Local Law Enforcement Locations layer, read as the bundled US
    stations are (ids us-hifld-<ID>, names as people write them): importing the layer again
    updates those stations instead of adding a second copy of each."""
    report.notes.append("read as HIFLD Local Law Enforcement Locations (ids us-hifld-<ID>)")
    for record in reader:
        if not record:
            continue
        row = dict(zip(header, record, strict=False))
        try:
            yield f"line {reader.line_num}", hifld.station_from_row(row)
        except ZoneDataError as exc:
            yield f"line {reader.line_num}", exc


def _csv_records(
    text: str, report: ImportReport, explicit: Mapping[str, str] | None = None
) -> Iterator[Record]:
    """Each data row of a CSV (blank lines skipped): the project's schema, columns in any
    order, or another one whose columns have common names or are named in ``explicit``."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [name.strip() for name in next(reader, [])]
        if not explicit and set(CSV_COLUMNS) <= set(header):
            yield from _own_schema_records(reader, header, report)
        elif not explicit and set(hifld.COLUMNS) <= set(header):
            yield from _hifld_records(reader, header, report)
        else:
            yield from _mapped_records(reader, header, explicit or {}, report)
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


def _coordinate(value: Any) -> float:
    """A coordinate written as a number or as a string ('41.18'); ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(value)
    return float(value)


def _point_coordinates(geometry: Any) -> tuple[float, float]:
    """(lon, lat) of a GeoJSON Point geometry."""
    if geometry is None:
        raise ZoneDataError("no position: the geometry is null")
    if not isinstance(geometry, dict):
        raise ZoneDataError("missing geometry")
    if geometry.get("type") != "Point":
        raise ZoneDataError(f"geometry must be a Point, got {geometry.get('type')!r}")
    coordinates = geometry.get("coordinates")
    try:
        if not isinstance(coordinates, list) or len(coordinates) < 2:
            raise ValueError(coordinates)
        return _coordinate(coordinates[0]), _coordinate(coordinates[1])
    except ValueError:
        raise ZoneDataError(f"bad coordinates: {coordinates!r}") from None


def _properties(feature: dict) -> dict:
    """A feature's properties (none: empty)."""
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise ZoneDataError("properties must be a JSON object")
    return properties


def _osm_ref(feature: dict) -> tuple[str, int] | None:
    """('node', 123) for an osmtogeojson feature ("@id": "node/123"), else None."""
    properties = feature.get("properties")
    ref = properties.get("@id") if isinstance(properties, dict) else None
    ref = ref if isinstance(ref, str) else feature.get("id")
    match = _OSM_REF.match(ref) if isinstance(ref, str) else None
    return (match[1], int(match[2])) if match else None


def _osm_element(feature: dict, kind: str, osm_id: int, lon: float, lat: float) -> dict:
    """An osmtogeojson feature as the Overpass element it came from (ways at their centre)."""
    tags = {
        key: value
        for key, value in _properties(feature).items()
        if not key.startswith("@") and isinstance(value, str) and not is_placeholder(value)
    }
    position = {"lat": lat, "lon": lon}
    element: dict[str, Any] = {"type": kind, "id": osm_id, "tags": tags}
    if kind == "node":
        return element | position
    return element | {"center": position}


def _feature_values(feature: dict, columns: ColumnMap) -> dict[str, str]:
    """A feature's properties by zone column, with the feature's own id as a fallback."""
    properties = _properties(feature)
    values = {
        column: _property_text(source, properties.get(source))
        for column, source in columns.sources.items()
    }
    feature_id = feature.get("id")
    own_id = cleaned(values.get("id", ""))
    if not own_id and isinstance(feature_id, str) and _FEATURE_ID.match(feature_id):
        values["id"] = feature_id
    return values


def zone_from_feature(
    feature: Any,
    explicit: Mapping[str, str] | None = None,
    dropped: Counter[str] | None = None,
) -> Zone:
    """A GeoJSON Point feature as a Zone: an osmtogeojson one ("@id": "node/123") as an OSM
    station, any other through its property names (the schema's, common ones, ``explicit``)."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ZoneDataError("not a GeoJSON Feature")
    lon, lat = _point_coordinates(feature.get("geometry"))
    ref = _osm_ref(feature)
    if ref is not None:
        return zone_from_osm_element(_osm_element(feature, *ref, lon, lat))
    columns = resolve_columns(_properties(feature), explicit or {})
    values = _feature_values(feature, columns) | {"lat": repr(lat), "lon": repr(lon)}
    return zone_from_mapped(values, columns, dropped)


def _unknown_properties(feature: Any, explicit: Mapping[str, str]) -> list[str]:
    """The names of a feature's properties that no zone column reads (none for OSM ones)."""
    properties = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(properties, dict) or _osm_ref(feature) is not None:
        return []
    used = set(resolve_columns(properties, explicit).sources.values())
    return [key for key in properties if key not in used]


def _geojson_records(
    document: Any, report: ImportReport, explicit: Mapping[str, str] | None = None
) -> Iterator[Record]:
    """Each feature of a GeoJSON FeatureCollection; unknown properties named once at the end."""
    features = _features(document)
    unknown: dict[str, None] = {}
    dropped: Counter[str] = Counter()
    for index, feature in enumerate(features, start=1):
        unknown.update(dict.fromkeys(_unknown_properties(feature, explicit or {})))
        try:
            yield f"feature {index}", zone_from_feature(feature, explicit, dropped)
        except ZoneDataError as exc:
            yield f"feature {index}", exc
    if unknown:
        report.notes.append(f"unknown properties ignored: {_names(unknown)}")
    if note := dropped_note(dropped):
        report.notes.append(note)


def _features(document: Any) -> list:
    """The features of a GeoJSON FeatureCollection; ZoneDataError when it is not one."""
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ZoneDataError("not a GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list):
        raise ZoneDataError("GeoJSON FeatureCollection without a 'features' list")
    return features


# -- Overpass JSON ------------------------------------------------------------------------------


def _element_label(index: int, element: Any) -> str:
    """'element 3 (node/123)', or without the reference when the element has none."""
    if isinstance(element, dict) and "type" in element and "id" in element:
        return f"element {index} ({element['type']}/{element['id']})"
    return f"element {index}"


def _without_placeholders(element: Any) -> Any:
    """The element with its placeholder tags ('N/A', '-999') left out."""
    tags = element.get("tags") if isinstance(element, dict) else None
    if not isinstance(tags, dict):
        return element
    kept = {k: v for k, v in tags.items() if not (isinstance(v, str) and is_placeholder(v))}
    return element | {"tags": kept}


def _overpass_records(document: Any, report: ImportReport) -> Iterator[Record]:
    """Each element of an Overpass API JSON answer."""
    if not isinstance(document, dict) or not isinstance(document.get("elements"), list):
        raise ZoneDataError("not Overpass JSON: no 'elements' list")
    if isinstance(document.get("remark"), str):
        report.notes.append(f"Overpass remark (the answer may be incomplete): {document['remark']}")
    for index, element in enumerate(document["elements"], start=1):
        where = _element_label(index, element)
        try:
            yield where, zone_from_osm_element(_without_placeholders(element))
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


def _untracked(records: Iterable[Record], _total: int | None) -> Iterable[Record]:
    """The records as they are: no progress shown."""
    return records


def _json_total(document: Any) -> int | None:
    """How many features or elements a JSON document lists, when it lists them."""
    if not isinstance(document, dict):
        return None
    items = document.get("features", document.get("elements"))
    return len(items) if isinstance(items, list) else None


def parse_zones(
    text: str,
    name: str = "",
    file_format: str | None = None,
    columns: Mapping[str, str] | None = None,
    track: Track = _untracked,
) -> tuple[list[Zone], ImportReport]:
    """Every valid zone of a file, and a report naming each rejected row.

    The format is ``file_format`` if given, else guessed from the name and the content.
    ``columns`` names the file's column for zone columns ({'lat': 'Y'}); ``track`` sees the
    rows go by. Raises ZoneDataError (with a one-line reason) when the file as a whole is
    unusable.
    """
    _check_format(file_format)
    if _is_csv(name, file_format, text):
        report = ImportReport(format="csv")
        records = _csv_records(text, report, columns)
        return collect(track(records, max(text.count("\n") - 1, 0)), report), report
    document = _load_json(text)
    suffix = PurePath(name).suffix.lower()
    report = ImportReport(format=file_format or _json_format(document, suffix))
    if report.format == "geojson":
        records = _geojson_records(document, report, columns)
    else:
        records = _overpass_records(document, report)
    return collect(track(records, _json_total(document)), report), report


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
