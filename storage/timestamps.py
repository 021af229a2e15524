"""Times as stored: Unix seconds in the database, aware UTC datetimes outside it; the clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

# What every repository reads the time from: an aware UTC datetime, like the application's.
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real time, aware and in UTC: every repository's default clock."""
    return datetime.now(UTC)


def to_seconds(moment: datetime) -> float:
    """A datetime as the Unix seconds stored in the database."""
    return moment.timestamp()


def from_seconds(seconds: float) -> datetime:
    """Stored Unix seconds as an aware UTC datetime."""
    return datetime.fromtimestamp(seconds, UTC)


def from_optional_seconds(seconds: float | None) -> datetime | None:
    """Stored Unix seconds as an aware UTC datetime; None (NULL) stays None."""
    return None if seconds is None else from_seconds(seconds)


def now_seconds(clock: Clock) -> float:
    """The clock's time as Unix seconds."""
    return to_seconds(clock())
