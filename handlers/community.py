"""Community: "Report a problem" on a zone card, /suggest a new zone, /review for admins."""

from __future__ import annotations

import contextlib
import warnings

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import SafeMeetContext
from bot.domain.community import CommunityError, Problem, Reason
from bot.i18n import Translator
from bot.ptb.render import answer, translator_for
from bot.texts import callbacks
from bot.texts import community as texts
from bot.texts.common import stale_button_text
from bot.texts.reply import Reply

ENTER_NOTE, SHARE_LOCATION, ENTER_NAME = range(3)
REPORT_KEY = "community_report"  # (reason, zone id) of the report being written
SUGGESTION_KEY = "community_suggestion"  # (lat, lon) of the place being suggested
FLOW_TIMEOUT_S = 15 * 60
PRIVATE = filters.ChatType.PRIVATE
NEW_MESSAGE = filters.UpdateType.MESSAGE


def _private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == "private"


async def _refuse(query: CallbackQuery, text: str) -> None:
    """Answer a button press with an alert (nothing is sent to the chat)."""
    await query.answer(text[:200], show_alert=True)


async def _drop_buttons(query: CallbackQuery) -> None:
    """Remove a message's buttons so it cannot be pressed twice (best effort)."""
    # Too old, or already without buttons: the domain refuses a second decision anyway.
    with contextlib.suppress(TelegramError):
        await query.edit_message_reply_markup(None)


async def _say(update: Update, context: SafeMeetContext, text: str) -> None:
    await answer(update, context, Reply(text))


# -- Report a problem ---------------------------------------------------------------------


async def report_pressed(update: Update, context: SafeMeetContext) -> None:
    """'Report a problem' on a zone card: ask what is wrong."""
    query = update.callback_query
    assert query is not None
    tr = await translator_for(update, context)
    if not _private(update):
        await _refuse(query, texts.private_only_text(tr))
        return
    zone_id = (query.data or "").removeprefix(callbacks.REPORT)
    try:
        zone = await context.services.community.start_report(query.from_user.id, zone_id)
    except CommunityError as error:
        await _refuse(query, texts.problem_text(error.problem, tr))
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
        await _refuse(query, stale_button_text(tr))
        return ConversationHandler.END
    if not _private(update):
        await _refuse(query, texts.private_only_text(tr))
        return ConversationHandler.END
    reason, zone_id = parsed
    try:
        zone = await context.services.community.start_report(query.from_user.id, zone_id)
    except CommunityError as error:
        await _refuse(query, texts.problem_text(error.problem, tr))
        return ConversationHandler.END
    await query.answer()
    await _drop_buttons(query)
    context.user_data.pop(SUGGESTION_KEY, None)
    context.user_data[REPORT_KEY] = (reason, zone.id)
    await answer(update, context, texts.ask_note_reply(reason, tr))
    return ENTER_NOTE


async def _file_report(update: Update, context: SafeMeetContext, note: str) -> int:
    tr = await translator_for(update, context)
    draft = context.user_data.get(REPORT_KEY)
    user = update.effective_user
    if not isinstance(draft, tuple) or user is None:
        return ConversationHandler.END
    reason, zone_id = draft
    try:
        await context.services.community.report(user.id, zone_id, Reason(reason), note)
    except CommunityError as error:
        await _say(update, context, texts.problem_text(error.problem, tr))
        if error.problem is Problem.NOTE_TOO_LONG:
            return ENTER_NOTE
        context.user_data.pop(REPORT_KEY, None)
        return ConversationHandler.END
    context.user_data.pop(REPORT_KEY, None)
    await _say(update, context, texts.report_thanks_text(tr))
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
    await _drop_buttons(query)
    return await _file_report(update, context, "")


async def note_expected(update: Update, context: SafeMeetContext) -> int:
    """A sticker, photo or location while the note is expected."""
    await _say(update, context, texts.ask_note_again_text(await translator_for(update, context)))
    return ENTER_NOTE


# -- /suggest -----------------------------------------------------------------------------


