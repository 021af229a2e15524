"""From what the user sent (a position, a postal code, a place) to the nearest safe zones."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol

from bot.domain.clock import Clock, utc_now
from bot.domain.countries import country_at
from bot.domain.geo import InvalidCoordinates, Point
from bot.domain.guidance import past_civil_dusk
from bot.domain.hours import HoursStatus, zone_hours
from bot.domain.ranking import open_first
from bot.domain.search import START_RADIUS_M, ZoneMatch, ZoneSource, nearest_zones
from bot.domain.zones import Zone
from bot.sources.geocoding import GeocoderBusy, GeocoderUnavailable, PlaceGeocoder
from bot.sources.live_zones import LiveZones, merge_matches
from bot.sources.places import NearbyPlaces, shared_places
from bot.sources.postal import (
    PostalDirectory,
    PostalPlace,
    by_language,
    looks_like_malformed_postal_code,
    parse_postal_code,
    reading_for,
)
from bot.usecases.alternatives import SwappedCoordinates, swapped_coordinates

MAX_QUERY_CHARS = 200
# Farther than this, a zone is never offered as a place to meet (SAFEMEET_REACH_KM).
DEFAULT_REACH_KM = 150.0
# With nothing within reach, the nearest known zone is mentioned (as information) up to here.
MENTION_LIMIT_M = 500_000.0
_COORDINATES = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_HAS_WORD = re.compile(r"\w\w", re.UNICODE)


class QueryProblem(StrEnum):
    """Why a query could not be answered with zones."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    BAD_COORDINATES = "bad_coordinates"
    BAD_POSTAL_CODE = "bad_postal_code"
    UNKNOWN_POSTAL_CODE = "unknown_postal_code"
    NOT_UNDERSTOOD = "not_understood"
    PLACE_NOT_FOUND = "place_not_found"
    GEOCODER_DOWN = "geocoder_down"
    GEOCODER_BUSY = "geocoder_busy"
    SWAPPED_COORDINATES = "swapped_coordinates"  # off land as typed, on land swapped


class ZoneShelf(ZoneSource, Protocol):
    """The zone source, which also finds one zone by its id (storage.zones.ZoneRepository)."""

    async def get(self, zone_id: str) -> Zone | None:
        """A visible zone by id, or None."""
        ...


class LastSearchStore(Protocol):
    """Where each user's last search is kept, as zone ids only (storage.searches)."""

    async def remember(self, user_id: int, zone_ids: list[str]) -> None:
        """Replace the user's last search."""
        ...

    async def recall(self, user_id: int) -> list[str]:
        """Zone ids of the user's last (recent) search, nearest first; [] if none."""
        ...


class QueryError(Exception):
    """A query we cannot answer with zones; ``subject`` is the part to quote back.

    ``suggestion``: what the user probably meant instead (coordinates typed swapped).
    """

    def __init__(
        self, problem: QueryProblem, subject: str = "", suggestion: SwappedCoordinates | None = None
    ) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.subject = subject
        self.suggestion = suggestion


class OriginKind(StrEnum):
    """How the searcher's position was given."""

    LOCATION = "location"
    COORDINATES = "coordinates"
    POSTAL_CODE = "postal_code"
    PLACE = "place"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where the search starts, as the user gave it."""

    point: Point
    kind: OriginKind
    label: str = ""
    country: str = ""
    # Other readings of what the user typed (the same postal code in other countries).
    alternatives: tuple[PostalPlace, ...] = ()


@dataclass(frozen=True, slots=True)
class NearestAnswer:
    """The nearest zones to an origin, and what the advice needs to know."""

    origin: Origin
    matches: list[ZoneMatch]
    nearby: bool
    dark: bool  # civil twilight is over at the place (guidance.past_civil_dusk)
    live_unavailable: bool = False  # live OSM data was wanted but could not be had
    hours: Mapping[str, HoursStatus] = field(default_factory=dict)  # by zone id, now
    closed_moved_down: bool = False  # a nearer zone is listed lower: it is closed now
    located_country: str = ""  # the country the origin lies in ('' at sea or unknown)
    # With no zone within reach: the nearest known one, only to mention, never to offer.
    beyond_reach: ZoneMatch | None = None
    # The town the first zone is near ("Patras, Western Greece") when it has no address.
    pin_town: str = ""

    @property
    def country(self) -> str:
        """The searcher's country: the one they stated, else the one their position is in."""
        return self.origin.country or self.located_country


