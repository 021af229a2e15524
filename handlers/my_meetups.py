"""/meetups and the buttons on meetup messages: cancel, change time, share, check-in answers."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler

from bot.context import SafeMeetContext
from bot.domain.meetups import Meetup, PlanError, PlanProblem
from bot.domain.when import WhenError, parse_when
from bot.ptb.render import answer, translator_for
from bot.texts import callbacks
from bot.texts import meetups as texts
from handlers.flows import flow, is_private, meetup_exits, say, typed_text
from handlers.plan_meetup import meetup_card

NEW_TIME = 0


async def list_meetups(update: Update, context: SafeMeetContext) -> None:
    """List the user's upcoming meetups with their buttons."""
    tr = await translator_for(update, context)
    if not is_private(update):
        await say(update, context, texts.private_only_text(tr))
        return
    assert update.effective_user is not None
    meetups = await context.services.planner.upcoming(update.effective_user.id)
    await answer(update, context, texts.meetups_list_reply(meetups, tr))


async def _owned(
    update: Update, context: SafeMeetContext, prefix: str, *, cancelled_too: bool = False
) -> Meetup | None:
    """The meetup a button names, if it is the presser's; otherwise refuse with an alert."""
    query = update.callback_query
    assert query is not None
    meetup_id = callbacks.parse_id(query.data, prefix)
    try:
        if meetup_id is None:
            raise PlanError(PlanProblem.NOT_FOUND)
        planner = context.services.planner
        return await planner.owned(query.from_user.id, meetup_id, cancelled_too=cancelled_too)
    except PlanError as error:
        tr = await translator_for(update, context)
        await query.answer(texts.plan_problem_text(error.problem, tr), show_alert=True)
        return None


async def cancel_pressed(update: Update, context: SafeMeetContext) -> None:
    """'Cancel meetup': cancel it and its reminders."""
    query = update.callback_query
    assert query is not None
    meetup = await _owned(update, context, callbacks.CANCEL)
    if meetup is None:
        return
    cancelled, reminder_ids = await context.services.planner.cancel(query.from_user.id, meetup.id)
    context.services.reminders.unschedule(reminder_ids)
    tr = await translator_for(update, context)
    await query.answer()
    await say(update, context, texts.meetup_cancelled_text(cancelled, tr))


async def share_pressed(update: Update, context: SafeMeetContext) -> None:
    """'Share plan': a message the user can forward to a friend."""
    assert update.callback_query is not None
    meetup = await _owned(update, context, callbacks.SHARE)
    if meetup is None:
        return
    await update.callback_query.answer()
    tr = await translator_for(update, context)
    await answer(update, context, texts.share_plan_reply(meetup, tr))


async def checkin_pressed(update: Update, context: SafeMeetContext) -> None:
    """An answer to the check-in after a meetup (owner only; it may have started or been
    cancelled since)."""
    query = update.callback_query
    assert query is not None
    ok = (query.data or "").startswith(callbacks.CHECKIN_OK)
    prefix = callbacks.CHECKIN_OK if ok else callbacks.CHECKIN_BAD
    meetup = await _owned(update, context, prefix, cancelled_too=True)
    if meetup is None:
        return
    tr = await translator_for(update, context)
    if ok:
        await query.answer(texts.checkin_ok_text(tr))
        await query.edit_message_text(texts.checkin_ok_text(tr))
        return
    await query.answer()
    await answer(update, context, texts.checkin_trouble_reply(meetup, tr))


async def change_time_pressed(update: Update, context: SafeMeetContext) -> int:
    """'Change time' on a meetup: ask for the new time (owner only)."""
    query = update.callback_query
    assert query is not None
    meetup = await _owned(update, context, callbacks.CHANGE_TIME)
    if meetup is None:
        return ConversationHandler.END
    await query.answer()
    context.user_state.moving_meetup = meetup.id
    tr = await translator_for(update, context)
    await say(update, context, texts.ask_new_time_text(meetup, tr))
    return NEW_TIME


async def new_time_typed(update: Update, context: SafeMeetContext) -> int:
    """The new time for a meetup being moved."""
    tr = await translator_for(update, context)
    meetup_id = context.user_state.moving_meetup
    user = update.effective_user
    if meetup_id is None or user is None or update.effective_message is None:
        return ConversationHandler.END
    planner = context.services.planner
    try:
        meetup = await planner.owned(user.id, meetup_id)
        moment = parse_when(
            update.effective_message.text or "", planner.now(), meetup.tz, tr.language
        )
        moved, reminders, dropped = await planner.reschedule(user.id, meetup_id, moment.at)
    except WhenError as error:
        await say(update, context, texts.when_problem_text(error.problem, tr))
        return NEW_TIME
    except PlanError as error:
        await say(update, context, texts.plan_problem_text(error.problem, tr))
        return ConversationHandler.END
    context.user_state.moving_meetup = None
    context.services.reminders.unschedule(dropped)
    await answer(update, context, meetup_card(context, moved, reminders, tr, moment.shifted))
    return ConversationHandler.END


def conversations() -> list[ConversationHandler[SafeMeetContext]]:
    """The change-time flow, started by a meetup's 'Change time' button."""
    move = flow(
        "move_meetup",
        entry_points=[
            CallbackQueryHandler(change_time_pressed, pattern=f"^{callbacks.CHANGE_TIME}")
        ],
        states={NEW_TIME: [MessageHandler(typed_text(), new_time_typed)]},
        fallbacks=meetup_exits(),
    )
    return [move]
