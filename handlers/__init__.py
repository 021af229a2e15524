"""Telegram glue: every handler, registered in one place and in a deliberate order."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import SafeMeetApp
from bot.texts import callbacks
from bot.texts.callbacks import (
    ALTERNATIVE_PATTERN,
    FORGET_CALLBACK_PREFIX,
    LANGUAGE_CALLBACK_PREFIX,
)
from handlers import (
    fallback,
    flood,
    language,
    my_meetups,
    nearest,
    plan_meetup,
    privacy,
    report,
    review,
    suggest,
)
from handlers.commands import COMMANDS
from handlers.errors import on_error

__all__ = ["COMMANDS", "register"]

PRIVATE = filters.ChatType.PRIVATE
NEW_MESSAGE = filters.UpdateType.MESSAGE


def register(application: SafeMeetApp) -> None:
    """Add every handler. Order matters: the first matching handler in group 0 wins."""
    # Group -1 runs first for every update: the flood limit and the size check stop an
    # update (ApplicationHandlerStop) before any conversation or search sees it.
    application.add_handler(TypeHandler(Update, flood.guard), group=-1)
    # Conversations first: while one is active, its typed text and locations are its own.
    # Community flows (report note, /suggest) before the meetup ones: any other command ends
    # them and is handled afresh, so they never hold on to what another flow needs.
    for flows in (report, suggest, plan_meetup, my_meetups):
        for conversation in flows.conversations():
            application.add_handler(conversation)
    for command in COMMANDS:
        if command.callback is not None:  # the others are a conversation's (above)
            # CommandHandler also accepts /cmd@OurBot in groups and ignores /cmd@OtherBot.
            handler = CommandHandler(command.name, command.callback, filters=NEW_MESSAGE)
            application.add_handler(handler)
    # Locations before text: a venue message carries a location too. Edits of a live location
    # arrive as edited messages and are deliberately not matched: one answer per share.
    application.add_handler(MessageHandler(filters.LOCATION & NEW_MESSAGE, nearest.location))
    # Typed postal codes and places: private chats only, so group chatter is never answered.
    # Edited text is answered again: the user corrected a typo.
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & PRIVATE, nearest.text))
    application.add_handler(
        CallbackQueryHandler(language.choose_language, pattern=f"^{LANGUAGE_CALLBACK_PREFIX}")
    )
    application.add_handler(
        CallbackQueryHandler(privacy.forget_pressed, pattern=f"^{FORGET_CALLBACK_PREFIX}")
    )
    # "Which 75001?" and "did you mean 41.18, -73.19?" buttons: search the picked reading.
    application.add_handler(CallbackQueryHandler(nearest.alternative_pressed, ALTERNATIVE_PATTERN))
    for prefix, callback in (
        (callbacks.CANCEL, my_meetups.cancel_pressed),
        (callbacks.SHARE, my_meetups.share_pressed),
        (callbacks.CHECKIN_OK, my_meetups.checkin_pressed),
        (callbacks.CHECKIN_BAD, my_meetups.checkin_pressed),
    ):
        application.add_handler(CallbackQueryHandler(callback, pattern=f"^{re.escape(prefix)}"))
    # Community: "Report a problem" on a zone card, and the reviewers' decision buttons (the
    # handler refuses anyone not in SAFEMEET_ADMIN_IDS, whatever the data says).
    application.add_handler(
        CallbackQueryHandler(report.report_pressed, pattern=f"^{re.escape(callbacks.REPORT)}")
    )
    decisions = "|".join(re.escape(prefix) for prefix in callbacks.ADMIN_PREFIXES)
    application.add_handler(
        CallbackQueryHandler(review.decision_pressed, pattern=f"^({decisions})")
    )
    # Last: anything else in a private chat (stickers, photos, unknown commands, edits of
    # non-text messages are ignored) and any button we do not recognise.
    application.add_handler(MessageHandler(PRIVATE & NEW_MESSAGE, fallback.unknown_message))
    application.add_handler(CallbackQueryHandler(fallback.unknown_button))
    application.add_error_handler(on_error)
