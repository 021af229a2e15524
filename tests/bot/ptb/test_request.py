"""The aiohttp backend keeps PTB's request contract: results, errors, timeouts, uploads."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.ptb.request import AiohttpRequest
from tests.fakes.telegram_api import FakeTelegramAPI

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as api:
        yield api


@pytest.fixture
async def bot(telegram: FakeTelegramAPI) -> AsyncIterator[Bot]:
    bot = Bot(
        telegram.token,
        base_url=telegram.base_url,
        request=AiohttpRequest(),
        get_updates_request=AiohttpRequest(pool_size=1),
    )
    async with bot:
        yield bot


async def serve(handler: Handler) -> tuple[web.AppRunner, str]:
    """A one-route loopback server; returns its runner and URL."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/method"


async def test_calls_return_parsed_results(bot: Bot, telegram: FakeTelegramAPI) -> None:
    me = await bot.get_me()
    message = await bot.send_message(42, "hello <b>there</b>", parse_mode="HTML")
    assert me.username == telegram.bot_username
    assert message.chat.id == 42
    assert telegram.calls_of("sendMessage", 42)[0].params["text"] == "hello <b>there</b>"


async def test_error_statuses_become_ptb_exceptions(bot: Bot, telegram: FakeTelegramAPI) -> None:
    telegram.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter):
        await bot.send_message(42, "a")
    telegram.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(42, "b")
    telegram.fail_next("sendMessage", status=500)
    with pytest.raises(NetworkError):
        await bot.send_message(42, "c")
    telegram.garbage_next = 1
    with pytest.raises(NetworkError):
        await bot.send_message(42, "d")


async def test_a_slow_server_times_out() -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    runner, url = await serve(slow)
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        started = asyncio.get_running_loop().time()
        with pytest.raises(TimedOut):
            await request.post(url)
        assert asyncio.get_running_loop().time() - started < 1.5
    finally:
        await request.shutdown()
        await runner.cleanup()


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match="aiohttp"):
            await request.post(f"http://127.0.0.1:{port}/method")
    finally:
        await request.shutdown()


async def test_files_go_up_as_multipart() -> None:
    async def echo(request: web.Request) -> web.Response:
        form = await request.post()
        upload = form["document"]
        assert isinstance(upload, web.FileField)
        result = {
            "chat_id": form["chat_id"],
            "filename": upload.filename,
            "content_type": upload.content_type,
            "content": upload.file.read().decode(),
        }
        return web.json_response({"ok": True, "result": result})

    runner, url = await serve(echo)
    request = AiohttpRequest()
    await request.initialize()
    data = RequestData(
        [
            RequestParameter.from_input("chat_id", 42),
            RequestParameter.from_input("document", InputFile(b"zone list", filename="z.csv")),
        ]
    )
    try:
        result = await request.post(url, data)
    finally:
        await request.shutdown()
        await runner.cleanup()
    assert result == {
        "chat_id": "42",
        "filename": "z.csv",
        "content_type": "text/csv",
        "content": "zone list",
    }


async def test_requests_need_initialize_and_shutdown_is_idempotent() -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/", "POST")
    await request.initialize()
    await request.shutdown()
    await request.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/", "POST")
