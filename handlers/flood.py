"""Guards that run before every other handler: the per-user flood limit, oversized texts."""

from __future__ import annotations

from telegram import Chat, Update
from telegram.ext import ApplicationHandlerStop

from bot.context import SafeMeetContext
from bot.domain.flood import Verdict
from bot.ptb.render import answer, translator_for
from bot.texts.common import slow_down_text
from bot.texts.nearest import problem_reply
from bot.texts.reply import Reply
from bot.usecases.finder import MAX_QUERY_CHARS, QueryError, QueryProblem

# No query, note or name is anywhere near this long: such a text is refused at once.
MAX_TEXT_CHARS = 1000


async def guard(update: Update, context: SafeMeetContext) -> None:
    """Let the update through, or answer (at most once) and stop it before any real work."""
    user = update.effective_user
    if user is None:
        return
    verdict = context.services.flood.check(user.id)
    if verdict is Verdict.WARN:
        await _slow_down(update, context)
    if verdict is not Verdict.ALLOW:
        raise ApplicationHandlerStop
    if _oversized_private_text(update):
        tr = await translator_for(update, context)
        error = QueryError(QueryProblem.TOO_LONG)
        await answer(update, context, problem_reply(error, tr, MAX_QUERY_CHARS))
        raise ApplicationHandlerStop


async def _slow_down(update: Update, context: SafeMeetContext) -> None:
    """The one polite warning of a flood episode."""
    tr = await translator_for(update, context)
    if update.callback_query is not None:
        await update.callback_query.answer(slow_down_text(tr), show_alert=True)
    else:
        await answer(update, context, Reply(slow_down_text(tr)))


def _oversized_private_text(update: Update) -> bool:
    """A private message (new or edited) whose text is beyond any use."""
    message = update.effective_message
    chat = update.effective_chat
    return bool(
        message is not None
        and message.text is not None
        and chat is not None
        and chat.type == Chat.PRIVATE
        and len(message.text) > MAX_TEXT_CHARS
    )
