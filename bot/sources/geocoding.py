"""Free-form places ("300 Congress St, Bridgeport") to positions, via a Nominatim server.

Follows Nominatim's usage policy: an identifying User-Agent, at most one request a second,
and every answer (hits and misses) cached in SQLite. A circuit breaker stops asking a server
that keeps failing, so that while it is down nobody waits for its timeout.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiolimiter import AsyncLimiter
from geopy.adapters import AioHTTPAdapter
from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from bot.domain.caches import CachedPlace, PlaceCache
from bot.domain.geo import InvalidCoordinates, Point
from bot.sources.breaker import CircuitBreaker

log = logging.getLogger(__name__)

USER_AGENT = "SafeMeet/0.1 (+https://github.com/safemeet/safemeet; safe-exchange-zone bot)"
HIT_TTL_S = 30 * 24 * 3600.0
MISS_TTL_S = 24 * 3600.0
# How long a lookup waits for its turn in the one-a-second line before the user is told to
# try again: with the request's timeout, a lookup takes SAFEMEET_GEOCODER_TIMEOUT plus one.
TURN_WAIT_S = 1.0


class GeocoderUnavailable(RuntimeError):
    """The geocoder is switched off, unreachable, too slow or answered nonsense."""


class GeocoderBusy(GeocoderUnavailable):
    """Too many lookups at once: this one's turn in the one-a-second line did not come."""


@dataclass(frozen=True, slots=True)
class GeocodedPlace:
    """A place the geocoder found."""

    point: Point
    label: str
    country: str


def normalize_query(text: str) -> str:
    """Cache key: case-folded, single-spaced text."""
    return re.sub(r"\s+", " ", text).strip().casefold()


class PlaceGeocoder:
    """Nominatim through geopy with a rate limit, a timeout, a breaker and a SQLite cache."""

    def __init__(
        self,
        url: str,
        cache: PlaceCache,
        *,
        timeout: float = 5.0,
        min_delay_s: float = 1.0,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self._url = url
        self._cache = cache
        self._timeout = timeout
        self._pace = AsyncLimiter(1, min_delay_s) if min_delay_s > 0 else None
        self._breaker = breaker or CircuitBreaker(failures=3, cooldown_s=60.0)
        self._nominatim: Nominatim | None = None

    @property
    def enabled(self) -> bool:
        """False when no Nominatim URL is configured."""
        return bool(self._url)

    async def start(self) -> None:
        """Open the HTTP session (call once, from the application's post_init)."""
        if not self.enabled or self._nominatim is not None:
            return
        parts = urlsplit(self._url)
        self._nominatim = Nominatim(
            domain=parts.netloc + parts.path.rstrip("/"),
            scheme=parts.scheme,
            user_agent=USER_AGENT,
            timeout=self._timeout,
            adapter_factory=AioHTTPAdapter,
        )
        await self._nominatim.__aenter__()

    async def purge(self) -> int:
        """Forget cached answers past their time to live (typed texts are not kept longer)."""
        return await self._cache.purge(HIT_TTL_S, MISS_TTL_S)

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._nominatim is not None:
            await self._nominatim.__aexit__(None, None, None)
            self._nominatim = None

    async def geocode(self, text: str, language: str = "en") -> GeocodedPlace | None:
        """The best match for ``text``, None when nothing matches.

        Raises GeocoderUnavailable when disabled, unreachable or too slow.
        """
        key = normalize_query(text)
        cached = await self._cache.get(key, HIT_TTL_S, MISS_TTL_S)
        if cached is not None:
            return _from_cache(cached)
        if self._nominatim is None:
            raise GeocoderUnavailable("no geocoder configured")
        place = await self._ask(text, language)
        await self._cache.put(key, _to_cache(place))
        return place

    async def _ask(self, text: str, language: str) -> GeocodedPlace | None:
        assert self._nominatim is not None
        if not self._breaker.allow():
            raise GeocoderUnavailable("paused after repeated failures")
        asked = False
        try:
            if self._pace is not None:
                async with asyncio.timeout(TURN_WAIT_S):
                    await self._pace.acquire()
            asked = True
            # A lookup that got its turn has its whole timeout: under one deadline for both,
            # a turn that came just before it left the request no time, and the server was
            # blamed (and the breaker fed) for what was only a wait in line.
            async with asyncio.timeout(self._timeout):
                location = await self._nominatim.geocode(
                    text, exactly_one=True, addressdetails=True, language=language
                )
        except (GeopyError, TimeoutError, OSError, ValueError) as exc:
            self._settle(failed=asked)
            if not asked:
                log.info("geocoder busy: a lookup timed out waiting for its turn")
                raise GeocoderBusy("timed out waiting for a turn") from exc
            log.warning("geocoder unavailable: %s", type(exc).__name__)
            raise GeocoderUnavailable(str(exc)) from exc
        except BaseException:
            self._breaker.release()
            raise
        self._breaker.record_success()
        if location is None:
            return None
        try:
            point = Point.checked(float(location.latitude), float(location.longitude))
        except (InvalidCoordinates, TypeError, ValueError) as exc:
            raise GeocoderUnavailable("geocoder returned invalid coordinates") from exc
        address = (location.raw or {}).get("address") or {}
        country = str(address.get("country_code", "")).upper()
        return GeocodedPlace(point, str(location.address or text), country)

    def _settle(self, *, failed: bool) -> None:
        """Tell the breaker how a lookup ended: a server failure, or only a wait in line.

        A burst of lookups waits its turn at one a second; timing out in that line says
        nothing about the server, so it must not open the breaker.
        """
        if failed:
            self._breaker.record_failure()
        else:
            self._breaker.release()


def _from_cache(cached: CachedPlace) -> GeocodedPlace | None:
    if not cached.found or cached.lat is None or cached.lon is None:
        return None
    return GeocodedPlace(Point(cached.lat, cached.lon), cached.label, cached.country)


def _to_cache(place: GeocodedPlace | None) -> CachedPlace:
    if place is None:
        return CachedPlace(found=False)
    return CachedPlace(True, place.point.lat, place.point.lon, place.label, place.country)
