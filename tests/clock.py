"""One settable clock for every test: the code under test reads it, the test moves it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

# Noon in Connecticut on a Monday in June: the "dark now" advice stays out of answers and
# the stations' opening hours are open, unless a test moves the clock.
NOON = datetime(2026, 6, 15, 16, 0, tzinfo=UTC)

T = TypeVar("T", float, datetime)


class Clock(Generic[T]):
    """Returns ``now`` (Unix or monotonic seconds, or an aware datetime) until moved."""

    def __init__(self, now: T) -> None:
        self.now: T = now

    def __call__(self) -> T:
        return self.now

    def advance(self, by: timedelta | float) -> None:
        """Move the clock forward: a timedelta for a datetime clock, seconds otherwise."""
        self.now += by  # type: ignore[operator]
