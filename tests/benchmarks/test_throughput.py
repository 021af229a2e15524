"""The throughput benchmark's quick path at tiny sizes: every location answered, rightly."""

from __future__ import annotations

import json
from types import SimpleNamespace

from benchmarks.throughput import (
    Config,
    Target,
    answer_problems,
    render,
    run_benchmark,
    to_json,
)
from bot.domain.zones import Zone, ZoneKind

TINY = Config(zones=500, updates=50, rounds=1, warmup=5, latency_updates=5)


async def test_every_bot_answers_every_location() -> None:
    report = await run_benchmark(TINY, "test", quiet=True)  # raises on any wrong answer

    assert [run.kind for run in report.runs] == ["bare", "safemeet-seq", "safemeet"]
    for run in report.runs:
        assert run.throughput.updates == TINY.updates
        assert run.latency.updates == TINY.latency_updates
        assert run.throughput.elapsed_s > 0
    text = render(report)
    assert "safemeet-seq / bare" in text
    assert "safemeet / bare" in text
    assert json.loads(json.dumps(to_json(report)))["config"]["updates"] == TINY.updates


def test_missing_extra_and_misplaced_venues_are_problems() -> None:
    zone = Zone(id="z-1", name="Station", kind=ZoneKind.POLICE_STATION, lat=45.0, lon=5.0)
    right, wrong, missing = (Target(chat, 45.0, 5.0, zone) for chat in (1, 2, 3))
    venue = {"latitude": "45.0", "longitude": "5.0", "title": "Station"}
    elsewhere = {"latitude": "46.0", "longitude": "5.0", "title": "Elsewhere"}
    api = SimpleNamespace(
        calls=[],
        venues={1: [(2.0, venue)], 2: [(2.0, elsewhere)]},
        texts={1: [1.0], 2: [1.0, 1.5]},
    )

    problems = list(answer_problems(api, "safemeet", [right, wrong, missing]))  # type: ignore[arg-type]

    assert not any(problem.startswith("chat 1:") for problem in problems)
    assert any(problem.startswith("chat 2: venue 'Elsewhere'") for problem in problems)
    assert "chat 2: 2 texts instead of 1" in problems
    assert "chat 3: 0 venues instead of 1" in problems
