"""/meetups and the buttons on meetup messages: cancel, share the plan, check-in answers."""

from __future__ import annotations

from telegram import Update

from bot.context import SafeMeetContext
from bot.domain.meetups import Meetup, PlanError, PlanProblem
from bot.ptb.render import answer, translator_for
from bot.texts import callbacks
from bot.texts import meetups as texts
from bot.texts.reply import Reply


async def list_meetups(update: Update, context: SafeMeetContext) -> None:
    """List the user's upcoming meetups with their buttons."""
    tr = await translator_for(update, context)
    if update.effective_chat is None or update.effective_chat.type != "private":
        await answer(update, context, Reply(texts.private_only_text(tr)))
        return
    assert update.effective_user is not None
    meetups = await context.services.planner.upcoming(update.effective_user.id)
    await answer(update, context, texts.meetups_list_reply(meetups, tr))


async def _owned(update: Update, context: SafeMeetContext, prefix: str) -> Meetup | None:
    """The meetup a button names, if it is the presser's; otherwise refuse politely."""
    query = update.callback_query
    assert query is not None
    meetup_id = callbacks.parse_id(query.data, prefix)
    try:
        if meetup_id is None:
            raise PlanError(PlanProblem.NOT_FOUND)
        return await context.services.planner.owned(query.from_user.id, meetup_id)
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
    await answer(update, context, Reply(texts.meetup_cancelled_text(cancelled, tr)))


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
    """An answer to the check-in after a meetup (owner only; the meetup may have started)."""
    query = update.callback_query
    assert query is not None
    tr = await translator_for(update, context)
    ok = (query.data or "").startswith(callbacks.CHECKIN_OK)
    prefix = callbacks.CHECKIN_OK if ok else callbacks.CHECKIN_BAD
    meetup_id = callbacks.parse_id(query.data, prefix)
    meetup = await context.services.meetups.get(meetup_id) if meetup_id is not None else None
    if meetup is None or meetup.user_id != query.from_user.id:
        await query.answer(texts.plan_problem_text(PlanProblem.NOT_FOUND, tr), show_alert=True)
        return
    if ok:
        await query.answer(texts.checkin_ok_text(tr))
        await query.edit_message_text(texts.checkin_ok_text(tr))
        return
    await query.answer()
    await answer(update, context, texts.checkin_trouble_reply(meetup, tr))
