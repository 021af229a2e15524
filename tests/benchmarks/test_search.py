"""The search benchmark's quick path at tiny sizes: same answers as the naive scan."""

from __future__ import annotations

import json
import math

from benchmarks.search import main, naive_nearest, run_size, same_answer
from benchmarks.synthetic import land_cells, synthetic_queries, synthetic_zones
from bot.domain.geo import Point
from bot.domain.search import ZoneMatch
from bot.domain.zones import Zone, ZoneKind


async def test_every_answer_matches_the_naive_scan(tmp_path) -> None:
    queries = synthetic_queries(50)
    result = await run_size(200, queries, naive_count=50, workdir=tmp_path, warmup=5)

    assert result.mismatches == []
    assert result.naive_queries == 50  # every query checked
    assert result.queries == 50
    assert 0 < result.p50_ms <= result.p99_ms
    assert set(result.p99_ms_by_kind) == {"land", "antimeridian", "polar"}
    assert all(result.p50_ms_by_kind[kind] <= p99 for kind, p99 in result.p99_ms_by_kind.items())
    assert not list(tmp_path.iterdir())  # the database files are removed


def test_command_line_writes_json_and_exits_zero(tmp_path, capsys) -> None:
    out = tmp_path / "search.json"
    assert main(["--sizes", "150", "--queries", "20", "--json", str(out)]) == 0

    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["machine"]["cpu_count"] >= 1
    assert payload["results"][0]["zones"] == 150
    assert payload["results"][0]["mismatches"] == []
    assert "naive median ms" in capsys.readouterr().out


def test_synthetic_data_is_deterministic_and_on_land() -> None:
    first, again = synthetic_zones(300), synthetic_zones(300)
    assert list(first.lats) == list(again.lats)
    assert list(first.lons) == list(again.lons)
    assert len({first.zone_id(i) for i in range(len(first))}) == 300
    assert min(first.lats) < -60  # Antarctica is land: polar zones exist
    cells = set(land_cells())
    positions = zip(first.lats, first.lons, strict=True)
    assert {(math.floor(lat), math.floor(lon)) for lat, lon in positions} <= cells
    kinds = [query.kind for query in synthetic_queries(100)]
    assert kinds.count("antimeridian") == kinds.count("polar") == 10


def test_a_tie_at_the_same_distance_is_not_a_mismatch() -> None:
    def match(zone_id: str, distance: float) -> ZoneMatch:
        zone = Zone(id=zone_id, name=zone_id, kind=ZoneKind.POLICE_STATION, lat=0, lon=0)
        return ZoneMatch(zone, distance, 0.0)

    assert same_answer([match("b", 10.0)], [(10.0, "a")])
    assert not same_answer([match("b", 10.0)], [(9.0, "a")])
    zones = synthetic_zones(50)
    expected = naive_nearest(zones, Point(0.0, 0.0), 3)
    assert [distance for distance, _ in expected] == sorted(d for d, _ in expected)
