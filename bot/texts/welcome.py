"""The welcome, /help and /tips."""

from __future__ import annotations

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


def help_reply(tr: Translator) -> Reply:
    """The list of commands and inputs."""
    text = "\n".join(
        [
            "<b>" + tr._("SafeMeet: safe places to meet strangers") + "</b>",
            "",
            tr._("/nearest 06604: the nearest safe zones to a postal code or a place"),
            tr._("/nearest: share your location with a button"),
            tr._("/meetup: plan a meetup; I remind you before it and check in after"),
            tr._("/meetup in 2 hours: plan it at the nearest zone of your last search"),
            tr._("/meetups: your upcoming meetups, to cancel or change them"),
            tr._("/suggest: suggest a new safe zone; “Report a problem” on a map pin flags one"),
            tr._("/tips: how to meet a stranger safely"),
            tr._("/language: choose your language"),
            tr._("/privacy: what I store about you"),
            tr._("/forget: delete everything I store about you"),
            tr._("/cancel: stop planning a meetup"),
            tr._("/help: this message"),
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
