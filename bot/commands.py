"""The command menu Telegram shows, per language."""

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


def menu(tr: Translator) -> list[tuple[str, str]]:
    """(command, description) pairs in the translator's language."""
    return [(command, tr._(description)) for command, description in MENU]
