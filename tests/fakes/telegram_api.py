"""A small fake Telegram Bot API server on loopback, for end-to-end tests.

PTB talks to it through its real HTTP stack (``base_url``), so serialisation, error
handling and the rate limiter run for real. The fake records every call, answers the
methods SafeMeet uses with the JSON shapes the Bot API documents, validates what Telegram
would reject (empty or over-long texts, broken HTML, oversized callback data), and can be
told to fail: 429 with ``retry_after``, 5xx, a blocked user (403) or a garbage body, to
answer slowly (``delay_next``) or with any raw body (``answer_next``: not JSON, odd shapes).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Any

from aiohttp import web
from telegram.ext import Application

ALLOWED_HTML_TAGS = {
    "a",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_DESCRIPTION_LENGTH = 512
MAX_SHORT_DESCRIPTION_LENGTH = 120
Params = dict[str, Any]


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


@dataclass
class Call:
    """One request the bot made: the method, its decoded parameters and the HTTP status."""

    method: str
    params: Params
    status: int = 200

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class Failure:
    """A scripted failure for the next calls of one method."""

    times: int
    status: int
    retry_after: int | None = None
    description: str | None = None


class _HtmlChecker(HTMLParser):
    """Checks that a text uses only Telegram's HTML tags, properly nested; collects plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.plain: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_HTML_TAGS:
            raise ApiError(400, f"Bad Request: can't parse entities: unsupported start tag {tag!r}")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            raise ApiError(400, f"Bad Request: can't parse entities: unexpected end tag {tag!r}")

    def handle_data(self, data: str) -> None:
        self.plain.append(data)


def plain_text(text: str, parse_mode: str | None) -> str:
    """The text as the user would see it, after Telegram parses the markup."""
    if (parse_mode or "").upper() != "HTML":
        return text
    checker = _HtmlChecker()
    checker.feed(text)
    checker.close()
    if checker.stack:
        unclosed = checker.stack[-1]
        raise ApiError(400, f"Bad Request: can't parse entities: unclosed tag {unclosed!r}")
    return unescape("".join(checker.plain))


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _decode(value: Any) -> Any:
    """PTB sends objects as JSON strings inside form fields: decode those."""
    if isinstance(value, str) and value[:1] in "{[":
        with suppress(ValueError):
            return json.loads(value)
    return value


def chat_type(chat_id: int) -> str:
    """Private chats have positive ids, supergroups start with -100, other groups are negative."""
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"


