"""Building the PTB Application: resources open in post_init, close in post_shutdown."""

from __future__ import annotations

import logging
from typing import Any, cast
from urllib.parse import urlsplit

from telegram import Bot, BotCommand, Update
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ContextTypes, ExtBot

from bot.config import Settings
from bot.context import BotData, SafeMeetApp, SafeMeetContext, UserData
from bot.domain.clock import Clock, utc_now
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, Catalogs
from bot.logs import protect
from bot.ptb.commands import descriptions, menu
from bot.ptb.outbox import JobQueueScheduler, TelegramOutbox
from bot.ptb.request import AiohttpRequest
from bot.ptb.retry import RetryingRateLimiter
from bot.ptb.update_processor import PerChatUpdateProcessor
from bot.services import open_services
from handlers import COMMANDS, register

log = logging.getLogger(__name__)
PURGE_INTERVAL_S = 3600.0
PURGE_FIRST_S = 60.0
TOKEN_REFUSED = "Telegram refused this token: get a new one from @BotFather (/token), then set "
TOKEN_REFUSED += "TELEGRAM_BOT_TOKEN to it"


class StartupError(Exception):
    """The bot cannot start; the message is one line for the operator, with no secret in it."""


def startup_problem(error: TelegramError, settings: Settings) -> str:
    """What a Telegram error at start-up means for the operator, and what to do."""
    if isinstance(error, InvalidToken):
        return TOKEN_REFUSED
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return (
            f"Telegram cannot be reached at {settings.telegram_api_url} ({error.message}): "
            "check the network and TELEGRAM_API_URL, then start the bot again"
        )
    return f"Telegram refused to start the bot: {error.message}"


class BootstrapFailureFilter(logging.Filter):
    """Drops PTB's log of a failed start-up call and its traceback: the exception reaches
    ``python -m bot``, which reports it in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for PTB's "Network Retry Loop (Bootstrap ...): ... Aborting." records."""
        args = record.args if isinstance(record.args, tuple) else ()
        bootstrap = bool(args) and str(args[0]).startswith("Network Retry Loop (Bootstrap")
        return not (bootstrap and "Aborting" in str(record.msg))


BOOTSTRAP_FILTER = BootstrapFailureFilter()


async def sync_commands(bot: Bot, catalogs: Catalogs) -> None:
    """Set the localized command menu, only where Telegram's copy differs."""
    for language in LANGUAGES:
        wanted = tuple(BotCommand(c, d) for c, d in menu(catalogs.get(language), COMMANDS))
        code = None if language == DEFAULT_LANGUAGE else language
        if tuple(await bot.get_my_commands(language_code=code)) != wanted:
            await bot.set_my_commands(wanted, language_code=code)


async def sync_descriptions(bot: Bot, catalogs: Catalogs) -> None:
    """Set the localized description and short description, only where Telegram's differ."""
    for language in LANGUAGES:
        description, short = descriptions(catalogs.get(language))
        code = None if language == DEFAULT_LANGUAGE else language
        if (await bot.get_my_description(language_code=code)).description != description:
            await bot.set_my_description(description, language_code=code)
        current = await bot.get_my_short_description(language_code=code)
        if current.short_description != short:
            await bot.set_my_short_description(short, language_code=code)


async def settle_in(context: SafeMeetContext) -> None:
    """One-off job right after start: load postal data, sync the command menu and descriptions.

    Neither is needed to receive updates, so polling starts without waiting for them; a
    postal question that comes first simply waits for its country's table.
    """
    await context.services.postal.warm_up()
    try:
        await sync_commands(context.bot, context.services.catalogs)
        await sync_descriptions(context.bot, context.services.catalogs)
    except TelegramError as exc:
        log.warning("could not set the command menu or descriptions: %s", exc)


async def refresh_reminders(context: SafeMeetContext) -> None:
    """Periodic job: time the reminders that have come within the scheduling horizon."""
    added = await context.services.reminders.refresh()
    if added:
        log.info("timed %d reminder(s) now due within the horizon", added)


