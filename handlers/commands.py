"""The command table: each command once, feeding its registration, Telegram's menu and /help."""

from __future__ import annotations

from telegram import Update

from bot.context import SafeMeetContext
from bot.i18n import N_
from bot.ptb.commands import Command
from bot.ptb.render import answer, translator_for
from bot.texts.welcome import help_reply
from handlers import language, my_meetups, nearest, privacy, review, start, tips


async def help_command(update: Update, context: SafeMeetContext) -> None:
    """List the commands and what the bot understands."""
    tr = await translator_for(update, context)
    await answer(update, context, help_reply(tr, help_lines()))


# In menu and /help order. A None callback: a conversation answers the command (see
# handlers/plan_meetup.py, suggest.py and flows.py).
COMMANDS: tuple[Command, ...] = (
    Command("start", start.start),
    Command(
        "nearest",
        nearest.nearest_command,
        N_("Nearest police safe exchange zones"),
        (
            N_("/nearest 06604: the nearest safe zones to a postal code or a place"),
            N_("/nearest: share your location with a button"),
        ),
    ),
    Command(
        "meetup",
        None,
        N_("Plan a meetup with reminders"),
        (
            N_("/meetup: plan a meetup; I remind you before it and check in after"),
            N_("/meetup in 2 hours: plan it at the nearest zone of your last search"),
        ),
    ),
    Command(
        "meetups",
        my_meetups.list_meetups,
        N_("Your upcoming meetups"),
        (N_("/meetups: your upcoming meetups, to cancel or change them"),),
    ),
    Command(
        "suggest",
        None,
        N_("Suggest a new safe zone"),
        (N_("/suggest: suggest a new safe zone; “Report a problem” on a map pin flags one"),),
    ),
    Command(
        "tips",
        tips.tips,
        N_("How to meet a stranger safely"),
        (N_("/tips: how to meet a stranger safely"),),
    ),
    Command(
        "language",
        language.language_menu,
        N_("Choose your language"),
        (N_("/language: choose your language"),),
    ),
    Command(
        "privacy",
        privacy.privacy,
        N_("What I store about you"),
        (N_("/privacy: what I store about you"),),
    ),
    Command(
        "forget",
        privacy.forget,
        N_("Delete everything I store about you"),
        (N_("/forget: delete everything I store about you"),),
    ),
    Command("cancel", None, help=(N_("/cancel: stop planning a meetup"),)),
    Command("help", help_command, N_("What I can do"), (N_("/help: this message"),)),
    # For the reviewers only (SAFEMEET_ADMIN_IDS): in neither the menu nor /help.
    Command("review", review.review_command),
)


def help_lines() -> list[str]:
    """The untranslated /help lines of every command, in order."""
    return [line for command in COMMANDS for line in command.help]