async def suggest_command(update: Update, context: SafeMeetContext) -> int:
    """/suggest: ask where the new zone is."""
    tr = await translator_for(update, context)
    user = update.effective_user
    if not _private(update) or user is None:
        await _say(update, context, texts.private_only_text(tr))
        return ConversationHandler.END
    try:
        await context.services.community.start_suggestion(user.id)
    except CommunityError as error:
        await _say(update, context, texts.problem_text(error.problem, tr))
        return ConversationHandler.END
    context.user_data.pop(REPORT_KEY, None)
    context.user_data.pop(SUGGESTION_KEY, None)
    await answer(update, context, texts.ask_location_reply(tr))
    return SHARE_LOCATION


async def location_shared(update: Update, context: SafeMeetContext) -> int:
    """The suggested place's location (a venue works too): ask its name."""
    message = update.effective_message
    assert message is not None
    assert message.location is not None
    context.user_data[SUGGESTION_KEY] = (message.location.latitude, message.location.longitude)
    await answer(update, context, texts.ask_name_reply(await translator_for(update, context)))
    return ENTER_NAME


async def location_expected(update: Update, context: SafeMeetContext) -> int:
    """Anything but a location while the location is expected."""
    tr = await translator_for(update, context)
    await _say(update, context, texts.ask_location_again_text(tr))
    return SHARE_LOCATION


async def name_typed(update: Update, context: SafeMeetContext) -> int:
    """The suggested place's name: record the suggestion."""
    tr = await translator_for(update, context)
    where = context.user_data.get(SUGGESTION_KEY)
    user, message = update.effective_user, update.effective_message
    if not isinstance(where, tuple) or user is None or message is None:
        return ConversationHandler.END
    try:
        suggestion = await context.services.community.suggest(
            user.id, message.text or "", where[0], where[1]
        )
    except CommunityError as error:
        await _say(update, context, texts.problem_text(error.problem, tr))
        if error.problem in (Problem.NAME_TOO_SHORT, Problem.NAME_TOO_LONG):
            return ENTER_NAME
        context.user_data.pop(SUGGESTION_KEY, None)
        if error.problem is Problem.BAD_LOCATION:
            await answer(update, context, texts.ask_location_reply(tr))
            return SHARE_LOCATION
        return ConversationHandler.END
    context.user_data.pop(SUGGESTION_KEY, None)
    await _say(update, context, texts.suggestion_thanks_text(suggestion, tr))
    return ConversationHandler.END


async def name_expected(update: Update, context: SafeMeetContext) -> int:
    """Anything but text while the name is expected."""
    await _say(update, context, texts.ask_name_again_text(await translator_for(update, context)))
    return ENTER_NAME


# -- Leaving the flows --------------------------------------------------------------------


async def cancel_flow(update: Update, context: SafeMeetContext) -> int:
    """/cancel during a report or a suggestion."""
    context.user_data.pop(REPORT_KEY, None)
    context.user_data.pop(SUGGESTION_KEY, None)
    tr = await translator_for(update, context)
    await answer(update, context, Reply(texts.flow_cancelled_text(tr), remove_keyboard=True))
    return ConversationHandler.END


async def other_command(update: Update, context: SafeMeetContext) -> int:
    """Any other command leaves the flow quietly and is then handled as if sent outside it."""
    context.user_data.pop(REPORT_KEY, None)
    context.user_data.pop(SUGGESTION_KEY, None)
    await context.update_queue.put(update)
    return ConversationHandler.END


# -- /review and the reviewers' buttons ---------------------------------------------------


async def review_command(update: Update, context: SafeMeetContext) -> None:
    """/review: the oldest pending suggestions and reports, each with its buttons."""
    tr = await translator_for(update, context)
    user = update.effective_user
    community = context.services.community
    if user is None or not community.is_admin(user.id):
        await _say(update, context, texts.problem_text(Problem.NOT_ADMIN, tr))
        return
    if not _private(update):
        await _say(update, context, texts.private_only_text(tr))
        return
    for reply in texts.review_replies(await community.queue(user.id), tr):
        await answer(update, context, reply)


