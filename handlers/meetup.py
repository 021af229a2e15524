"""/meetup: plan a meetup (guided flow or one line) and change a meetup's time."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import SafeMeetContext
from bot.domain.localtime import after_sunset, timezone_at
from bot.domain.meetups import Meetup, PlanError, PlanProblem, Reminder
from bot.domain.when import Moment, WhenError, parse_when, quick_choices
from bot.domain.zones import Zone
from bot.i18n import Translator
from bot.ptb.render import answer, translator_for
from bot.texts import callbacks
from bot.texts import meetups as texts
from bot.texts.callbacks import PLAN_AT_PREFIX
from bot.texts.common import stale_button_text
from bot.texts.nearest import nearest_reply, problem_reply
from bot.texts.reply import Reply
from bot.usecases.finder import MAX_QUERY_CHARS, QueryError

CHOOSE_ZONE, CHOOSE_TIME, ENTER_NOTE, CONFIRM, NEW_TIME = range(5)
DRAFT_KEY = "meetup_draft"
MOVING_KEY = "meetup_moving"
FLOW_TIMEOUT_S = 15 * 60


@dataclass
class Draft:
    """The meetup being planned in the guided flow."""

    zone: Zone
    moment: Moment | None = None
    note: str = ""


def _private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == "private"


async def _last_zones(context: SafeMeetContext, user_id: int) -> list[Zone]:
    ids = await context.services.searches.recall(user_id)
    zones = [await context.services.zone(zone_id) for zone_id in ids]
    return [zone for zone in zones if zone is not None]


async def _card(
    context: SafeMeetContext,
    meetup: Meetup,
    reminders: list[Reminder],
    tr: Translator,
    shifted: bool,
) -> Reply:
    context.services.reminders.schedule(reminders)
    dark = after_sunset(meetup.point, meetup.starts_at)
    return texts.meetup_card(meetup, reminders, tr, after_sunset=dark, shifted=shifted)


async def _plan(update: Update, context: SafeMeetContext, tr: Translator, draft: Draft) -> None:
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
        await answer(update, context, Reply(texts.plan_problem_text(error.problem, tr)))
        return
    await answer(update, context, await _card(context, meetup, reminders, tr, draft.moment.shifted))


def _parse(context: SafeMeetContext, zone: Zone, text: str, tr: Translator) -> Moment:
    return parse_when(text, context.services.planner.now(), timezone_at(zone.point), tr.language)


async def meetup_command(update: Update, context: SafeMeetContext) -> int:
    """/meetup <when> plans at once at the last search's nearest zone; /meetup alone asks."""
    tr = await translator_for(update, context)
    if not _private(update) or update.effective_user is None:
        await answer(update, context, Reply(texts.private_only_text(tr)))
        return ConversationHandler.END
    zones = await _last_zones(context, update.effective_user.id)
    when = " ".join(context.args or [])
    if when:
        if not zones:
            await answer(update, context, Reply(texts.search_first_text(tr)))
            return ConversationHandler.END
        try:
            moment = _parse(context, zones[0], when, tr)
        except WhenError as error:
            await answer(update, context, Reply(texts.when_problem_text(error.problem, tr)))
            return ConversationHandler.END
        await _plan(update, context, tr, Draft(zones[0], moment))
        return ConversationHandler.END
    context.user_data.pop(DRAFT_KEY, None)
    await answer(update, context, texts.ask_zone_reply([(z.id, z.name) for z in zones], tr))
    return CHOOSE_ZONE


async def _ask_time(update: Update, context: SafeMeetContext, zone: Zone) -> int:
    tr = await translator_for(update, context)
    context.user_data[DRAFT_KEY] = Draft(zone)
    quick = quick_choices(context.services.planner.now(), timezone_at(zone.point))
    await answer(update, context, texts.ask_time_reply(zone.name, quick, tr))
    return CHOOSE_TIME


