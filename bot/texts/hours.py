"""Opening hours in replies: "open now, closes 6:00 PM", and the note on closed places."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from babel.dates import format_skeleton, format_time

from bot.domain.hours import HoursKind, HoursStatus
from bot.domain.search import ZoneMatch
from bot.domain.zones import Zone
from bot.i18n import Translator
from bot.usecases.finder import NearestAnswer

_WEEK_DAYS = 7


def moment_text(moment: datetime, today: datetime | None, tr: Translator) -> str:
    """'6:00 PM' today, 'Mon 8:00 AM' within the week, 'Mon, Jun 22 8:00 AM' beyond."""
    time = format_time(moment, "short", tzinfo=moment.tzinfo, locale=tr.language)
    days = (moment.date() - today.date()).days if today is not None else 0
    if days == 0:
        return time
    day = format_skeleton("E" if 0 < days < _WEEK_DAYS else "MMMEd", moment, locale=tr.language)
    return f"{day} {time}"


def _raw_or_unknown(zone: Zone, tr: Translator) -> str:
    if zone.opening_hours.strip():
        return tr._("hours: {hours}", hours=escape(zone.opening_hours.strip()))
    return tr._("hours unknown, call ahead")


def hours_text(zone: Zone, status: HoursStatus | None, tr: Translator) -> str:
    """The zone's hours now: open 24/7, open or closed and until when, else as written."""
    if status is None:  # not evaluated: say what the data says
        return tr._("open 24/7") if zone.is_24_7 else _raw_or_unknown(zone, tr)
    change = status.next_change
    when = moment_text(change, status.checked_at, tr) if change is not None else ""
    if status.kind is HoursKind.ALWAYS_OPEN:
        return tr._("open 24/7")
    if status.kind is HoursKind.OPEN:
        return tr._("open now, closes {time}", time=when) if when else tr._("open now")
    if status.kind is HoursKind.CLOSED:
        return tr._("closed now, opens {time}", time=when) if when else tr._("closed now")
    return _raw_or_unknown(zone, tr)


def closed_note(answer: NearestAnswer, shown: Sequence[ZoneMatch], tr: Translator) -> str:
    """A line when a nearer place went down the list for being closed, or all are closed."""
    if not answer.nearby or not shown:
        return ""
    statuses = [answer.hours.get(match.zone.id) for match in shown]
    if all(status is not None and status.closed for status in statuses):
        return "🕒 " + tr.ngettext(
            "This place is closed now. Call ahead before you go, or choose a place open 24/7.",
            "These places are all closed now. Call ahead before you go, or choose a place "
            "open 24/7.",
            len(shown),
        )
    if answer.closed_moved_down:
        return "🕒 " + tr._(
            "A nearer place is closed now, so it is listed after the open ones. Call ahead, "
            "or choose a place open 24/7."
        )
    return ""