def _parse_decision(data: str | None) -> tuple[str, int] | None:
    """(prefix, item id) of a reviewer's button; None when forged or malformed."""
    for prefix in callbacks.ADMIN_PREFIXES:
        item_id = callbacks.parse_id(data, prefix)
        if item_id is not None:
            return prefix, item_id
    return None


async def _decide(
    context: SafeMeetContext, admin_id: int, prefix: str, item_id: int, tr: Translator
) -> str:
    """Carry out a reviewer's button; returns what to tell them. Raises CommunityError."""
    community = context.services.community
    if prefix == callbacks.APPROVE_SUGGESTION:
        return texts.approved_text(await community.approve_suggestion(admin_id, item_id), tr)
    if prefix == callbacks.REJECT_SUGGESTION:
        return texts.rejected_text(await community.reject_suggestion(admin_id, item_id), tr)
    if prefix == callbacks.CONFIRM_REPORT:
        return texts.confirmed_text(await community.confirm_report(admin_id, item_id), tr)
    return texts.dismissed_text(await community.dismiss_report(admin_id, item_id), tr)


async def decision_pressed(update: Update, context: SafeMeetContext) -> None:
    """Approve / reject / confirm / dismiss: reviewers only, whatever the button says."""
    query = update.callback_query
    assert query is not None
    tr = await translator_for(update, context)
    if not context.services.community.is_admin(query.from_user.id):
        await _refuse(query, texts.problem_text(Problem.NOT_ADMIN, tr))
        return
    parsed = _parse_decision(query.data)
    if parsed is None:
        await _refuse(query, stale_button_text(tr))
        return
    try:
        outcome = await _decide(context, query.from_user.id, *parsed, tr)
    except CommunityError as error:
        await _refuse(query, texts.problem_text(error.problem, tr))
        return
    await query.answer(texts.decided_short_text(tr))
    await _drop_buttons(query)
    await _say(update, context, outcome)


# -- Registration -------------------------------------------------------------------------


def _text() -> filters.BaseFilter:
    return filters.TEXT & ~filters.COMMAND & PRIVATE & NEW_MESSAGE


def _anything_else() -> filters.BaseFilter:
    """New non-command messages the step cannot use (edits are left to other handlers)."""
    return PRIVATE & NEW_MESSAGE & ~filters.COMMAND


def conversations() -> list[ConversationHandler]:
    """The report-with-note flow and the /suggest flow."""
    # Both mix typed text with buttons, tracked per user and chat (per_message=False) on
    # purpose, as in handlers/meetup.py; PTB warns about that combination.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message", category=PTBUserWarning)
        return _build_conversations()


def _build_conversations() -> list[ConversationHandler]:
    leave = [
        CommandHandler("cancel", cancel_flow),
        MessageHandler(filters.COMMAND & NEW_MESSAGE, other_command),
    ]
    report = ConversationHandler(
        entry_points=[CallbackQueryHandler(reason_picked, pattern=f"^{callbacks.REASON}")],
        states={
            ENTER_NOTE: [
                CallbackQueryHandler(note_skipped, pattern=f"^{callbacks.SEND_WITHOUT_NOTE}$"),
                MessageHandler(_text(), note_typed),
                MessageHandler(_anything_else(), note_expected),
            ],
        },
        fallbacks=leave,
        conversation_timeout=FLOW_TIMEOUT_S,
        allow_reentry=True,
        per_message=False,
        name="report",
    )
    suggest = ConversationHandler(
        entry_points=[CommandHandler("suggest", suggest_command, filters=NEW_MESSAGE)],
        states={
            SHARE_LOCATION: [
                MessageHandler(filters.LOCATION & PRIVATE & NEW_MESSAGE, location_shared),
                MessageHandler(_anything_else(), location_expected),
            ],
            ENTER_NAME: [
                MessageHandler(_text(), name_typed),
                MessageHandler(_anything_else(), name_expected),
            ],
        },
        fallbacks=leave,
        conversation_timeout=FLOW_TIMEOUT_S,
        allow_reentry=True,
        per_message=False,
        name="suggest",
    )
    return [report, suggest]