async def purge_old_data(context: SafeMeetContext) -> None:
    """Periodic job: delete meetups past their retention, stale searches and old OSM areas."""
    purged = await context.services.reminders.purge_old()
    await context.services.searches.purge()
    await context.services.geocoder.purge()
    # Community reports and suggestions past their retention (see bot/domain/community.py).
    if community_purged := await context.services.community.purge():
        log.info("purged %d community report(s)/suggestion(s)", community_purged)
    if context.services.live is not None:
        await context.services.live.purge()
    if purged:
        log.info("purged meetups with %d pending reminder(s)", purged)


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Arguments of PTB's run_webhook/start_webhook for the configured public URL.

    PTB's webhook server answers 403 to any request without the secret token, so only
    Telegram (which got the token in setWebhook) can post updates.
    """
    return {
        "listen": "0.0.0.0",  # every interface: Telegram posts from outside
        "port": settings.port,
        "url_path": urlsplit(settings.webhook_url).path.strip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": settings.webhook_token,
        "allowed_updates": Update.ALL_TYPES,
    }


class SafeMeetApplication(
    Application[ExtBot[None], SafeMeetContext, UserData, dict, BotData, None]
):
    """PTB's Application, stopping within a bounded time (see PerChatUpdateProcessor), and
    failing to start cleanly: one StartupError line, no HTTP session left open."""

    settings: Settings | None = None

    async def initialize(self) -> None:
        """Initialize as PTB does (getMe checks the token). If that fails, close the bot's HTTP
        sessions (PTB leaves them open) and raise StartupError, which PTB's start-up retry loop
        neither retries nor logs, instead of an error quoting the token."""
        try:
            await super().initialize()
        except TelegramError as exc:
            await self.bot.shutdown()
            settings = self.settings or Settings()
            raise StartupError(startup_problem(exc, settings)) from None
        except BaseException:
            await self.bot.shutdown()
            raise

    async def stop(self) -> None:
        """Stop as PTB does; updates that cannot start in time are dropped, not waited for."""
        if isinstance(self.update_processor, PerChatUpdateProcessor):
            self.update_processor.begin_stopping()
        await super().stop()


def build_application(
    settings: Settings, clock: Clock = utc_now
) -> SafeMeetApp:
    """The bot, configured from settings, with every handler registered."""
    protect(settings.token, settings.webhook_secret, settings.webhook_token)
    logging.getLogger("telegram.ext").addFilter(BOOTSTRAP_FILTER)

    async def post_init(application: SafeMeetApp) -> None:
        assert application.job_queue is not None
        services = await open_services(
            settings,
            clock,
            TelegramOutbox(application.bot, Catalogs()),
            JobQueueScheduler(application.job_queue),
        )
        application.bot_data.services = services
        report = await services.reminders.rehydrate()
        log.info(
            "rehydrated: %d pending reminder(s), %d due within %s timed now",
            report.pending,
            report.scheduled,
            services.reminders.horizon,
        )
        every = services.reminders.horizon.total_seconds() / 4
        application.job_queue.run_repeating(
            refresh_reminders, interval=every, first=every, name="refresh-reminders"
        )
        application.job_queue.run_repeating(
            purge_old_data, interval=PURGE_INTERVAL_S, first=PURGE_FIRST_S, name="purge"
        )
        application.job_queue.run_once(settle_in, when=0, name="settle-in")

    async def post_shutdown(application: SafeMeetApp) -> None:
        if application.bot_data.services is not None:
            await application.bot_data.services.close()
            application.bot_data.services = None

    # Throttles every call, waits out 429s, retries 5xx and network faults (bounded).
    rate_limiter = RetryingRateLimiter(overall_max_rate=settings.max_send_rate, max_retries=3)
    builder = (
        Application.builder()
        .application_class(SafeMeetApplication)
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        # aiohttp instead of PTB's default httpx: the same contract at about half the CPU.
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(pool_size=1))
        .context_types(
            ContextTypes(context=SafeMeetContext, bot_data=BotData, user_data=UserData)
        )
        .rate_limiter(rate_limiter)
        # Chats side by side, each chat's updates in order (1: one update at a time).
        .concurrent_updates(
            PerChatUpdateProcessor(settings.concurrent_updates)
            if settings.concurrent_updates > 1
            else False
        )
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    # The builder's generics cannot express the subclass set with application_class().
    application = cast(SafeMeetApplication, builder.build())
    application.settings = settings
    register(application)
    return application
