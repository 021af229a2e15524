"""Is a zone open now? OSM ``opening_hours`` evaluated on the zone's own clock.

The parsing and evaluation are opening-hours-py's (module ``opening_hours``). This module
only decides what the bot can honestly say: a string the library cannot read, or whose
answer depends on something it does not know here (a public holiday with no calendar for
the country, sunrise or sunset), is "unknown" rather than a confident guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from opening_hours import (  # type: ignore[attr-defined]  # the stub lacks UnknownCountryError
    OpeningHours,
    State,
    UnknownCountryError,
    validate,
)

from bot.domain.countries import countries_at
from bot.domain.geo import Point
from bot.domain.localtime import timezone_at

if TYPE_CHECKING:
    from bot.domain.zones import (
        Zone,  # bot.domain.zones checks its opening hours with readable_hours
    )

# A next change further away than this many days is not looked for (it is not news, and
# an expression that never changes would otherwise be searched until the year 9999).
HORIZON_DAYS = 8
_ALWAYS = "24/7"
_PUBLIC_HOLIDAY = re.compile(r"\bPH\b", re.IGNORECASE)
_SCHOOL_HOLIDAY = re.compile(r"\bSH\b", re.IGNORECASE)  # no calendar for these at all
# Without the place's position the library's sun times are defaults (07:00, 19:00).
_SUN_EVENT = re.compile(r"\b(?:sunrise|sunset|dawn|dusk)\b", re.IGNORECASE)


class HoursKind(StrEnum):
    """What the opening hours say about now."""

    ALWAYS_OPEN = "always_open"
    OPEN = "open"
    CLOSED = "closed"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class HoursStatus:
    """Open or closed now, and when that changes, on the zone's clock."""

    kind: HoursKind
    raw: str = ""  # the opening_hours string as given (shown when kind is UNKNOWN)
    checked_at: datetime | None = None  # "now", in the zone's local time
    next_change: datetime | None = None  # local, aware; None when not within HORIZON_DAYS

    @property
    def closed(self) -> bool:
        """True when the zone is known to be closed now."""
        return self.kind is HoursKind.CLOSED


def _is_always(text: str) -> bool:
    return text.replace(" ", "") == _ALWAYS


def readable_hours(opening_hours: str) -> bool:
    """True when the bot can read the expression (as hours_status does); empty is not."""
    text = " ".join(opening_hours.split())
    if not text:
        return False
    if _is_always(text):
        return True
    try:
        return bool(validate(text))
    except Exception:  # the library's own errors on input it cannot handle at all
        return False


@lru_cache(maxsize=256)
def _has_holiday_calendar(country: str) -> bool:
    """True when the library knows the public holidays of this ISO country code."""
    try:
        OpeningHours("PH", country=country, auto_country=False, auto_timezone=False)
    except (UnknownCountryError, ValueError):
        return False
    return True


def _holiday_country(country: str, point: Point | None) -> str | None:
    """The country whose holiday calendar applies, None when unknown or not in the library."""
    codes = {country.upper()} if country else set()
    if not codes and point is not None:
        codes = set(countries_at(round(point.lat, 4), round(point.lon, 4)))
    if len(codes) != 1:
        return None
    code = codes.pop()
    return code if _has_holiday_calendar(code) else None


@lru_cache(maxsize=1024)
def _parsed(
    text: str, tz: ZoneInfo, country: str | None, coords: tuple[float, float] | None
) -> OpeningHours:
    """The parsed expression (raises the library's ParserError when it cannot be read).

    ``coords`` give true sun times; the explicit ``tz`` wins over the library's own guess.
    """
    return OpeningHours(
        text,
        timezone=tz,
        country=country,
        coords=coords,
        auto_country=False,
        auto_timezone=coords is not None,  # off without coords: sun times stay defaults then
        max_interval_days=HORIZON_DAYS,
    )


def _evaluate(
    text: str, tz: ZoneInfo, country: str | None, point: Point | None, local_now: datetime
) -> HoursStatus:
    coords = (round(point.lat, 4), round(point.lon, 4)) if point is not None else None
    expression = _parsed(text, tz, country, coords)
    state, _comment = expression.state(local_now)
    if state is State.UNKNOWN:
        return HoursStatus(HoursKind.UNKNOWN, text, local_now)
    change = expression.next_change(local_now)
    if state is State.OPEN:
        if change is None and str(expression.normalize()) == _ALWAYS:
            return HoursStatus(HoursKind.ALWAYS_OPEN, text, local_now)
        return HoursStatus(HoursKind.OPEN, text, local_now, _local(change, tz))
    return HoursStatus(HoursKind.CLOSED, text, local_now, _local(change, tz))


def _local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def hours_status(
    opening_hours: str, where: Point | ZoneInfo, now: datetime, country: str = ""
) -> HoursStatus:
    """What ``opening_hours`` say at the instant ``now`` for a place (its position or tz).

    ``country`` (ISO code) picks the public-holiday calendar; from a position it is found
    from the timezone when not given. Never raises on bad input: that is UNKNOWN.
    """
    text = " ".join(opening_hours.split())
    if not text:
        return HoursStatus(HoursKind.UNKNOWN)
    if _is_always(text):
        return HoursStatus(HoursKind.ALWAYS_OPEN, text)
    point = where if isinstance(where, Point) else None
    tz = timezone_at(where) if isinstance(where, Point) else where
    local_now = (now if now.tzinfo else now.replace(tzinfo=UTC)).astimezone(tz)
    if _SCHOOL_HOLIDAY.search(text) or (point is None and _SUN_EVENT.search(text)):
        return HoursStatus(HoursKind.UNKNOWN, text, local_now)
    holidays = _holiday_country(country, point)
    if holidays is None and _PUBLIC_HOLIDAY.search(text):
        return HoursStatus(HoursKind.UNKNOWN, text, local_now)
    try:
        return _evaluate(text, tz, holidays, point, local_now)
    except Exception:  # the library's ParserError, and anything else a bad string may raise
        return HoursStatus(HoursKind.UNKNOWN, text, local_now)


def zone_hours(zone: Zone, now: datetime) -> HoursStatus:
    """Whether a zone is open at the instant ``now``, on its own clock."""
    return hours_status(zone.opening_hours, zone.point, now, zone.country)
