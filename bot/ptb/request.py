"""PTB's networking backend on aiohttp: the Bot API calls, at about half httpx's CPU cost.

Every answer costs two Bot API calls, and in PTB's default backend (httpx over anyio) each
call spends more CPU than the rest of SafeMeet's work on an update. aiohttp, which the bot
already ships for geopy, parses HTTP in C. This class follows ``HTTPXRequest``'s contract:
the same default timeouts, the same exceptions (``TimedOut``, ``NetworkError``; PTB itself
turns error statuses into ``RetryAfter``, ``Forbidden``, ...), multipart uploads. Parameters
go as one JSON body, which the Bot API accepts for every call without files and which costs
less than form-encoding each field.

aiohttp has no timeout for writing a request, so a call is also bounded as a whole by the
sum of its connect, pool, write and read timeouts.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_POOL_SIZE = 256


def _pick(value: ODVInput[float], default: float | None) -> float | None:
    """A per-call timeout, or the instance default when the caller left it unset."""
    return default if isinstance(value, DefaultValue) else value


def _total(*parts: float | None) -> float | None:
    """The sum of the timeouts, or None (no bound) if any of them is unbounded."""
    return None if any(part is None for part in parts) else sum(parts)  # type: ignore[arg-type]


class AiohttpRequest(BaseRequest):
    """A ``telegram.request.BaseRequest`` on one aiohttp session (one connection pool)."""

    __slots__ = (
        "_connect_timeout",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_read_timeout",
        "_session",
        "_write_timeout",
    )

    def __init__(
        self,
        pool_size: int = DEFAULT_POOL_SIZE,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds getUpdates' long-polling time to it)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session; called by PTB inside the running event loop."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        """Close the session and its connections (again is harmless)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def _timeout(
        self,
        read: ODVInput[float],
        write: ODVInput[float],
        connect: ODVInput[float],
        pool: ODVInput[float],
        uploads: bool,
    ) -> aiohttp.ClientTimeout:
        """aiohttp's timeouts for one call, from PTB's four."""
        read_s = _pick(read, self._read_timeout)
        write_s = _pick(write, self._media_write_timeout if uploads else self._write_timeout)
        connect_s = _pick(connect, self._connect_timeout)
        pool_s = _pick(pool, self._pool_timeout)
        return aiohttp.ClientTimeout(
            total=_total(connect_s, pool_s, write_s, read_s),
            connect=_total(pool_s, connect_s),  # waiting for a pooled connection, or a new one
            sock_connect=connect_s,
            sock_read=read_s,
        )

    @staticmethod
    def _body(request_data: RequestData | None) -> dict[str, Any]:
        """The request body: JSON (one encoding pass), or a multipart form for uploads."""
        if request_data is None:
            return {}
        files = request_data.multipart_data
        if not files:
            return {"json": request_data.parameters}
        form = aiohttp.FormData()
        for name, value in request_data.json_parameters.items():
            form.add_field(name, value)
        for name, (filename, content, mime_type) in files.items():
            form.add_field(name, content, filename=filename, content_type=mime_type)
        return {"data": form}

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make one HTTP request; return its status and body."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        uploads = bool(request_data and request_data.contains_files)
        timeout = self._timeout(read_timeout, write_timeout, connect_timeout, pool_timeout, uploads)
        try:
            async with self._session.request(
                method, url, timeout=timeout, **self._body(request_data)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err
