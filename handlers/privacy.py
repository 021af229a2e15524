"""/privacy and /forget."""

from __future__ import annotations

from telegram import Update

from bot import presenter
from bot.context import SafeMeetContext
from handlers.render import answer, translator_for


async def privacy(update: Update, context: SafeMeetContext) -> None:
    """Say what is stored, why, for how long, and where the data comes from."""
    await answer(update, context, presenter.privacy_reply(await translator_for(update, context)))


async def forget(update: Update, context: SafeMeetContext) -> None:
    """Delete everything stored about the user."""
    if update.effective_user is not None:
        await context.services.forget_user(update.effective_user.id)
    await answer(update, context, presenter.forget_reply(await translator_for(update, context)))
