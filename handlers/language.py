"""/language: choose the bot's language with inline buttons; the choice is stored."""

from __future__ import annotations

from telegram import Update

from bot.context import SafeMeetContext
from bot.ptb.render import answer, translator_for
from bot.texts.account import language_menu_reply, language_set_reply
from bot.texts.callbacks import LANGUAGE_CALLBACK_PREFIX
from bot.texts.common import stale_button_text


async def language_menu(update: Update, context: SafeMeetContext) -> None:
    """Offer the supported languages as buttons."""
    tr = await translator_for(update, context)
    await answer(update, context, language_menu_reply(tr))


async def choose_language(update: Update, context: SafeMeetContext) -> None:
    """Store the chosen language and confirm in it; refuse unknown (forged) choices."""
    query = update.callback_query
    if query is None:
        return
    code = (query.data or "").removeprefix(LANGUAGE_CALLBACK_PREFIX)
    if not await context.services.accounts.choose_language(query.from_user.id, code):
        tr = await translator_for(update, context)
        await query.answer(stale_button_text(tr), show_alert=False)
        return
    tr = context.services.catalogs.get(code)
    confirmation = language_set_reply(tr)
    await query.answer(confirmation)
    await query.edit_message_text(confirmation)
