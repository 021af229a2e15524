"""Terminal mode: the same answers the bot would send, printed as plain text."""

from __future__ import annotations

import re
import sys
from html import unescape
from typing import TextIO

from bot.config import Settings
from bot.finder import MAX_QUERY_CHARS, QueryError
from bot.i18n import resolve_language
from bot.presenter import Reply, nearest_reply, problem_reply
from bot.services import Services, open_services

_TAG = re.compile(r"<[^>]+>")


def as_plain_text(reply: Reply) -> str:
    """A reply as terminal text: HTML tags dropped, buttons and pins listed."""
    lines = [unescape(_TAG.sub("", reply.text))]
    if reply.links:
        lines.append("")
        lines += [f"[{link.label}] {link.url}" for link in reply.links]
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
    return as_plain_text(nearest_reply(result, tr, services.finder.nearby_km))


async def nearest_once(settings: Settings, query: str, language: str, out: TextIO) -> None:
    """Answer one query and print it."""
    services = await open_services(settings)
    try:
        print(await answer_query(services, query, resolve_language(language, None)), file=out)
    finally:
        await services.close()


async def chat(
    settings: Settings, language: str, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout
) -> None:
    """Read queries line by line (until EOF or 'quit') and print the answers."""
    services = await open_services(settings)
    language = resolve_language(language, None)
    try:
        if stdin.isatty():
            print(
                "Type a postal code, an address or 'lat, lon' (Ctrl-D or 'quit' to stop).", file=out
            )
        for line in stdin:
            query = line.strip()[: MAX_QUERY_CHARS * 2]
            if query.lower() in ("quit", "exit"):
                break
            if query:
                print(await answer_query(services, query, language), file=out, flush=True)
    finally:
        await services.close()
