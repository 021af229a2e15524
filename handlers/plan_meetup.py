"""/meetup: plan a meetup, in a guided flow or in one line."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import MeetupDraft, SafeMeetContext
from bot.domain.localtime import after_sunset, timezone_at
from bot.domain.meetups import Meetup, PlanError, Reminder
from bot.domain.when import Moment, WhenError, parse_when, quick_choices
from bot.domain.zones import Zone
from bot.i18n import Translator
from bot.ptb.render import answer, translator_for
from bot.texts import callbacks
from bot.texts import meetups as texts
from bot.texts.callbacks import PLAN_AT_PREFIX
from bot.texts.common import stale_button_text
from bot.texts.names import zone_name
from bot.texts.nearest import nearest_reply, problem_reply
from bot.texts.reply import Reply
from bot.usecases.finder import MAX_QUERY_CHARS, QueryError
from handlers.flows import flow, is_private, meetup_exits, say, typed_text

CHOOSE_ZONE, CHOOSE_TIME, ENTER_NOTE, CONFIRM = range(4)


def meetup_card(
    context: SafeMeetContext,
    meetup: Meetup,
    reminders: list[Reminder],
    tr: Translator,
    shifted: bool,
) -> Reply:
    """Time the meetup's reminders; the card showing the plan."""
    context.services.reminders.schedule(reminders)
    sun_down = after_sunset(meetup.point, meetup.starts_at)  # sun below the horizon there
    return texts.meetup_card(meetup, reminders, tr, after_sunset=sun_down, shifted=shifted)


async def _plan(
    update: Update, context: SafeMeetContext, tr: Translator, draft: MeetupDraft
) -> None:
    assert update.effective_user is not None
    assert update.effective_chat is not None
    assert draft.moment is not None
    try:
        meetup, reminders = await context.services.planner.plan(
            user_id=update.effective_user.id,
            chat_id=update.effective_chat.id,
            zone=draft.zone,
            starts_at=draft.moment.at,
            note=draft.note,
            language=tr.language,
        )
    except PlanError as error:
        await say(update, context, texts.plan_problem_text(error.problem, tr))
        return
    card = meetup_card(context, meetup, reminders, tr, draft.moment.shifted)
    await answer(update, context, card)


def _parse(context: SafeMeetContext, zone: Zone, text: str, tr: Translator) -> Moment:
    return parse_when(text, context.services.planner.now(), timezone_at(zone.point), tr.language)


async def meetup_command(update: Update, context: SafeMeetContext) -> int:
    """/meetup <when> plans at once at the last search's nearest zone; /meetup alone asks."""
    tr = await translator_for(update, context)
    if not is_private(update) or update.effective_user is None:
        await say(update, context, texts.private_only_text(tr))
        return ConversationHandler.END
    zones = await context.services.finder.last_zones(update.effective_user.id)
    when = " ".join(context.args or [])
    if when:
        if not zones:
            await say(update, context, texts.search_first_text(tr))
            return ConversationHandler.END
        try:
            moment = _parse(context, zones[0], when, tr)
        except WhenError as error:
            await say(update, context, texts.when_problem_text(error.problem, tr))
            return ConversationHandler.END
        await _plan(update, context, tr, MeetupDraft(zones[0], moment))
        return ConversationHandler.END
    context.user_state.meetup_draft = None
    await answer(
        update, context, texts.ask_zone_reply([(z.id, zone_name(z, tr)) for z in zones], tr)
    )
    return CHOOSE_ZONE


async def _ask_time(update: Update, context: SafeMeetContext, zone: Zone) -> int:
    tr = await translator_for(update, context)
    context.user_state.meetup_draft = MeetupDraft(zone)
    quick = quick_choices(context.services.planner.now(), timezone_at(zone.point))
    await answer(update, context, texts.ask_time_reply(zone_name(zone, tr), quick, tr))
    return CHOOSE_TIME


