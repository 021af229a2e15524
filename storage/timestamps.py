"""Times as stored: Unix seconds in the database, aware UTC datetimes outside it; the clock."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.clock import Clock, utc_now

__all__ = ["Clock", "from_seconds", "to_seconds", "utc_now"]  # repositories take a Clock


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
