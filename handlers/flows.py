"""What the conversation flows and their buttons share: chat checks, alerts, building a flow."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Sequence

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.context import SafeMeetContext
from bot.ptb.render import answer, translator_for
from bot.texts import community as community_texts
from bot.texts import meetups as meetup_texts
from bot.texts.reply import Reply

FLOW_TIMEOUT_S = 15 * 60
FlowHandler = BaseHandler[Update, SafeMeetContext, object]
NEW_MESSAGE = filters.UpdateType.MESSAGE
PRIVATE = filters.ChatType.PRIVATE


def is_private(update: Update) -> bool:
    """True in a private chat with the bot."""
    return update.effective_chat is not None and update.effective_chat.type == "private"


def typed_text() -> filters.BaseFilter:
    """Typed text (no command) in a private chat, new or edited."""
    return filters.TEXT & ~filters.COMMAND & PRIVATE


def new_typed_text() -> filters.BaseFilter:
    """New typed text (no command) in a private chat."""
    return typed_text() & NEW_MESSAGE


def anything_else() -> filters.BaseFilter:
    """New non-command messages a step cannot use (edits are left to other handlers)."""
    return PRIVATE & NEW_MESSAGE & ~filters.COMMAND


async def say(update: Update, context: SafeMeetContext, text: str) -> None:
    """Send one plain text reply."""
    await answer(update, context, Reply(text))


async def refuse(query: CallbackQuery, text: str) -> None:
    """Answer a button press with an alert (nothing is sent to the chat)."""
    await query.answer(text[:200], show_alert=True)


async def drop_buttons(query: CallbackQuery) -> None:
    """Remove a message's buttons so it cannot be pressed twice (best effort)."""
    # Too old, or already without buttons: the domain refuses a second decision anyway.
    with contextlib.suppress(TelegramError):
        await query.edit_message_reply_markup(None)


def flow(
    name: str,
    entry_points: Sequence[FlowHandler],
    states: dict[object, list[FlowHandler]],
    fallbacks: Sequence[FlowHandler],
) -> ConversationHandler[SafeMeetContext]:
    """A conversation tracked per user and chat, re-entered by its entry points, timed out."""
    # Every flow mixes typed text with button presses, so it is tracked per user and chat
    # (per_message=False) on purpose; PTB warns about that combination, intended here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=list(entry_points),
            states=states,
            fallbacks=list(fallbacks),
            conversation_timeout=FLOW_TIMEOUT_S,
            allow_reentry=True,
            per_message=False,
            name=name,
        )


# -- Leaving the flows --------------------------------------------------------------------


async def cancel_meetup_flow(update: Update, context: SafeMeetContext) -> int:
    """/cancel while planning a meetup or changing its time."""
    context.user_state.leave_meetup_flows()
    tr = await translator_for(update, context)
    await say(update, context, meetup_texts.flow_cancelled_text(tr))
    return ConversationHandler.END


def meetup_exits() -> list[FlowHandler]:
    """How the meetup flows end early: /cancel."""
    return [CommandHandler("cancel", cancel_meetup_flow)]


async def cancel_community_flow(update: Update, context: SafeMeetContext) -> int:
    """/cancel during a report or a suggestion."""
    context.user_state.leave_community_flows()
    tr = await translator_for(update, context)
    reply = Reply(community_texts.flow_cancelled_text(tr), remove_keyboard=True)
    await answer(update, context, reply)
    return ConversationHandler.END


async def other_command(update: Update, context: SafeMeetContext) -> int:
    """Any other command leaves the flow quietly and is then handled as if sent outside it."""
    context.user_state.leave_community_flows()
    await context.update_queue.put(update)
    return ConversationHandler.END


def community_exits() -> list[FlowHandler]:
    """How the report and suggestion flows end early: /cancel, or any other command."""
    return [
        CommandHandler("cancel", cancel_community_flow),
        MessageHandler(filters.COMMAND & NEW_MESSAGE, other_command),
    ]