async def zone_picked(update: Update, context: SafeMeetContext) -> int:
    """A zone button (from /meetup or 'Plan a meetup here' on a search result)."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    data = query.data or ""
    zone_id = data.removeprefix(callbacks.PICK_ZONE).removeprefix(PLAN_AT_PREFIX)
    finder = context.services.finder
    zone = await finder.zone(zone_id) if len(zone_id) <= 48 else None
    if zone is None:
        tr = await translator_for(update, context)
        await say(update, context, stale_button_text(tr))
        return ConversationHandler.END
    if not is_private(update) or update.effective_user is None:
        tr = await translator_for(update, context)
        await say(update, context, texts.private_only_text(tr))
        return ConversationHandler.END
    if not await finder.offered(update.effective_user.id, zone_id):
        # Only zones a search offered within reach of the user can be planned at.
        tr = await translator_for(update, context)
        await say(update, context, texts.out_of_reach_text(tr))
        return ConversationHandler.END
    return await _ask_time(update, context, zone)


async def zone_searched(update: Update, context: SafeMeetContext) -> int:
    """A location or typed place while choosing where: offer its nearest zones."""
    tr = await translator_for(update, context)
    message = update.effective_message
    assert message is not None
    finder = context.services.finder
    try:
        if message.location is not None:
            result = await finder.near_point(message.location.latitude, message.location.longitude)
        else:
            result = await finder.near_text(message.text or "", tr.language)
    except QueryError as error:
        await answer(update, context, problem_reply(error, tr, MAX_QUERY_CHARS))
        return CHOOSE_ZONE
    if not result.matches:  # nothing within reach: say so, and let them search elsewhere
        await answer(update, context, nearest_reply(result, tr, finder.nearby_km, finder.reach_km))
        return CHOOSE_ZONE
    if update.effective_user is not None:  # the zones it may pick (zone ids, never a position)
        await finder.remember(update.effective_user.id, result)
    zones = [(match.zone.id, zone_name(match.zone, tr)) for match in result.matches]
    await answer(update, context, texts.ask_zone_reply(zones, tr))
    return CHOOSE_ZONE


async def _ask_note(
    update: Update, context: SafeMeetContext, draft: MeetupDraft, moment: Moment
) -> int:
    draft.moment = moment
    await answer(update, context, texts.ask_note_reply(await translator_for(update, context)))
    return ENTER_NOTE


async def time_picked(update: Update, context: SafeMeetContext) -> int:
    """A quick-choice time button."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    draft = context.user_state.meetup_draft
    key = (query.data or "").removeprefix(callbacks.PICK_TIME)
    if draft is None:
        return ConversationHandler.END
    choices = quick_choices(context.services.planner.now(), timezone_at(draft.zone.point))
    if key not in choices:
        tr = await translator_for(update, context)
        await answer(update, context, texts.ask_time_reply(zone_name(draft.zone, tr), choices, tr))
        return CHOOSE_TIME
    return await _ask_note(update, context, draft, Moment(choices[key]))


async def time_typed(update: Update, context: SafeMeetContext) -> int:
    """A typed time ("tomorrow 18:30")."""
    tr = await translator_for(update, context)
    draft = context.user_state.meetup_draft
    if draft is None or update.effective_message is None:
        return ConversationHandler.END
    try:
        moment = _parse(context, draft.zone, update.effective_message.text or "", tr)
    except WhenError as error:
        await say(update, context, texts.when_problem_text(error.problem, tr))
        return CHOOSE_TIME
    return await _ask_note(update, context, draft, moment)


async def _confirm(update: Update, context: SafeMeetContext, draft: MeetupDraft) -> int:
    tr = await translator_for(update, context)
    assert draft.moment is not None
    local = draft.moment.at.astimezone(timezone_at(draft.zone.point))
    await answer(
        update, context, texts.confirm_reply(zone_name(draft.zone, tr), local, draft.note, tr)
    )
    return CONFIRM


async def note_typed(update: Update, context: SafeMeetContext) -> int:
    """The optional note."""
    draft = context.user_state.meetup_draft
    if draft is None or update.effective_message is None:
        return ConversationHandler.END
    draft.note = " ".join((update.effective_message.text or "").split())[:200]
    return await _confirm(update, context, draft)


async def note_skipped(update: Update, context: SafeMeetContext) -> int:
    """'Skip' on the note step."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    draft = context.user_state.meetup_draft
    if draft is None:
        return ConversationHandler.END
    return await _confirm(update, context, draft)


async def confirmed(update: Update, context: SafeMeetContext) -> int:
    """'Confirm' or 'Cancel' on the summary."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    state = context.user_state
    draft, state.meetup_draft = state.meetup_draft, None
    tr = await translator_for(update, context)
    if query.data != callbacks.CONFIRM or draft is None:
        await say(update, context, texts.flow_cancelled_text(tr))
        return ConversationHandler.END
    await query.edit_message_reply_markup(None)
    await _plan(update, context, tr, draft)
    return ConversationHandler.END


def conversations() -> list[ConversationHandler[SafeMeetContext]]:
    """The guided /meetup flow."""
    plan = flow(
        "meetup",
        entry_points=[
            CommandHandler("meetup", meetup_command),
            CallbackQueryHandler(zone_picked, pattern=f"^{PLAN_AT_PREFIX}"),
        ],
        states={
            CHOOSE_ZONE: [
                CallbackQueryHandler(zone_picked, pattern=f"^{callbacks.PICK_ZONE}"),
                MessageHandler(
                    (filters.LOCATION | typed_text()) & filters.ChatType.PRIVATE, zone_searched
                ),
            ],
            CHOOSE_TIME: [
                CallbackQueryHandler(time_picked, pattern=f"^{callbacks.PICK_TIME}"),
                MessageHandler(typed_text(), time_typed),
            ],
            ENTER_NOTE: [
                CallbackQueryHandler(note_skipped, pattern=f"^{callbacks.SKIP_NOTE}$"),
                MessageHandler(typed_text(), note_typed),
            ],
            CONFIRM: [CallbackQueryHandler(confirmed, pattern="^mc:")],
        },
        fallbacks=meetup_exits(),
    )
    return [plan]