def parse_coordinates(text: str) -> Point | None:
    """``"41.18,-73.19"`` to a Point; None if not shaped like coordinates.

    Raises QueryError(BAD_COORDINATES) when shaped right but out of range, and
    QueryError(SWAPPED_COORDINATES) when off land as typed but on land swapped.
    """
    match = _COORDINATES.match(text)
    if not match:
        return None
    if swapped := swapped_coordinates(match.group(1), match.group(2)):
        raise QueryError(QueryProblem.SWAPPED_COORDINATES, text.strip(), swapped)
    try:
        return Point.checked(float(match.group(1)), float(match.group(2)))
    except InvalidCoordinates as exc:
        raise QueryError(QueryProblem.BAD_COORDINATES, text.strip()) from exc


def _postal_origin(place: PostalPlace) -> Origin:
    """Where a resolved postal code puts the search."""
    label = ", ".join(part for part in (place.query.display, place.locality) if part)
    return Origin(place.point, OriginKind.POSTAL_CODE, label, place.query.country)


class SafeZoneFinder:
    """Answers "where is the nearest safe place to meet?" for any kind of query."""

    def __init__(
        self,
        zones: ZoneShelf,
        postal: PostalDirectory,
        geocoder: PlaceGeocoder | None,
        *,
        live: LiveZones | None = None,
        searches: LastSearchStore | None = None,
        results: int = 3,
        nearby_km: float = 50.0,
        reach_km: float = DEFAULT_REACH_KM,
        start_radius_m: float = START_RADIUS_M,
        clock: Clock = utc_now,
        places: NearbyPlaces | None = None,
    ) -> None:
        self._zones = zones
        self._places = places or shared_places()
        self._postal = postal
        self._geocoder = geocoder
        self._live = live
        self._searches = searches
        self._results = results
        self._nearby_m = nearby_km * 1000.0
        self._reach_m = max(reach_km, nearby_km) * 1000.0
        self._start_radius_m = start_radius_m
        self._clock = clock

    @property
    def nearby_km(self) -> float:
        """Beyond this distance the nearest zone is not 'nearby'."""
        return self._nearby_m / 1000.0

    @property
    def reach_km(self) -> float:
        """Beyond this distance a zone is never offered as a place to meet."""
        return self._reach_m / 1000.0

    async def zone(self, zone_id: str) -> Zone | None:
        """A zone by id: a curated one, else a cached live OpenStreetMap station."""
        zone = await self._zones.get(zone_id)
        if zone is None and self._live is not None:
            zone = await self._live.station(zone_id)
        return zone

    async def remember(self, user_id: int, answer: NearestAnswer) -> None:
        """Keep the answer's zone ids (never the position) as the user's last search.

        /meetup offers them as places; an answer with none within reach leaves none, so an
        earlier search's zones cannot be planned from a place they are not near.
        """
        if self._searches is not None:
            await self._searches.remember(user_id, [match.zone.id for match in answer.matches])

    async def _recall(self, user_id: int) -> list[str]:
        return await self._searches.recall(user_id) if self._searches is not None else []

    async def offered(self, user_id: int, zone_id: str) -> bool:
        """True when the user's last search offered this zone (so it is within their reach)."""
        return zone_id in await self._recall(user_id)

    async def last_zones(self, user_id: int) -> list[Zone]:
        """The zones of the user's last search that are still known, nearest first."""
        zones = [await self.zone(zone_id) for zone_id in await self._recall(user_id)]
        return [zone for zone in zones if zone is not None]

    async def country_hint(self, user_id: int) -> str:
        """The country of the user's last search (from its nearest zone), or ''.

        A postal code several countries use is read first as that country's.
        """
        zone_ids = await self._recall(user_id)
        zone = await self.zone(zone_ids[0]) if zone_ids else None
        return zone.country if zone is not None else ""

    async def near(self, origin: Origin) -> NearestAnswer:
        """The nearest zones to a known position."""
        matches = await nearest_zones(
            self._zones, origin.point, self._results, self._start_radius_m
        )
        live_unavailable = False
        if self._wants_live(matches):
            assert self._live is not None
            found = await self._live.stations_near(origin.point)
            matches = merge_matches(
                matches, found.stations, origin.point, self._results, self._nearby_m
            )
            live_unavailable = not found.available
        reachable = [match for match in matches if match.distance_m <= self._reach_m]
        beyond = matches[0] if matches and not reachable else None
        if beyond is not None and beyond.distance_m > MENTION_LIMIT_M:
            beyond = None
        nearby = bool(reachable) and reachable[0].distance_m <= self._nearby_m
        place = reachable[0].zone.point if nearby else origin.point
        now = self._clock()
        dark = past_civil_dusk(place, now)
        hours = {match.zone.id: zone_hours(match.zone, now) for match in reachable}
        moved = False
        if nearby:  # far away, zones are listed by distance alone, open or not
            reachable, moved = open_first(reachable, hours)
        country = country_at(origin.point.lat, origin.point.lon)
        town = await self._town_near(reachable[0].zone) if reachable else ""
        return NearestAnswer(
            origin, reachable, nearby, dark, live_unavailable, hours, moved, country, beyond, town
        )

    async def _town_near(self, zone: Zone) -> str:
        """The town a zone without an address is near, from offline data ('' if none)."""
        if zone.full_address or zone.city:
            return ""
        place = await self._places.near(zone.point, zone.country)
        return place.text if place is not None else ""

    def _wants_live(self, matches: list[ZoneMatch]) -> bool:
        """True when curated zones leave places to fill within the radius and live data is on."""
        if self._live is None or not self._live.enabled:
            return False
        return sum(1 for m in matches if m.distance_m <= self._nearby_m) < self._results

    async def near_point(self, lat: float, lon: float, label: str = "") -> NearestAnswer:
        """The nearest zones to a shared location or venue."""
        try:
            point = Point.checked(lat, lon)
        except InvalidCoordinates as exc:
            raise QueryError(QueryProblem.BAD_COORDINATES, f"{lat}, {lon}") from exc
        return await self.near(Origin(point, OriginKind.LOCATION, label))

    async def near_text(
        self, text: str, language: str = "en", user_id: int | None = None
    ) -> NearestAnswer:
        """The nearest zones to typed coordinates, a postal code or a place name (``user_id``:
        whose last search hints the country of a code that several countries use)."""
        return await self.near(await self.locate(text, language, user_id))

    async def locate(self, text: str, language: str = "en", user_id: int | None = None) -> Origin:
        """Turn typed text into an origin, or raise QueryError saying why not."""
        query = " ".join(unicodedata.normalize("NFKC", text).split())  # full-width digits too
        if not query or not _HAS_WORD.search(query):
            raise QueryError(QueryProblem.EMPTY if not query else QueryProblem.NOT_UNDERSTOOD)
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError(QueryProblem.TOO_LONG)
        point = parse_coordinates(query)
        if point is not None:
            return self.origin_at(point)
        readings = parse_postal_code(query)
        if readings:
            return await self._locate_postal_code(readings, language, user_id)
        if looks_like_malformed_postal_code(query):
            raise QueryError(QueryProblem.BAD_POSTAL_CODE, query)
        return await self._locate_place(query, language)

    async def _locate_postal_code(
        self, readings: list, language: str, user_id: int | None
    ) -> Origin:
        places = await self._postal.resolve(readings)
        if len(places) > 1:  # only then is the last search's country worth reading
            hint = await self.country_hint(user_id) if user_id is not None else ""
            places = by_language(places, language, hint)
        if places:
            # A code of several countries is read as the one the user's language suggests,
            # never silently: the answer names it and offers the others as buttons.
            origin = _postal_origin(places[0])
            if len(places) == 1:
                return origin
            label = f"{places[0].query.display}, {places[0].where}"
            return replace(origin, label=label, alternatives=tuple(places[1:]))
        if self._geocoder is not None and self._geocoder.enabled:
            try:
                return await self._locate_place(
                    f"{readings[0].display}, {readings[0].country}", language
                )
            except QueryError:
                pass
        raise QueryError(QueryProblem.UNKNOWN_POSTAL_CODE, readings[0].display)

    async def locate_postal_code(self, country: str, code: str) -> Origin | None:
        """A postal code in a given country (a button naming it); None when there is none."""
        reading = reading_for(country, code)
        place = await self._postal.place(reading) if reading is not None else None
        return _postal_origin(place) if place is not None else None

    @staticmethod
    def origin_at(point: Point) -> Origin:
        """Typed coordinates as an origin (a "did you mean" button naming them)."""
        return Origin(point, OriginKind.COORDINATES, f"{point.lat:.5f}, {point.lon:.5f}")

    async def _locate_place(self, query: str, language: str) -> Origin:
        if self._geocoder is None or not self._geocoder.enabled:
            raise QueryError(QueryProblem.NOT_UNDERSTOOD, query)
        try:
            place = await self._geocoder.geocode(query, language)
        except GeocoderBusy as exc:
            raise QueryError(QueryProblem.GEOCODER_BUSY, query) from exc
        except GeocoderUnavailable as exc:
            raise QueryError(QueryProblem.GEOCODER_DOWN, query) from exc
        if place is None:
            raise QueryError(QueryProblem.PLACE_NOT_FOUND, query)
        return Origin(place.point, OriginKind.PLACE, place.label, place.country)
