"""/privacy and /forget (which asks before it deletes)."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode

from bot.context import SafeMeetContext
from bot.ptb.render import answer, translator_for
from bot.texts.account import forget_kept_reply, forget_question_reply, forget_reply, privacy_reply
from bot.texts.callbacks import parse_forget
from bot.texts.common import not_your_button_text


async def privacy(update: Update, context: SafeMeetContext) -> None:
    """Say what is stored, why, for how long, and where the data comes from."""
    await answer(update, context, privacy_reply(await translator_for(update, context)))


async def forget(update: Update, context: SafeMeetContext) -> None:
    """Ask whether to delete everything stored about the user."""
    if update.effective_user is None:
        return
    tr = await translator_for(update, context)
    await answer(update, context, forget_question_reply(tr, update.effective_user.id))


async def forget_pressed(update: Update, context: SafeMeetContext) -> None:
    """'Yes, delete everything' or 'Keep my data', by the user who asked."""
    query = update.callback_query
    assert query is not None
    tr = await translator_for(update, context)
    parsed = parse_forget(query.data)
    if parsed is None or parsed[1] != query.from_user.id:
        await query.answer(not_your_button_text(tr), show_alert=True)
        return
    confirmed, user_id = parsed
    if confirmed:
        await context.services.accounts.forget(user_id)
        tr = await translator_for(update, context)  # the stored language is gone too
    await query.answer()
    reply = forget_reply(tr) if confirmed else forget_kept_reply(tr)
    await query.edit_message_text(reply.text, parse_mode=ParseMode.HTML)
