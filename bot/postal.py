"""Postal codes: recognising them in text and resolving them offline to a position.

The data comes from the ``countrystatecity-postal-codes`` package (ODbL): full US ZIP codes,
Canadian forward sortation areas (the first three characters), UK postcode areas and the
postcodes of the other countries it ships with coordinates.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path

from bot.geo import Point

_DATA_PACKAGE = "countrystatecity_postal_codes"


def _raw_postcodes(country: str) -> list[dict]:
    """The package's records for a country (no import of the package, so no pydantic)."""
    if not (len(country) == 2 and country.isascii() and country.isalpha()):
        return []
    spec = importlib.util.find_spec(_DATA_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {_DATA_PACKAGE} package is not installed")
    base = Path(next(iter(spec.submodule_search_locations)))
    path = base / "data" / "by-country" / country.upper() / "postcodes.json"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as data:
        return json.load(data)


# Numeric codes without a country prefix are tried in these countries, in this order.
_NUMERIC_PREFERENCE = {5: ("US",), 4: ("AU", "NZ")}
_US_ZIP = re.compile(r"^(\d{5})(?:[-\s]?(\d{4}))?$")
_CA_POSTAL = re.compile(
    r"^([ABCEGHJKLMNPRSTVXY]\d[ABCEGHJ-NPRSTV-Z])(?:\s*(\d[ABCEGHJ-NPRSTV-Z]\d))?$"
)
_GB_POSTCODE = re.compile(r"^(([A-Z]{1,2})\d[A-Z\d]?)(?:\s*(\d[A-Z]{2}))?$")
_COUNTRY_PREFIX = re.compile(r"^([A-Z]{2})[\s,:-]+(.+)$")
_COUNTRY_SUFFIX = re.compile(r"^(.+?)[\s,]+([A-Z]{2})$")
_GENERIC_CODE = re.compile(r"^[A-Z0-9][A-Z0-9 -]{1,9}$")
_NUMERIC = re.compile(r"^\d{3,6}$")


@dataclass(frozen=True, slots=True)
class PostalQuery:
    """One way to read the text as a postal code: country, lookup key, what to show."""

    country: str
    key: str
    display: str


@dataclass(frozen=True, slots=True)
class PostalPlace:
    """A resolved postal code."""

    query: PostalQuery
    point: Point
    locality: str
    region: str


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().upper())


def _national_readings(code: str) -> list[PostalQuery]:
    """Readings of a code typed without a country, most likely first."""
    readings: list[PostalQuery] = []
    if match := _US_ZIP.match(code):
        display = match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")
        readings.append(PostalQuery("US", match.group(1), display))
    if match := _CA_POSTAL.match(code):
        display = match.group(1) + (f" {match.group(2)}" if match.group(2) else "")
        readings.append(PostalQuery("CA", match.group(1), display))
    if match := _GB_POSTCODE.match(code):
        display = match.group(1) + (f" {match.group(3)}" if match.group(3) else "")
        readings.append(PostalQuery("GB", match.group(2), display))
    if _NUMERIC.match(code) and not readings:
        for country in _NUMERIC_PREFERENCE.get(len(code), ()):
            readings.append(PostalQuery(country, code, code))
    return readings


def _country_reading(country: str, code: str) -> PostalQuery | None:
    """The reading of a code whose country the user stated ("AU 2000", "K7K 4C2 CA")."""
    for reading in _national_readings(code):
        if reading.country == country:
            return reading
    compact = code.replace(" ", "")
    if country in ("US", "CA", "GB") or not _GENERIC_CODE.match(code):
        return None
    return PostalQuery(country, compact, code)


def parse_postal_code(text: str) -> list[PostalQuery]:
    """All plausible readings of ``text`` as a postal code, most likely first; [] if none."""
    code = _squash(text)
    if not code or len(code) > 16:
        return []
    for pattern, country_group, code_group in ((_COUNTRY_PREFIX, 1, 2), (_COUNTRY_SUFFIX, 2, 1)):
        match = pattern.match(code)
        if match and (
            reading := _country_reading(match.group(country_group), match.group(code_group))
        ):
            return [reading]
    return _national_readings(code)


_CODE_LIKE = re.compile(r"^[A-Z0-9][A-Z0-9 -]{0,11}$")


def looks_like_malformed_postal_code(text: str) -> bool:
    """True for short code-like text with digits that no postal format accepts ("K7K 4C")."""
    code = _squash(text)
    if not _CODE_LIKE.match(code) or parse_postal_code(code):
        return False
    return all(any(char.isdigit() for char in token) for token in re.split(r"[ -]", code))


class PostalDirectory:
    """Offline postal code positions, loaded per country on first use and kept in memory."""

    def __init__(self) -> None:
        self._countries: dict[str, dict[str, tuple[float, float, str, str]]] = {}
        self._lock = asyncio.Lock()

    @staticmethod
    def _load_country(country: str) -> dict[str, tuple[float, float, str, str]]:
        """One country's codes as compact tuples, read straight from the package's data.

        The package's own API builds a pydantic model per code and caches the raw list, which
        cost about 40 MB and 0.5 s for the US alone; its JSON files are read directly instead.
        """
        table: dict[str, tuple[float, float, str, str]] = {}
        for entry in _raw_postcodes(country):
            lat, lon = entry.get("latitude"), entry.get("longitude")
            if lat is None or lon is None:
                continue
            key = str(entry["code"]).upper().replace(" ", "")
            if key not in table:
                locality, region = entry.get("localityName"), entry.get("stateCode")
                table[key] = (float(lat), float(lon), locality or "", region or "")
        return table

    async def _table(self, country: str) -> dict[str, tuple[float, float, str, str]]:
        if country not in self._countries:
            async with self._lock:
                if country not in self._countries:
                    self._countries[country] = await asyncio.to_thread(self._load_country, country)
        return self._countries[country]

    async def warm_up(self, countries: tuple[str, ...] = ("US", "CA")) -> None:
        """Load the most used countries ahead of the first question."""
        for country in countries:
            await self._table(country)

    async def lookup(self, readings: list[PostalQuery]) -> PostalPlace | None:
        """The first reading that resolves to a position, or None."""
        for reading in readings:
            entry = (await self._table(reading.country)).get(reading.key.replace(" ", ""))
            if entry:
                lat, lon, locality, region = entry
                return PostalPlace(reading, Point.checked(lat, lon), locality, region)
        return None
