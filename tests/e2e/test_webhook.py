"""Webhook mode: PTB's server takes updates only with the secret token, and they get answers."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace

import aiohttp

from bot.app import build_application, webhook_options
from bot.config import Settings
from bot.context import SafeMeetApp
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.updates import text_message

PUBLIC_URL = "https://safemeet.example.org/telegram-hook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@asynccontextmanager
async def serving_webhook(application: SafeMeetApp, settings: Settings) -> AsyncIterator[str]:
    """Run the application as run_webhook does (on loopback); yield the local hook URL."""
    options = {**webhook_options(settings), "listen": "127.0.0.1"}
    await application.initialize()
    assert application.post_init is not None
    assert application.updater is not None
    await application.post_init(application)
    await application.updater.start_webhook(**options)
    await application.start()
    try:
        yield f"http://127.0.0.1:{settings.port}/{options['url_path']}"
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        assert application.post_shutdown is not None
        await application.post_shutdown(application)


async def post_update(url: str, update: dict, secret: str | None) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=update, headers=headers) as response,
    ):
        return response.status


async def test_updates_need_the_secret_and_are_answered(
    telegram: FakeTelegramAPI, settings: Settings, clock: Callable
) -> None:
    settings = replace(settings, webhook_url=PUBLIC_URL, port=free_port())
    application = build_application(settings, clock=clock)
    async with serving_webhook(application, settings) as hook:
        assert telegram.webhook == {"url": PUBLIC_URL, "secret_token": settings.webhook_token}
        forged = {"update_id": 1, **text_message("/help", user_id=7)}
        assert await post_update(hook, forged, None) == 403
        assert await post_update(hook, forged, "not-the-secret") == 403
        genuine = {"update_id": 2, **text_message("06604", user_id=8)}
        assert await post_update(hook, genuine, settings.webhook_token) == 200
        await telegram.wait_for("sendVenue", chat_id=8)
    assert telegram.calls_of("sendMessage", chat_id=7) == []
    assert "Bridgeport" in telegram.calls_of("sendMessage", chat_id=8)[0].params["text"]
