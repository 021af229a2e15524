"""Admin alerts about unexpected errors: at most one per window, counting those held back."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_WINDOW_S = 600.0  # ten minutes


@dataclass
class AlertGate:
    """Lets one alert through per ``window_s`` seconds; the next one says how many were held."""

    window_s: float = DEFAULT_WINDOW_S
    clock: Callable[[], float] = time.monotonic
    _last_sent: float | None = field(default=None, init=False, repr=False)
    _held_back: int = field(default=0, init=False, repr=False)

    def admit(self) -> int | None:
        """None: hold this alert back (it is counted). Otherwise send it, mentioning the
        returned number of alerts held back since the last one sent."""
        now = self.clock()
        if self._last_sent is not None and now - self._last_sent < self.window_s:
            self._held_back += 1
            return None
        held_back, self._held_back, self._last_sent = self._held_back, 0, now
        return held_back

    @property
    def held_back(self) -> int:
        """Alerts held back since the last one sent."""
        return self._held_back
