"""A loopback fake of the Overpass API's /api/interpreter ([out:json], out center), with faults.

It understands the one query SafeMeet sends (``nwr["amenity"="police"](around:R,LAT,LON)``)
and answers with the elements of its list inside that circle, shaped as Overpass does.
"""

from __future__ import annotations

import asyncio
import math
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

_AROUND = re.compile(r"\(around:([\d.]+),(-?[\d.]+),(-?[\d.]+)\)")
OSM3S = {
    "timestamp_osm_base": "2026-11-25T10:00:00Z",
    "copyright": (
        "The data included in this document is from www.openstreetmap.org. "
        "The data is made available under ODbL."
    ),
}
RATE_LIMITED = (
    "<html><body><p><strong>Error</strong>: runtime error: open64: 0 Success "
    "/osm3s_osm_base Dispatcher_Client::request_read_and_idx::rate_limited. Please check "
    "/api/status for the quota of your IP address.</p></body></html>"
)
GATEWAY_TIMEOUT = (
    '<html><body><p><strong>Error</strong>: runtime error: Query timed out in "query" at '
    "line 1 after 5 seconds.</p></body></html>"
)


def police_node(osm_id: int, lat: float, lon: float, **tags: str) -> dict[str, Any]:
    """A node tagged amenity=police, as Overpass prints it."""
    return {
        "type": "node",
        "id": osm_id,
        "lat": lat,
        "lon": lon,
        "tags": {"amenity": "police", **tags},
    }


def police_way(osm_id: int, lat: float, lon: float, **tags: str) -> dict[str, Any]:
    """A building outline tagged amenity=police, with the centre ``out center`` adds."""
    return {
        "type": "way",
        "id": osm_id,
        "center": {"lat": lat, "lon": lon},
        "nodes": [osm_id * 10 + i for i in range(5)],
        "tags": {"amenity": "police", "building": "yes", **tags},
    }


def police_relation(osm_id: int, lat: float, lon: float, **tags: str) -> dict[str, Any]:
    """A multipolygon tagged amenity=police, with its centre."""
    return {
        "type": "relation",
        "id": osm_id,
        "center": {"lat": lat, "lon": lon},
        "members": [{"type": "way", "ref": osm_id * 10, "role": "outer"}],
        "tags": {"amenity": "police", "type": "multipolygon", **tags},
    }


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))


def _position(element: dict[str, Any]) -> tuple[float, float]:
    where = element if element["type"] == "node" else element["center"]
    return where["lat"], where["lon"]


@dataclass
class FakeOverpass:
    """Answers /api/interpreter from a list of elements; records every query."""

    elements: list[dict[str, Any]] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    user_agents: list[str] = field(default_factory=list)
    # ok | slow | rate_limited (429) | gateway_timeout (504) | malformed | empty | remark
    mode: str = "ok"
    slow_seconds: float = 5.0
    delay_seconds: float = 0.0  # added to every answer, for coalescing tests
    _runner: web.AppRunner | None = None
    url: str = ""

    async def __aenter__(self) -> FakeOverpass:
        app = web.Application()
        app.router.add_route("*", "/api/interpreter", self._interpreter)
        self._runner = web.AppRunner(app, shutdown_timeout=0.2, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/api/interpreter"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _interpreter(self, request: web.Request) -> web.StreamResponse:
        form = await request.post() if request.method == "POST" else request.query
        query = str(form.get("data", ""))
        self.queries.append(query)
        self.user_agents.append(request.headers.get("User-Agent", ""))
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if self.mode == "slow":
            await asyncio.sleep(self.slow_seconds)
        if self.mode == "rate_limited":
            return web.Response(status=429, text=RATE_LIMITED, content_type="text/html")
        if self.mode == "gateway_timeout":
            return web.Response(status=504, text=GATEWAY_TIMEOUT, content_type="text/html")
        if self.mode == "malformed":
            return web.Response(
                status=200, text='{"version": 0.6, "elements": [', content_type="application/json"
            )
        around = _AROUND.search(query)
        if around is None or '"amenity"="police"' not in query or "out center" not in query:
            return web.Response(
                status=400, text="Error: line 1: parse error", content_type="text/html"
            )
        elements = [] if self.mode == "empty" else self._inside(*map(float, around.groups()))
        body: dict[str, Any] = {
            "version": 0.6,
            "generator": "Overpass API 0.7.62.4 2390de5a",
            "osm3s": OSM3S,
            "elements": elements,
        }
        if self.mode == "remark":
            body["remark"] = 'runtime error: Query timed out in "query" at line 1 after 4 seconds.'
        return web.json_response(body)

    def _inside(self, radius_m: float, lat: float, lon: float) -> list[dict[str, Any]]:
        return [
            element
            for element in self.elements
            if _distance_m(lat, lon, *_position(element)) <= radius_m
        ]
