"""Finding zones: shared locations and venues, typed postal codes or places, /nearest."""

from __future__ import annotations

from telegram import Update

from bot.context import SafeMeetContext
from bot.i18n import Translator
from bot.ptb.render import answer, translator_for
from bot.texts import callbacks
from bot.texts.common import stale_button_text
from bot.texts.nearest import ask_location_reply, nearest_reply, problem_reply
from bot.usecases.finder import MAX_QUERY_CHARS, NearestAnswer, QueryError


async def _reply_with(
    update: Update, context: SafeMeetContext, tr: Translator, result: NearestAnswer
) -> None:
    finder = context.services.finder
    reply = nearest_reply(result, tr, finder.nearby_km, finder.reach_km)
    await answer(update, context, reply)
    if update.effective_user is not None:  # /meetup offers these zones as choices
        await finder.remember(update.effective_user.id, result)


async def _search_text(update: Update, context: SafeMeetContext, text: str) -> None:
    tr = await translator_for(update, context)
    user, finder = update.effective_user, context.services.finder
    try:
        result = await finder.near_text(text, tr.language, user.id if user else None)
    except QueryError as error:
        await answer(update, context, problem_reply(error, tr, MAX_QUERY_CHARS))
        return
    await _reply_with(update, context, tr, result)


async def location(update: Update, context: SafeMeetContext) -> None:
    """A shared location, live location (first share only) or venue."""
    message = update.effective_message
    if message is None or message.location is None:
        return
    tr = await translator_for(update, context)
    label = message.venue.title if message.venue else ""
    try:
        result = await context.services.finder.near_point(
            message.location.latitude, message.location.longitude, label
        )
    except QueryError as error:
        await answer(update, context, problem_reply(error, tr, MAX_QUERY_CHARS))
        return
    await _reply_with(update, context, tr, result)


async def text(update: Update, context: SafeMeetContext) -> None:
    """Plain text in a private chat: a postal code, an address or coordinates."""
    message = update.effective_message
    if message is not None and message.text is not None:
        await _search_text(update, context, message.text)


async def nearest_command(update: Update, context: SafeMeetContext) -> None:
    """/nearest <query> searches; /nearest alone asks for a location."""
    query = " ".join(context.args or [])
    if query:
        await _search_text(update, context, query)
        return
    tr = await translator_for(update, context)
    private = update.effective_chat is not None and update.effective_chat.type == "private"
    await answer(update, context, ask_location_reply(tr, private))


async def alternative_pressed(update: Update, context: SafeMeetContext) -> None:
    """A button picking one reading (a postal code's country, swapped coordinates): search it."""
    query = update.callback_query
    if query is None:
        return
    tr = await translator_for(update, context)
    finder = context.services.finder
    origin = None
    if (postal := callbacks.parse_postal_choice(query.data)) is not None:
        origin = await finder.locate_postal_code(*postal)
    elif (point := callbacks.parse_coordinates_choice(query.data)) is not None:
        origin = finder.origin_at(point)
    if origin is None:  # forged, or a code the data no longer has
        await query.answer(stale_button_text(tr))
        return
    await query.answer()
    await _reply_with(update, context, tr, await finder.near(origin))
