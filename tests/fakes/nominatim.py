"""A loopback fake of Nominatim's /search endpoint (format=json), with faults on demand."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class NominatimPlace:
    """One place the fake knows."""

    lat: float
    lon: float
    display_name: str
    country_code: str


@dataclass
class FakeNominatim:
    """Answers /search from a dict of known places; records every request."""

    places: dict[str, NominatimPlace] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)
    user_agents: list[str] = field(default_factory=list)
    mode: str = "ok"  # ok | down | slow | garbage
    slow_seconds: float = 5.0
    _runner: web.AppRunner | None = None
    url: str = ""

    async def __aenter__(self) -> FakeNominatim:
        app = web.Application()
        app.router.add_get("/search", self._search)
        self._runner = web.AppRunner(app, shutdown_timeout=0.2, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _search(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(dict(request.query))
        self.user_agents.append(request.headers.get("User-Agent", ""))
        if self.mode == "down":
            return web.Response(status=503, text="Service Unavailable")
        if self.mode == "slow":
            await asyncio.sleep(self.slow_seconds)
        if self.mode == "garbage":
            return web.Response(status=200, text="<html>oops</html>", content_type="text/html")
        place = self.places.get(" ".join(request.query.get("q", "").lower().split()))
        if place is None:
            return web.json_response([])
        return web.json_response(
            [
                {
                    "place_id": 1,
                    "licence": "Data © OpenStreetMap contributors, ODbL 1.0.",
                    "osm_type": "way",
                    "osm_id": 1,
                    "lat": str(place.lat),
                    "lon": str(place.lon),
                    "display_name": place.display_name,
                    "class": "building",
                    "type": "yes",
                    "importance": 0.5,
                    "address": {"country_code": place.country_code.lower()},
                    "boundingbox": [
                        str(place.lat - 0.001),
                        str(place.lat + 0.001),
                        str(place.lon - 0.001),
                        str(place.lon + 0.001),
                    ],
                }
            ]
        )
