"""OpenStreetMap police stations: one Overpass JSON element to one Zone."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from bot.domain.countries import countries_at
from bot.domain.geo import InvalidCoordinates, Point
from bot.domain.zones import (
    MAX_FIELD_CHARS,
    NAME_LANGUAGES,
    Zone,
    ZoneDataError,
    ZoneKind,
    checked_opening_hours,
    checked_phone,
    checked_website,
)

OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"
OSM_TYPES = ("node", "way", "relation")


def _tag_values(tags: Mapping[str, Any], *keys: str) -> Iterator[str]:
    """The non-empty tags among ``keys``, stripped, in order (absurdly long ones left out)."""
    for key in keys:
        value = tags.get(key)
        if isinstance(value, str) and value.strip() and len(value) <= MAX_FIELD_CHARS:
            yield value.strip()


def _tag(tags: Mapping[str, Any], *keys: str) -> str:
    """The first non-empty tag among ``keys``, stripped ('' when none)."""
    return next(_tag_values(tags, *keys), "")


def _first_valid(check: Callable[[str], str], values: Iterator[str]) -> str:
    """The first value ``check`` accepts, as it returns it; '' when none.

    A bad optional tag is dropped: a police station with a mistyped phone is still one.
    """
    for value in values:
        try:
            return check(value)
        except ZoneDataError:
            continue
    return ""


def _element_ref(element: Mapping[str, Any]) -> tuple[str, int]:
    """The element's OSM type and numeric id, validated."""
    kind, osm_id = element.get("type"), element.get("id")
    if kind not in OSM_TYPES:
        raise ZoneDataError(f"unknown OSM element type {kind!r}")
    if isinstance(osm_id, bool) or not isinstance(osm_id, int) or osm_id <= 0:
        raise ZoneDataError(f"bad OSM id {osm_id!r}")
    return kind, osm_id


def _position(element: Mapping[str, Any], kind: str) -> Point:
    """Nodes carry lat/lon; ways and relations carry a ``center`` (``out center``)."""
    where = element if kind == "node" else element.get("center")
    if not isinstance(where, Mapping):
        raise ZoneDataError(f"bad coordinates: {kind} has no center (use 'out center')")
    lat, lon = where.get("lat"), where.get("lon")
    if isinstance(lat, bool) or isinstance(lon, bool):
        raise ZoneDataError("bad coordinates: lat/lon must be numbers")
    try:
        lat_f, lon_f = float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ZoneDataError(f"bad coordinates: {lat!r}, {lon!r}") from exc
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)):
        raise ZoneDataError("bad coordinates: coordinates must be finite numbers")
    try:
        return Point.checked(lat_f, lon_f)
    except InvalidCoordinates as exc:
        raise ZoneDataError(f"bad coordinates: {exc}") from exc


def _street_address(tags: Mapping[str, Any]) -> str:
    """'12 Main Street' from addr:housenumber + addr:street, else addr:full."""
    street = " ".join(
        part for part in (_tag(tags, "addr:housenumber"), _tag(tags, "addr:street")) if part
    )
    return street if _tag(tags, "addr:street") else _tag(tags, "addr:full") or street


def _country(tags: Mapping[str, Any], point: Point) -> str:
    """addr:country when it is an ISO 3166-1 alpha-2 code ('FR'), else the one country whose
    timezone covers the point (most stations are untagged; '' where several share it)."""
    code = _tag(tags, "addr:country").upper()
    if len(code) == 2 and code.isascii() and code.isalpha():
        return code
    found = countries_at(point.lat, point.lon)
    return next(iter(found)) if len(found) == 1 else ""


def _name(tags: Mapping[str, Any]) -> str:
    """name, else official_name, else the operator ('Toronto Police Service'); '' for none."""
    return _tag(tags, "name", "official_name", "operator")


def _names(tags: Mapping[str, Any]) -> dict[str, str]:
    """The station's name:<lang> tags for the languages the bot speaks ('en': 'Patras Police')."""
    found = {language: _tag(tags, f"name:{language}") for language in NAME_LANGUAGES}
    return {language: name for language, name in found.items() if name}


def zone_from_osm_element(element: dict) -> Zone:
    """Map one Overpass JSON element (node, or way/relation with center) to a police station.

    A station without a name or an address is kept: an unnamed amenity=police is one too.
    """
    if not isinstance(element, Mapping):
        raise ZoneDataError("OSM element must be a JSON object")
    kind, osm_id = _element_ref(element)
    tags = element.get("tags") or {}
    if not isinstance(tags, Mapping):
        raise ZoneDataError("OSM tags must be a JSON object")
    point = _position(element, kind)
    country = _country(tags, point)
    return Zone(
        id=f"osm-{kind}-{osm_id}",
        name=_name(tags),
        kind=ZoneKind.POLICE_STATION,
        lat=point.lat,
        lon=point.lon,
        address=_street_address(tags),
        city=_tag(tags, "addr:city"),
        country=country,
        postal_code=_tag(tags, "addr:postcode"),
        opening_hours=_first_valid(checked_opening_hours, _tag_values(tags, "opening_hours")),
        phone=_first_valid(
            partial(checked_phone, country=country), _tag_values(tags, "phone", "contact:phone")
        ),
        website=_first_valid(checked_website, _tag_values(tags, "website", "contact:website")),
        source=f"{OSM_ATTRIBUTION} {kind}/{osm_id}",
        names=_names(tags),
    )
