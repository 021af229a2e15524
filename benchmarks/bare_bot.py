"""The throughput baseline: a bare PTB bot answering each shared location with one sendVenue.

Run as ``python -m benchmarks.bare_bot`` with TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL set, like
``python -m bot``: same PTB defaults (sequential updates, long polling), no database, no rate
limiter, no text message, nothing but the venue.
"""

from __future__ import annotations

import logging
import os

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

VENUE = {
    "latitude": 41.1792,
    "longitude": -73.1894,
    "title": "Bridgeport Police Department",
    "address": "300 Congress St, Bridgeport, CT 06604",
}


async def answer_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a shared location with one fixed venue."""
    if update.effective_chat is not None:
        await context.bot.send_venue(update.effective_chat.id, **VENUE)


def build(token: str, api_url: str) -> Application:
    """The bare bot: one handler, PTB defaults otherwise."""
    application = Application.builder().token(token).base_url(f"{api_url}/bot").build()
    application.add_handler(MessageHandler(filters.LOCATION, answer_location))
    return application


def main() -> None:
    """Run with long polling until SIGTERM/SIGINT, as ``python -m bot`` does."""
    logging.basicConfig(
        level=os.environ.get("SAFEMEET_LOG_LEVEL", "WARNING"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    application = build(os.environ["TELEGRAM_BOT_TOKEN"], os.environ["TELEGRAM_API_URL"])
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
