"""A circuit breaker: stop calling a failing service for a while, then try it once again."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum


class BreakerState(StrEnum):
    """Closed: calls go through. Open: refused. Half-open: one trial call goes through."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Opens after ``failures`` failures in a row; after ``cooldown_s`` lets one trial through.

    A successful trial closes it again, a failed one opens it for another cooldown.
    """

    def __init__(
        self,
        failures: int = 3,
        cooldown_s: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = failures
        self._cooldown_s = cooldown_s
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False

    @property
    def state(self) -> BreakerState:
        """The current state."""
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._trial or self._clock() - self._opened_at >= self._cooldown_s:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def allow(self) -> bool:
        """Whether a call may go out now; a True while half-open claims the one trial."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.OPEN or self._trial:
            return False
        self._trial = True
        return True

    def record_success(self) -> None:
        """A call succeeded: close."""
        self._failures = 0
        self._opened_at = None
        self._trial = False

    def record_failure(self) -> None:
        """A call failed (an error or a timeout): open once failures pile up or a trial fails."""
        self._failures += 1
        if self._trial or self._failures >= self._threshold:
            self._opened_at = self._clock()
        self._trial = False

    def release(self) -> None:
        """A call ended without an outcome (cancelled): a claimed trial is free again."""
        self._trial = False