async def zone_picked(update: Update, context: SafeMeetContext) -> int:
    """A zone button (from /meetup or 'Plan a meetup here' on a search result)."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    data = query.data or ""
    zone_id = data.removeprefix(callbacks.PICK_ZONE).removeprefix(PLAN_AT_PREFIX)
    zone = await context.services.zone(zone_id) if len(zone_id) <= 48 else None
    if zone is None:
        tr = await translator_for(update, context)
        await answer(update, context, Reply(stale_button_text(tr)))
        return ConversationHandler.END
    if not _private(update) or update.effective_user is None:
        tr = await translator_for(update, context)
        await answer(update, context, Reply(texts.private_only_text(tr)))
        return ConversationHandler.END
    if zone_id not in await context.services.searches.recall(update.effective_user.id):
        # Only zones a search offered within reach of the user can be planned at.
        tr = await translator_for(update, context)
        await answer(update, context, Reply(texts.out_of_reach_text(tr)))
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
    zones = [(match.zone.id, match.zone.name) for match in result.matches]
    if update.effective_user is not None:  # the zones it may pick (zone ids, never a position)
        await context.services.searches.remember(update.effective_user.id, [z for z, _ in zones])
    await answer(update, context, texts.ask_zone_reply(zones, tr))
    return CHOOSE_ZONE


async def _ask_note(update: Update, context: SafeMeetContext, draft: Draft, moment: Moment) -> int:
    draft.moment = moment
    await answer(update, context, texts.ask_note_reply(await translator_for(update, context)))
    return ENTER_NOTE


async def time_picked(update: Update, context: SafeMeetContext) -> int:
    """A quick-choice time button."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    draft = context.user_data.get(DRAFT_KEY)
    key = (query.data or "").removeprefix(callbacks.PICK_TIME)
    if not isinstance(draft, Draft):
        return ConversationHandler.END
    choices = quick_choices(context.services.planner.now(), timezone_at(draft.zone.point))
    if key not in choices:
        tr = await translator_for(update, context)
        await answer(update, context, texts.ask_time_reply(draft.zone.name, choices, tr))
        return CHOOSE_TIME
    return await _ask_note(update, context, draft, Moment(choices[key]))


async def time_typed(update: Update, context: SafeMeetContext) -> int:
    """A typed time ("tomorrow 18:30")."""
    tr = await translator_for(update, context)
    draft = context.user_data.get(DRAFT_KEY)
    if not isinstance(draft, Draft) or update.effective_message is None:
        return ConversationHandler.END
    try:
        moment = _parse(context, draft.zone, update.effective_message.text or "", tr)
    except WhenError as error:
        await answer(update, context, Reply(texts.when_problem_text(error.problem, tr)))
        return CHOOSE_TIME
    return await _ask_note(update, context, draft, moment)


async def _confirm(update: Update, context: SafeMeetContext, draft: Draft) -> int:
    tr = await translator_for(update, context)
    assert draft.moment is not None
    local = draft.moment.at.astimezone(timezone_at(draft.zone.point))
    await answer(update, context, texts.confirm_reply(draft.zone.name, local, draft.note, tr))
    return CONFIRM


async def note_typed(update: Update, context: SafeMeetContext) -> int:
    """The optional note."""
    draft = context.user_data.get(DRAFT_KEY)
    if not isinstance(draft, Draft) or update.effective_message is None:
        return ConversationHandler.END
    draft.note = " ".join((update.effective_message.text or "").split())[:200]
    return await _confirm(update, context, draft)


async def note_skipped(update: Update, context: SafeMeetContext) -> int:
    """'Skip' on the note step."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    draft = context.user_data.get(DRAFT_KEY)
    if not isinstance(draft, Draft):
        return ConversationHandler.END
    return await _confirm(update, context, draft)


async def confirmed(update: Update, context: SafeMeetContext) -> int:
    """'Confirm' or 'Cancel' on the summary."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    draft = context.user_data.pop(DRAFT_KEY, None)
    tr = await translator_for(update, context)
    if query.data != callbacks.CONFIRM or not isinstance(draft, Draft):
        await answer(update, context, Reply(texts.flow_cancelled_text(tr)))
        return ConversationHandler.END
    await query.edit_message_reply_markup(None)
    await _plan(update, context, tr, draft)
    return ConversationHandler.END


async def cancel_flow(update: Update, context: SafeMeetContext) -> int:
    """/cancel anywhere in the flows."""
    context.user_data.pop(DRAFT_KEY, None)
    context.user_data.pop(MOVING_KEY, None)
    tr = await translator_for(update, context)
    await answer(update, context, Reply(texts.flow_cancelled_text(tr)))
    return ConversationHandler.END


