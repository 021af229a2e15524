"""/tips: the full safety guidance."""

from __future__ import annotations

from telegram import Update

from bot.context import SafeMeetContext
from bot.ptb.render import answer, translator_for
from bot.texts.welcome import tips_reply


async def tips(update: Update, context: SafeMeetContext) -> None:
    """Send the full list of safety tips."""
    await answer(update, context, tips_reply(await translator_for(update, context)))
