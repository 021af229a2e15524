"""Reading when a meetup is ("in 90 min", "tomorrow 18:30", "samedi 14h") as a UTC instant."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import dateparser

MAX_AHEAD = timedelta(days=365)
MAX_TEXT = 80
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class WhenProblem(StrEnum):
    """Why a time cannot be used for a meetup."""

    UNPARSEABLE = "unparseable"
    PAST = "past"
    TOO_FAR = "too_far"


class WhenError(ValueError):
    """A meetup time we cannot use."""

    def __init__(self, problem: WhenProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Moment:
    """A parsed meetup time: the UTC instant, and whether the wall time had to be moved
    (it fell in a daylight-saving gap)."""

    at: datetime
    shifted: bool = False


def parse_duration(text: str) -> timedelta:
    """``"15m"`` -> 15 minutes; units s, m, h, d. Raises ValueError otherwise."""
    match = _DURATION.match(text)
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"not a duration like 15m, 1h or 30s: {text!r}")
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()])


def parse_leads(text: str) -> tuple[timedelta, ...]:
    """``"60m,15m"`` -> lead times, longest first, without duplicates."""
    leads = {parse_duration(part) for part in text.split(",") if part.strip()}
    if not leads:
        raise ValueError("at least one reminder lead time is needed")
    return tuple(sorted(leads, reverse=True))


def localize(wall: datetime, tz: ZoneInfo) -> Moment:
    """Attach ``tz`` to a naive wall time; a time in a DST gap moves forward past the gap."""
    aware = wall.replace(tzinfo=tz)
    back = aware.astimezone(UTC).astimezone(tz)
    if back.replace(tzinfo=None) != wall:
        # Nonexistent wall time (clocks spring forward): fold=0 reads it with the offset from
        # before the jump, which lands as far past the gap as the time was into it.
        return Moment(aware.astimezone(UTC), shifted=True)
    return Moment(aware.astimezone(UTC))


def _parse_wall(text: str, base: datetime, languages: list[str]) -> datetime | None:
    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": base,
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    return dateparser.parse(text, languages=languages, settings=settings)


def parse_when(text: str, now: datetime, tz: ZoneInfo, language: str = "en") -> Moment:
    """The instant ``text`` means at a place in ``tz``, said at UTC instant ``now``.

    Relative times ("in 90 min") are added to ``now`` as real elapsed time; wall times
    ("tomorrow 18:30") are read on the place's clock, so DST changes are handled.
    """
    cleaned = " ".join(text.split())[: MAX_TEXT + 1]
    if not cleaned or len(cleaned) > MAX_TEXT:
        raise WhenError(WhenProblem.UNPARSEABLE)
    languages = list(dict.fromkeys([language, "en"]))
    base = now.astimezone(tz).replace(tzinfo=None, microsecond=0)
    first = _parse_wall(cleaned, base, languages)
    if first is None:
        raise WhenError(WhenProblem.UNPARSEABLE)
    # A relative phrase moves with its base; a wall time does not.
    second = _parse_wall(cleaned, base + timedelta(minutes=1), languages)
    if second is not None and second - first == timedelta(minutes=1):
        moment = Moment((now + (first - base)).astimezone(UTC).replace(microsecond=0))
    else:
        moment = localize(first, tz)
    check_window(moment.at, now)
    return moment


def check_window(at: datetime, now: datetime) -> None:
    """Refuse meetups in the past or more than a year ahead."""
    if at <= now:
        raise WhenError(WhenProblem.PAST)
    if at - now > MAX_AHEAD:
        raise WhenError(WhenProblem.TOO_FAR)


def quick_choices(now: datetime, tz: ZoneInfo) -> dict[str, datetime]:
    """Ready-made times: in one hour, this evening at 18:00 (if still ahead), tomorrow noon."""
    local = now.astimezone(tz)
    choices = {"in_1_hour": (now + timedelta(hours=1)).replace(second=0, microsecond=0)}
    evening = localize(
        local.replace(hour=18, minute=0, second=0, microsecond=0, tzinfo=None), tz
    ).at
    if evening - now >= timedelta(minutes=30):
        choices["this_evening"] = evening
    noon = (local + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
    choices["tomorrow_noon"] = localize(noon.replace(tzinfo=None), tz).at
    return choices
