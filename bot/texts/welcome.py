"""The welcome, /help and /tips."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from bot.domain.guidance import ALL_TIPS
from bot.i18n import Translator
from bot.texts.formatting import emergency_numbers_text
from bot.texts.nearest import understood_inputs
from bot.texts.reply import Reply


def start_reply(tr: Translator, first_name: str) -> Reply:
    """The welcome message."""
    text = "\n\n".join(
        [
            tr._("Hi {name}! I am SafeMeet. 🛡", name=escape(first_name or "")),
            tr._(
                "Meeting a stranger to buy or sell something? Many police departments offer "
                "safe exchange zones: lit, camera-watched spots, often open around the clock. "
                "I find the nearest ones for you."
            ),
            tr._("Share your location with the button below, or type a postal code or an address."),
            tr._("/help lists everything I can do."),
        ]
    )
    return Reply(text, location_button=tr._("📍 Share my location"))


def help_reply(tr: Translator, command_lines: Iterable[str]) -> Reply:
    """The list of commands (their untranslated /help lines, in order) and inputs."""
    text = "\n".join(
        [
            "<b>" + tr._("SafeMeet: safe places to meet strangers") + "</b>",
            "",
            *(tr._(line) for line in command_lines),
            "",
            understood_inputs(tr),
            "",
            tr._("In a group, use /nearest with a postal code or share a location."),
        ]
    )
    return Reply(text)


def tips_reply(tr: Translator, country: str = "") -> Reply:
    """The full safety guidance."""
    tips = "\n".join("• " + tr._(tip.text) for tip in ALL_TIPS)
    if country:
        number = emergency_numbers_text(country, tr)
        emergency = tr._("In danger, call {number} at once.", number=number)
    else:
        emergency = tr._(
            "In danger, call the local emergency number at once "
            "(911 in the US and Canada, 112 in Europe)."
        )
    text = "\n".join(
        [
            "<b>" + tr._("Meeting a stranger safely") + "</b>",
            "",
            tips,
            "",
            "🚨 " + emergency,
            "",
            tr._(
                "If something goes wrong: get to safety first, then report it to the police and "
                "to the marketplace where you met."
            ),
        ]
    )
    return Reply(text)
