"""Every Bot API call through one gate: rate limit, 429s waited out, transient faults retried.

PTB's ``AIORateLimiter`` throttles the calls and waits out a 429 ``retry_after``. This
subclass adds, around it, a bounded retry with exponential backoff and jitter for faults
that are likely to pass: network errors, timeouts, 5xx (PTB raises ``NetworkError`` for
them) and a 200 whose body is not the Bot API's JSON. Telegram's refusals (400
``BadRequest``, 403 ``Forbidden``, 401/404 ``InvalidToken``, 409 ``Conflict``) are final
and go straight back to the caller, and so does a 429 the parent gave up on.

A call that timed out may well have reached Telegram: retrying a ``sendMessage`` can then
deliver it twice. That is deliberate: for a safety answer or a meetup reminder, a
duplicate is better than silence.

Answers with ``"ok": true`` whose result has the wrong shape (a sendMessage without a
message, a list where an object belongs) raise ``UnexpectedResult`` with one log line,
instead of a TypeError deep inside PTB; they are not retried, since Telegram did accept the
call. ``getUpdates`` never comes through here (PTB's Updater has its own retry loop).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)
Result = bool | dict[str, Any] | list[dict[str, Any]]
RETRIES = 3  # after the first attempt: at most 4 attempts in all
BASE_DELAY_S = 0.5  # then 1 s, 2 s: each with +-25% jitter
TOTAL_CAP_S = 10.0  # no retry starts after this long since the first attempt
_INVALID_JSON = "invalid server response"  # PTB's TelegramError for a body that is not JSON

# What the Bot API returns for the methods SafeMeet calls; other methods are not checked.
_MESSAGE_METHODS = {"sendmessage", "sendvenue", "sendlocation", "sendphoto", "senddocument"}
_EDIT_METHODS = {"editmessagetext", "editmessagereplymarkup", "editmessagelivelocation"}
_OBJECT_METHODS = {"getme", "getmydescription", "getmyshortdescription", "getwebhookinfo"}
_LIST_METHODS = {"getmycommands"}
_TRUE_PREFIXES = ("set", "delete", "answer", "sendchataction")


class MalformedAnswer(NetworkError):
    """The Bot API's answer was not JSON, or had no result: the outcome is unknown."""


class UnexpectedResult(NetworkError):
    """Telegram accepted the call but its result has an unexpected shape."""


def is_transient(error: Exception) -> bool:
    """Worth another try: network trouble, a timeout, a 5xx or a garbled answer."""
    # NetworkError covers TimedOut, 5xx, connection errors and MalformedAnswer; PTB's
    # BadRequest (a 400) is a NetworkError too, but final.
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest | UnexpectedResult)


def result_shape_ok(endpoint: str, result: object) -> bool:
    """Whether a successful call's result looks like what the Bot API documents."""
    name = endpoint.lower()
    if name in _MESSAGE_METHODS or name in _EDIT_METHODS:
        is_message = isinstance(result, dict) and isinstance(result.get("message_id"), int)
        return is_message or (name in _EDIT_METHODS and result is True)  # inline messages
    if name in _OBJECT_METHODS:
        return isinstance(result, dict)
    if name in _LIST_METHODS:
        return isinstance(result, list) and all(isinstance(item, dict) for item in result)
    if name.startswith(_TRUE_PREFIXES):
        return isinstance(result, bool)
    return True


class Backoff:
    """Delays of a bounded exponential backoff with jitter."""

    def __init__(
        self,
        retries: int = RETRIES,
        base_delay_s: float = BASE_DELAY_S,
        total_cap_s: float = TOTAL_CAP_S,
        jitter: Callable[[], float] = lambda: random.uniform(0.75, 1.25),
    ) -> None:
        self.retries = retries
        self.base_delay_s = base_delay_s
        self.total_cap_s = total_cap_s
        self._jitter = jitter

    def delay(self, retry: int, elapsed_s: float) -> float | None:
        """Seconds to wait before retry number ``retry`` (0-based), or None: give up."""
        if retry >= self.retries:
            return None
        delay = self.base_delay_s * 2**retry * self._jitter()
        return delay if elapsed_s + delay <= self.total_cap_s else None


class RetryingRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` plus bounded retries of transient faults, for every Bot API call."""

    __slots__ = ("_sleep", "backoff")

    def __init__(
        self,
        *args: Any,
        backoff: Backoff | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.backoff = backoff or Backoff()
        self._sleep = sleep

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Run the call through the rate limiter; retry it while the fault is transient."""
        if endpoint == "getUpdates":
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        started = time.monotonic()
        for retry in range(self.backoff.retries + 1):
            try:
                result = await super().process_request(
                    _parsed(callback), args, kwargs, endpoint, data, rate_limit_args
                )
            except TelegramError as exc:
                if not is_transient(exc):
                    raise
                delay = self.backoff.delay(retry, time.monotonic() - started)
                if delay is None:
                    log.warning(
                        "Bot API %s failed after %d attempt(s): %s", endpoint, retry + 1, exc
                    )
                    raise
                log.info("Bot API %s failed (%s); retry in %.2f s", endpoint, exc, delay)
                await self._sleep(delay)
                continue
            if not result_shape_ok(endpoint, result):
                log.warning("Bot API %s: unexpected result of type %s", endpoint, type(result))
                raise UnexpectedResult(f"unexpected result from {endpoint}")
            return result
        raise AssertionError("unreachable: the last retry returns or raises")


def _parsed(
    callback: Callable[..., Coroutine[Any, Any, Result]],
) -> Callable[..., Coroutine[Any, Any, Result]]:
    """The call, with PTB's errors on a garbled answer turned into ``MalformedAnswer``.

    PTB raises a bare TelegramError for a body that is not JSON, and a KeyError or TypeError
    when the JSON has no ``result``.
    """

    async def call(*args: Any, **kwargs: Any) -> Result:
        try:
            return await callback(*args, **kwargs)
        except (KeyError, TypeError) as exc:
            raise MalformedAnswer(f"Bot API answer without a result ({exc!r})") from exc
        except TelegramError as exc:
            if type(exc) is TelegramError and _INVALID_JSON in exc.message.lower():
                raise MalformedAnswer("Bot API answer is not JSON") from exc
            raise

    return call
