"""/start: the welcome."""

from __future__ import annotations

from telegram import Update

from bot.context import SafeMeetContext
from bot.ptb.render import answer, translator_for
from bot.texts.reply import Reply
from bot.texts.welcome import start_reply


async def start(update: Update, context: SafeMeetContext) -> None:
    """Welcome the user and offer the location button."""
    tr = await translator_for(update, context)
    name = update.effective_user.first_name if update.effective_user else ""
    reply = start_reply(tr, name)
    if update.effective_chat and update.effective_chat.type != "private":
        reply = Reply(reply.text)  # request_location buttons work in private chats only
    await answer(update, context, reply)
