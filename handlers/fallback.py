"""Answers to everything no other handler takes: a short, friendly 'here is what I understand'."""

from __future__ import annotations

from telegram import Update

from bot.context import SafeMeetContext
from bot.ptb.render import answer, translator_for
from bot.texts.common import stale_button_text
from bot.texts.nearest import fallback_reply


async def unknown_message(update: Update, context: SafeMeetContext) -> None:
    """Stickers, photos, unknown commands...: say what the bot understands."""
    await answer(update, context, fallback_reply(await translator_for(update, context)))


async def unknown_button(update: Update, context: SafeMeetContext) -> None:
    """A button press we cannot place (forged data, an old message): refuse politely."""
    if update.callback_query is not None:
        tr = await translator_for(update, context)
        await update.callback_query.answer(stale_button_text(tr))
