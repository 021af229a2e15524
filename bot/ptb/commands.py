"""What Telegram shows about the bot, per language: the command menu and the descriptions."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any

from telegram import Update

from bot.context import SafeMeetContext
from bot.i18n import N_, Translator

CommandCallback = Callable[[Update, SafeMeetContext], Coroutine[Any, Any, object]]


@dataclass(frozen=True, slots=True)
class Command:
    """One command users can send: what answers it, and its lines in the menu and in /help.

    ``callback`` None: a conversation answers it (its entry point, or its way out).
    ``menu``: the untranslated one-line description in Telegram's menu; "" keeps it out.
    ``help``: the untranslated lines /help gives it, none to leave it out.
    """

    name: str
    callback: CommandCallback | None
    menu: str = ""
    help: tuple[str, ...] = ()


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


def menu(tr: Translator, commands: Iterable[Command]) -> list[tuple[str, str]]:
    """(command, description) pairs of the menu's commands, in the translator's language."""
    return [(command.name, tr._(command.menu)) for command in commands if command.menu]


def descriptions(tr: Translator) -> tuple[str, str]:
    """The bot's description and short description in the translator's language."""
    return tr._(DESCRIPTION)[:DESCRIPTION_LIMIT], tr._(SHORT_DESCRIPTION)[:SHORT_DESCRIPTION_LIMIT]
