"""Telegram glue: every handler, registered in one place and in a deliberate order."""

from __future__ import annotations

import re

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import meetup_presenter as meetup_texts
from bot.context import SafeMeetApp
from bot.presenter import LANGUAGE_CALLBACK_PREFIX
from handlers import fallback, language, meetup, meetups, nearest, privacy, start, tips
from handlers.errors import on_error

PRIVATE = filters.ChatType.PRIVATE
NEW_MESSAGE = filters.UpdateType.MESSAGE
# Commands, with their one-line descriptions for Telegram's menu (see bot/commands.py).
COMMANDS = {
    "start": start.start,
    "help": start.help_command,
    "nearest": nearest.nearest_command,
    "tips": tips.tips,
    "language": language.language_menu,
    "privacy": privacy.privacy,
    "forget": privacy.forget,
    "meetups": meetups.list_meetups,
}


def register(application: SafeMeetApp) -> None:
    """Add every handler. Order matters: the first matching handler in group 0 wins."""
    # Conversations first: while one is active, its typed text and locations are its own.
    for conversation in meetup.conversations():
        application.add_handler(conversation)
    for name, callback in COMMANDS.items():
        # CommandHandler also accepts /cmd@OurBot in groups and ignores /cmd@OtherBot.
        application.add_handler(CommandHandler(name, callback, filters=NEW_MESSAGE))
    # Locations before text: a venue message carries a location too. Edits of a live location
    # arrive as edited messages and are deliberately not matched: one answer per share.
    application.add_handler(MessageHandler(filters.LOCATION & NEW_MESSAGE, nearest.location))
    # Typed postal codes and places: private chats only, so group chatter is never answered.
    # Edited text is answered again: the user corrected a typo.
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & PRIVATE, nearest.text))
    application.add_handler(
        CallbackQueryHandler(language.choose_language, pattern=f"^{LANGUAGE_CALLBACK_PREFIX}")
    )
    for prefix, callback in (
        (meetup_texts.CANCEL, meetups.cancel_pressed),
        (meetup_texts.SHARE, meetups.share_pressed),
        (meetup_texts.CHECKIN_OK, meetups.checkin_pressed),
        (meetup_texts.CHECKIN_BAD, meetups.checkin_pressed),
    ):
        application.add_handler(CallbackQueryHandler(callback, pattern=f"^{re.escape(prefix)}"))
    # Last: anything else in a private chat (stickers, photos, unknown commands, edits of
    # non-text messages are ignored) and any button we do not recognise.
    application.add_handler(MessageHandler(PRIVATE & NEW_MESSAGE, fallback.unknown_message))
    application.add_handler(CallbackQueryHandler(fallback.unknown_button))
    application.add_error_handler(on_error)
