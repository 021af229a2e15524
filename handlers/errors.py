"""The one error handler: log first, then tell the user something went wrong."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError

from bot import presenter
from bot.context import SafeMeetContext
from handlers.render import answer, translator_for

log = logging.getLogger(__name__)


async def on_error(update: object, context: SafeMeetContext) -> None:
    """Log the exception; apologise to the user unless Telegram itself is the problem."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        log.info("update %s: bot cannot write to this chat (%s)", update_id, error.message)
        return
    if isinstance(error, NetworkError | RetryAfter):
        log.warning("update %s: Telegram unreachable: %s", update_id, error)
        return
    log.error("update %s failed", update_id, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        tr = await translator_for(update, context)
        await answer(update, context, presenter.error_reply(tr))
    except (TelegramError, RuntimeError) as exc:
        log.warning("update %s: could not apologise: %s", update_id, exc)