async def change_time_pressed(update: Update, context: SafeMeetContext) -> int:
    """'Change time' on a meetup: ask for the new time (owner only)."""
    query = update.callback_query
    assert query is not None
    tr = await translator_for(update, context)
    meetup_id = callbacks.parse_id(query.data, callbacks.CHANGE_TIME)
    try:
        if meetup_id is None:
            raise PlanError(PlanProblem.NOT_FOUND)
        meetup = await context.services.planner.owned(query.from_user.id, meetup_id)
    except PlanError as error:
        await query.answer(texts.plan_problem_text(error.problem, tr), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    context.user_data[MOVING_KEY] = meetup.id
    await answer(update, context, Reply(texts.ask_new_time_text(meetup, tr)))
    return NEW_TIME


async def new_time_typed(update: Update, context: SafeMeetContext) -> int:
    """The new time for a meetup being moved."""
    tr = await translator_for(update, context)
    meetup_id = context.user_data.get(MOVING_KEY)
    user = update.effective_user
    if not isinstance(meetup_id, int) or user is None or update.effective_message is None:
        return ConversationHandler.END
    planner = context.services.planner
    try:
        meetup = await planner.owned(user.id, meetup_id)
        moment = parse_when(
            update.effective_message.text or "", planner.now(), meetup.tz, tr.language
        )
        moved, reminders, dropped = await planner.reschedule(user.id, meetup_id, moment.at)
    except WhenError as error:
        await answer(update, context, Reply(texts.when_problem_text(error.problem, tr)))
        return NEW_TIME
    except PlanError as error:
        await answer(update, context, Reply(texts.plan_problem_text(error.problem, tr)))
        return ConversationHandler.END
    context.user_data.pop(MOVING_KEY, None)
    context.services.reminders.unschedule(dropped)
    await answer(update, context, await _card(context, moved, reminders, tr, moment.shifted))
    return ConversationHandler.END


def _text() -> filters.BaseFilter:
    return filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE


def conversations() -> list[ConversationHandler]:
    """The guided /meetup flow and the change-time flow."""
    # Both flows mix typed text with button presses, so they are tracked per user and chat
    # (per_message=False) on purpose; PTB warns about that combination, which is intended here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message", category=PTBUserWarning)
        return _build_conversations()


def _build_conversations() -> list[ConversationHandler]:
    cancel = CommandHandler("cancel", cancel_flow)
    plan = ConversationHandler(
        entry_points=[
            CommandHandler("meetup", meetup_command),
            CallbackQueryHandler(zone_picked, pattern=f"^{PLAN_AT_PREFIX}"),
        ],
        states={
            CHOOSE_ZONE: [
                CallbackQueryHandler(zone_picked, pattern=f"^{callbacks.PICK_ZONE}"),
                MessageHandler(
                    (filters.LOCATION | _text()) & filters.ChatType.PRIVATE, zone_searched
                ),
            ],
            CHOOSE_TIME: [
                CallbackQueryHandler(time_picked, pattern=f"^{callbacks.PICK_TIME}"),
                MessageHandler(_text(), time_typed),
            ],
            ENTER_NOTE: [
                CallbackQueryHandler(note_skipped, pattern=f"^{callbacks.SKIP_NOTE}$"),
                MessageHandler(_text(), note_typed),
            ],
            CONFIRM: [CallbackQueryHandler(confirmed, pattern="^mc:")],
        },
        fallbacks=[cancel],
        conversation_timeout=FLOW_TIMEOUT_S,
        allow_reentry=True,
        per_message=False,
        name="meetup",
    )
    move = ConversationHandler(
        entry_points=[
            CallbackQueryHandler(change_time_pressed, pattern=f"^{callbacks.CHANGE_TIME}")
        ],
        states={NEW_TIME: [MessageHandler(_text(), new_time_typed)]},
        fallbacks=[cancel],
        conversation_timeout=FLOW_TIMEOUT_S,
        allow_reentry=True,
        per_message=False,
        name="move_meetup",
    )
    return [plan, move]
