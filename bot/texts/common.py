"""Short answers every feature shares: stale or foreign buttons, flood, errors."""

from __future__ import annotations

from bot.i18n import Translator
from bot.texts.reply import Reply


def slow_down_text(tr: Translator) -> str:
    """The one warning a user gets when they send more than the flood limit allows."""
    return tr._(
        "You are sending messages faster than I can answer. Please wait a minute, then try again."
    )


def not_your_button_text(tr: Translator) -> str:
    """Someone pressed a button meant for another user."""
    return tr._("This button is not for you.")


def stale_button_text(tr: Translator) -> str:
    """Answer to a button we do not recognise (forged or from an old version)."""
    return tr._("This button is no longer valid.")


def error_reply(tr: Translator) -> Reply:
    """Answer when something unexpected failed."""
    return Reply(tr._("Sorry, something went wrong on my side. Please try again."))
