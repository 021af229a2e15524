"""What Telegram shows about the bot, per language: the command menu and the descriptions."""

from __future__ import annotations

from bot.i18n import N_, Translator

# (command, untranslated description), in menu order.
MENU: tuple[tuple[str, str], ...] = (
    ("nearest", N_("Nearest police safe exchange zones")),
    ("meetup", N_("Plan a meetup with reminders")),
    ("meetups", N_("Your upcoming meetups")),
    # /review is for the reviewers only (SAFEMEET_ADMIN_IDS), so it stays out of the menu.
    ("suggest", N_("Suggest a new safe zone")),
    ("tips", N_("How to meet a stranger safely")),
    ("language", N_("Choose your language")),
    ("privacy", N_("What I store about you")),
    ("forget", N_("Delete everything I store about you")),
    ("help", N_("What I can do")),
)

# Shown in an empty chat ("What can this bot do?"); Telegram allows 512 characters.
DESCRIPTION = N_(
    "SafeMeet finds the nearest police safe exchange zones, so you can meet a stranger from "
    "an online listing in a lit, camera-watched place. Share a location or type a postal "
    "code; plan the meetup to get reminders and safety tips."
)
# Shown on the bot's profile and in shared links; Telegram allows 120 characters.
SHORT_DESCRIPTION = N_(
    "The nearest police safe exchange zones, to meet a stranger from an online listing safely."
)
DESCRIPTION_LIMIT = 512
SHORT_DESCRIPTION_LIMIT = 120


def menu(tr: Translator) -> list[tuple[str, str]]:
    """(command, description) pairs in the translator's language."""
    return [(command, tr._(description)) for command, description in MENU]


def descriptions(tr: Translator) -> tuple[str, str]:
    """The bot's description and short description in the translator's language."""
    return tr._(DESCRIPTION)[:DESCRIPTION_LIMIT], tr._(SHORT_DESCRIPTION)[:SHORT_DESCRIPTION_LIMIT]
