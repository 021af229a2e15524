"""Terminal mode: the same answers the bot would send, printed as plain text.

The chat takes the bot's commands too: /start, /help, /tips, /privacy, /nearest <query> and
/language <code> answer as in Telegram; the commands that need a Telegram account (/meetup,
/suggest, ...) say so in one line.
"""

from __future__ import annotations

import getpass
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import unescape
from typing import TextIO

from bot.config import Settings
from bot.i18n import LANGUAGES, N_, Translator, resolve_language
from bot.services import Services, open_services
from bot.texts.account import language_menu_reply, language_set_reply, privacy_reply
from bot.texts.callbacks import LANGUAGE_CALLBACK_PREFIX
from bot.texts.nearest import ask_location_reply, fallback_reply, nearest_reply, problem_reply
from bot.texts.reply import Reply
from bot.texts.welcome import help_reply, start_reply, tips_reply
from bot.usecases.finder import MAX_QUERY_CHARS, QueryError

_TAG = re.compile(r"<[^>]+>")
# "/command", "/command@SomeBot", each optionally followed by arguments.
_COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+(.*))?", re.DOTALL)
# Commands that need Telegram: a user, buttons, reminders sent later, reviewers.
TELEGRAM_ONLY = frozenset({"meetup", "meetups", "suggest", "review", "cancel", "forget"})
TELEGRAM_ONLY_TEXT = N_(
    "{command} works in Telegram only. Here, type a postal code, an address or coordinates, "
    "or send /help."
)
PROMPT = "Type a postal code, an address, 'lat, lon' or /help (Ctrl-D or 'quit' to stop)."


def as_plain_text(reply: Reply) -> str:
    """A reply as terminal text: HTML tags dropped, buttons and pins listed."""
    lines = [unescape(_TAG.sub("", reply.text))]
    if reply.links:
        lines.append("")
        lines += [f"[{link.label}] {link.url}" for link in reply.links]
    if reply.choices:  # buttons cannot be pressed here; listed so the reader knows of them
        lines.append("")
        lines += [f"[{choice.label}]" for choice in reply.choices]
    for pin in reply.pins:
        lines += [
            "",
            f"📌 {pin.title}, {pin.address} ({pin.lat:.5f}, {pin.lon:.5f})",
            f"[{pin.directions.label}] {pin.directions.url}",
        ]
    return "\n".join(lines)


async def answer_query(services: Services, query: str, language: str) -> str:
    """The bot's answer to a typed query, as terminal text."""
    tr = services.catalogs.get(language)
    try:
        result = await services.finder.near_text(query, language)
    except QueryError as error:
        return as_plain_text(problem_reply(error, tr, MAX_QUERY_CHARS))
    finder = services.finder
    return as_plain_text(nearest_reply(result, tr, finder.nearby_km, finder.reach_km))


def _user_name() -> str:
    """The name /start greets: the terminal user's login name."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no name for this uid
        return ""


_SIMPLE_COMMANDS: dict[str, Callable[[Translator], Reply]] = {
    "start": lambda tr: start_reply(tr, _user_name()),
    "tips": tips_reply,
    "privacy": privacy_reply,
}


@dataclass
class LocalChat:
    """One terminal conversation: searches and the bot's commands, in a language /language
    can change."""

    services: Services
    language: str
    help_lines: Sequence[str]  # the bot's /help lines (handlers.commands), from the wiring

    @property
    def tr(self) -> Translator:
        """The translator of the current language."""
        return self.services.catalogs.get(self.language)

    async def answer(self, line: str) -> str:
        """The bot's answer to one typed line, as terminal text."""
        command = _COMMAND.fullmatch(line.strip())
        if command is None:
            return await answer_query(self.services, line, self.language)
        return await self._command(command.group(1).lower(), (command.group(2) or "").strip())

    async def _command(self, name: str, argument: str) -> str:
        """A command's answer; unknown commands get the bot's "here is what I understand"."""
        if name == "nearest" and argument:
            return await answer_query(self.services, argument, self.language)
        if name == "nearest":  # no location button in a terminal: the group chat's answer
            return as_plain_text(ask_location_reply(self.tr, private=False))
        if name == "language":
            return self._language(argument)
        if name == "help":
            return as_plain_text(help_reply(self.tr, self.help_lines))
        if name in _SIMPLE_COMMANDS:
            return as_plain_text(_SIMPLE_COMMANDS[name](self.tr))
        if name in TELEGRAM_ONLY:
            return self.tr._(TELEGRAM_ONLY_TEXT, command="/" + name)
        return as_plain_text(fallback_reply(self.tr))

    def _language(self, argument: str) -> str:
        """/language fr (or Français) switches the language; otherwise the choices."""
        wanted = argument.casefold()
        for code, name in LANGUAGES.items():
            if wanted in (code, name.casefold()):
                self.language = code
                return language_set_reply(self.tr)
        menu = language_menu_reply(self.tr)
        prefix = LANGUAGE_CALLBACK_PREFIX
        choices = [f"/language {c.data.removeprefix(prefix)}: {c.label}" for c in menu.choices]
        return "\n".join([as_plain_text(menu), *choices])


async def nearest_once(settings: Settings, query: str, language: str, out: TextIO) -> None:
    """Answer one query and print it."""
    services = await open_services(settings)
    try:
        print(await answer_query(services, query, resolve_language(language, None)), file=out)
    finally:
        await services.close()


async def chat(
    settings: Settings,
    language: str,
    help_lines: Sequence[str],
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
) -> None:
    """Read lines (until EOF or 'quit') and print the answers: searches and commands."""
    services = await open_services(settings)
    session = LocalChat(services, resolve_language(language, None), help_lines)
    try:
        if stdin.isatty():
            print(PROMPT, file=out)
        for line in stdin:
            query = line.strip()[: MAX_QUERY_CHARS * 2]
            if query.lower() in ("quit", "exit"):
                break
            if query:
                print(await session.answer(query), end="\n\n", file=out, flush=True)
    finally:
        await services.close()
