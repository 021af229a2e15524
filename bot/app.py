"""Building the PTB Application: resources open in post_init, close in post_shutdown."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ContextTypes

from bot.commands import menu
from bot.config import Settings
from bot.context import BotData, SafeMeetApp, SafeMeetContext
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES
from bot.services import open_services
from handlers import register

log = logging.getLogger(__name__)


async def sync_commands(application: SafeMeetApp) -> None:
    """Set the localized command menu, only where Telegram's copy differs."""
    services = application.bot_data.services
    assert services is not None
    for language in LANGUAGES:
        wanted = tuple(BotCommand(c, d) for c, d in menu(services.catalogs.get(language)))
        code = None if language == DEFAULT_LANGUAGE else language
        if tuple(await application.bot.get_my_commands(language_code=code)) != wanted:
            await application.bot.set_my_commands(wanted, language_code=code)


def build_application(
    settings: Settings, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> SafeMeetApp:
    """The bot, configured from settings, with every handler registered."""

    async def post_init(application: SafeMeetApp) -> None:
        application.bot_data.services = await open_services(settings, clock)
        await application.bot_data.services.postal.warm_up()
        try:
            await sync_commands(application)
        except TelegramError as exc:
            log.warning("could not set the command menu: %s", exc)

    async def post_shutdown(application: SafeMeetApp) -> None:
        if application.bot_data.services is not None:
            await application.bot_data.services.close()
            application.bot_data.services = None

    rate_limiter = AIORateLimiter(overall_max_rate=settings.max_send_rate, max_retries=3)
    application: SafeMeetApp = (
        Application.builder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .context_types(ContextTypes(context=SafeMeetContext, bot_data=BotData))
        .rate_limiter(rate_limiter)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    register(application)
    return application