@dataclass
class FakeTelegramAPI:
    """The Bot API for one bot token, served on 127.0.0.1 on a free port."""

    token: str = "123456:TEST-TOKEN"
    bot_username: str = "SafeMeetTestBot"
    calls: list[Call] = field(default_factory=list)
    blocked_chats: set[int] = field(default_factory=set)
    garbage_next: int = 0
    webhook: dict = field(default_factory=dict)  # what setWebhook set: url, secret_token

    def __post_init__(self) -> None:
        self.bot_id = int(self.token.split(":", 1)[0])
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._failures: dict[str, Failure] = {}
        self._commands: dict[tuple[str, str], list[dict]] = {}
        self._descriptions: dict[tuple[str, str], str] = {}  # (kind, language) -> text
        self._delays: dict[str, tuple[int, float]] = {}  # method -> (times, seconds)
        self._raw_answers: dict[str, tuple[int, int, bytes]] = {}  # method -> (times, status, body)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> FakeTelegramAPI:
        server = web.Application(client_max_size=50 * 1024 * 1024)
        server.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._closing = True
        self._notify()  # pending long polls return at once instead of running out their timeout
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def root_url(self) -> str:
        """What ``TELEGRAM_API_URL`` points at."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """PTB's ``base_url``: the token is appended to it."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root_url}/file/bot"

    @property
    def bot_user(self) -> dict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "SafeMeet",
            "username": self.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    # -- what tests use --------------------------------------------------------------------

    def push_update(self, update: dict) -> dict:
        """Queue an update for the next getUpdates; an ``update_id`` is added if missing."""
        update = dict(update)
        update.setdefault("update_id", next(self._update_ids))
        self._updates.append(update)
        self._notify()
        return update

    def fail_next(
        self,
        method: str,
        *,
        times: int = 1,
        status: int = 500,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``status``."""
        self._failures[method.lower()] = Failure(times, status, retry_after, description)

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` only after ``seconds`` (then normally)."""
        self._delays[method.lower()] = (times, seconds)

    def answer_next(
        self, method: str, body: str | bytes | object, *, status: int = 200, times: int = 1
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with this raw body (objects as JSON)."""
        if isinstance(body, str):
            raw = body.encode()
        elif isinstance(body, bytes):
            raw = body
        else:
            raw = json.dumps(body).encode()
        self._raw_answers[method.lower()] = (times, status, raw)

    def calls_of(
        self, method: str, chat_id: int | None = None, *, include_failed: bool = False
    ) -> list[Call]:
        """Calls of one method (successful ones unless asked), optionally to one chat."""
        return [
            call
            for call in self.calls
            if call.method.lower() == method.lower()
            and (include_failed or call.ok)
            and (chat_id is None or str(call.params.get("chat_id")) == str(chat_id))
        ]

    async def wait_for(
        self, method: str, *, count: int = 1, chat_id: int | None = None, within: float = 5
    ) -> list[Call]:
        """Wait up to ``within`` seconds for ``count`` successful calls of ``method``."""
        deadline = time.monotonic() + within
        while True:
            calls = self.calls_of(method, chat_id)
            if len(calls) >= count:
                return calls
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                made = [f"{c.method}({c.params.get('chat_id')}) {c.status}" for c in self.calls]
                raise AssertionError(
                    f"expected {count} {method} call(s) to chat {chat_id} within {within}s, "
                    f"got {len(calls)}; all calls: {made}"
                )
            self._changed.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.1))

    # -- HTTP --------------------------------------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._error(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        params = await self._params(request)
        call = Call(method, params)
        if method.lower() != "getupdates":
            self.calls.append(call)
        try:
            if self.garbage_next and method.lower() != "getupdates":
                self.garbage_next -= 1
                call.status = 502
                return web.Response(status=502, text="<html>Bad Gateway</html>")
            await self._scripted_delay(method)
            if (raw := self._scripted_answer(method)) is not None:
                call.status, body = raw
                return web.Response(status=call.status, body=body, content_type="application/json")
            self._scripted_failure(method)
            result = await self._dispatch(method, params)
        except ApiError as error:
            call.status = error.status
            return self._error(error)
        finally:
            self._notify()
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _params(request: web.Request) -> Params:
        if request.content_type == "application/json":
            raw = await request.json() if request.can_read_body else {}
            return {key: value for key, value in (raw or {}).items()}
        form = await request.post()
        params = {key: _decode(value) for key, value in form.items() if isinstance(value, str)}
        params.update({key: _decode(value) for key, value in request.query.items()})
        return params

    async def _scripted_delay(self, method: str) -> None:
        times, seconds = self._delays.get(method.lower(), (0, 0.0))
        if times > 0:
            self._delays[method.lower()] = (times - 1, seconds)
            await asyncio.sleep(seconds)

    def _scripted_answer(self, method: str) -> tuple[int, bytes] | None:
        times, status, body = self._raw_answers.get(method.lower(), (0, 200, b""))
        if times <= 0:
            return None
        self._raw_answers[method.lower()] = (times - 1, status, body)
        return status, body

    def _scripted_failure(self, method: str) -> None:
        failure = self._failures.get(method.lower())
        if failure is None or failure.times <= 0:
            return
        failure.times -= 1
        descriptions = {429: "Too Many Requests: retry later", 400: "Bad Request"}
        raise ApiError(
            failure.status,
            failure.description or descriptions.get(failure.status, "Internal Server Error"),
            failure.retry_after,
        )

    @staticmethod
    def _error(error: ApiError) -> web.Response:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": error.status,
            "description": error.description,
        }
        if error.retry_after is not None:
            body["parameters"] = {"retry_after": error.retry_after}
        return web.json_response(body, status=error.status)

    async def _dispatch(self, method: str, params: Params) -> Any:
        handler: Callable[[Params], Any] | None = getattr(self, f"_api_{method.lower()}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        result = handler(params)
        if asyncio.iscoroutine(result):
            result = await result
        return result

    # -- Bot API methods -------------------------------------------------------------------

    def _api_getme(self, params: Params) -> dict:
        return self.bot_user

    def _api_setwebhook(self, params: Params) -> bool:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
        self.webhook = {key: params[key] for key in ("url", "secret_token") if key in params}
        return True

    def _api_deletewebhook(self, params: Params) -> bool:
        self.webhook = {}
        return True

    def _api_getwebhookinfo(self, params: Params) -> dict:
        url = self.webhook.get("url", "")
        return {"url": url, "has_custom_certificate": False, "pending_update_count": 0}

    def _api_close(self, params: Params) -> bool:
        return True

    async def _api_getupdates(self, params: Params) -> list[dict]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not self._updates and not self._closing and time.monotonic() < deadline:
            self._changed.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
        return self._updates[:limit]

    def _api_sendmessage(self, params: Params) -> dict:
        chat_id = self._writable_chat(params)
        text = str(params.get("text") or "")
        visible = plain_text(text, params.get("parse_mode"))
        if not visible.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_length(visible) > MAX_TEXT_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        self._check_markup(params)
        return self._message(chat_id, text=text)

    def _api_sendvenue(self, params: Params) -> dict:
        chat_id = self._writable_chat(params)
        latitude, longitude = self._coordinates(params)
        title, address = str(params.get("title") or ""), str(params.get("address") or "")
        if not title or not address:
            raise ApiError(400, "Bad Request: venue title and address must be non-empty")
        self._check_markup(params)
        location = {"latitude": latitude, "longitude": longitude}
        return self._message(
            chat_id,
            location=location,
            venue={"location": location, "title": title, "address": address},
        )

    def _api_sendlocation(self, params: Params) -> dict:
        chat_id = self._writable_chat(params)
        latitude, longitude = self._coordinates(params)
        self._check_markup(params)
        return self._message(chat_id, location={"latitude": latitude, "longitude": longitude})

    def _api_sendchataction(self, params: Params) -> bool:
        self._writable_chat(params)
        return True

    def _api_editmessagetext(self, params: Params) -> dict:
        chat_id = self._writable_chat(params)
        text = str(params.get("text") or "")
        visible = plain_text(text, params.get("parse_mode"))
        if not visible.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_length(visible) > MAX_TEXT_LENGTH:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._check_markup(params)
        return self._message(chat_id, message_id=int(params["message_id"]), text=text)

    def _api_editmessagereplymarkup(self, params: Params) -> dict:
        chat_id = self._writable_chat(params)
        self._check_markup(params)
        return self._message(chat_id, message_id=int(params["message_id"]), text="edited")

    def _api_deletemessage(self, params: Params) -> bool:
        self._writable_chat(params)
        return True

    def _api_answercallbackquery(self, params: Params) -> bool:
        if not params.get("callback_query_id"):
            raise ApiError(400, "Bad Request: query is too old and response timeout expired")
        if len(str(params.get("text") or "")) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    def _api_setmycommands(self, params: Params) -> bool:
        commands = params.get("commands") or []
        for command in commands:
            name, description = command.get("command", ""), command.get("description", "")
            if not (1 <= len(name) <= 32 and name.islower() and 1 <= len(description) <= 256):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self._commands[self._command_key(params)] = list(commands)
        return True

    def _api_getmycommands(self, params: Params) -> list[dict]:
        return self._commands.get(self._command_key(params), [])

    def _api_deletemycommands(self, params: Params) -> bool:
        self._commands.pop(self._command_key(params), None)
        return True

    def _set_description(self, kind: str, params: Params, limit: int) -> bool:
        text = str(params.get(kind) or "")
        if len(text) > limit:
            raise ApiError(400, f"Bad Request: {kind.upper()}_TOO_LONG")
        self._descriptions[kind, str(params.get("language_code") or "")] = text
        return True

    def _api_setmydescription(self, params: Params) -> bool:
        return self._set_description("description", params, MAX_DESCRIPTION_LENGTH)

    def _api_getmydescription(self, params: Params) -> dict:
        language = str(params.get("language_code") or "")
        return {"description": self._descriptions.get(("description", language), "")}

    def _api_setmyshortdescription(self, params: Params) -> bool:
        return self._set_description("short_description", params, MAX_SHORT_DESCRIPTION_LENGTH)

    def _api_getmyshortdescription(self, params: Params) -> dict:
        language = str(params.get("language_code") or "")
        return {"short_description": self._descriptions.get(("short_description", language), "")}

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _command_key(params: Params) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _writable_chat(self, params: Params) -> int:
        try:
            chat_id = int(params["chat_id"])
        except (KeyError, TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        if chat_id in self.blocked_chats:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    @staticmethod
    def _coordinates(params: Params) -> tuple[float, float]:
        try:
            latitude, longitude = float(params["latitude"]), float(params["longitude"])
        except (KeyError, TypeError, ValueError):
            raise ApiError(400, "Bad Request: wrong latitude or longitude") from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ApiError(400, "Bad Request: wrong latitude or longitude")
        return latitude, longitude

    @staticmethod
    def _check_markup(params: Params) -> None:
        markup = params.get("reply_markup")
        if markup is None:
            return
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard") or []:
            for button in row:
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                url = button.get("url")
                if url is not None and not url.startswith(("https://", "http://", "tg://")):
                    raise ApiError(400, "Bad Request: wrong HTTP URL")

    def _message(self, chat_id: int, message_id: int | None = None, **content: Any) -> dict:
        return {
            "message_id": message_id if message_id is not None else next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": chat_type(chat_id)},
            "from": self.bot_user,
            **content,
        }


@asynccontextmanager
async def running_application(application: Application) -> AsyncIterator[Application]:
    """Run an Application with long polling the way ``run_polling`` does, then stop it."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    await application.start()
    try:
        yield application
    finally:
        await application.updater.stop()
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
