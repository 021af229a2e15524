"""The flood gate: a limit per user over a sliding window, one warning, then silence."""

from __future__ import annotations

from bot.domain.flood import FloodGate, Verdict
from tests.clock import Clock

START_S = 1000.0  # monotonic seconds


def test_within_the_limit_everything_passes() -> None:
    gate = FloodGate(limit=3, window_s=60, clock=Clock(START_S))
    assert [gate.check(1) for _ in range(3)] == [Verdict.ALLOW] * 3


def test_over_the_limit_one_warning_then_silence() -> None:
    gate = FloodGate(limit=3, window_s=60, clock=Clock(START_S))
    verdicts = [gate.check(1) for _ in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]


def test_users_are_counted_apart() -> None:
    gate = FloodGate(limit=2, window_s=60, clock=Clock(START_S))
    for _ in range(5):
        gate.check(1)
    assert gate.check(2) is Verdict.ALLOW


def test_the_window_slides() -> None:
    clock = Clock(START_S)
    gate = FloodGate(limit=2, window_s=60, clock=clock)
    gate.check(1)
    clock.now += 30
    gate.check(1)
    assert gate.check(1) is Verdict.WARN
    clock.now += 30  # the first request left the window, the second did not
    assert gate.check(1) is Verdict.ALLOW
    assert gate.check(1) is Verdict.WARN  # warned again: a new episode


def test_dropped_requests_do_not_extend_the_wait() -> None:
    clock = Clock(START_S)
    gate = FloodGate(limit=1, window_s=10, clock=clock)
    gate.check(1)
    for _ in range(50):
        clock.now += 0.1
        gate.check(1)
    clock.now = START_S + 10
    assert gate.check(1) is Verdict.ALLOW


def test_zero_disables_the_limit() -> None:
    gate = FloodGate(limit=0, window_s=60, clock=Clock(START_S))
    assert {gate.check(1) for _ in range(1000)} == {Verdict.ALLOW}
    assert gate.tracked_users() == 0


def test_idle_users_are_forgotten() -> None:
    clock = Clock(START_S)
    gate = FloodGate(limit=5, window_s=60, clock=clock)
    for user_id in range(2000):
        gate.check(user_id)
    clock.now += 61
    for _ in range(1024):
        gate.check(99_999)
    assert gate.tracked_users() < 100
