"""/suggest: propose a new safe zone (its location, then its name) for reviewers to approve."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import SafeMeetContext
from bot.domain.community import CommunityError, CommunityProblem
from bot.ptb.render import answer, translator_for
from bot.texts import community as texts
from handlers.flows import (
    NEW_MESSAGE,
    PRIVATE,
    anything_else,
    community_exits,
    flow,
    is_private,
    new_typed_text,
    say,
)

SHARE_LOCATION, ENTER_NAME = range(2)


async def suggest_command(update: Update, context: SafeMeetContext) -> int:
    """/suggest: ask where the new zone is."""
    tr = await translator_for(update, context)
    user = update.effective_user
    if not is_private(update) or user is None:
        await say(update, context, texts.private_only_text(tr))
        return ConversationHandler.END
    try:
        await context.services.community.start_suggestion(user.id)
    except CommunityError as error:
        await say(update, context, texts.problem_text(error.problem, tr))
        return ConversationHandler.END
    context.user_state.leave_community_flows()
    await answer(update, context, texts.ask_location_reply(tr))
    return SHARE_LOCATION


async def location_shared(update: Update, context: SafeMeetContext) -> int:
    """The suggested place's location (a venue works too): ask its name."""
    message = update.effective_message
    assert message is not None
    assert message.location is not None
    context.user_state.suggestion = (message.location.latitude, message.location.longitude)
    await answer(update, context, texts.ask_name_reply(await translator_for(update, context)))
    return ENTER_NAME


async def location_expected(update: Update, context: SafeMeetContext) -> int:
    """Anything but a location while the location is expected."""
    tr = await translator_for(update, context)
    await say(update, context, texts.ask_location_again_text(tr))
    return SHARE_LOCATION


async def name_typed(update: Update, context: SafeMeetContext) -> int:
    """The suggested place's name: record the suggestion."""
    tr = await translator_for(update, context)
    state = context.user_state
    where = state.suggestion
    user, message = update.effective_user, update.effective_message
    if where is None or user is None or message is None:
        return ConversationHandler.END
    try:
        suggestion = await context.services.community.suggest(
            user.id, message.text or "", where[0], where[1]
        )
    except CommunityError as error:
        await say(update, context, texts.problem_text(error.problem, tr))
        if error.problem in (CommunityProblem.NAME_TOO_SHORT, CommunityProblem.NAME_TOO_LONG):
            return ENTER_NAME
        state.suggestion = None
        if error.problem is CommunityProblem.BAD_LOCATION:
            await answer(update, context, texts.ask_location_reply(tr))
            return SHARE_LOCATION
        return ConversationHandler.END
    state.suggestion = None
    await say(update, context, texts.suggestion_thanks_text(suggestion, tr))
    return ConversationHandler.END


async def name_expected(update: Update, context: SafeMeetContext) -> int:
    """Anything but text while the name is expected."""
    await say(update, context, texts.ask_name_again_text(await translator_for(update, context)))
    return ENTER_NAME


def conversations() -> list[ConversationHandler[SafeMeetContext]]:
    """The /suggest flow."""
    suggest = flow(
        "suggest",
        entry_points=[CommandHandler("suggest", suggest_command, filters=NEW_MESSAGE)],
        states={
            SHARE_LOCATION: [
                MessageHandler(filters.LOCATION & PRIVATE & NEW_MESSAGE, location_shared),
                MessageHandler(anything_else(), location_expected),
            ],
            ENTER_NAME: [
                MessageHandler(new_typed_text(), name_typed),
                MessageHandler(anything_else(), name_expected),
            ],
        },
        fallbacks=community_exits(),
    )
    return [suggest]
