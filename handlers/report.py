"""'Report a problem' on a zone card: pick what is wrong, add an optional note."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler

from bot.context import SafeMeetContext
from bot.domain.community import CommunityError, CommunityProblem
from bot.ptb.render import answer, translator_for
from bot.texts import callbacks
from bot.texts import community as texts
from bot.texts.common import stale_button_text
from handlers.flows import (
    anything_else,
    community_exits,
    drop_buttons,
    flow,
    is_private,
    new_typed_text,
    refuse,
    say,
)

ENTER_NOTE = 0


async def report_pressed(update: Update, context: SafeMeetContext) -> None:
    """'Report a problem' on a zone card: ask what is wrong."""
    query = update.callback_query
    assert query is not None
    tr = await translator_for(update, context)
    if not is_private(update):
        await refuse(query, texts.private_only_text(tr))
        return
    zone_id = (query.data or "").removeprefix(callbacks.REPORT)
    try:
        zone = await context.services.community.start_report(query.from_user.id, zone_id)
    except CommunityError as error:
        await refuse(query, texts.problem_text(error.problem, tr))
        return
    await query.answer()
    await answer(update, context, texts.reasons_reply(zone, tr))


async def reason_picked(update: Update, context: SafeMeetContext) -> int:
    """A reason button: ask for the optional note."""
    query = update.callback_query
    assert query is not None
    tr = await translator_for(update, context)
    parsed = callbacks.parse_reason(query.data)
    if parsed is None:
        await refuse(query, stale_button_text(tr))
        return ConversationHandler.END
    if not is_private(update):
        await refuse(query, texts.private_only_text(tr))
        return ConversationHandler.END
    reason, zone_id = parsed
    try:
        zone = await context.services.community.start_report(query.from_user.id, zone_id)
    except CommunityError as error:
        await refuse(query, texts.problem_text(error.problem, tr))
        return ConversationHandler.END
    await query.answer()
    await drop_buttons(query)
    state = context.user_state
    state.suggestion = None
    state.report = (reason, zone.id)
    await answer(update, context, texts.ask_note_reply(reason, tr))
    return ENTER_NOTE


async def _file_report(update: Update, context: SafeMeetContext, note: str) -> int:
    tr = await translator_for(update, context)
    state = context.user_state
    user = update.effective_user
    if state.report is None or user is None:
        return ConversationHandler.END
    reason, zone_id = state.report
    try:
        await context.services.community.report(user.id, zone_id, reason, note)
    except CommunityError as error:
        await say(update, context, texts.problem_text(error.problem, tr))
        if error.problem is CommunityProblem.NOTE_TOO_LONG:
            return ENTER_NOTE
        state.report = None
        return ConversationHandler.END
    state.report = None
    await say(update, context, texts.report_thanks_text(tr))
    return ConversationHandler.END


async def note_typed(update: Update, context: SafeMeetContext) -> int:
    """The optional note of a report."""
    message = update.effective_message
    return await _file_report(update, context, (message.text or "") if message else "")


async def note_skipped(update: Update, context: SafeMeetContext) -> int:
    """'Send without a note'."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await drop_buttons(query)
    return await _file_report(update, context, "")


async def note_expected(update: Update, context: SafeMeetContext) -> int:
    """A sticker, photo or location while the note is expected."""
    await say(update, context, texts.ask_note_again_text(await translator_for(update, context)))
    return ENTER_NOTE


def conversations() -> list[ConversationHandler[SafeMeetContext]]:
    """The report-with-note flow, started by a reason button."""
    report = flow(
        "report",
        entry_points=[CallbackQueryHandler(reason_picked, pattern=f"^{callbacks.REASON}")],
        states={
            ENTER_NOTE: [
                CallbackQueryHandler(note_skipped, pattern=f"^{callbacks.SEND_WITHOUT_NOTE}$"),
                MessageHandler(new_typed_text(), note_typed),
                MessageHandler(anything_else(), note_expected),
            ],
        },
        fallbacks=community_exits(),
    )
    return [report]
