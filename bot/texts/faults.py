"""Texts about faults: polite answers when the database cannot help, and admin alerts."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from bot.i18n import Translator
from bot.texts.reply import Reply


def storage_fault_reply(tr: Translator, busy: bool) -> Reply:
    """Answer when the database is busy, full or read-only."""
    if busy:
        return Reply(tr._("Sorry, I am very busy right now. Please try again in a minute."))
    return Reply(
        tr._(
            "Sorry, I cannot save anything right now because of a problem on my side. "
            "Searches still work; please try the rest again later."
        )
    )


def admin_alert(
    tr: Translator, error: str, update_id: int | None, at: datetime, held_back: int
) -> Reply:
    """The alert an admin gets: what failed, in which update, when; never the user's input."""
    text = tr._(
        "⚠️ Unexpected error: {error}\nUpdate: {update}\nTime: {time}",
        error=f"<code>{escape(error)}</code>",
        update=update_id if update_id is not None else "-",
        time=at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
    )
    if held_back:
        text += "\n" + tr.ngettext(
            "And {count} more error since the last alert.",
            "And {count} more errors since the last alert.",
            held_back,
        )
    return Reply(text)
