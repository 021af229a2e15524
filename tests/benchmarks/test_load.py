"""The load benchmark's quick mode: every user answered rightly, once; the checks themselves."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace

import pytest

from benchmarks.load import (
    MEETUP_PLANNED,
    QUICK,
    PostalTarget,
    SoakResult,
    User,
    database_problems,
    render,
    run_benchmark,
    to_json,
    user_problems,
)
from benchmarks.throughput import Target
from bot.domain.zones import Zone, ZoneKind


@pytest.mark.timeout(600)
async def test_quick_mode_answers_every_user_and_soaks() -> None:
    report = await run_benchmark(QUICK, "test", quiet=True)  # raises on any wrong answer

    assert report.load is not None
    assert report.soak is not None
    assert report.load.users == QUICK.users
    assert report.load.updates == 3 * QUICK.users
    assert report.load.answers == 5 * QUICK.users
    assert report.load.meetups == QUICK.users
    assert report.load.integrity == "ok"
    assert report.soak.updates == QUICK.soak_updates
    assert len(report.soak.rss_mb) in (0, QUICK.soak_updates // QUICK.soak_batch)  # no /proc: 0
    assert "soak:" in render(report)
    assert json.loads(json.dumps(to_json(report)))["load"]["users"] == QUICK.users


def _zone(index: int) -> Zone:
    return Zone(
        id=f"z-{index}", name=f"Zone {index}", kind=ZoneKind.EXCHANGE_ZONE, lat=45, lon=index
    )


def _user(chat_id: int) -> User:
    location = Target(chat_id, 45.0, 1.0, _zone(1))
    return User(location, PostalTarget(chat_id, 45.0, 2.0, _zone(2), "06604"))


def _venue(index: int) -> tuple[float, dict]:
    return 0.0, {"latitude": "45.0", "longitude": str(index), "title": f"Zone {index}"}


def _api(venues: dict, messages: dict) -> SimpleNamespace:
    return SimpleNamespace(
        calls=[], venues=defaultdict(list, venues), messages=defaultdict(list, messages)
    )


def test_a_rightly_answered_user_has_no_problem() -> None:
    card = f"✅ <b>{MEETUP_PLANNED}</b>\n📍 <b>Zone 2</b>"
    api = _api({1: [_venue(1), _venue(2)]}, {1: ["found", "found", card]})

    assert list(user_problems(api, _user(1))) == []  # type: ignore[arg-type]


def test_missing_duplicate_and_misplaced_answers_are_problems() -> None:
    card_elsewhere = f"{MEETUP_PLANNED}\nZone 1"
    api = _api(
        {1: [_venue(1)], 2: [_venue(2), _venue(1)], 3: [_venue(1), _venue(2)]},
        {1: ["found", "found"], 2: ["a", "b", card_elsewhere], 3: [MEETUP_PLANNED] * 3},
    )

    problems = [p for chat in (1, 2, 3) for p in user_problems(api, _user(chat))]  # type: ignore[arg-type]

    assert "chat 1: 1 pins instead of 2" in problems
    assert "chat 1: 2 texts instead of 3" in problems
    assert "chat 1: 0 meetup cards instead of 1" in problems
    assert any(p.startswith("chat 2: venue 'Zone 2'") for p in problems)
    assert "chat 2: the meetup is not at 'Zone 2'" in problems
    assert "chat 3: 3 meetup cards instead of 1" in problems


def test_database_needs_exactly_one_meetup_per_user_at_the_postal_zone(tmp_path: Path) -> None:
    path = tmp_path / "meetups.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE meetups (user_id INTEGER, zone_id TEXT, status TEXT)")
        rows = [(1, "z-2", "planned"), (2, "z-2", "planned"), (2, "z-2", "planned")]
        rows += [(3, "z-1", "planned"), (9, "z-2", "cancelled")]
        db.executemany("INSERT INTO meetups VALUES (?, ?, ?)", rows)
        db.commit()

    count, integrity, problems = database_problems(path, [_user(1), _user(2), _user(3), _user(4)])

    assert (count, integrity) == (5, "ok")
    assert problems == [
        "user 2: not exactly one meetup stored",
        "user 3: meetup at z-1",
        "user 4: not exactly one meetup stored",
        "user 9: 1 unexpected meetup(s)",
        "meetup of user 9 is cancelled",
    ]


def test_memory_is_flat_unless_the_last_quarter_clearly_grew() -> None:
    def soak(series: list[float]) -> SoakResult:
        return SoakResult(len(series), 1, 1, 1, 1.0, None, None, series)

    assert soak([100.0, 101.0, 100.0, 108.0]).flat
    assert soak([200.0] * 4 + [219.0] * 4).flat  # 10% of 200 MB allowed
    assert not soak([100.0] * 4 + [111.0] * 4).flat
    assert soak([]).flat  # no /proc: nothing to judge
