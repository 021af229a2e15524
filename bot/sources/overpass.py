"""Police stations around a point, from an Overpass API server (OpenStreetMap data).

Follows the public instances' usage policy: an identifying User-Agent, a global minimum
interval between requests, at most two at a time, a short timeout on both ends.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Mapping
from typing import Any

import httpx
from aiolimiter import AsyncLimiter

from bot.domain.geo import Point
from bot.domain.zones import Zone, ZoneDataError
from bot.sources.geocoding import USER_AGENT
from bot.sources.osm import zone_from_osm_element

log = logging.getLogger(__name__)

MIN_INTERVAL_S = 1.0
MAX_CONCURRENT = 2  # the public instance gives each client two slots
MAX_BYTES = 8 * 1024 * 1024


class OverpassUnavailable(RuntimeError):
    """The Overpass server is switched off, unreachable, too slow, busy or answered nonsense."""


def police_query(center: Point, radius_m: float, timeout_s: float) -> str:
    """Overpass QL for amenity=police nodes, ways and relations (with centres) in a circle."""
    return (
        f"[out:json][timeout:{max(1, math.ceil(timeout_s))}];"
        f'nwr["amenity"="police"](around:{radius_m:.0f},{center.lat:.5f},{center.lon:.5f});'
        "out center;"
    )


def stations_from_payload(payload: Any) -> list[Zone]:
    """The usable police stations of an ``[out:json]`` answer; raises on a broken answer.

    Elements without a position are skipped (unnamed ones are kept). A ``remark`` reporting an error
    (a server-side timeout or out-of-memory) means the answer is incomplete: refused.
    """
    if not isinstance(payload, Mapping) or not isinstance(payload.get("elements"), list):
        raise OverpassUnavailable("answer without an elements list")
    remark = payload.get("remark")
    if isinstance(remark, str) and "error" in remark.lower():
        raise OverpassUnavailable(f"server remark: {remark[:200]}")
    stations: list[Zone] = []
    skipped = 0
    for element in payload["elements"]:
        tags = element.get("tags") if isinstance(element, Mapping) else None
        if not isinstance(tags, Mapping) or tags.get("amenity") != "police":
            skipped += 1
            continue
        try:
            stations.append(zone_from_osm_element(element))
        except ZoneDataError:
            skipped += 1
    if skipped:
        log.debug("skipped %d unusable Overpass element(s)", skipped)
    return stations


class OverpassClient:
    """An Overpass server over httpx, rate-limited, with a timeout on every request."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 4.0,
        min_interval_s: float = MIN_INTERVAL_S,
        max_concurrent: int = MAX_CONCURRENT,
    ) -> None:
        self._url = url
        self._timeout = timeout
        self._limiter = AsyncLimiter(1, min_interval_s) if min_interval_s > 0 else None
        self._slots = asyncio.Semaphore(max_concurrent)
        self._client: httpx.AsyncClient | None = None

    @property
    def enabled(self) -> bool:
        """False when no Overpass URL is configured."""
        return bool(self._url)

    async def start(self) -> None:
        """Open the HTTP client (call once, with the other resources)."""
        if self.enabled and self._client is None:
            self._client = httpx.AsyncClient(
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                timeout=httpx.Timeout(self._timeout),
                follow_redirects=True,
            )

    async def close(self) -> None:
        """Close the HTTP client."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def police_stations(self, center: Point, radius_m: float) -> list[Zone]:
        """The police stations within ``radius_m`` of ``center``.

        Raises OverpassUnavailable when disabled, unreachable, slower than the timeout,
        busy (HTTP 429, 504) or when the answer is not Overpass JSON.
        """
        if self._client is None:
            raise OverpassUnavailable("no Overpass server configured")
        query = police_query(center, radius_m, self._timeout)
        async with self._slots:
            if self._limiter is not None:
                await self._limiter.acquire()
            try:
                async with asyncio.timeout(self._timeout):
                    body = await self._post(self._client, query)
            except (httpx.HTTPError, TimeoutError, OSError) as exc:
                log.warning("Overpass unavailable: %s", type(exc).__name__)
                raise OverpassUnavailable(type(exc).__name__) from exc
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise OverpassUnavailable("answer is not JSON") from exc
        return stations_from_payload(payload)

    async def _post(self, client: httpx.AsyncClient, query: str) -> bytes:
        """The body of a successful answer, read up to MAX_BYTES."""
        async with client.stream("POST", self._url, data={"data": query}) as response:
            if response.status_code != 200:
                log.warning("Overpass answered HTTP %d", response.status_code)
                raise OverpassUnavailable(f"HTTP {response.status_code}")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise OverpassUnavailable("answer too large")
            return bytes(body)
