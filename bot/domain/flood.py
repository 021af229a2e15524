"""Per-user flood limit: a sliding window of recent requests, one warning, then silence."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

DEFAULT_LIMIT = 30
DEFAULT_WINDOW_S = 60.0
# Forget idle users every this many checks, so the table only holds recently active ones.
_PRUNE_EVERY = 1024


class Verdict(StrEnum):
    """What to do with one request."""

    ALLOW = "allow"
    WARN = "warn"  # the first request over the limit: say "slow down" once
    DROP = "drop"  # every further one until the window has room again: silence


@dataclass
class _History:
    """A user's recent request times (at most ``limit``) and whether they were warned."""

    times: deque[float]
    warned: bool = False


@dataclass
class FloodGate:
    """At most ``limit`` requests per user in any ``window_s`` seconds; 0 disables it."""

    limit: int = DEFAULT_LIMIT
    window_s: float = DEFAULT_WINDOW_S
    clock: Callable[[], float] = time.monotonic
    _users: dict[int, _History] = field(default_factory=dict, init=False, repr=False)
    _checks: int = field(default=0, init=False, repr=False)

    def check(self, user_id: int) -> Verdict:
        """Record a request by ``user_id`` and say whether to handle it."""
        if self.limit <= 0:
            return Verdict.ALLOW
        now = self.clock()
        self._maybe_prune(now)
        history = self._users.get(user_id)
        if history is None:
            history = self._users[user_id] = _History(deque(maxlen=self.limit))
        if len(history.times) < self.limit or now - history.times[0] >= self.window_s:
            history.times.append(now)  # the oldest falls out of the full deque
            history.warned = False
            return Verdict.ALLOW
        if history.warned:
            return Verdict.DROP
        history.warned = True
        return Verdict.WARN

    def tracked_users(self) -> int:
        """How many users the gate currently remembers."""
        return len(self._users)

    def _maybe_prune(self, now: float) -> None:
        """Now and then, forget users whose latest request left the window."""
        self._checks += 1
        if self._checks % _PRUNE_EVERY:
            return
        idle = [
            user_id
            for user_id, history in self._users.items()
            if not history.times or now - history.times[-1] >= self.window_s
        ]
        for user_id in idle:
            del self._users[user_id]
