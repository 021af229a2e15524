"""The clock every time-dependent part is given: real time in production, a fake in tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real time, aware and in UTC: the default clock."""
    return datetime.now(UTC)
